// One benchmark scenario in a fresh process, as a station script runs: start, make N calls, exit.
// Run by fresh-process.bench.ts with the built packages (what a user's script loads):
//
//   node scenario.mjs <tswats|raw|raw-http|raw-sync> <scenario> <baseUrl> <token> <calls> [warmup]
//
// `warmup` calls (default 0) run first and are not measured: with thousands of them the
// measured calls show the steady state rather than a fresh process's cold start.
//
// Prints one JSON line: the time from the first call to the last, CPU used by the process over
// those calls, per-call latencies (p50/p99), the time from process start to the end of the calls,
// and the process's peak RSS. On Linux also the CPU of the calling thread and of the busiest other
// thread (a sync client's worker; an async client's busiest V8 helper), from each thread's
// /proc schedstat, so a sync client's time can be split between caller and engine.
//
// `raw` is the floor the issue names: undici's request() on one keep-alive Agent with the same
// Authorization header, answers parsed as JSON. `raw-http` is the same with Node's own http
// client, which tsWATS's call path uses. `raw-sync` is `raw-http` made blocking through a minimal
// worker: the floor of the sync scenarios. `resilient-http` and
// `resilient-sync` are the same two with the per-call resilience the issue requires
// (resilient-floor.mjs): the floor of any client that has it. `resilient-http-sdk-loaded` is
// resilient-http in a process that has first loaded tsWATS and made one getProduct call with it
// (its code loaded, then idle): what the SDK's code costs in memory, apart from its calls.

import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";

const [client, scenario, baseUrl, token, callsText, warmupText = "0"] = process.argv.slice(2);
const calls = Number(callsText);
const warmup = Number(warmupText);
const report = JSON.parse(
  readFileSync(new URL("../../../../fixtures/wsjf/uut-server-export.json", import.meta.url)),
);
for (const key of ["origin", "reportTypeCode", "receiveCount", "receivedUTC", "fileName"]) delete report[key];

/** One call of the scenario, for the given client: a function returning a promise or a value. */
async function setUp() {
  const origin = new URL(baseUrl);
  if (client === "raw-sync" || client === "resilient-sync") {
    // The floor of a blocking call: node:http in a minimal worker, the caller blocked in
    // Atomics.wait until it answers (bridge-floor-worker.mjs), no SDK on either side.
    const { MessageChannel, Worker, receiveMessageOnPort } = await import("node:worker_threads");
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const channel = new MessageChannel();
    const worker = new Worker(new URL("../bridge-floor-worker.mjs", import.meta.url), {
      workerData: {
        port: channel.port2,
        signal: signal.buffer,
        url: baseUrl,
        token,
        resilient: client === "resilient-sync",
      },
      transferList: [channel.port2],
      execArgv: [],
    });
    // Timing starts once the worker is ready, as createSyncWats() returns once its engine is.
    if (Atomics.wait(signal, 0, 0, 10_000) === "timed-out") throw new Error("bridge worker did not start");
    const call = (method, path, body) => {
      channel.port1.postMessage({ method, path, body });
      for (;;) {
        const seen = Atomics.load(signal, 0);
        const received = receiveMessageOnPort(channel.port1);
        if (received !== undefined) return received.message;
        if (Atomics.wait(signal, 0, seen, 10_000) === "timed-out") throw new Error("bridge worker hung");
      }
    };
    const filter = encodeURIComponent("partNumber eq 'CBL-7'");
    return {
      product: () => call("GET", "/api/Product/CBL-7"),
      submit: () => call("POST", "/api/Report/WSJF", JSON.stringify({ ...report, id: randomUUID() })),
      headers: () => call("GET", `/api/Report/Query/Header?$filter=${filter}&$top=20`),
      close: () => worker.terminate(),
    };
  }
  if (client === "resilient-http-sdk-loaded") {
    const { Wats } = await import("@tswats/sdk");
    const wats = new Wats({ baseUrl, token, logger: false, throttle: false });
    await wats.product.getProduct({ partNumber: "CBL-7" });
    await wats.close();
  }
  if (client === "raw-http" || client === "resilient-http" || client === "resilient-http-sdk-loaded") {
    // Node's own client, what tsWATS's call path sends on: the floor of our overhead alone
    // (with the per-call resilience for resilient-http).
    const http =
      client === "raw-http"
        ? (await import("../node-http-json.mjs")).nodeHttpJson(baseUrl, token)
        : (await import("../resilient-floor.mjs")).resilientFloorClient(baseUrl, token);
    const filter = encodeURIComponent("partNumber eq 'CBL-7'");
    return {
      product: () => http.send("GET", "/api/Product/CBL-7"),
      submit: () => http.send("POST", "/api/Report/WSJF", JSON.stringify({ ...report, id: randomUUID() })),
      headers: () => http.send("GET", `/api/Report/Query/Header?$filter=${filter}&$top=20`),
      close: () => http.close(),
    };
  }
  if (client === "raw") {
    const { Agent, request } = await import("undici");
    const dispatcher = new Agent({ keepAliveTimeout: 60_000 });
    const headers = { authorization: `Basic ${token}`, accept: "application/json" };
    const get = async (path) => {
      const { statusCode, body } = await request(new URL(path, origin), { dispatcher, headers });
      const data = await body.json();
      if (statusCode !== 200) throw new Error(`HTTP ${statusCode}`);
      return data;
    };
    const post = async (path, value) => {
      const { statusCode, body } = await request(new URL(path, origin), {
        dispatcher,
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify(value),
      });
      const data = await body.json();
      if (statusCode !== 200) throw new Error(`HTTP ${statusCode}`);
      return data;
    };
    const filter = encodeURIComponent("partNumber eq 'CBL-7'");
    return {
      product: () => get("/api/Product/CBL-7"),
      submit: () => post("/api/Report/WSJF", { ...report, id: randomUUID() }),
      headers: () => get(`/api/Report/Query/Header?$filter=${filter}&$top=20`),
      close: () => dispatcher.close(),
    };
  }
  // Throttle off: 1,000 calls would otherwise wait for WATS's 500-a-minute window (the raw client has none).
  const options = { baseUrl, token, logger: false, throttle: false };
  if (scenario.startsWith("sync-")) {
    const { createSyncWats } = await import("@tswats/sync");
    const wats = createSyncWats(options);
    return {
      product: () => wats.product.getProduct({ partNumber: "CBL-7" }),
      // The sync facade has no ReportClient: the report goes out through the generated method.
      submit: () => wats.report.postWsjf({ ...report, id: randomUUID() }),
      headers: () => wats.report.headerQuery({ $filter: "partNumber eq 'CBL-7'", $top: 20 }),
      close: () => wats.close(),
    };
  }
  const { Wats } = await import("@tswats/sdk");
  const wats = new Wats(options);
  // The report model only where the script submits reports (a lookup script does not load it).
  const reports = scenario.endsWith("-submit")
    ? new (await import("@tswats/report")).ReportClient(wats)
    : undefined;
  return {
    product: () => wats.product.getProduct({ partNumber: "CBL-7" }),
    submit: () => reports.submit({ ...report, id: randomUUID() }),
    headers: () => wats.report.headerQuery({ $filter: "partNumber eq 'CBL-7'", $top: 20 }),
    close: () => wats.close(),
  };
}

