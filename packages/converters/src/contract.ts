/**
 * The seam between the converters (files -> reports) and the rest of the station client
 * (queue, uploader, daemon, CLI). Both sides code against these types only.
 */
import type { Report } from "@tswats/report";

/** Where a queued report came from; stored beside the report in the queue. */
export interface ReportSource {
  /** Absolute path of the source file at the time it was converted. */
  path: string;
  /** Name of the converter that produced the report. */
  converter: string;
  /** sha256 (hex) of the source file's bytes. */
  sha256: string;
  /** Index of the report within the file (files may hold several reports). */
  index: number;
}

/** What the queue answers when a report is handed to it. */
export interface EnqueueResult {
  /** The report id (fixed at enqueue; every retry sends it). */
  id: string;
  /**
   * "duplicate": the same report (same id, same content) was already pending, sending or done;
   * nothing was written. "replaced": a report with this id but different content was there; this
   * one is queued as its new version (WATS replaces a report posted again with the same id).
   */
  status: "enqueued" | "duplicate" | "replaced";
}

/** The queue as the converters see it: durable once the promise resolves. */
export type EnqueueReport = (report: Report, source: ReportSource) => Promise<EnqueueResult>;

/** Output of the CLI commands; the CLI passes process.stdout/stderr writers. */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}
