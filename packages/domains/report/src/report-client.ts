/**
 * Conveniences over the generated `ReportService`: submit a report only after it validates (the
 * report id makes a retried POST replace, never duplicate), read reports back as the typed
 * model, query headers with a safe filter, and download attachments.
 *
 * ```ts
 * const reports = new ReportClient(wats);            // a Wats facade or a ReportService
 * const { id } = await reports.submit(uutBuilder);   // validated first; WatsValidationError lists every problem
 * const report = await reports.getWsjf(id);
 * for await (const h of reports.paginateHeaders(reportFilter.eq("partNumber", "PCBA-1"))) { ... }
 * ```
 */
import { type CallOptions, type Paginated, WatsValidationError } from "@tswats/core";
import type { InsertReportResult, ReportHeader, WsjfReport } from "./generated/models.js";
import type { ReportService } from "./generated/service.js";
import { canonicalGuid } from "./guid.js";
import { parseReport } from "./model/parse.js";
import { stripServerFields } from "./model/serialise.js";
import type { Report } from "./model/types.js";
import {
  ODataFilter,
  type OrderBy,
  orderByText,
  type ReportHeaderCollection,
  type ReportHeaderField,
} from "./odata-filter.js";
import { formatProblems } from "./problems.js";
import { type ValidateOptions, validateReport } from "./validate.js";
import { parseWsxf } from "./wsxf/read.js";
import { toWsxf } from "./wsxf/write.js";

/** Anything with a `build()` that gives a report: `UutReport`, `UurReport`. */
export interface ReportSource {
  build(): Report;
}

export interface SubmitResult {
  /** The report id (the one submitted; the key a re-submit replaces). */
  id: string;
  /** What WATS answered. */
  result: InsertReportResult;
}

/** Options of `submit` and `submitWsxf` beside the call and validation options. */
export interface SubmitOptions extends CallOptions, ValidateOptions {
  /**
   * `false` skips the check, for a report that passed `validateReport` with the same options just
   * before and has not changed since (the station queue validates each entry it claims and
   * sends it through here). Default true. WATS still refuses what it cannot store.
   */
  validate?: boolean;
}

export interface GetReportOptions extends CallOptions {
  /** 0 (identifying header only) to 7 (the whole report, default). Below 7 parts are missing. */
  detailLevel?: number;
  /** Include chart data (default true). */
  includeChartdata?: boolean;
  /** Include attachment data (default true). */
  includeAttachments?: boolean;
}

export interface HeaderQueryOptions extends CallOptions {
  top?: number;
  skip?: number;
  orderBy?: OrderBy | readonly OrderBy[];
  expand?: readonly ReportHeaderCollection[];
  select?: readonly ReportHeaderField[];
}

/** The report service, or an object holding it as `report` (the `Wats` facade). */
export type ReportServiceSource = ReportService | { readonly report: ReportService };

const isService = (source: ReportServiceSource): source is ReportService =>
  typeof (source as ReportService).postWsjf === "function";

function filterText(filter: ODataFilter | string | undefined): string | undefined {
  if (filter === undefined) return undefined;
  if (ODataFilter.is(filter)) return filter.expression;
  if (typeof filter === "string") return filter;
  throw new TypeError("filter: pass an ODataFilter (see reportFilter) or a $filter string");
}

export class ReportClient {
  readonly #source: ReportServiceSource;
  readonly #validation: ValidateOptions;

  /**
   * @param source the generated ReportService, or the `Wats` facade (its `report` service is
   *   looked up on each call, so the facade stays lazy).
   * @param validation options `submit` validates with.
   */
  constructor(source: ReportServiceSource, validation: ValidateOptions = {}) {
    this.#source = source;
    this.#validation = validation;
  }

  get #service(): ReportService {
    return isService(this.#source) ? this.#source : this.#source.report;
  }

