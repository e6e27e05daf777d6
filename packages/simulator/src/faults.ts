/**
 * Fault injection. A fault matches requests by method and path (a route template such as
 * `/api/Product/{partNumber}`, or a regular expression) and applies to the next `times`
 * matching requests (default 1, or "always"):
 *
 * - `status`: answer with that status (WATS-like `{ Message }` body, optional Retry-After).
 * - `latency`: hold the request `ms` (on the simulator's clock), then answer normally.
 * - `hang`: never answer; the connection stays open until the client gives up or the simulator closes.
 * - `reset`: send the headers and part of the body, then destroy the connection.
 * - `rate-limit-burst`: after `allow` requests pass, answer 429 with Retry-After `times` times.
 * - `rate-limit`: a fixed window of `limit` requests per `windowMs`; beyond it 429 until the window ends.
 *
 * Faults are checked in the order they were added; the first that matches applies. `down()`
 * takes the whole server down (see DownMode) until `up()`.
 */
import { z } from "zod";

export type FaultPath = string | RegExp | { regex: string; flags?: string };

export interface FaultMatch {
  method?: string;
  path?: FaultPath;
}

interface FaultBase {
  match?: FaultMatch;
  /** How many matching requests the fault applies to; default 1. */
  times?: number | "always";
}

export type FaultSpec = FaultBase &
  (
    | { kind: "status"; status: number; retryAfter?: number | string; body?: unknown }
    | { kind: "latency"; ms: number }
    | { kind: "hang" }
    | { kind: "reset" }
    | { kind: "rate-limit-burst"; allow?: number; retryAfter?: number }
    | { kind: "rate-limit"; limit: number; windowMs: number }
  );

/**
 * How `down()` takes the server down:
 * - `reset` (default): every API request's connection is destroyed without an answer.
 * - `503`: every API request gets 503 Service Unavailable (with Retry-After when given).
 * - `refuse`: the listening socket is closed, so connections are refused; only from code,
 *   since it also stops the `/_sim` control routes.
 */
export type DownMode = "reset" | "503" | "refuse";

export interface DownOptions {
  mode?: DownMode;
  /** Seconds, sent as Retry-After in mode 503. */
  retryAfter?: number;
}

export interface FaultInfo {
  id: string;
  kind: FaultSpec["kind"];
  match: { method?: string; path?: string };
  remaining: number | "always";
  /** Requests this fault has acted on so far (passes inside a rate limit do not count). */
  hits: number;
}

/** What the server does for a request a fault caught. */
export type FaultAction =
  | { kind: "status"; status: number; headers: Record<string, string>; body: unknown }
  | { kind: "latency"; ms: number }
  | { kind: "hang" }
  | { kind: "reset" };

const pathSchema = z.union([
  z.string().min(1),
  z.instanceof(RegExp),
  z.object({
    regex: z.string().min(1),
    flags: z
      .string()
      .regex(/^[gimsuy]*$/)
      .optional(),
  }),
]);
const base = {
  match: z
    .object({ method: z.string().min(1).optional(), path: pathSchema.optional() })
    .strict()
    .optional(),
  times: z.union([z.number().int().min(1), z.literal("always")]).optional(),
};
export const faultSpecSchema = z.discriminatedUnion("kind", [
  z
    .object({
      ...base,
      kind: z.literal("status"),
      status: z.number().int().min(100).max(599),
      retryAfter: z.union([z.number().min(0), z.string().min(1)]).optional(),
      body: z.unknown().optional(),
    })
    .strict(),
  z.object({ ...base, kind: z.literal("latency"), ms: z.number().min(0).max(600_000) }).strict(),
  z.object({ ...base, kind: z.literal("hang") }).strict(),
  z.object({ ...base, kind: z.literal("reset") }).strict(),
  z
    .object({
      ...base,
      kind: z.literal("rate-limit-burst"),
      allow: z.number().int().min(0).optional(),
      retryAfter: z.number().min(0).optional(),
    })
    .strict(),
  z
    .object({
      ...base,
      kind: z.literal("rate-limit"),
      limit: z.number().int().min(0),
      windowMs: z.number().int().min(1),
    })
    .strict(),
]);

export const downOptionsSchema = z
  .object({ mode: z.enum(["reset", "503", "refuse"]).optional(), retryAfter: z.number().min(0).optional() })
  .strict();

interface ActiveFault {
  id: string;
  spec: FaultSpec;
  method: string | undefined;
  path: RegExp | undefined;
  pathText: string | undefined;
  remaining: number;
  hits: number;
  allowLeft: number;
  windowStart: number;
  windowCount: number;
}

