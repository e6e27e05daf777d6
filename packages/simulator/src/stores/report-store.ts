/**
 * Stored reports by id. A report posted again with the same id replaces the earlier one (as
 * WATS does); the store counts those replacements so tests can see them.
 */
import type { JsonObject } from "../formats/wsjf.js";
import { parseInstant } from "../time.js";

export interface StoredReport {
  /** Lower-case report id. */
  readonly id: string;
  /** The report as submitted, with the server-added fields. */
  report: JsonObject;
  /** Legacy numeric id (`Report_ID`), kept across replacements. */
  readonly reportId: number;
  /** When the latest version arrived (ISO, UTC). */
  receivedAt: string;
  /** How many times this id was received (1 + replacements). */
  receiveCount: number;
  /** Increases with every insert or replacement, across all reports (like a row version). */
  timeStamp: number;
  /** Size of the submitted document in bytes. */
  size: number;
  /** `start` as epoch milliseconds (sub-millisecond digits as a fraction). */
  startMs: number;
}

export class ReportStore {
  readonly #reports = new Map<string, StoredReport>();
  #nextReportId = 1;
  #nextStamp = 1;
  #replacements = 0;

  /** Stores a validated report; returns the stored entry and whether it replaced one. */
  put(report: JsonObject, size: number, receivedAt: string): { stored: StoredReport; replaced: boolean } {
    const id = String(report.id).toLowerCase();
    const previous = this.#reports.get(id);
    const stored: StoredReport = {
      id,
      report,
      reportId: previous?.reportId ?? this.#nextReportId++,
      receivedAt,
      receiveCount: (previous?.receiveCount ?? 0) + 1,
      timeStamp: this.#nextStamp++,
      size,
      startMs: parseInstant(String(report.start))?.epochMs ?? 0,
    };
    this.#reports.set(id, stored);
    if (previous) this.#replacements++;
    return { stored, replaced: previous !== undefined };
  }

  get(id: string): StoredReport | undefined {
    return this.#reports.get(id.toLowerCase());
  }

  list(): StoredReport[] {
    return [...this.#reports.values()];
  }

  get size(): number {
    return this.#reports.size;
  }

  /** How many times the report with this id was replaced (0 when stored once or never). */
  replaceCount(id: string): number {
    const stored = this.get(id);
    return stored ? stored.receiveCount - 1 : 0;
  }

  /** Replacements across all reports since start (or the last clear). */
  get totalReplacements(): number {
    return this.#replacements;
  }

  clear(): void {
    this.#reports.clear();
    this.#replacements = 0;
  }
}
