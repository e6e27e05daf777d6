/**
 * undici's keep-alive Agent and its header parser, without undici's package index. The index also
 * loads undici's fetch, WebSocket, EventSource, cache, interceptors and mocks, and with them the
 * runtime's own fetch: about 9 MiB more RSS in a process that only needs the Agent (measured by
 * packages/client/bench/client.bench.ts, "perModuleMiB").
 *
 * Calls go out through `Agent.dispatch()` (buffered-send.ts), so the request API the index adds to
 * dispatchers (`request()`, `stream()`, ...) is not needed. These are undici's internal paths:
 * undici is pinned to an exact version in package.json, and test/load-on-first-use.test.ts fails
 * if they stop giving the exported Agent and `util.parseHeaders`.
 */
import { createRequire } from "node:module";
import type { Agent } from "undici";
import { loadOnFirstUse } from "./load-on-first-use.js";

export interface UndiciParts {
  Agent: typeof Agent;
  /** undici's `util.parseHeaders`: a raw header list as lower-case names, repeated ones as arrays. */
  parseHeaders: (raw: (Buffer | string)[]) => Record<string, string | string[] | undefined>;
}

export const undiciAgent = loadOnFirstUse((): UndiciParts => {
  const load = createRequire(import.meta.url);
  return {
    Agent: load("undici/lib/dispatcher/agent.js") as typeof Agent,
    parseHeaders: (load("undici/lib/core/util.js") as Pick<UndiciParts, "parseHeaders">).parseHeaders,
  };
});
