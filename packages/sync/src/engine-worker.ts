/**
 * The engine worker: one long-lived `Wats` (one connection pool, breaker and rate limit) that
 * answers the sync facade's requests. See protocol.ts for how answers reach a blocked caller.
 * No top-level await: from sources this module is loaded with require().
 */
import { threadId, workerData } from "node:worker_threads";
import {
  type CallPromise,
  keepJsonSources,
  takeJsonSource,
  type WatsLogger,
  withCorrelationId,
} from "@tswats/core";
import { Wats } from "@tswats/sdk";
import { markEngineThread } from "./engine-thread.js";
import { createSyncWats } from "./facade.js";
import { decodeJsonArgs } from "./json-args.js";
import { domainName, methodShapes } from "./method-shapes.js";
import {
  type DiagnoseAction,
  ENGINE_EXITED,
  ENGINE_FAILED_ID,
  type EngineRequest,
  type EngineResponse,
  type EngineWorkerData,
  JSON_BYTES_MIN,
  type LogRecord,
  type MethodCall,
  READY_ID,
  type ReadyValue,
  SIGNAL_SEQ,
  SIGNAL_STATE,
  type WireDataWithResponse,
} from "./protocol.js";
import { toWireError } from "./wire-error.js";

markEngineThread();
// JSON answers cross to the caller as the bytes they were parsed from (see protocol.ts); smaller
// ones cross as structured clones, so their bytes are not kept.
keepJsonSources(JSON_BYTES_MIN);

const data = workerData as EngineWorkerData;
const port = data.port;
const signal = new Int32Array(data.signal);

function wake(): void {
  Atomics.add(signal, SIGNAL_SEQ, 1);
  Atomics.notify(signal, SIGNAL_SEQ);
}

// A crash must wake the caller at once rather than leave it waiting out its timeout.
let exited = false;
function markExited(): void {
  if (exited) return;
  exited = true;
  Atomics.store(signal, SIGNAL_STATE, ENGINE_EXITED);
  wake();
}
process.on("exit", markExited);
process.on("uncaughtException", (error) => {
  process.stderr.write(`@tswats/sync engine worker crashed: ${error.stack ?? String(error)}\n`);
  // The caller gets the error itself as the cause of its WatsEngineError.
  try {
    port.postMessage({ id: ENGINE_FAILED_ID, ok: false, error: toWireError(error), logs: undefined });
  } catch {
    // The port is gone: the caller still learns of the exit from the shared state.
  }
  markExited();
  process.exit(1);
});

// The caller's logger stays on the caller's thread: lines are buffered here and travel back
// with the answer of the call that wrote them.
let logBuffer: LogRecord[] = [];

function cloneable(obj: object): object {
  try {
    return structuredClone(obj);
  } catch {
    try {
      return JSON.parse(JSON.stringify(obj)) as object;
    } catch {
      return { unloggable: String(obj) };
    }
  }
}

function forwardingLogger(levels: readonly LogRecord["level"][]): WatsLogger {
  const enabled = new Set(levels);
  const method =
    (level: LogRecord["level"]) =>
    (obj: object, msg?: string): void => {
      if (enabled.has(level)) logBuffer.push({ level, obj: cloneable(obj), msg });
    };
  return {
    trace: method("trace"),
    debug: method("debug"),
    info: method("info"),
    warn: method("warn"),
    error: method("error"),
    isLevelEnabled: (level: string) => enabled.has(level as LogRecord["level"]),
  };
}

function takeLogs(): LogRecord[] | undefined {
  if (logBuffer.length === 0) return undefined;
  const logs = logBuffer;
  logBuffer = [];
  return logs;
}

/** Posts an answer and wakes the caller; an answer that cannot be cloned becomes its error. */
function post(response: EngineResponse, transfer: ArrayBuffer[] | undefined): void {
  try {
    port.postMessage(response, transfer);
  } catch (error) {
    // The result itself could not be cloned (a function or a class instance with private state).
    port.postMessage({
      id: response.id,
      ok: false,
      error: toWireError(
        new TypeError(`the result cannot cross from the engine worker: ${(error as Error).message}`),
      ),
      logs: response.logs,
    } satisfies EngineResponse);
  }
  wake();
}

