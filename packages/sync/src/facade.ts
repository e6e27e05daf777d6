/**
 * `createSyncWats()`: the `Wats` domain surface with blocking methods. The methods are built at
 * run time from the engine's description of each domain (method-shapes.ts, read off the SDK's
 * domain registry, the same one `Wats` uses), so every generated method is there; their types
 * come from types.ts, derived from the async ones.
 */

import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  currentCorrelationId,
  DEFAULT_TIMEOUT_MS,
  isLevelEnabled,
  type LoadConfigOptions,
  type TransportMetrics,
  WatsConfigError,
  type WatsLogger,
} from "@tswats/core";
import { type DomainName, domainPackages, watsOptionsFromEnv } from "@tswats/sdk";
import { ENGINE_CLIENT, EngineClient } from "./engine-client.js";
import { WatsEngineError } from "./engine-error.js";
import { isEngineThread } from "./engine-thread.js";
import { encodeJsonArgs } from "./json-args.js";
import {
  type CallerFrames,
  type LogRecord,
  type MethodCall,
  type MethodShape,
  type MethodTarget,
  parseJsonBytes,
  type WireDataWithResponse,
} from "./protocol.js";
import { syncPaginated } from "./sync-paginate.js";
import type { SyncDataWithResponse, SyncWats, SyncWatsOptions } from "./types.js";

const LEVELS: LogRecord["level"][] = ["trace", "debug", "info", "warn", "error"];
const DEFAULT_GRACE_MS = 2_000;
const DEFAULT_STARTUP_MS = 30_000;

function checkMs(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new WatsConfigError(`${name}: must be a positive number of milliseconds`, {
      issues: [`${name}: must be a positive number of milliseconds`],
    });
  }
  return value;
}

/** The engine module option as a URL the worker can import. */
function engineModuleUrl(value: unknown, issues: string[]): string | undefined {
  if (value === undefined) return undefined;
  if (value instanceof URL) return value.href;
  if (typeof value !== "string" || value.trim() === "") {
    issues.push("engineModule: must be a module path or a file: URL");
    return undefined;
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(value) && !/^[a-z]:[\\/]/i.test(value)) return value;
  return pathToFileURL(isAbsolute(value) ? value : resolve(value)).href;
}

function engineOptions(options: SyncWatsOptions): {
  watsOptions: Record<string, unknown>;
  engineModule: string | undefined;
  logger: WatsLogger | undefined;
  loggerLevels: LogRecord["level"][] | undefined;
} {
  if (typeof options !== "object" || options === null) {
    throw new WatsConfigError("createSyncWats: options must be an object", {
      issues: ["options: not an object"],
    });
  }
  const {
    logger,
    engineGraceMs: _grace,
    startupTimeoutMs: _startup,
    engineModule: module,
    ...rest
  } = options;
  const issues: string[] = [];
  const engineModule = engineModuleUrl(module, issues);
  if ("fetch" in rest && (rest as { fetch?: unknown }).fetch !== undefined) {
    issues.push(
      "fetch: a function cannot cross to the engine worker; the engine uses its own keep-alive fetch",
    );
  }
  const functional = rest as { hooks?: unknown; token?: unknown };
  if (functional.hooks !== undefined) {
    issues.push(
      "hooks: functions cannot cross to the engine worker, where they run; export them from a module and name it in engineModule",
    );
  }
  if (typeof functional.token === "function") {
    issues.push(
      "token: a token function cannot cross to the engine worker, where it runs; export it from a module and name it in engineModule",
    );
  }
  for (const [key, value] of Object.entries(rest)) {
    if (key === "fetch" || key === "hooks" || (key === "token" && typeof value === "function")) continue;
    try {
      structuredClone(value);
    } catch {
      issues.push(
        `${key}: cannot cross to the engine worker (only plain data can: no functions or class instances)`,
      );
    }
  }
  if (issues.length > 0) {
    throw new WatsConfigError(`createSyncWats: invalid options:\n  - ${issues.join("\n  - ")}`, { issues });
  }
  if (logger === undefined)
    return { watsOptions: rest, engineModule, logger: undefined, loggerLevels: undefined };
  if (logger === false)
    return {
      watsOptions: { ...rest, logger: false },
      engineModule,
      logger: undefined,
      loggerLevels: undefined,
    };
  return {
    watsOptions: rest,
    engineModule,
    logger,
    loggerLevels: LEVELS.filter((level) => isLevelEnabled(logger, level)),
  };
}

