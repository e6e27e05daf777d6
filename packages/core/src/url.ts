/**
 * Normalises a WATS server address: no trailing slash, no trailing `/api` (operation paths
 * already start with `/api`), and only http or https.
 */
export function normaliseBaseUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new TypeError(
      `baseUrl: "${input}" is not an absolute URL (expected e.g. https://your-company.wats.com)`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`baseUrl: protocol "${url.protocol}" is not supported (use http or https)`);
  }
  if (url.username || url.password) {
    throw new TypeError("baseUrl: must not contain credentials; pass the token option instead");
  }
  let path = url.pathname.replace(/\/+$/, "");
  if (path.toLowerCase().endsWith("/api")) path = path.slice(0, -4);
  return `${url.origin}${path}`;
}

const SECRET_QUERY_KEYS = /^(token|access_token|apikey|api_key|password|secret|code)$/i;

/** The URL with credentials and secret-looking query values replaced, safe to log or throw. */
export function redactUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return input;
  }
  if (url.username) url.username = "REDACTED";
  if (url.password) url.password = "REDACTED";
  for (const key of [...url.searchParams.keys()]) {
    if (SECRET_QUERY_KEYS.test(key)) url.searchParams.set(key, "REDACTED");
  }
  return url.toString();
}

/** An operation's path template split once: literal text around plain `{name}` parameters. */
interface CompiledPath {
  /** `literals[i]` comes before `names[i]`; the last literal ends the path. */
  literals: string[];
  names: string[];
}

const compiledPaths = new Map<string, CompiledPath | null>();

/** The template split at its parameters, or null when one uses a style (`{x*}`, `{.x}`, `{;x}`). */
function compilePath(template: string): CompiledPath | null {
  let compiled = compiledPaths.get(template);
  if (compiled !== undefined) return compiled;
  const literals: string[] = [];
  const names: string[] = [];
  let rest = template;
  compiled = { literals, names };
  for (;;) {
    const open = rest.indexOf("{");
    const close = open < 0 ? -1 : rest.indexOf("}", open);
    if (open < 0 || close < 0) {
      literals.push(rest);
      break;
    }
    const name = rest.slice(open + 1, close);
    if (name === "" || /[{*.;]/.test(name)) {
      compiled = null;
      break;
    }
    literals.push(rest.slice(0, open));
    names.push(name);
    rest = rest.slice(close + 1);
  }
  compiledPaths.set(template, compiled);
  return compiled;
}

/**
 * `baseUrl` + the path with its parameters filled in (each value `encodeURIComponent`-ed, as
 * openapi-fetch's simple style does), from the template split once per operation. Undefined when
 * this fast form does not apply (a styled template, a parameter missing, or a value that is an
 * array or object): the caller then uses the general serializer.
 */
export function fillPath(
  baseUrl: string,
  template: string,
  values: Record<string, unknown>,
): string | undefined {
  const compiled = compilePath(template);
  if (compiled === null || baseUrl.includes("{")) return undefined;
  const { literals, names } = compiled;
  let url = baseUrl + literals[0];
  for (let i = 0; i < names.length; i++) {
    const value = values[names[i] as string];
    if (value === undefined || value === null || typeof value === "object") return undefined;
    url += encodeURIComponent(value as string | number | boolean) + literals[i + 1];
  }
  return url;
}

/**
 * Characters after which the URL parser may send other bytes than the string holds: anything
 * outside printable ASCII, the ones it percent-encodes in a path or query (a quote, `<`, `>`,
 * a backtick, braces, `^`, `|`), `\` (read as `/`), `#`, dot segments (`/.`, `%2e`), and an empty query (a trailing `?`).
 */
const NEEDS_URL_PARSER = /[^\x21-\x7e]|["'<>\\^`{|}#]|\/\.|%2e|\?$/i;

/**
 * Origin and path+query of a request URL, as the URL parser gives them (the bytes fetch would
 * send). A URL under `origin` made only of characters the parser leaves alone is split as it is:
 * parsing it again for every request costs more than the rest of building it.
 */
export function requestTarget(url: string, origin: string | undefined): { origin: string; path: string } {
  if (origin !== undefined && url.startsWith(origin) && url.charCodeAt(origin.length) === 47 /* / */) {
    const path = url.slice(origin.length);
    if (!NEEDS_URL_PARSER.test(path)) return { origin, path };
  }
  const parsed = new URL(url);
  return { origin: parsed.origin, path: parsed.pathname + parsed.search };
}