/** An ok answer: a JSON body's bytes (transferred) when the transport parsed `value` from one. */
function respondOk(id: number, value: unknown): void {
  const logs = takeLogs();
  const json = takeJsonSource(value);
  if (json !== undefined && json.byteLength >= JSON_BYTES_MIN) {
    post({ id, ok: true, value: undefined, json, logs }, [json]);
    return;
  }
  const dataJson = (value as Partial<WireDataWithResponse> | undefined)?.dataJson;
  post({ id, ok: true, value, logs }, dataJson === undefined ? undefined : [dataJson]);
}

function respondError(id: number, error: unknown): void {
  const logs = takeLogs();
  post({ id, ok: false, error: toWireError(error), logs }, undefined);
}

// `import()` kept as it is: the engine may run as CommonJS (from sources), where a transpiler
// would turn a plain import() into require(), which cannot load an ES module in Node 20.
const importModule = new Function("specifier", "return import(specifier)") as (
  specifier: string,
) => Promise<Record<string, unknown>>;

/** The options the engine module gives (`hooks`, `token`), checked. */
async function engineModuleOptions(url: string): Promise<Record<string, unknown>> {
  const loaded = await importModule(url);
  const exported = loaded.default ?? loaded;
  const given = typeof exported === "function" ? await (exported as () => unknown)() : exported;
  if (typeof given !== "object" || given === null) {
    throw new TypeError(
      `engineModule ${url}: its default export must be { hooks?, token? } or a function returning it`,
    );
  }
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(given)) {
    if (key !== "hooks" && key !== "token") {
      throw new TypeError(
        `engineModule ${url}: "${key}" is not an option it can give (only hooks and token)`,
      );
    }
    if (value !== undefined) options[key] = value;
  }
  return options;
}

/** The engine's one `Wats`, or undefined (and the caller told why) when the options are bad. */
async function buildWats(): Promise<Wats | undefined> {
  try {
    const options = { ...data.watsOptions } as unknown as ConstructorParameters<typeof Wats>[0];
    if (data.engineModule !== undefined) Object.assign(options, await engineModuleOptions(data.engineModule));
    if (data.loggerLevels !== undefined) options.logger = forwardingLogger(data.loggerLevels);
    const built = new Wats(options);
    const ready: ReadyValue = { station: built.station, threadId };
    respondOk(READY_ID, ready);
    return built;
  } catch (error) {
    respondError(READY_ID, error);
    return undefined;
  }
}

/** A domain service and one of its methods, looked up once per method (see `callable`). */
interface Callable {
  service: object;
  fn: (...args: unknown[]) => unknown;
}

const callables = new Map<string, Map<string, Callable>>();

/** The service method a request names, checked on its first call and kept. */
function callable(wats: Wats, domain: string, method: string): Callable {
  let methods = callables.get(domain);
  let found = methods?.get(method);
  if (found !== undefined) return found;
  const service = wats.service(domainName(domain)) as unknown as Record<string, unknown>;
  const fn = service[method];
  if (typeof fn !== "function" || method === "constructor") {
    throw new TypeError(`wats.${domain}.${method}: no such method`);
  }
  found = { service, fn: fn as Callable["fn"] };
  if (methods === undefined) {
    methods = new Map();
    callables.set(domain, methods);
  }
  methods.set(method, found);
  return found;
}

/** Calls the method a request names: its CallPromise (or `{ data, response }` for withResponse). */
function invoke(wats: Wats, target: MethodCall): unknown {
  const method = callable(wats, target.domain, target.method);
  return target.correlationId === undefined
    ? invokeNow(method, target)
    : withCorrelationId(target.correlationId, () => invokeNow(method, target));
}

function invokeNow({ service, fn }: Callable, target: MethodCall): unknown {
  const result = fn.apply(service, decodeJsonArgs(target.args, target.jsonArgs));
  return target.withResponse ? wireWithResponse(result) : result;
}