  /**
   * Validates the report and, only when it has no error, posts it as WSJF. A builder is built
   * once here (its id is fixed at construction). The POST is retried by the transport when it
   * fails in transit; WATS replaces a report posted again with the same id, so a retry cannot
   * duplicate it. Throws a WatsValidationError listing every error (JSON path and message; also
   * in `body.problems`) before any request is made.
   */
  async submit(report: Report | ReportSource, options: SubmitOptions = {}): Promise<SubmitResult> {
    const { data, id, callOptions } = this.#prepare(report, options, "postWsjf");
    // The wire form in the same pass as the check: a valid report holds no NaN or Infinity (the
    // only values serialiseReport rewrites), so all that is left is to leave out the fields the
    // server adds. One JSON.stringify follows, in the transport.
    // Object.assign, not `{ ...data, id }`: a spread that adds a key gets a new hidden class per
    // report in V8.
    const wire = stripServerFields(Object.assign({}, data, { id })) as WsjfReport;
    const answer: unknown = await this.#service.postWsjf(wire, {
      idempotencyKey: id,
      ...callOptions,
    });
    return { id, result: insertResult(answer) };
  }

  /** Builds (once) and validates; throws the WatsValidationError of `submit` when there is an error. */
  #prepare(report: Report | ReportSource, options: SubmitOptions, operation: string) {
    const { strict, allowSpecialCharacters, now, validate, ...callOptions } = options;
    const data =
      "build" in report && typeof report.build === "function" ? report.build() : (report as Report);
    const id = canonicalGuid(typeof data?.id === "string" ? data.id : "");
    if (validate === false) {
      if (id === undefined) {
        throw new WatsValidationError(`The report was not sent: $.id must be a GUID`, {
          operation,
          method: "POST",
        });
      }
      return { data, id, callOptions };
    }
    const validation = validateReport(data, {
      ...this.#validation,
      ...stripUndefined({ strict, allowSpecialCharacters, now }),
    });
    if (!validation.valid) {
      throw new WatsValidationError(
        `The report was not sent: ${validation.errors.length} error(s)\n${formatProblems(validation.errors)}`,
        { body: { problems: validation.problems }, operation, method: "POST" },
      );
    }
    return { data, id: id as string, callOptions };
  }

  /** A report read back as the typed model (`GET /api/Report/Wsjf/{id}`). */
  async getWsjf(id: string, options: GetReportOptions = {}): Promise<Report> {
    const { detailLevel, includeChartdata, includeAttachments, ...callOptions } = options;
    const data = await this.#service.getReportAsWsjf(
      { id, ...stripUndefined({ detailLevel, includeChartdata, includeAttachments }) },
      callOptions,
    );
    return parseReport(data);
  }

  /** A report's WSXF (XML) text. */
  getWsxfText(id: string, options: GetReportOptions & { includeIndexes?: boolean } = {}): Promise<string> {
    const { detailLevel, includeChartdata, includeAttachments, includeIndexes, ...callOptions } = options;
    return this.#service.getReportAsWsxf(
      { id, ...stripUndefined({ detailLevel, includeChartdata, includeAttachments, includeIndexes }) },
      callOptions,
    );
  }

  /** A report read as WSXF and parsed into the model. */
  async getWsxf(id: string, options: GetReportOptions = {}): Promise<Report> {
    return parseWsxf(await this.getWsxfText(id, options));
  }

  /** Validates a report and posts it as WSXF (XML). Same validation and errors as `submit`. */
  async submitWsxf(report: Report | ReportSource, options: SubmitOptions = {}): Promise<SubmitResult> {
    const { data, id, callOptions } = this.#prepare(report, options, "postWsxf");
    const answer: unknown = await this.#service.postWsxf(toWsxf(Object.assign({}, data, { id })), {
      idempotencyKey: id,
      ...callOptions,
    });
    return { id, result: insertResult(answer) };
  }

  #query(filter: ODataFilter | string | undefined, options: Omit<HeaderQueryOptions, keyof CallOptions>) {
    return stripUndefined({
      $filter: filterText(filter),
      $top: options.top,
      $skip: options.skip,
      $orderby: options.orderBy === undefined ? undefined : orderByText(options.orderBy),
      $expand: options.expand?.join(","),
      $select: options.select?.join(","),
    });
  }

  /** One page of report headers matching `filter` (WATS returns the 10 most recent without `top`). */
  async queryHeaders(
    filter?: ODataFilter | string,
    options: HeaderQueryOptions = {},
  ): Promise<ReportHeader[]> {
    const { top, skip, orderBy, expand, select, ...callOptions } = options;
    return this.#service.headerQuery(
      this.#query(filter, { top, skip, orderBy, expand, select }),
      callOptions,
    );
  }

  /**
   * Every header matching `filter`, fetched a page at a time (`for await`, `.pages()`,
   * `.toArray()`). Order by a unique field (default `start` then `uuid`) so pages do not shift.
   */
  paginateHeaders(
    filter?: ODataFilter | string,
    options: Omit<HeaderQueryOptions, "top" | "skip"> & { pageSize?: number; maxPages?: number } = {},
  ): Paginated<ReportHeader> {
    const { orderBy, expand, select, ...rest } = options;
    const order = orderBy ?? [{ field: "start", descending: true }, { field: "uuid" }];
    return this.#service.paginateHeaderQuery(this.#query(filter, { orderBy: order, expand, select }), rest);
  }

  /** A test step's attachment (`stepId`) or a repair attachment (`attachmentId`) as bytes. */
  async downloadAttachment(
    reportId: string,
    which: { stepId: number } | { attachmentId: string },
    options: CallOptions = {},
  ): Promise<Uint8Array> {
    const params =
      "stepId" in which ? { reportId, stepId: which.stepId } : { reportId, attachmentId: which.attachmentId };
    return new Uint8Array(await this.#service.getAttachment(params, options));
  }

  /** All attachments of a report as one zip archive. */
  async downloadAttachments(reportId: string, options: CallOptions = {}): Promise<Uint8Array> {
    return new Uint8Array(await this.#service.getAttachments({ id: reportId }, options));
  }
}

/** WATS answers with InsertReportResult; some versions wrap it in an array. */
function insertResult(answer: unknown): InsertReportResult {
  const result = Array.isArray(answer) ? answer[0] : answer;
  return typeof result === "object" && result !== null ? (result as InsertReportResult) : {};
}

function stripUndefined<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T]: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v;
  return out as { [K in keyof T]: Exclude<T[K], undefined> };
}
