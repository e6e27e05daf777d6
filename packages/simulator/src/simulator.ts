/** `startSimulator()`: a stateful WATS server on loopback, with fault injection. */
import { newToken, TokenRegistry, type TokenSpec } from "./auth.js";
import { type Clock, systemClock } from "./clock.js";
import { Faults } from "./faults.js";
import type { JsonObject } from "./formats/wsjf.js";
import { Random } from "./random.js";
import { createRequestLog, type RequestLog } from "./requests.js";
import { DEFAULT_EPOCH, seedProcesses, seedState } from "./seed.js";
import { SimServer } from "./server.js";
import { SimState } from "./state.js";

export interface SimulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. Anything else also puts `/_sim` behind a full-rights token. */
  host?: string;
  /** Extra API tokens (e.g. a read-only one). The generated default token always works too. */
  tokens?: TokenSpec[];
  /** Use this as the default full-rights token instead of a random one. */
  token?: string;
  /** Seed of all generated data and ids (default 1). */
  seed?: number;
  /** Reference time of the seeded data (default 2026-01-01T00:00:00Z). */
  epoch?: number | string | Date;
  /** "seeded" (default) starts with the seeded data; "empty" with none (processes are always there). */
  data?: "seeded" | "empty";
  /** Time source ("now", latency faults, rate-limit windows); default the system clock. */
  clock?: Clock;
  /** How many requests `requests` keeps (oldest dropped first); default 10 000, 0 = none. */
  maxRecordedRequests?: number;
  /** Largest request body accepted (413 beyond); default 64 MiB. */
  maxBodyBytes?: number;
}

/** Test access to the stored reports. */
export interface ReportAccess {
  readonly size: number;
  /** Ids of the stored reports. */
  ids(): string[];
  /** A copy of a stored report (with the server-added fields), or undefined. */
  get(id: string): JsonObject | undefined;
  /** How many times the report with this id was replaced by a later submission with the same id. */
  replaceCount(id: string): number;
  /** Replacements across all reports. */
  readonly totalReplacements: number;
  /** Removes every stored report. */
  clear(): void;
}

export interface Simulator {
  /** Base URL, e.g. http://127.0.0.1:49152 (no trailing slash). */
  readonly url: string;
  /** The default full-rights token (already base64; send as `Authorization: Basic <token>`). */
  readonly token: string;
  readonly faults: Faults;
  readonly requests: RequestLog;
  readonly reports: ReportAccess;
  /** The simulator's whole state, for tests that arrange data directly (not a stable API). */
  readonly state: SimState;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

function epochOf(value: SimulatorOptions["epoch"]): number {
  if (value === undefined) return DEFAULT_EPOCH;
  const ms = value instanceof Date ? value.getTime() : typeof value === "number" ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new TypeError(`epoch is not a valid time: ${String(value)}`);
  return ms;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) throw new TypeError(`seed must be an integer, not ${String(seed)}`);
  const clock = options.clock ?? systemClock;
  const state = new SimState(new Random(seed), clock);
  const data = options.data ?? "seeded";
  if (data !== "seeded" && data !== "empty")
    throw new TypeError(`data must be "seeded" or "empty", not ${String(data)}`);
  seedProcesses(state);
  if (data === "seeded") seedState(state, epochOf(options.epoch));

  const tokens = new TokenRegistry();
  const token = tokens.add({
    token: options.token ?? newToken("simulator"),
    rights: "all",
    user: "simulator",
  }).token;
  for (const spec of options.tokens ?? []) tokens.add(spec);

  const faults = new Faults(() => clock.now());
  const requests = createRequestLog();
  const server = new SimServer({
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    state,
    tokens,
    faults,
    requests,
    clock,
    maxRecordedRequests: options.maxRecordedRequests ?? 10_000,
    maxBodyBytes: options.maxBodyBytes ?? 64 * 1024 * 1024,
  });
  await server.listen();

  const reports: ReportAccess = {
    get size() {
      return state.reports.size;
    },
    ids: () => state.reports.list().map((r) => r.id),
    get: (id) => {
      const stored = state.reports.get(id);
      return stored ? structuredClone(stored.report) : undefined;
    },
    replaceCount: (id) => state.reports.replaceCount(id),
    get totalReplacements() {
      return state.reports.totalReplacements;
    },
    clear: () => state.reports.clear(),
  };

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= server.close();
    return closed;
  };
  return {
    url: server.url,
    token,
    faults,
    requests,
    reports,
    state,
    close,
    [Symbol.asyncDispose]: close,
  };
}
