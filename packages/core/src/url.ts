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
