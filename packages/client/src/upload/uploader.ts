/**
 * The uploader: N workers claim reports from the queue and post them.
 *
 * - success -> done/
 * - retryable (connection, timeout, 408/429/5xx): back to pending/ with attempts + 1 and a next
 *   attempt time (exponential backoff with jitter, at least the server's Retry-After, capped);
 *   a Retry-After also holds every worker until then (the server asked everyone to wait)
 * - permanent (400/409/413/415/422, a report that does not validate): failed/ with the reason
 * - 401/403: back to pending/ (no attempt counted) and every worker pauses in the
 *   "authentication-required" state; every `authRetryMs` the credentials are re-read and one
 *   report is tried; success clears the state
 * - breaker open: back to pending/ (no attempt counted); workers wait until the breaker lets a
 *   probe through instead of spinning
 *
 * A queue operation that fails (disk full...) is retried by the worker until it works or the
 * uploader stops; the file then stays in sending/, which the next start moves back to pending/.
 */
import { silentLogger, type WatsLogger } from "@tswats/core";
import type { LastError } from "../queue/entry.js";
import type { Claim, FileQueue } from "../queue/file-queue.js";
import {
  type ResolvedUploadRetry,
  resolveUploadRetry,
  retryDelayMs,
  type UploadRetryOptions,
} from "./backoff.js";
import { type ClassifiedFailure, classifyUploadError } from "./classify.js";
import type { UploadTarget } from "./wats-target.js";

export type AuthState = "ok" | "authentication-required";

export interface UploaderOptions {
  queue: FileQueue;
  target: UploadTarget;
  /** Uploads in flight at once. Default 2. */
  concurrency?: number;
  retry?: UploadRetryOptions;
  /** While authentication is required: how often credentials are re-read and one report tried. Default 30 000 ms. */
  authRetryMs?: number;
  /** How often an idle uploader looks at pending/ (files added by other processes). Default 1 000 ms. */
  idlePollMs?: number;
  logger?: WatsLogger;
  now?: () => number;
  random?: () => number;
}

export interface UploaderStats {
  state: "stopped" | "running" | "stopping";
  auth: AuthState;
  /** Why authentication is required (server message and status), when it is. */
  authMessage: string | null;
  authSince: string | null;
  breaker: "closed" | "open" | "half-open";
  /** Until when every worker holds (server Retry-After or open breaker), ISO, when holding. */
  holdUntil: string | null;
  concurrency: number;
  inFlight: number;
  uploadsOk: number;
  uploadsFailed: number;
  uploadsRetried: number;
  lastSuccessAt: string | null;
  lastError: LastError | null;
}

/** A wait that ends early when kicked (new work, resume, stop). */
class Waiter {
  readonly #kicks = new Set<() => void>();
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#kicks.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.#kicks.add(done);
    });
  }
  kick(): void {
    const kicks = [...this.#kicks];
    this.#kicks.clear();
    for (const kick of kicks) kick();
  }
}

export class Uploader {
  readonly #queue: FileQueue;
  #target: UploadTarget;
  readonly #concurrency: number;
  readonly #retry: ResolvedUploadRetry;
  readonly #authRetryMs: number;
  readonly #idlePollMs: number;
  readonly #logger: WatsLogger;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #waiter = new Waiter();
  readonly #inFlight = new Map<Claim, AbortController>();
  #workers: Promise<void>[] = [];
  #state: UploaderStats["state"] = "stopped";
  #auth: AuthState = "ok";
  #authMessage: string | null = null;
  #authSince: number | null = null;
  #authNextProbe = 0;
  #authProbing = false;
  #holdUntil = 0;
  #stats = { ok: 0, failed: 0, retried: 0 };
  #lastSuccessAt: number | null = null;
  #lastError: LastError | null = null;
  readonly #listeners = new Set<(event: UploaderEvent) => void>();

  constructor(options: UploaderOptions) {
    this.#queue = options.queue;
    this.#target = options.target;
    this.#concurrency = Math.max(1, Math.floor(options.concurrency ?? 2));
    this.#retry = resolveUploadRetry(options.retry);
    this.#authRetryMs = options.authRetryMs ?? 30_000;
    this.#idlePollMs = options.idlePollMs ?? 1_000;
    this.#logger = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
  }

  get target(): UploadTarget {
    return this.#target;
  }

