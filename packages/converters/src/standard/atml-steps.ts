/**
 * The step tree of an ATML ResultSet: `tr:TestGroup` (sequence call), `tr:Test` (a test, its
 * `tr:TestResult`s the measurements) and `tr:SessionAction` (action-like steps), each with TestStand's
 * `ts:TSStepProperties` (step type, group, times, loops). Statuses are imported as written.
 */
import {
  type AdditionalData,
  type AdditionalDataProperty,
  type BooleanMeasurement,
  evaluateNumeric,
  evaluateString,
  groupCode,
  type MeasurementStatus,
  type NumericMeasurement,
  type Step,
  type StepStatus,
  type StringMeasurement,
  toWatsDateTime,
} from "@tswats/report";
import { datumKind, datumText, datumUnit, numericLimits, stringLimit, valueProp } from "./atml-values.js";
import { int16, int32, invariantNumber } from "./shared/invariant-number.js";
import type { WarningTally } from "./shared/warning-tally.js";
import { attrOf, childOf, childrenOf, type XmlElement } from "./shared/xml-tree.js";

const OUTCOMES: Readonly<Record<string, StepStatus>> = {
  passed: "P",
  failed: "F",
  done: "D",
  skipped: "S",
  notstarted: "S",
  error: "E",
  terminated: "T",
  aborted: "T",
  running: "U",
};

/** `tr:Outcome`/`tr:ActionOutcome`: `value`, or its `qualifier` for UserDefined/Aborted (TestStand's own words). */
export function outcomeStatus(
  outcome: XmlElement | undefined,
  tally: WarningTally,
  where: string,
): StepStatus {
  if (!outcome) return "D";
  const value = (attrOf(outcome, "value") ?? "").trim();
  const qualifier = attrOf(outcome, "qualifier")?.trim();
  const word = (value === "UserDefined" || value === "Aborted") && qualifier ? qualifier : value;
  const code = OUTCOMES[word.toLowerCase()];
  if (code !== undefined) return code;
  tally.add(`${where}: outcome ${JSON.stringify(word)} is not a WATS status: kept as Done`, outcome.line);
  return "D";
}

const STEP_PROPS = new Set([
  "StepId",
  "StepType",
  "StepGroup",
  "BlockLevel",
  "Index",
  "TotalTime",
  "ModuleTime",
  "StepCausedSequenceFailure",
  "LoopingProperties",
  "InteractiveExecutionId",
]);

export interface WalkOptions {
  timeZone: string | undefined;
  tally: WarningTally;
  /** resultID (the ATML `ID`) of each step that TestStand lists in the critical failure stack. */
  critical: ReadonlySet<string>;
}