/** Per-call data of a sync method call: the arguments as the engine receives them. */
function callTarget(
  domain: string,
  shape: MethodShape,
  args: unknown[],
  defaultTimeoutMs: number,
): MethodTarget {
  const label = shape.label;
  const given = args[shape.optionsIndex];
  if (given !== undefined && (typeof given !== "object" || given === null)) {
    throw new TypeError(`${label}: the options argument must be an object`);
  }
  if ((given as { signal?: unknown } | undefined)?.signal !== undefined) {
    throw new TypeError(
      `${label}: an AbortSignal cannot cross to the engine worker; bound a sync call with timeoutMs instead`,
    );
  }
  if (given === undefined && args.length <= shape.optionsIndex) {
    // No options: the engine's Wats has the same time limit (it was given this facade's
    // timeoutMs), so the arguments cross as they are, with a correlation id only if one is set.
    const correlationId = currentCorrelationId();
    if (correlationId === undefined) {
      return { domain, method: shape.name, args, correlationId, timeoutMs: defaultTimeoutMs };
    }
  }
  // Copied key by key, without `signal`: not a spread then `delete` (a dictionary-mode object per
  // call) nor a spread that then gains keys (a new hidden class per call in V8).
  const options: Record<string, unknown> = {};
  if (given !== undefined) {
    for (const key of Object.keys(given)) {
      if (key !== "signal") options[key] = (given as Record<string, unknown>)[key];
    }
  }
  const timeoutMs = checkMs(`${label} timeoutMs`, options["timeoutMs"], defaultTimeoutMs);
  const correlationId = (options["correlationId"] as string | undefined) ?? currentCorrelationId();
  options["timeoutMs"] = timeoutMs;
  if (correlationId !== undefined) options["correlationId"] = correlationId;
  const sent = args.slice(0, shape.optionsIndex);
  while (sent.length < shape.optionsIndex) sent.push(undefined);
  sent.push(options);
  return { domain, method: shape.name, args: sent, correlationId, timeoutMs };
}

/**
 * A `Wats` whose domain methods block until their answer: `wats.product.getProduct({ partNumber })`
 * returns the product, not a promise. Calls run in one long-lived engine worker holding one
 * `Wats` (connections, breaker and rate limit are shared by every call). Each call waits at
 * most its `timeoutMs` (per call, else `options.timeoutMs`, else 60 s) plus `engineGraceMs`.
 * Errors arrive as the same classes the async API throws, with all their fields.
 *
 * Blocks the calling thread while it waits: use it in scripts, test sequences and callbacks that
 * cannot be async; use `Wats` in servers and other event-loop code.
 */