/** `.withResponse()` of a call, as plain data (headers as name/value pairs). */
async function wireWithResponse(result: unknown): Promise<WireDataWithResponse> {
  const withResponse = (result as Partial<CallPromise<unknown>> | undefined)?.withResponse;
  if (typeof withResponse !== "function") throw new TypeError("this method has no withResponse()");
  const { data, response } = await withResponse.call(result);
  // Field by field: a transport's response makes `headers` and `url` when read (on its
  // prototype), which a spread would not copy.
  const { status, statusText, url, correlationId, attempts } = response;
  const wire = { status, statusText, url, correlationId, attempts, headers: [...response.headers] };
  const dataJson = takeJsonSource(data);
  return dataJson === undefined || dataJson.byteLength < JSON_BYTES_MIN
    ? { data, response: wire }
    : { data: undefined, dataJson, response: wire };
}

interface PageCursor {
  iterator: AsyncIterator<unknown[]>;
}
const cursors = new Map<number, PageCursor>();
let nextCursor = 1;

/** Every request but a method call (see `call`). */
async function handle(wats: Wats, request: Exclude<EngineRequest, { type: "call" }>): Promise<unknown> {
  switch (request.type) {
    case "page-open": {
      const paginated = invoke(wats, request) as { pages?: () => AsyncIterator<unknown[]> };
      if (typeof paginated?.pages !== "function") {
        throw new TypeError(`wats.${request.domain}.${request.method}: does not return a paged listing`);
      }
      const cursor = nextCursor++;
      cursors.set(cursor, { iterator: paginated.pages() });
      return cursor;
    }
    case "page-next": {
      const open = cursors.get(request.cursor);
      if (open === undefined) throw new Error(`paged listing ${request.cursor} is not open`);
      const step = await open.iterator.next();
      if (step.done) cursors.delete(request.cursor);
      return { done: step.done === true, value: step.done ? undefined : step.value };
    }
    case "page-close": {
      const open = cursors.get(request.cursor);
      cursors.delete(request.cursor);
      await open?.iterator.return?.();
      return undefined;
    }
    case "describe":
      return methodShapes(request.domain);
    case "metrics":
      return wats.metrics();
    case "ping":
      return "pong";
    case "close":
      cursors.clear();
      await wats.close();
      return undefined;
    case "diagnose":
      return diagnose(request.action, request.ms ?? 0);
  }
}

async function diagnose(action: DiagnoseAction, ms: number): Promise<unknown> {
  if (action === "crash") {
    setImmediate(() => {
      throw new Error("engine crash requested by a self-test");
    });
    return new Promise(() => {});
  }
  if (action === "block") {
    // Blocks this thread for good, like a runaway synchronous loop would (without using a CPU).
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    return undefined;
  }
  if (action === "stall") {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    return "late";
  }
  try {
    createSyncWats({ baseUrl: "http://127.0.0.1:1", token: "dGVzdA==" });
    return { threw: false };
  } catch (error) {
    return { threw: true, name: (error as Error).name, message: (error as Error).message };
  }
}

/**
 * A method call, the engine's usual request: answered when the method's promise settles, with no
 * async function around it (every call passes here, so a layer less is a cost less per call).
 */
function call(wats: Wats, request: EngineRequest & { type: "call" }): void {
  const id = request.id;
  let result: unknown;
  try {
    result = invoke(wats, request);
  } catch (error) {
    respondError(id, error);
    return;
  }
  if (typeof (result as PromiseLike<unknown> | undefined)?.then === "function") {
    (result as PromiseLike<unknown>).then(
      (value) => respondOk(id, value),
      (error: unknown) => respondError(id, error),
    );
  } else {
    respondOk(id, result);
  }
}

void buildWats().then((engineWats) => {
  if (engineWats === undefined) {
    port.close();
    return;
  }
  const wats = engineWats;
  port.on("message", (request: EngineRequest) => {
    if (request.type === "call") {
      call(wats, request);
      return;
    }
    handle(wats, request).then(
      (value) => {
        respondOk(request.id, value);
        if (request.type === "close") port.close();
      },
      (error: unknown) => respondError(request.id, error),
    );
  });
});