/** Step fields from `ts:TSStepProperties`, the element's times and its outcome. */
function baseStep(
  el: XmlElement,
  name: string,
  status: StepStatus,
  o: WalkOptions,
): { step: Step; stepType: string } {
  const t = o.tally;
  const props = childOf(childOf(el, "Extension"), "TSStepProperties");
  const stepType =
    childOf(props, "StepType")?.text.trim() || (el.local === "TestGroup" ? "SequenceCall" : "Action");
  const groupText = childOf(props, "StepGroup")?.text.trim() ?? "Main";
  const group = groupCode(groupText);
  if (group === undefined) t.add(`step group ${JSON.stringify(groupText)} unknown: kept as Main`, el.line);
  const step: Step = { group: group ?? "M", stepType, name, status, causedUUTFailure: false };
  const start = attrOf(el, "startDateTime")?.trim();
  if (start) {
    try {
      step.start = toWatsDateTime(start, o.timeZone);
    } catch {
      t.add(`startDateTime ${JSON.stringify(start)} is not a date-time: step start not kept`, el.line);
    }
  }
  const guid = (childOf(props, "StepId")?.text ?? attrOf(el, "testReferenceID"))?.trim();
  if (guid && guid.length <= 30) step.tsGuid = guid;
  else if (guid) t.add(`step id ${JSON.stringify(guid)} longer than WATS's 30 characters: not kept`, el.line);
  for (const p of props?.children ?? []) {
    if (!STEP_PROPS.has(p.local)) t.add(`ts:TSStepProperties/${p.local} not mapped`, p.line);
  }
  const total = invariantNumber(attrOf(childOf(props, "TotalTime"), "value"));
  if (total !== undefined && Number.isFinite(total)) step.totTime = total;
  else {
    const end = attrOf(el, "endDateTime");
    if (start && end) {
      const s = Date.parse(start);
      const e = Date.parse(end);
      if (Number.isFinite(s) && Number.isFinite(e) && e >= s) step.totTime = (e - s) / 1000;
    }
  }
  if (childOf(props, "ModuleTime"))
    t.add(
      "ts:ModuleTime (time in the code module) not mapped: WSJF keeps the step's total time",
      childOf(props, "ModuleTime")?.line ?? el.line,
    );
  if (attrOf(childOf(props, "StepCausedSequenceFailure"), "value") === "true") step.causedSeqFailure = true;
  const exe = int32(
    invariantNumber(
      childOf(props, "InteractiveExecutionId")?.text ??
        attrOf(childOf(props, "InteractiveExecutionId"), "value"),
    ),
  );
  if (exe !== undefined) step.interactiveExeNum = exe;
  const looping = childOf(props, "LoopingProperties");
  if (looping) {
    const v = (n: string) => int16(invariantNumber(attrOf(childOf(looping, n), "value")));
    const loop = {
      idx: v("LoopIndex") ?? null,
      num: v("NumLoops") ?? null,
      endingIndex: v("EndingLoopIndex") ?? null,
      passed: v("NumPassed") ?? null,
      failed: v("NumFailed") ?? null,
    };
    for (const c of looping.children)
      if (!["LoopIndex", "NumLoops", "EndingLoopIndex", "NumPassed", "NumFailed"].includes(c.local))
        t.add(`ts:LoopingProperties/${c.local} not mapped`, c.line);
    if (Object.values(loop).some((x) => x !== null)) step.loop = loop;
  }
  if (o.critical.has(attrOf(el, "ID") ?? "\u0000") && (status === "F" || status === "E" || status === "T"))
    step.causedUUTFailure = true;
  return { step, stepType };
}

/** A `tr:Data` collection's items: report text, popup, exit code; the rest as additional results. */
function dataItems(el: XmlElement, step: Step, extra: AdditionalDataProperty[], o: WalkOptions): void {
  const data = childOf(el, "Data");
  if (!data) return;
  for (const holder of data.children) {
    if (holder.local !== "Collection") {
      extra.push(valueProp("Data", holder));
      continue;
    }
    for (const item of childrenOf(holder, "Item")) {
      const name = attrOf(item, "name") ?? "";
      const datum = childOf(item, "Datum");
      const text = datum ? datumText(datum) : undefined;
      if (name === "ReportText" && text !== undefined) step.reportText = text;
      else if (name === "ButtonHit" && text !== undefined) {
        step.messagePopup ??= { response: null, button: null };
        step.messagePopup.button = int16(invariantNumber(text)) ?? null;
      } else if (name === "Response" && text !== undefined) {
        step.messagePopup ??= { response: null, button: null };
        step.messagePopup.response = text;
      } else if (name === "ExitCode" && invariantNumber(text) !== undefined)
        step.callExe = { exitCode: invariantNumber(text) ?? null };
      else extra.push(valueProp(name, item));
    }
  }
  void o;
}

function measurementStatus(own: StepStatus, evaluate: () => "P" | "F" | undefined): MeasurementStatus {
  if (own === "P" || own === "F" || own === "S") return own;
  return evaluate() ?? (own === "E" || own === "T" ? "F" : "P");
}

const NUMERIC_TYPES = /NumericLimit|NLT|MNLT|XYG/i;

/** Adds the children of sequence element `seq` (a TestGroup or a 5.x/6.x ResultSet) to `into`. */
export function walkChildren(seq: XmlElement, into: Step[], o: WalkOptions): void {
  for (const c of seq.children) {
    switch (c.local) {
      case "TestGroup":
      case "Test":
      case "SessionAction":
        into.push(stepOf(c, o));
        break;
      case "Extension":
      case "Outcome":
      case "TestResult":
      case "Data":
      case "Events":
      case "Description":
        break; // read by the sequence's own step
      default:
        o.tally.add(`<${c.name}> in a sequence not mapped`, c.line);
    }
  }
}

