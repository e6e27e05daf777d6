/** What `validateReport` and `parseReport` say about a report: one entry per problem, with its JSON path. */
export interface ReportProblem {
  /** JSON path of the offending value: `$.root.steps[2].numericMeas[0].lowLimit`; `$` is the report. */
  readonly path: string;
  readonly message: string;
  /** Errors make a submit fail; warnings describe data WATS accepts but that is probably wrong. */
  readonly severity: "error" | "warning";
  /** Stable identifier of the rule, for code that reacts to particular problems (`required`, `too-long`, ...). */
  readonly rule: ProblemRule;
}

export type ProblemRule =
  | "type"
  | "required"
  | "code"
  | "guid"
  | "too-long"
  | "empty"
  | "range"
  | "characters"
  | "date-time"
  | "non-finite"
  | "duplicate-id"
  | "step-ids"
  | "payload"
  | "limits"
  | "comp-op"
  | "status"
  | "duplicate-name"
  | "chart"
  | "attachment"
  | "ignored"
  | "repair"
  | "depth"
  /** The checker itself failed (a bug): reported instead of thrown. */
  | "internal";

/** Collects problems while a report is walked. */
export class ProblemList {
  readonly items: ReportProblem[] = [];

  error(path: string, rule: ProblemRule, message: string): void {
    this.items.push({ path, message, severity: "error", rule });
  }

  warn(path: string, rule: ProblemRule, message: string): void {
    this.items.push({ path, message, severity: "warning", rule });
  }

  get errorCount(): number {
    let n = 0;
    for (const p of this.items) if (p.severity === "error") n++;
    return n;
  }
}

/** `path.key` */
export const child = (path: string, key: string): string => `${path}.${key}`;
/** `path[index]` */
export const item = (path: string, index: number): string => `${path}[${index}]`;

/** The problems as text, one per line: `error $.pn: is required`. */
export function formatProblems(problems: readonly ReportProblem[], limit = 50): string {
  const lines = problems.slice(0, limit).map((p) => `${p.severity} ${p.path}: ${p.message}`);
  if (problems.length > limit) lines.push(`... and ${problems.length - limit} more`);
  return lines.join("\n");
}