  /** Observe outcomes (tests, metrics): "ok", "retry", "failed", "auth-required", "auth-ok". */
  on(listener: (event: UploaderEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): void {
    if (this.#state !== "stopped") return;
    this.#state = "running";
    this.#workers = Array.from({ length: this.#concurrency }, (_, n) => this.#work(n));
  }

  /**
   * Stops claiming; uploads in flight may finish within `drainTimeoutMs`, then they are aborted
   * and their reports go back to pending/ (no attempt counted). Nothing is lost either way.
   */
  async stop(drainTimeoutMs = 10_000): Promise<void> {
    if (this.#state === "stopped") return;
    this.#state = "stopping";
    this.#waiter.kick();
    const all = Promise.all(this.#workers);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), drainTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      this.#logger.warn(
        { inFlight: this.#inFlight.size },
        "uploader: drain timed out; aborting uploads in flight",
      );
      for (const controller of this.#inFlight.values())
        controller.abort(new Error("the uploader is stopping"));
      await all;
    }
    this.#state = "stopped";
  }

  /** Re-read credentials now and, when authentication is required, try again at once. */
  async recheckAuth(): Promise<void> {
    await this.#target.reloadCredentials().catch((error) => {
      this.#logger.error({ err: String(error) }, "uploader: cannot re-read the credentials");
    });
    this.#authNextProbe = 0;
    this.#waiter.kick();
  }

  /** Wake idle workers (e.g. after something was added to pending/ from outside). */
  kick(): void {
    this.#waiter.kick();
  }

  stats(): UploaderStats {
    let breaker: UploaderStats["breaker"] = "closed";
    try {
      breaker = this.#target.breakerState();
    } catch {
      breaker = "closed";
    }
    return {
      state: this.#state,
      auth: this.#auth,
      authMessage: this.#authMessage,
      authSince: this.#authSince === null ? null : new Date(this.#authSince).toISOString(),
      breaker,
      holdUntil: this.#holdUntil > this.#now() ? new Date(this.#holdUntil).toISOString() : null,
      concurrency: this.#concurrency,
      inFlight: this.#inFlight.size,
      uploadsOk: this.#stats.ok,
      uploadsFailed: this.#stats.failed,
      uploadsRetried: this.#stats.retried,
      lastSuccessAt: this.#lastSuccessAt === null ? null : new Date(this.#lastSuccessAt).toISOString(),
      lastError: this.#lastError,
    };
  }

  get #running(): boolean {
    return this.#state === "running";
  }

  async #work(worker: number): Promise<void> {
    while (this.#running) {
      const now = this.#now();
      let probe = false;
      if (this.#auth === "authentication-required") {
        if (this.#authProbing || now < this.#authNextProbe) {
          await this.#waitOrWork(this.#authProbing ? this.#authRetryMs : this.#authNextProbe - now);
          continue;
        }
        this.#authProbing = true;
        probe = true;
        const changed = await this.#target.reloadCredentials().catch((error) => {
          this.#logger.error({ err: String(error) }, "uploader: cannot re-read the credentials");
          return false;
        });
        this.#logger.info(
          { worker, credentialsChanged: changed },
          "uploader: trying one upload to check authentication",
        );
      } else if (now < this.#holdUntil) {
        await this.#waiter.wait(this.#holdUntil - now);
        continue;
      }
      try {
        await this.#uploadOne(probe);
      } catch (error) {
        this.#logger.error({ worker, err: String(error) }, "uploader: queue error; retrying shortly");
        await this.#waiter.wait(1_000);
      } finally {
        if (probe) {
          this.#authProbing = false;
          if (this.#auth === "authentication-required") this.#authNextProbe = this.#now() + this.#authRetryMs;
        }
      }
    }
  }

  async #waitOrWork(ms: number): Promise<void> {
    await this.#waiter.wait(Math.max(10, ms));
  }

  async #uploadOne(probe: boolean): Promise<void> {
    const claim = await this.#queue.claimNext();
    if (!claim) {
      const nextDue = this.#queue.nextDueInMs();
      const wait = Math.min(nextDue ?? this.#idlePollMs, this.#idlePollMs);
      const stop = new AbortController();
      await Promise.race([this.#queue.waitForWork(wait, stop.signal), this.#waiter.wait(wait)]);
      stop.abort();
      return;
    }
    const controller = new AbortController();
    this.#inFlight.set(claim, controller);
    try {
      let failure: ClassifiedFailure | undefined;
      try {
        await this.#target.send(claim.entry.report, controller.signal, { validated: claim.validated });
      } catch (error) {
        failure = classifyUploadError(error);
        if (controller.signal.aborted) failure = { ...failure, kind: "aborted" };
      }
      await this.#settle(claim, failure, probe);
    } finally {
      this.#inFlight.delete(claim);
    }
  }

  async #settle(claim: Claim, failure: ClassifiedFailure | undefined, probe: boolean): Promise<void> {
    const now = this.#now();
    if (failure === undefined) {
      await this.#persist(claim, () => this.#queue.complete(claim));
      this.#stats.ok++;
      this.#lastSuccessAt = now;
      if (this.#auth === "authentication-required") {
        this.#auth = "ok";
        this.#authMessage = null;
        this.#authSince = null;
        this.#logger.info({}, "uploader: authentication accepted again; uploads resume");
        this.#emit({ type: "auth-ok" });
        this.#waiter.kick();
      }
      this.#emit({ type: "ok", id: claim.id });
      return;
    }
    const lastError: LastError = {
      at: new Date(now).toISOString(),
      kind: failure.errorKind,
      status: failure.status,
      message: failure.message,
    };
    switch (failure.kind) {
      case "auth": {
        await this.#persist(claim, () => this.#queue.release(claim, { countAttempt: false, delayMs: 0 }));
        if (this.#auth !== "authentication-required") {
          this.#auth = "authentication-required";
          this.#authSince = now;
          this.#logger.error(
            { status: failure.status, id: claim.id },
            `uploader: WATS refused the token (${failure.status ?? "?"}: ${failure.message}); uploads paused until the token is fixed`,
          );
          this.#emit({ type: "auth-required", status: failure.status, message: failure.message });
        }
        this.#authMessage = `HTTP ${failure.status ?? "?"}: ${failure.message}`;
        this.#lastError = lastError;
        if (!probe) this.#authNextProbe = now + this.#authRetryMs;
        return;
      }
      case "breaker-open":
      case "aborted": {
        await this.#persist(claim, () => this.#queue.release(claim, { countAttempt: false, delayMs: 0 }));
        if (failure.kind === "breaker-open") {
          // Wait until the breaker lets a probe through (it says when); never spin.
          this.#holdUntil = Math.max(this.#holdUntil, now + Math.max(100, failure.retryAfterMs ?? 1_000));
        }
        return;
      }
      case "permanent": {
        await this.#persist(claim, () =>
          this.#queue.fail(claim, {
            reason: "rejected",
            status: failure.status,
            message: failure.message,
            errorKind: failure.errorKind,
            countAttempt: true,
          }),
        );
        this.#stats.failed++;
        this.#lastError = lastError;
        this.#emit({ type: "failed", id: claim.id, status: failure.status, message: failure.message });
        return;
      }
      case "retryable": {
        const attempts = claim.entry.attempts + 1;
        this.#lastError = lastError;
        if (this.#retry.maxAttempts > 0 && attempts >= this.#retry.maxAttempts) {
          await this.#persist(claim, () =>
            this.#queue.fail(claim, {
              reason: "gave-up",
              status: failure.status,
              message: `gave up after ${attempts} attempts; last: ${failure.message}`,
              errorKind: failure.errorKind,
              countAttempt: true,
            }),
          );
          this.#stats.failed++;
          this.#emit({ type: "failed", id: claim.id, status: failure.status, message: failure.message });
          return;
        }
        const delayMs = retryDelayMs(attempts, failure.retryAfterMs, this.#retry, this.#random);
        await this.#persist(claim, () =>
          this.#queue.release(claim, { countAttempt: true, delayMs, error: lastError }),
        );
        if (failure.retryAfterMs !== undefined) {
          // The server asked for a pause: everybody holds, not just this report.
          this.#holdUntil = Math.max(
            this.#holdUntil,
            now + Math.min(failure.retryAfterMs, this.#retry.maxRetryAfterMs),
          );
        }
        this.#stats.retried++;
        this.#logger.warn(
          { id: claim.id, attempts, delayMs, status: failure.status, kind: failure.errorKind },
          `uploader: upload failed, retrying later: ${failure.message}`,
        );
        this.#emit({ type: "retry", id: claim.id, attempts, delayMs, status: failure.status });
        return;
      }
    }
  }

  /** Runs a queue operation until it works; gives up only when the uploader stops (the file stays in sending/). */
  async #persist(claim: Claim, operation: () => Promise<void>): Promise<void> {
    let wait = 500;
    for (;;) {
      try {
        await operation();
        return;
      } catch (error) {
        this.#logger.error(
          { id: claim.id, err: (error as Error).message },
          "uploader: cannot update the queue; will try again (the report stays in sending/)",
        );
        if (!this.#running) return;
        await this.#waiter.wait(wait);
        wait = Math.min(wait * 2, 30_000);
      }
    }
  }

  #emit(event: UploaderEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // listeners must not break the uploader
      }
    }
  }
}

export type UploaderEvent =
  | { type: "ok"; id: string }
  | { type: "retry"; id: string; attempts: number; delayMs: number; status: number | null }
  | { type: "failed"; id: string; status: number | null; message: string }
  | { type: "auth-required"; status: number | null; message: string }
  | { type: "auth-ok" };
