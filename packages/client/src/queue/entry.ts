/**
 * What a queue file holds: the report plus the bookkeeping that must survive a restart
 * (attempts, last error, next attempt time), and the reason file written beside a failed one.
 */

import type { ReportSource } from "@tswats/converters/config";
import type { Report } from "@tswats/report";
import { z } from "zod";

export const ENTRY_FORMAT = "tswats-queue-entry/1";

export interface LastError {
  at: string;
  kind: string;
  status: number | null;
  message: string;
}

export interface QueueEntry {
  format: typeof ENTRY_FORMAT;
  id: string;
  enqueuedAt: string;
  /** Upload attempts that reached the server or failed in transit (auth pauses and breaker waits do not count). */
  attempts: number;
  nextAttemptAt: string | null;
  lastError: LastError | null;
  source: ReportSource | null;
  /** The queue writer (`<pid>-<nonce>`) that enqueued it; recovery leaves a live writer's entry alone. */
  writer?: string | undefined;
  report: Report;
}

const lastErrorSchema = z.object({
  at: z.string(),
  kind: z.string(),
  status: z.number().int().nullable(),
  message: z.string(),
});

const sourceSchema = z.object({
  path: z.string(),
  converter: z.string(),
  sha256: z.string(),
  index: z.number().int().nonnegative(),
});

export const entrySchema = z.object({
  format: z.literal(ENTRY_FORMAT),
  id: z.string(),
  enqueuedAt: z.string(),
  attempts: z.number().int().nonnegative(),
  nextAttemptAt: z.string().nullable(),
  lastError: lastErrorSchema.nullable(),
  source: sourceSchema.nullable(),
  writer: z.string().optional(),
  report: z.record(z.string(), z.unknown()),
});

export type FailureReasonKind = "rejected" | "corrupt" | "gave-up" | "unrecognised";

/** `failed/<name>.reason.json`. */
export interface FailureReason {
  failedAt: string;
  reason: FailureReasonKind;
  /** HTTP status of the last answer, when there was one. */
  status: number | null;
  /** What the server said (its `Message`), or what was wrong with the file. */
  message: string;
  attempts: number;
  errorKind: string | null;
}

export const reasonSchema = z.object({
  failedAt: z.string(),
  reason: z.enum(["rejected", "corrupt", "gave-up", "unrecognised"]),
  status: z.number().int().nullable(),
  message: z.string(),
  attempts: z.number().int(),
  errorKind: z.string().nullable(),
});