const api = await setUp();
const kind = scenario.replace(/^(sync|async|async20)-/, "");
const call = api[kind];
if (!call) throw new Error(`unknown scenario ${scenario}`);
const inFlight = scenario.startsWith("async20-") ? 20 : 1;
const latencies = new Float64Array(calls);

/** CPU time used so far by each thread of this process (ns, by thread id), or undefined off Linux. */
function threadCpuNs() {
  try {
    const byThread = new Map();
    for (const tid of readdirSync("/proc/self/task")) {
      const schedstat = readFileSync(`/proc/self/task/${tid}/schedstat`, "utf8");
      byThread.set(tid, Number(schedstat.split(" ")[0]));
    }
    return byThread;
  } catch {
    return undefined;
  }
}

for (let i = 0; i < warmup; i++) await call();
const threadsBefore = threadCpuNs();
const cpuBefore = process.cpuUsage();
const started = performance.now();
let next = 0;
async function lane() {
  while (next < calls) {
    const i = next++;
    const t0 = performance.now();
    await call();
    latencies[i] = performance.now() - t0;
  }
}
await Promise.all(Array.from({ length: inFlight }, lane));
const ended = performance.now();
const cpu = process.cpuUsage(cpuBefore);
const threadsAfter = threadCpuNs();
await api.close();

/** { callerThread, busiestOtherThread } CPU µs per call over the calls; undefined off Linux. */
function threadCpuPerCallUs() {
  if (threadsBefore === undefined || threadsAfter === undefined) return undefined;
  let caller = 0;
  let busiestOther = 0;
  for (const [tid, ns] of threadsAfter) {
    const used = (ns - (threadsBefore.get(tid) ?? 0)) / 1000 / calls;
    if (tid === String(process.pid)) caller = used;
    else busiestOther = Math.max(busiestOther, used);
  }
  return { callerThread: caller, busiestOtherThread: busiestOther };
}

latencies.sort();
const pct = (p) => latencies[Math.min(calls - 1, Math.floor((p / 100) * calls))];
process.stdout.write(
  `${JSON.stringify({
    client,
    scenario,
    calls,
    callsMs: ended - started,
    sinceStartMs: ended,
    cpuPerCallUs: (cpu.user + cpu.system) / calls,
    threadCpuPerCallUs: threadCpuPerCallUs(),
    p50Ms: pct(50),
    p99Ms: pct(99),
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
