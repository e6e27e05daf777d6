import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Simulator } from "../src/index.js";

/** The repository root. */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** Virinco's WSJF exports, committed under fixtures/wsjf (see NOTICE.md). */
export const wsjfFixtureDir = join(repoRoot, "fixtures/wsjf");

export interface CallOptions {
  method?: string;
  body?: unknown;
  /** Raw body (string/bytes) sent as is; with contentType. */
  raw?: string | Uint8Array;
  contentType?: string;
  token?: string | null;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** fetch against the simulator with its token (or another / none). */
export function call(sim: Simulator, path: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? sim.token : options.token;
  if (token !== null) headers.authorization = `Basic ${token}`;
  let body: BodyInit | undefined;
  if (options.raw !== undefined) {
    body = options.raw as BodyInit;
    if (options.contentType) headers["content-type"] = options.contentType;
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] = "application/json";
  }
  return fetch(`${sim.url}${path}`, {
    method: options.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    ...(body === undefined ? {} : { body }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** Calls and parses the JSON answer, failing on a non-2xx status. */
export async function callJson<T = unknown>(
  sim: Simulator,
  path: string,
  options: CallOptions = {},
): Promise<T> {
  const response = await call(sim, path, options);
  const text = await response.text();
  if (!response.ok) throw new Error(`${options.method ?? "GET"} ${path} -> ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

let counter = 0;

/** A deterministic-looking, unique report id for tests. */
export function reportId(): string {
  counter++;
  return `00000000-0000-4000-8000-${String(counter).padStart(12, "0")}`;
}

/** A small valid UUT report in WSJF. */
export function uutReport(fields: Record<string, unknown> = {}): Record<string, unknown> {
  const failed = fields.result === "F";
  return {
    type: "T",
    id: reportId(),
    pn: "TEST-PN",
    sn: "SN-1",
    rev: "A",
    processCode: 50,
    result: "P",
    machineName: "TEST-STATION",
    location: "Lab",
    purpose: "Test",
    start: "2026-03-01T10:00:00.1234567+01:00",
    root: {
      id: 1,
      group: "M",
      stepType: "SequenceCall",
      name: "MainSequence Callback",
      status: failed ? "F" : "P",
      seqCall: { path: "Test.seq", name: "MainSequence", version: "1.0" },
      steps: [
        {
          id: 2,
          group: "M",
          stepType: "ET_NLT",
          name: "Voltage",
          status: failed ? "F" : "P",
          causedUUTFailure: failed,
          numericMeas: [
            {
              compOp: "GELE",
              name: null,
              status: failed ? "F" : "P",
              unit: "V",
              value: 5,
              lowLimit: 4.5,
              highLimit: 5.5,
            },
          ],
        },
      ],
    },
    uut: { user: "tester", execTime: 1.5 },
    ...fields,
  };
}
