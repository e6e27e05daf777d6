/**
 * One rate limit per WATS server and credential in a process. WATS counts requests per server
 * and token, not per client object, so every transport of the same origin and token takes its
 * slots from the same `Throttle`: two `Wats` instances (or a `Wats` and a station uploader)
 * cannot together exceed the limit.
 *
 * The registry's key holds the origin and a SHA-256 digest of the token, never the token itself,
 * so nothing logged or inspected (a heap snapshot of the map, `util.inspect`) shows it. A token
 * function is keyed by its identity: clients built with the same function share a limit.
 * The registry is per module instance, so per thread: a worker thread (the sync facade's engine)
 * has its own. The first client's settings make the limit; a later one asking for other settings gets the one
 * in use (its transport logs a warning). The entry goes when its last client closes.
 */
import { createRequire } from "node:module";
import type { TokenSource } from "./auth-token.js";
import { loadOnFirstUse } from "./load-on-first-use.js";
import { Throttle, type ThrottleOptions } from "./throttle.js";

interface Entry {
  throttle: Throttle;
  users: number;
}

// Loaded when the first token is keyed: a client with the throttle off never loads node:crypto.
const nodeCrypto = loadOnFirstUse(
  () => createRequire(import.meta.url)("node:crypto") as typeof import("node:crypto"),
);

const entries = new Map<string, Entry>();
const functionIds = new WeakMap<object, number>();
let nextFunctionId = 1;

/** The registry key of a server origin and token: origin plus a digest, never the token. */
export function sharedThrottleKey(origin: string, token: TokenSource): string {
  if (typeof token === "function") {
    let id = functionIds.get(token);
    if (id === undefined) {
      id = nextFunctionId++;
      functionIds.set(token, id);
    }
    return `${origin} token-function#${id}`;
  }
  const digest = nodeCrypto().createHash("sha256").update(token.trim()).digest("hex").slice(0, 32);
  return `${origin} sha256:${digest}`;
}

export interface SharedThrottleLease {
  readonly throttle: Throttle;
  /** Set when this client asked for other settings than the limit already in use. */
  readonly mismatch: string | undefined;
  /** Gives the lease back; the throttle is forgotten when no client holds it. Idempotent. */
  release(): void;
}

/** The process's throttle for `key`, created with `options` if none exists yet. */
export function leaseSharedThrottle(key: string, options: ThrottleOptions): SharedThrottleLease {
  let entry = entries.get(key);
  let mismatch: string | undefined;
  if (entry === undefined) {
    entry = { throttle: new Throttle(options), users: 0 };
    entries.set(key, entry);
  } else {
    const { limit, windowMs } = entry.throttle;
    const wanted = new Throttle(options);
    if (wanted.limit !== limit || wanted.windowMs !== windowMs) {
      mismatch =
        `throttle: another client of this server and token already limits requests to ${limit} ` +
        `per ${windowMs} ms; this client shares that limit (it asked for ${wanted.limit} per ${wanted.windowMs} ms)`;
    }
  }
  entry.users++;
  const held = entry;
  let released = false;
  return {
    throttle: held.throttle,
    mismatch,
    release() {
      if (released) return;
      released = true;
      held.users--;
      if (held.users === 0 && entries.get(key) === held) entries.delete(key);
    },
  };
}

/** How many shared throttles the process holds (tests). */
export function sharedThrottleCount(): number {
  return entries.size;
}