/** The sequence-call name and path of a TestGroup: `name` is `<file path>#<sequence>`. */
export function groupNames(el: XmlElement): {
  stepName: string;
  path: string | null;
  sequence: string | null;
} {
  const full = attrOf(el, "name") ?? "";
  const hash = full.lastIndexOf("#");
  const path = hash >= 0 ? full.slice(0, hash) : full || null;
  const sequence = hash >= 0 ? full.slice(hash + 1) : null;
  const caller =
    attrOf(el, "callerName") ??
    /SequenceCallStepName\s*=\s*'([^']*)'/.exec(attrOf(el, "userDefinedType") ?? "")?.[1];
  return { stepName: caller || sequence || full || "Sequence", path, sequence };
}

export function stepOf(el: XmlElement, o: WalkOptions): Step {
  const t = o.tally;
  const isGroup = el.local === "TestGroup";
  const names = isGroup ? groupNames(el) : undefined;
  const name = names?.stepName ?? attrOf(el, "name") ?? "";
  const outcome = el.local === "SessionAction" ? childOf(el, "ActionOutcome") : childOf(el, "Outcome");
  const status = outcomeStatus(outcome, t, JSON.stringify(name));
  const { step, stepType } = baseStep(el, name, status, o);
  const extra: AdditionalDataProperty[] = [];
  dataItems(el, step, extra, o);
  errorEvents(el, step, t);
  if (isGroup) {
    step.seqCall = { path: names?.path ?? null, name: names?.sequence ?? null, version: null };
    step.steps = [];
    testResults(el, step, stepType, status, extra, o);
    walkChildren(el, step.steps, o);
  } else if (el.local === "Test") testResults(el, step, stepType, status, extra, o);
  for (const c of el.children)
    if (
      ![
        "Extension",
        "Outcome",
        "ActionOutcome",
        "Data",
        "TestResult",
        "Events",
        "Description",
        "TestGroup",
        "Test",
        "SessionAction",
        "TestLimits",
      ].includes(c.local)
    )
      t.add(`<${c.name}> in a step not mapped`, c.line);
  const description = childOf(el, "Description")?.text.trim();
  if (description) extra.push({ name: "Description", type: "String", value: description });
  if (extra.length > 0)
    step.additionalResults = [{ name: "Additional Results", props: extra } satisfies AdditionalData];
  return step;
}

/** `tr:Events/tr:Event/tr:Message`: the step's error message (code from a `Code` datum when there). */
function errorEvents(el: XmlElement, step: Step, t: WarningTally): void {
  for (const event of childrenOf(childOf(el, "Events"), "Event")) {
    const message = childrenOf(event, "Message")
      .map((m) => m.text.trim())
      .filter(Boolean)
      .join("\n");
    if (message && step.errorMessage === undefined) step.errorMessage = message;
    else if (message)
      t.add("a further error event message not mapped (a step holds one error message)", event.line);
    for (const d of event.children) {
      if (d.local === "Message") continue;
      const code =
        d.local === "Data" && /code/i.test(attrOf(d, "name") ?? "")
          ? int32(invariantNumber(datumText(childOf(d, "Datum") ?? d)))
          : undefined;
      if (code !== undefined) step.errorCode = code;
      else t.add(`<${d.local}> in an error event not mapped`, d.line);
    }
  }
}

interface Found {
  numeric: { el: XmlElement; m: NumericMeasurement }[];
  strings: { el: XmlElement; m: StringMeasurement }[];
  booleans: { el: XmlElement; m: BooleanMeasurement }[];
}

