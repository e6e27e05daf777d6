/**
 * The API token as the transport uses it: a fixed string, or a function (sync or async) called
 * before every attempt, so a rotated token takes effect on the next request without rebuilding
 * the client (which would lose the breaker's and throttle's state). Every token seen is kept in
 * the list of secrets scrubbed from errors and log lines (the last few, for late echoes).
 */
import { WatsAuthenticationError } from "./errors.js";
import { tokenSecrets } from "./redact.js";

/** What `token` accepts: the token WATS issued, or a function that returns the current one. */
export type TokenSource = string | (() => string | Promise<string>);

const TOKEN_TEXT = /^[\x21-\x7e]+$/;
const KEPT_TOKENS = 4;

export class AuthToken {
  readonly #source: (() => string | Promise<string>) | undefined;
  #fixedHeader: string | undefined;
  #lastToken: string | undefined;
  #lastHeader = "";
  readonly #recent: string[] = [];
  /** Values that must never reach an error or a log line; updated in place as tokens change. */
  readonly secrets: string[] = [];

  constructor(source: TokenSource) {
    if (typeof source === "function") {
      this.#source = source;
    } else {
      const token = source.trim();
      this.#fixedHeader = `Basic ${token}`;
      this.#remember(token);
    }
  }

  get rotating(): boolean {
    return this.#source !== undefined;
  }

  /** The `Authorization` value for the next attempt. */
  header(operation: string): string | Promise<string> {
    if (this.#fixedHeader !== undefined) return this.#fixedHeader;
    let produced: string | Promise<string>;
    try {
      produced = (this.#source as () => string | Promise<string>)();
    } catch (cause) {
      throw new WatsAuthenticationError(`${operation}: the token function threw`, { operation, cause });
    }
    return produced instanceof Promise
      ? produced.then(
          (token) => this.#headerFor(token, operation),
          (cause: unknown) => {
            throw new WatsAuthenticationError(`${operation}: the token function failed`, {
              operation,
              cause,
            });
          },
        )
      : this.#headerFor(produced, operation);
  }

  #headerFor(token: unknown, operation: string): string {
    if (token === this.#lastToken) return this.#lastHeader;
    if (typeof token !== "string" || !TOKEN_TEXT.test(token.trim())) {
      throw new WatsAuthenticationError(
        `${operation}: the token function returned ${typeof token === "string" ? "an empty or malformed token (visible ASCII only)" : typeof token}, not a token`,
        { operation },
      );
    }
    const trimmed = token.trim();
    this.#remember(trimmed);
    this.#lastToken = token;
    this.#lastHeader = `Basic ${trimmed}`;
    return this.#lastHeader;
  }

  #remember(token: string): void {
    if (this.#recent.includes(token)) return;
    this.#recent.push(token);
    if (this.#recent.length > KEPT_TOKENS) this.#recent.shift();
    this.secrets.length = 0;
    for (const kept of this.#recent) this.secrets.push(...tokenSecrets(kept));
  }
}
