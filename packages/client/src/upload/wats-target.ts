/**
 * Where the uploader sends reports: WATS through the SDK. The transport's own retry loop is off
 * (the queue owns the schedule, persisted across restarts); its circuit breaker and rate limit
 * stay on. The token comes from a provider and is re-read when credentials are checked again
 * (after a 401/403), so fixing the token in the config file or environment resumes uploads.
 */
import type {
  BreakerOptions,
  BreakerState,
  BreakerStateChange,
  ThrottleOptions,
  ThrottleStats,
  WatsLogger,
} from "@tswats/core";
import { type Report, ReportClient } from "@tswats/report";
import type { Wats } from "@tswats/sdk";

export interface UploadTarget {
  /**
   * Posts one report (the report id is the idempotency key). Throws a WatsError on failure.
   * `validated`: the queue has just validated it, so it is not checked a second time.
   */
  send(report: Report, signal: AbortSignal, options?: { validated?: boolean }): Promise<void>;
  /** The breaker state towards the server. */
  breakerState(): BreakerState;
  /** Calls `listener` on every breaker transition; returns an unsubscribe function. */
  onBreakerChange?(listener: (change: BreakerStateChange) => void): () => void;
  /** Re-reads credentials; true when they changed. */
  reloadCredentials(): Promise<boolean>;
  /** The client-side rate limit now (requests in the window, waiting), when there is one. */
  throttleStats?(): ThrottleStats | undefined;
  /** A cheap authenticated request: is the server reachable (and the token accepted)? */
  ping(signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export interface WatsTargetOptions {
  baseUrl: string;
  /** Returns the current token (re-read on `reloadCredentials`). */
  token: () => string | Promise<string>;
  /** Time limit of one upload. Default 60 000 ms. */
  timeoutMs?: number;
  breaker?: BreakerOptions | false;
  throttle?: ThrottleOptions | false;
  logger?: WatsLogger | false;
  station?: string;
}

export async function createWatsTarget(options: WatsTargetOptions): Promise<UploadTarget> {
  // The SDK is loaded here, not when this module is: a daemon with uploads off never needs it.
  const { Wats } = await import("@tswats/sdk");
  const breakerListeners = new Set<(change: BreakerStateChange) => void>();
  let token = await options.token();
  let wats = build(token);
  let reports = new ReportClient(wats);

  function build(current: string): Wats {
    const created = new Wats({
      baseUrl: options.baseUrl,
      token: current,
      timeoutMs: options.timeoutMs ?? 60_000,
      retry: false,
      ...(options.breaker !== undefined ? { breaker: options.breaker } : {}),
      ...(options.throttle !== undefined ? { throttle: options.throttle } : {}),
      ...(options.logger !== undefined ? { logger: options.logger } : {}),
      ...(options.station !== undefined ? { station: options.station } : {}),
    });
    created.transport.breakers?.on("stateChange", (change) => {
      for (const listener of breakerListeners) listener(change);
    });
    return created;
  }

  return {
    async send(report, signal, options) {
      await reports.submit(report, { signal, validate: options?.validated !== true });
    },
    breakerState() {
      const snapshot = wats.transport.breakers?.snapshot() ?? [];
      const states = snapshot.map((s) => s.state);
      if (states.includes("open")) return "open";
      if (states.includes("half-open")) return "half-open";
      return "closed";
    },
    onBreakerChange(listener) {
      breakerListeners.add(listener);
      return () => breakerListeners.delete(listener);
    },
    async reloadCredentials() {
      const next = await options.token();
      if (next === token) return false;
      const old = wats;
      token = next;
      wats = build(token);
      reports = new ReportClient(wats);
      await old.close();
      return true;
    },
    throttleStats() {
      return wats.transport.metrics().throttle;
    },
    async ping(signal) {
      await wats.analytics.version({ ...(signal ? { signal } : {}), timeoutMs: 5_000 });
    },
    async close() {
      await wats.close();
    },
  };
}

/**
 * The target of a daemon with `upload.enabled: false`: intentionally offline, so it needs no
 * token and never makes a request (the uploader does not run; anything that still asks is refused).
 */
export function offlineTarget(): UploadTarget {
  const refuse = async () => {
    throw new Error("uploads are disabled (upload.enabled=false)");
  };
  return {
    send: refuse,
    breakerState: () => "closed",
    reloadCredentials: async () => false,
    ping: refuse,
    close: async () => undefined,
  };
}
