/**
 * undici's keep-alive Agent without undici's package index. The index also loads undici's fetch,
 * WebSocket, EventSource, cache, interceptors and mocks: about 9 MiB more RSS in a process that
 * only needs the Agent (measured by packages/client/bench/client.bench.ts, "perModuleMiB").
 *
 * This loads the Agent's own module and gives dispatchers the request API (`request()`,
 * `stream()`, ...) exactly as the index does (`Object.assign(Dispatcher.prototype, api)`; doing it
 * twice is harmless). These are undici's internal paths: undici is pinned to an exact version in
 * package.json, and test/load-on-first-use.test.ts fails if they stop giving the exported Agent.
 */
import { createRequire } from "node:module";
import type { Agent } from "undici";
import { loadOnFirstUse } from "./load-on-first-use.js";

export const undiciAgent = loadOnFirstUse((): typeof Agent => {
  const load = createRequire(import.meta.url);
  const AgentClass = load("undici/lib/dispatcher/agent.js") as typeof Agent;
  const Dispatcher = load("undici/lib/dispatcher/dispatcher.js") as { prototype: object };
  Object.assign(Dispatcher.prototype, load("undici/lib/api/index.js") as object);
  return AgentClass;
});