/** The measurements of a Test (or the results of a TestGroup) from its `tr:TestResult`s. */
function testResults(
  el: XmlElement,
  step: Step,
  stepType: string,
  status: StepStatus,
  extra: AdditionalDataProperty[],
  o: WalkOptions,
): void {
  const t = o.tally;
  const found: Found = { numeric: [], strings: [], booleans: [] };
  for (const r of childrenOf(el, "TestResult")) {
    const rName = attrOf(r, "name") ?? attrOf(r, "ID") ?? "";
    const own = childOf(r, "Outcome")
      ? outcomeStatus(childOf(r, "Outcome"), t, JSON.stringify(rName))
      : status;
    const holder = childOf(r, "TestData");
    const datum = childOf(holder, "Datum");
    if (rName === "ReportText" && datum) {
      step.reportText = datumText(datum) ?? "";
      continue;
    }
    if (rName === "SeqFileVersion" && datum && step.seqCall) {
      step.seqCall.version = datumText(datum) ?? null;
      continue;
    }
    const collection = childOf(holder, "Collection");
    if (
      collection &&
      rName === "Measurement" &&
      childrenOf(collection, "Item").some((i) => /^Measurement\[\d+\]$/.test(attrOf(i, "name") ?? ""))
    ) {
      multiMeasurements(collection, found, status, t);
      continue;
    }
    if (!datum) {
      const inner = holder?.children[0];
      if (inner) extra.push(valueProp(rName, inner));
      else if (!childOf(r, "TestLimits"))
        t.add(`TestResult ${JSON.stringify(rName)} without data not mapped`, r.line);
      continue;
    }
    const kind = datumKind(datum);
    const name = rName;
    if (kind === "number") {
      const value = invariantNumber(datumText(datum));
      if (value === undefined) {
        t.add(
          `TestResult ${JSON.stringify(name)}: value ${JSON.stringify(datumText(datum))} is not a number: kept as an additional result`,
          datum.line,
        );
        extra.push(valueProp(name, datum));
        continue;
      }
      if (!Number.isFinite(value)) {
        t.add(
          `TestResult ${JSON.stringify(name)}: value ${datumText(datum)} is not finite (WSJF measurements are finite numbers): kept as an additional result`,
          datum.line,
        );
        extra.push(valueProp(name, datum));
        continue;
      }
      let limits = numericLimits(r);
      if (limits.note) t.add(`TestResult ${JSON.stringify(name)}: ${limits.note}`, r.line);
      if ([limits.low, limits.high].some((n) => n !== undefined && !Number.isFinite(n)))
        limits = { op: "LOG", problem: `a limit is not finite (${limits.low}, ${limits.high})` };
      if (limits.problem)
        t.add(`TestResult ${JSON.stringify(name)}: ${limits.problem}: measurement kept as LOG`, r.line);
      const low = limits.low ?? null;
      const high = limits.op.length === 4 ? (limits.high ?? null) : null;
      const m: NumericMeasurement = {
        compOp: limits.op,
        name,
        status: measurementStatus(own, () => evaluateNumeric(limits.op, value, low, high)),
        unit:
          datumUnit(datum) ??
          datumUnit(childOf(childOf(childOf(r, "TestLimits"), "Limits"), "Datum")) ??
          null,
        value,
        lowLimit: limits.op === "LOG" ? null : low,
        highLimit: high,
      };
      found.numeric.push({ el: r, m });
    } else if (kind === "string") {
      const value = datumText(datum) ?? "";
      const lim = stringLimit(r);
      if (lim.problem)
        t.add(`TestResult ${JSON.stringify(name)}: ${lim.problem}: measurement kept as LOG`, r.line);
      found.strings.push({
        el: r,
        m: {
          compOp: lim.op,
          name,
          status: measurementStatus(own, () => evaluateString(lim.op, value, lim.limit ?? null)),
          value,
          limit: lim.op === "LOG" ? null : (lim.limit ?? null),
        },
      });
    } else if (kind === "boolean") {
      const v = (datumText(datum) ?? "").trim().toLowerCase();
      const passed = v === "true" || v === "1";
      found.booleans.push({
        el: r,
        m: { name, status: own === "S" ? "S" : own === "P" || own === "F" ? own : passed ? "P" : "F" },
      });
    } else extra.push(valueProp(name, datum));
  }
  if (step.seqCall) {
    // a sequence call holds its children, not measurements: its results are kept as additional results
    for (const k of ["numeric", "strings", "booleans"] as const)
      for (const { m } of found[k])
        extra.push({
          name: m.name ?? "",
          type: "String",
          value: "value" in m ? String(m.value) : String(m.status),
        });
    return;
  }
  const kinds = (["numeric", "strings", "booleans"] as const).filter((k) => found[k].length > 0);
  if (kinds.length > 1) {
    const [keep, ...rest] = kinds.sort((a, b) => found[b].length - found[a].length);
    for (const k of rest)
      for (const { el: r, m } of found[k]) {
        t.add(
          `TestResult ${JSON.stringify(m.name)}: a step holds one kind of measurement; kept as an additional result`,
          r.line,
        );
        extra.push({
          name: m.name ?? "",
          type: "String",
          value: "value" in m ? String(m.value) : String(m.status),
        });
      }
    for (const k of ["numeric", "strings", "booleans"] as const) if (k !== keep) found[k] = [];
  }
  const single = (list: { m: { name?: string | null } }[]) => {
    if (list.length === 1 && !/^(NI_Multiple|ET_M|WATS_XYG|Multi)/i.test(stepType))
      (list[0] as { m: { name?: string | null } }).m.name = null;
    else uniqueNames(list.map((x) => x.m));
  };
  if (found.numeric.length > 0) {
    single(found.numeric);
    step.numericMeas = found.numeric.map((x) => x.m);
  } else if (found.strings.length > 0) {
    single(found.strings);
    step.stringMeas = found.strings.map((x) => x.m);
  } else if (found.booleans.length > 0) {
    single(found.booleans);
    step.booleanMeas = found.booleans.map((x) => x.m);
  } else if (/PassFail|PFT/i.test(stepType) && (status === "P" || status === "F") && !step.seqCall) {
    step.booleanMeas = [{ name: null, status }];
  }
  if (
    NUMERIC_TYPES.test(stepType) &&
    found.numeric.length === 0 &&
    status !== "S" &&
    !step.seqCall &&
    found.strings.length === 0 &&
    found.booleans.length === 0
  )
    t.add(
      `numeric test ${JSON.stringify(step.name)} has no numeric result in the file: kept without measurement`,
      el.line,
    );
}

