/**
 * API tokens. WATS issues a token that is already base64 and clients send it as
 * `Authorization: Basic <token>`. A token has full rights or read-only rights; a read-only token
 * gets 403 on every write.
 */
import { randomBytes } from "node:crypto";

export type Rights = "all" | "read";

export interface TokenSpec {
  token: string;
  rights?: Rights;
  /** User name the token acts as (ticket owner, asset log user, ...). Default "simulator". */
  user?: string;
}

export interface TokenInfo {
  readonly token: string;
  readonly rights: Rights;
  readonly user: string;
  /** Name given with `GET /api/Auth/GetToken/{identifier}`; the user name otherwise. */
  readonly identifier: string;
}

export type AuthResult =
  | { ok: true; info: TokenInfo }
  | { ok: false; reason: "missing" | "scheme" | "unknown" };

/** A new random token: base64 of `<identifier>:<32 hex digits>`, like the ones WATS issues. */
export function newToken(identifier: string): string {
  return Buffer.from(`${identifier}:${randomBytes(16).toString("hex")}`).toString("base64");
}

export class TokenRegistry {
  readonly #tokens = new Map<string, TokenInfo>();

  add(spec: TokenSpec & { identifier?: string }): TokenInfo {
    if (typeof spec.token !== "string" || spec.token.trim() === "")
      throw new Error("a token must be a non-empty string");
    const rights = spec.rights ?? "all";
    if (rights !== "all" && rights !== "read")
      throw new Error(`token rights must be "all" or "read", not ${String(rights)}`);
    const user = spec.user ?? "simulator";
    const info: TokenInfo = { token: spec.token.trim(), rights, user, identifier: spec.identifier ?? user };
    this.#tokens.set(info.token, info);
    return info;
  }

  /** Issues a new token for an identifier; with `reset`, the identifier's other tokens stop working. */
  issue(identifier: string, like: TokenInfo, reset: boolean): TokenInfo {
    if (reset) {
      for (const [token, info] of this.#tokens) {
        if (info.identifier === identifier && token !== like.token) this.#tokens.delete(token);
      }
    }
    return this.add({ token: newToken(identifier), rights: like.rights, user: like.user, identifier });
  }

  check(authorization: string | undefined): AuthResult {
    if (authorization === undefined || authorization.trim() === "") return { ok: false, reason: "missing" };
    const m = /^Basic\s+(\S+)\s*$/i.exec(authorization);
    if (!m) return { ok: false, reason: "scheme" };
    const info = this.#tokens.get(m[1] as string);
    return info ? { ok: true, info } : { ok: false, reason: "unknown" };
  }
}

/**
 * Whether an operation changes data. Every POST/PUT/PATCH/DELETE does, except the analytics
 * (`/api/App/...`) queries, which POST a filter but only read.
 */
export function isWrite(method: string, domain: string): boolean {
  if (method === "GET" || method === "HEAD") return false;
  return domain !== "analytics";
}