export function createSyncWats(options: SyncWatsOptions): SyncWats {
  if (isEngineThread()) {
    throw new WatsEngineError(
      "deadlock",
      "createSyncWats: called on the @tswats/sync engine thread, where a blocking call would wait for " +
        "its own answer forever; use the async Wats there",
    );
  }
  const defaultTimeoutMs = checkMs("timeoutMs", options?.timeoutMs, DEFAULT_TIMEOUT_MS);
  const engineGraceMs = checkMs("engineGraceMs", options?.engineGraceMs, DEFAULT_GRACE_MS);
  const startupTimeoutMs = checkMs("startupTimeoutMs", options?.startupTimeoutMs, DEFAULT_STARTUP_MS);
  const client = new EngineClient({ ...engineOptions(options), engineGraceMs, startupTimeoutMs });

  const call = (
    domain: string,
    shape: MethodShape,
    args: unknown[],
    caller: CallerFrames,
    withResponse = false,
  ): unknown => {
    const target = callTarget(domain, shape, args, defaultTimeoutMs);
    const label = shape.label;
    if (shape.paged) return syncPaginated(client, target, label, engineGraceMs, caller);
    // A JSON body (a report) and large plain-JSON parameters are serialised once here and cross as text.
    const { args: sent, jsonArgs } = encodeJsonArgs(target.args, shape.optionsIndex, shape.jsonBodyIndex);
    // Only what the engine reads, and the rarer fields only when set: the message is cloned on
    // every call, field by field.
    const message: MethodCall & { type: "call" } = { type: "call", domain, method: shape.name, args: sent };
    if (target.correlationId !== undefined) message.correlationId = target.correlationId;
    if (jsonArgs !== undefined) message.jsonArgs = jsonArgs;
    if (withResponse) message.withResponse = true;
    const answer = client.request(
      message,
      target.timeoutMs + engineGraceMs,
      label,
      target.correlationId,
      caller,
    );
    return withResponse ? fromWire(answer as WireDataWithResponse) : answer;
  };

  const services = new Map<DomainName, object>();
  const serviceOf = (domain: DomainName): object => {
    let service = services.get(domain);
    if (service === undefined) {
      // The engine describes the domain's methods (method-shapes.ts): it loads the domain's code
      // to make the calls anyway, and this thread then never has to.
      const shapes = client.request(
        { type: "describe", domain },
        startupTimeoutMs + engineGraceMs,
        domain,
      ) as MethodShape[];
      const built: Record<string, (...args: unknown[]) => unknown> = {};
      for (const shape of shapes) {
        const method = shape.paged
          ? (...args: unknown[]): unknown => {
              // A listing's errors come later, from the caller's loop: its frames are kept now.
              const caller: { stack?: string } = {};
              Error.captureStackTrace(caller, method);
              return call(domain, shape, args, caller);
            }
          : // A call's errors are thrown while this method is still on the stack: the caller's
            // frames are captured then (above `method`), never on success.
            (...args: unknown[]): unknown => call(domain, shape, args, method);
        if (!shape.paged) {
          const withResponse = (...args: unknown[]): unknown => call(domain, shape, args, withResponse, true);
          Object.defineProperty(method, "withResponse", { value: withResponse });
        }
        built[shape.name] = method;
      }
      service = Object.freeze(built);
      services.set(domain, service);
    }
    return service;
  };

  const facade = {
    get station(): string {
      return client.station;
    },
    get engine() {
      return { threadId: client.threadId, starts: client.starts };
    },
    metrics(): TransportMetrics {
      return client.request({ type: "metrics" }, 5_000 + engineGraceMs, "metrics") as TransportMetrics;
    },
    close(): void {
      client.close();
    },
    [Symbol.dispose](): void {
      client.close();
    },
  };
  Object.defineProperty(facade, ENGINE_CLIENT, { value: client });
  for (const domain of Object.keys(domainPackages) as DomainName[]) {
    Object.defineProperty(facade, domain, { get: () => serviceOf(domain), enumerable: true });
  }
  return facade as unknown as SyncWats;
}

/** `{ data, response }` as it crossed, with the response's headers as a `Headers` again. */
function fromWire(wire: WireDataWithResponse): SyncDataWithResponse<unknown> {
  const data = wire.dataJson === undefined ? wire.data : parseJsonBytes(wire.dataJson);
  return { data, response: { ...wire.response, headers: new Headers(wire.response.headers) } };
}

/**
 * A sync Wats configured from the environment (WATS_BASE_URL, WATS_AUTH_TOKEN, WATS_LOG_LEVEL,
 * WATS_STATION, WATS_CONFIG), like `Wats.fromEnv()`; explicit options win.
 */
export function syncWatsFromEnv(
  options: LoadConfigOptions & Omit<Partial<SyncWatsOptions>, keyof LoadConfigOptions> = {},
): SyncWats {
  const { engineGraceMs, startupTimeoutMs, ...rest } = options;
  return createSyncWats({
    ...watsOptionsFromEnv(rest),
    ...(engineGraceMs !== undefined ? { engineGraceMs } : {}),
    ...(startupTimeoutMs !== undefined ? { startupTimeoutMs } : {}),
  });
}