/** WATS multiple string/pass-fail steps written by TestStand: a `Measurement` collection of `Measurement[i]` items. */
function multiMeasurements(collection: XmlElement, found: Found, status: StepStatus, t: WarningTally): void {
  for (const item of childrenOf(collection, "Item")) {
    const fields = new Map<string, string>();
    for (const f of childrenOf(childOf(item, "Collection"), "Item")) {
      const d = childOf(f, "Datum");
      fields.set(attrOf(f, "name") ?? "", d ? (datumText(d) ?? "") : "");
    }
    const name = fields.get("MeasName") ?? attrOf(item, "name") ?? "";
    const own = (OUTCOMES[(fields.get("Status") ?? "").toLowerCase()] ?? status) as StepStatus;
    const mStatus: MeasurementStatus =
      own === "P" || own === "F" || own === "S" ? own : own === "E" || own === "T" ? "F" : "P";
    if (fields.has("PassFail")) found.booleans.push({ el: item, m: { name, status: mStatus } });
    else if (fields.has("StringData")) {
      const comp = (fields.get("Comp") ?? "").toLowerCase();
      const op = /ignore|case ?insens/.test(comp)
        ? "IGNORECASE"
        : comp === "" || comp === "log"
          ? "LOG"
          : /not/.test(comp)
            ? "NE"
            : "CASESENSIT";
      const limit = fields.get("StringLimit");
      found.strings.push({
        el: item,
        m: {
          compOp: op,
          name,
          status: mStatus,
          value: fields.get("StringData") ?? "",
          limit: op === "LOG" ? null : (limit ?? null),
        },
      });
    } else if (fields.has("Data")) {
      const value = invariantNumber(fields.get("Data"));
      if (value !== undefined)
        found.numeric.push({
          el: item,
          m: {
            compOp: "LOG",
            name,
            status: mStatus,
            unit: fields.get("Units") || null,
            value,
            lowLimit: null,
            highLimit: null,
          },
        });
      else
        t.add(
          `measurement ${JSON.stringify(name)}: Data ${JSON.stringify(fields.get("Data"))} is not a number: not mapped`,
          item.line,
        );
    } else
      t.add(
        `measurement item ${JSON.stringify(name)} is neither pass/fail, string nor numeric: not mapped`,
        item.line,
      );
    for (const key of fields.keys())
      if (
        ![
          "MeasName",
          "Status",
          "PassFail",
          "StringData",
          "StringLimit",
          "Comp",
          "CompExpr",
          "UseCompExpr",
          "StringLimitExpr",
          "UseStringLimitExpr",
          "Data",
          "Units",
        ].includes(key)
      )
        t.add(`measurement field ${key} not mapped`, item.line);
  }
}

/** Measurement names unique within a step (` #2`, ` #3`, ...), as WATS wants. */
function uniqueNames(ms: { name?: string | null }[]): void {
  const used = new Set<string>();
  for (const m of ms) {
    const base = m.name ?? "";
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base} #${n}`;
    used.add(name);
    m.name = name;
  }
}