function templateRegex(template: string): RegExp {
  const body = template
    .replace(/\/+$/, "")
    .split(/(\{[^{}]+\})/)
    .map((part) => (/^\{[^{}]+\}$/.test(part) ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}/?$`, "i");
}

function compilePath(path: FaultPath | undefined): { regex: RegExp | undefined; text: string | undefined } {
  if (path === undefined) return { regex: undefined, text: undefined };
  if (typeof path === "string") return { regex: templateRegex(path), text: path };
  if (path instanceof RegExp) return { regex: path, text: path.toString() };
  const regex = new RegExp(path.regex, path.flags);
  return { regex, text: regex.toString() };
}

/** The control side the server gives the fault registry (used by down/up). */
export interface DownController {
  setDown(mode: DownMode | undefined, retryAfter: number | undefined): Promise<void>;
}

export class Faults {
  readonly #faults: ActiveFault[] = [];
  readonly #now: () => number;
  #controller: DownController | undefined;
  #nextId = 1;
  #down: { mode: DownMode; retryAfter: number | undefined } | undefined;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** @internal The server registers itself here. */
  attach(controller: DownController): void {
    this.#controller = controller;
  }

  /** Adds a fault; returns its id (for `remove`). Invalid specs throw a TypeError naming the problem. */
  add(spec: FaultSpec): string {
    const parsed = faultSpecSchema.safeParse(spec);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TypeError(
        `invalid fault: ${issue ? `${issue.path.join(".") || "(spec)"}: ${issue.message}` : "unknown problem"}`,
      );
    }
    const { regex, text } = compilePath(spec.match?.path);
    const id = `fault-${this.#nextId++}`;
    const times = spec.times ?? (spec.kind === "rate-limit" ? "always" : 1);
    this.#faults.push({
      id,
      spec,
      method: spec.match?.method?.toUpperCase(),
      path: regex,
      pathText: text,
      remaining: times === "always" ? Number.POSITIVE_INFINITY : times,
      hits: 0,
      allowLeft: spec.kind === "rate-limit-burst" ? (spec.allow ?? 0) : 0,
      windowStart: Number.NaN,
      windowCount: 0,
    });
    return id;
  }

  remove(id: string): boolean {
    const index = this.#faults.findIndex((f) => f.id === id);
    if (index < 0) return false;
    this.#faults.splice(index, 1);
    return true;
  }

  /** Removes every fault (does not bring a downed server up). */
  clear(): void {
    this.#faults.length = 0;
  }

  list(): FaultInfo[] {
    return this.#faults.map((f) => ({
      id: f.id,
      kind: f.spec.kind,
      match: {
        ...(f.method === undefined ? {} : { method: f.method }),
        ...(f.pathText === undefined ? {} : { path: f.pathText }),
      },
      remaining: Number.isFinite(f.remaining) ? f.remaining : "always",
      hits: f.hits,
    }));
  }

  /** Takes the server down until `up()`; see DownMode. */
  async down(options: DownOptions = {}): Promise<void> {
    const parsed = downOptionsSchema.safeParse(options);
    if (!parsed.success)
      throw new TypeError(`invalid down options: ${parsed.error.issues[0]?.message ?? ""}`);
    const mode = options.mode ?? "reset";
    this.#down = { mode, retryAfter: options.retryAfter };
    await this.#controller?.setDown(mode, options.retryAfter);
  }

  async up(): Promise<void> {
    this.#down = undefined;
    await this.#controller?.setDown(undefined, undefined);
  }

  get downState(): { mode: DownMode; retryAfter: number | undefined } | undefined {
    return this.#down;
  }

  /** @internal The action for a request, consuming one use of the first matching fault. */
  take(method: string, path: string): FaultAction | undefined {
    for (const fault of this.#faults) {
      if (fault.method !== undefined && fault.method !== method.toUpperCase()) continue;
      if (fault.path !== undefined) {
        fault.path.lastIndex = 0;
        if (!fault.path.test(path)) continue;
      }
      const action = this.#apply(fault);
      if (action === undefined) continue;
      fault.hits++;
      fault.remaining--;
      if (fault.remaining <= 0) this.remove(fault.id);
      return action;
    }
    return undefined;
  }

  #apply(fault: ActiveFault): FaultAction | undefined {
    const spec = fault.spec;
    switch (spec.kind) {
      case "status": {
        const headers: Record<string, string> = {};
        if (spec.retryAfter !== undefined) headers["retry-after"] = String(spec.retryAfter);
        return {
          kind: "status",
          status: spec.status,
          headers,
          body: spec.body ?? { Message: `Simulated fault: HTTP ${spec.status}.` },
        };
      }
      case "latency":
        return { kind: "latency", ms: spec.ms };
      case "hang":
        return { kind: "hang" };
      case "reset":
        return { kind: "reset" };
      case "rate-limit-burst":
        if (fault.allowLeft > 0) {
          fault.allowLeft--;
          return undefined;
        }
        return tooMany(spec.retryAfter ?? 1);
      case "rate-limit": {
        const now = this.#now();
        if (!(now < fault.windowStart + spec.windowMs)) {
          fault.windowStart = now;
          fault.windowCount = 0;
        }
        fault.windowCount++;
        if (fault.windowCount <= spec.limit) return undefined; // inside the limit: let later faults act
        return tooMany(Math.max(1, Math.ceil((fault.windowStart + spec.windowMs - now) / 1000)));
      }
    }
  }
}

function tooMany(retryAfterSeconds: number): FaultAction {
  return {
    kind: "status",
    status: 429,
    headers: { "retry-after": String(retryAfterSeconds) },
    body: { Message: `API rate limit exceeded. Retry after ${retryAfterSeconds} second(s).` },
  };
}
