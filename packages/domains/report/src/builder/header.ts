/** What UUT and UUR builders share: the report header, its id, station, timestamps and misc infos. */
import { resolveStation } from "@tswats/core";
import { canonicalGuid, newReportId } from "../guid.js";
import type { MiscInfo, Report, SubUnit } from "../model/types.js";
import { assertTimeZone, toUtcText, toWatsDateTime } from "../time.js";
import { type TextOverflow, TextPolicy } from "./text.js";

export interface ReportHeaderOptions {
  /** Part number. */
  pn: string;
  /** Serial number. */
  sn: string;
  /** Revision. */
  rev: string;
  /** The report's process (operation) code: the test operation of a UUT, the repair operation of a UUR. */
  processCode: number;
  /** Operator (`uut.user` / `uur.user`). */
  operator: string;
  /** Station name (`machineName`); default: core's `resolveStation` (WATS_STATION, config file, host name). */
  station?: string;
  location: string;
  purpose: string;
  /** Start time; default: when the builder was created. A text must carry an offset or is read in `timeZone`. */
  start?: Date | string;
  /** IANA time zone for `start` given as a Date or a naive text (default: this machine's zone). */
  timeZone?: string;
  /**
   * The report id; default a new v4 UUID. Pass a stable id (e.g. one derived from the source
   * file) so that converting the same source twice replaces the report instead of duplicating it.
   */
  id?: string;
  /** What to do with texts longer than their field's limit. Default "keep" (validateReport reports them). */
  textOverflow?: TextOverflow;
}

export interface MiscInfoValue {
  text?: string;
  numeric?: number;
  /** Repair misc fields: the id of the repair type's predefined field. */
  id?: string;
}

export abstract class ReportBuilderBase {
  /** The report id: assigned once, kept by every `build()`, the key that makes a re-submit replace. */
  readonly id: string;
  /** The station name the report is sent under. */
  readonly station: string;
  protected readonly text: TextPolicy;
  protected readonly timeZone: string | undefined;
  protected readonly start: string;
  protected readonly options: ReportHeaderOptions;
  protected readonly miscInfos: MiscInfo[] = [];
  protected readonly subUnits: SubUnit[] = [];

  protected constructor(options: ReportHeaderOptions) {
    this.options = options;
    if (options.id !== undefined) {
      const id = canonicalGuid(options.id);
      if (id === undefined)
        throw new RangeError(`report id must be a GUID, not ${JSON.stringify(options.id)}`);
      this.id = id;
    } else this.id = newReportId();
    if (options.timeZone !== undefined) assertTimeZone(options.timeZone);
    this.timeZone = options.timeZone;
    this.text = new TextPolicy(options.textOverflow);
    this.station = this.text.clean(resolveStation({ explicit: options.station }), "machineName");
    this.start = toWatsDateTime(options.start ?? new Date(), this.timeZone);
  }

  /**
   * Adds a misc info (free header data): a text, a number (Int16) or both. Numbers outside the
   * Int16 range are recorded as text. Returns the builder.
   */
  miscInfo(description: string, value: string | number | MiscInfoValue): this {
    const v: MiscInfoValue =
      typeof value === "object" ? value : typeof value === "string" ? { text: value } : { numeric: value };
    let numeric = v.numeric;
    let text = v.text;
    if (numeric !== undefined && !(Number.isInteger(numeric) && numeric >= -32768 && numeric <= 32767)) {
      text ??= String(numeric);
      numeric = undefined;
    }
    const misc: MiscInfo = {
      description: this.text.clean(description, "miscDescription"),
      text: text === undefined ? null : this.text.clean(text, "miscText"),
      numeric: numeric ?? null,
    };
    if (v.id !== undefined) misc.id = canonicalGuid(v.id) ?? v.id;
    this.miscInfos.push(misc);
    return this;
  }

  /** The header fields both report types carry. */
  protected header(): Report {
    const o = this.options;
    const t = this.text;
    return {
      id: this.id,
      pn: t.clean(o.pn, "pn"),
      sn: t.clean(o.sn, "sn"),
      rev: t.clean(o.rev, "rev"),
      processCode: o.processCode,
      machineName: this.station,
      location: t.clean(o.location, "location"),
      purpose: t.clean(o.purpose, "purpose"),
      start: this.start,
      startUTC: toUtcText(this.start) ?? null,
      miscInfos: structuredClone(this.miscInfos),
      subUnits: structuredClone(this.subUnits),
    };
  }

  protected dateTime(value: Date | string): string {
    return toWatsDateTime(value, this.timeZone);
  }
}
