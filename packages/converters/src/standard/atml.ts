/**
 * `atml`: TestStand ATML test results (IEEE 1636.1 TestResults), schema 2.02 (`<tr:TestResults>`
 * root), 5.00 and 6.01 (`<trc:TestResultsCollection>` of `<trc:TestResults>`), including the
 * batch reports TestStand writes for parallel and batch testing: one WSJF report per
 * `TestResults` (per UUT).
 *
 * Header: UUT `c:SerialNumber` -> sn; UUT `c:Definition/c:Identification/c:IdentificationNumbers/
 * c:IdentificationNumber@number` -> pn (else ModelName, else the `partNumber` parameter, warned);
 * `c:Version` -> rev (else the `revision` parameter); `Personnel/SystemOperator@ID` -> operator;
 * `TestStation/c:SerialNumber` -> machineName; ResultSet `startDateTime` -> start (in `timeZone`
 * when it has no offset), end - start or TotalTime -> execTime; ResultSet Outcome -> result;
 * `TSResultSetProperties` TestSocketIndex and BatchSerialNumber; the batch table's batch serial
 * number, station and operator where the UUT has none; UUT additional data -> additionalData;
 * the critical failure stack -> causedUUTFailure. Steps: see `atml-steps.ts`.
 */
import {
  type AdditionalDataProperty,
  type Report,
  resultFromStatus,
  type Step,
  UutReport,
} from "@tswats/report";
import { ConversionError } from "../errors.js";
import type { ConverterContext, ConverterPluginV1 } from "../plugin-api.js";
import { groupNames, outcomeStatus, stepOf, type WalkOptions, walkChildren } from "./atml-steps.js";
import { valueProp } from "./atml-values.js";
import { fitReportTexts } from "./shared/fit-text.js";
import { int16, invariantNumber } from "./shared/invariant-number.js";
import { readStartTime } from "./shared/report-start.js";
import { WarningTally } from "./shared/warning-tally.js";
import { encodingParameter, readXmlText } from "./shared/xml-text.js";
import { attrOf, childOf, childrenOf, parseXmlTree, pathOf, type XmlElement } from "./shared/xml-tree.js";

/** The TestResults namespaces of the ATML versions TestStand writes. */
const ATML_NAMESPACE = /ieee\.org\/ATML\/\d{4}\/TestResults|IEEE-1636\.1:\d{4}(:\d+)?:TestResults/i;

export const atmlConverter: ConverterPluginV1 = {
  apiVersion: 1,
  name: "atml",
  description:
    "TestStand ATML reports (IEEE 1636.1 TestResults 2.02, 5.00, 6.01, batch reports: one report per UUT)",
  filePatterns: ["*.xml"],
  parameters: {
    processCode: {
      type: "integer",
      default: 10,
      min: 0,
      max: 32767,
      description: "Process (test operation) code; ATML has none",
    },
    partNumber: {
      type: "string",
      default: "NA",
      description: "Part number when the UUT has no identification number or model name (warned)",
    },
    revision: {
      type: "string",
      default: "1",
      description: "Revision when the UUT definition has no c:Version",
    },
    operator: {
      type: "string",
      default: "unknown",
      description: "Operator when Personnel/SystemOperator is absent",
    },
    location: { type: "string", default: "Unknown", description: "Location (ATML has none)" },
    purpose: { type: "string", default: "Production", description: "Purpose (ATML has none)" },
    timeZone: {
      type: "string",
      description:
        "IANA zone for date-times without UTC offset, as TestStand writes them (default: this machine's)",
    },
    encoding: {
      type: "string",
      description: "Text encoding when the file has no BOM (default: its XML declaration, else UTF-8)",
    },
  },
  detect(sample) {
    const t = sample.text;
    if (!/<(\w+:)?TestResults(Collection)?[\s>]/.test(t)) return 0;
    return ATML_NAMESPACE.test(t) ? 0.95 : 0.4;
  },
  convert(input, context) {
    const text = readXmlText(input, {
      encoding: encodingParameter(context.parameters.encoding),
      warn: context.warn,
    });
    const root = parseXmlTree(text, input.fileName);
    const tally = new WarningTally();
    let units: XmlElement[];
    let batch: XmlElement | undefined;
    if (root.local === "TestResults") units = [root];
    else if (root.local === "TestResultsCollection") {
      units = childrenOf(root, "TestResults");
      for (const c of root.children) {
        if (c.local === "TestResults") continue;
        if (c.local === "Extension" && childOf(c, "TSBatchTable")) batch = childOf(c, "TSBatchTable");
        else tally.add(`<${c.name}> in the collection not mapped`, c.line);
      }
    } else
      throw new ConversionError(
        `${input.fileName} is not an ATML test result: its root element is <${root.name}>, not TestResults or TestResultsCollection (line ${root.line})`,
        { kind: "content", line: root.line },
      );
    if (units.length === 0)
      throw new ConversionError(
        `${input.fileName}: the TestResultsCollection holds no TestResults (line ${root.line})`,
        {
          kind: "content",
          line: root.line,
          field: "TestResults",
        },
      );
    const reports = units.map((unit, i) => convertUnit(unit, i, units.length, batch, context, tally));
    tally.flush(context);
    return reports;
  },
};

function fail(message: string, el: XmlElement, field: string): never {
  throw new ConversionError(`${message} (line ${el.line})`, { kind: "content", line: el.line, field });
}

const HEADER_CHILDREN = new Set(["Personnel", "ResultSet", "TestStation", "UUT", "Extension", "TestProgram"]);

function convertUnit(
  tr: XmlElement,
  index: number,
  count: number,
  batch: XmlElement | undefined,
  context: ConverterContext,
  tally: WarningTally,
): Report {
  const p = context.parameters;
  const where = count > 1 ? `TestResults ${index + 1} of ${count}` : "TestResults";
  for (const c of tr.children)
    if (!HEADER_CHILDREN.has(c.local)) tally.add(`<${c.name}> in TestResults not mapped`, c.line);
  const resultSet =
    childOf(tr, "ResultSet") ?? fail(`${where}: no ResultSet (the test results)`, tr, "ResultSet");
  const uut = childOf(tr, "UUT") ?? fail(`${where}: no UUT element (serial number)`, tr, "UUT");
  const sn =
    childOf(uut, "SerialNumber")?.text.trim() ||
    fail(`${where}: no UUT serial number (UUT/c:SerialNumber)`, uut, "UUT/SerialNumber");
  const identification = pathOf(uut, "Definition", "Identification");
  const idNumbers = childrenOf(childOf(identification, "IdentificationNumbers"), "IdentificationNumber");
  const partId = idNumbers.find((n) => /part/i.test(attrOf(n, "type") ?? "")) ?? idNumbers[0];
  const model = childOf(identification, "ModelName")?.text.trim();
  let pn =
    attrOf(partId, "number")?.trim() || (model && model.toUpperCase() !== "UNKNOWN" ? model : undefined);
  if (!pn) {
    pn = p.partNumber as string;
    tally.add(
      `${where}: the UUT has no part number (c:IdentificationNumber or c:ModelName): the parameter partNumber ${JSON.stringify(pn)} is used`,
      uut.line,
    );
  }
  const rev = childOf(identification, "Version")?.text.trim() || (p.revision as string);
  for (const n of idNumbers)
    if (n !== partId)
      tally.add(
        `UUT identification number ${JSON.stringify(attrOf(n, "number"))} (${attrOf(n, "type") ?? ""}) not mapped`,
        n.line,
      );
  const operatorEl = pathOf(tr, "Personnel", "SystemOperator");
  const operator =
    attrOf(operatorEl, "ID")?.trim() ||
    attrOf(operatorEl, "name")?.trim() ||
    attrOf(batch, "operator")?.trim() ||
    (p.operator as string);
  const station =
    pathOf(tr, "TestStation", "SerialNumber")?.text.trim() ||
    attrOf(batch, "stationID")?.trim() ||
    context.station;
  const timeZone = p.timeZone as string | undefined;
  const start = readStartTime({
    start: attrOf(resultSet, "startDateTime") ?? attrOf(batch, "startDateTime"),
    where,
    startField: "ResultSet@startDateTime",
    line: resultSet.line,
    timeZone,
    warn: (m) => tally.add(m, resultSet.line),
  });
  const props = pathOf(tr, "Extension", "TSResultSetProperties");
  const socket = int16(
    invariantNumber(
      attrOf(childOf(props, "TestSocketIndex"), "value") ?? childOf(props, "TestSocketIndex")?.text,
    ),
  );
  const batchSN =
    attrOf(childOf(props, "BatchSerialNumber"), "value")?.trim() ||
    childOf(props, "BatchSerialNumber")?.text.trim() ||
    attrOf(batch, "batchSerialNumber")?.trim();
  const critical = new Set(
    childrenOf(childOf(props, "CriticalFailureStack"), "CriticalFailureStackEntry").map(
      (e) => attrOf(e, "resultID") ?? "",
    ),
  );
  for (const c of props?.children ?? [])
    if (
      ![
        "TestSocketIndex",
        "BatchSerialNumber",
        "CriticalFailureStack",
        "NumOfResults",
        "ResultListPresent",
      ].includes(c.local)
    )
      tally.add(`ts:TSResultSetProperties/${c.local} not mapped`, c.line);

  // 2.02: the ResultSet holds the main sequence as a TestGroup; 5.00/6.01: the ResultSet is it.
  const groups = childrenOf(resultSet, "TestGroup");
  const mainEl =
    childOf(childOf(resultSet, "Extension"), "TSStepProperties") || groups.length !== 1
      ? resultSet
      : (groups[0] as XmlElement);
  const o: WalkOptions = { timeZone, tally, critical };
  const mainStep: Step = stepOf(mainEl, o);
  if (mainEl === resultSet) mainStep.steps = [];
  const resultStatus = outcomeStatus(childOf(resultSet, "Outcome"), tally, "ResultSet");
  const execSeconds = mainStep.totTime ?? undefined;
  const names = groupNames(mainEl);

  const builder = new UutReport({
    id: context.reportId(index),
    pn,
    sn,
    rev,
    processCode: p.processCode as number,
    operator,
    station,
    location: p.location as string,
    purpose: p.purpose as string,
    start,
    ...(timeZone !== undefined ? { timeZone } : {}),
    ...(execSeconds !== undefined ? { execTime: execSeconds } : {}),
    ...(socket !== undefined ? { testSocketIndex: socket } : {}),
    ...(batchSN ? { batchSN } : {}),
    rootName:
      attrOf(resultSet, "callerName") ?? (mainEl === resultSet ? "MainSequence Callback" : names.stepName),
    ...(names.path ? { sequenceFile: names.path } : {}),
    mode: "import",
    result: resultFromStatus(resultStatus),
  });
  const root = builder.root.step;
  const keep = { name: root.name, causedUUTFailure: false };
  Object.assign(root, mainStep, keep);
  root.status = mainEl === resultSet ? resultStatus : mainStep.status;
  root.seqCall = { path: names.path, name: names.sequence, version: mainStep.seqCall?.version ?? null };
  if (mainEl === resultSet) {
    root.steps = [];
    walkChildren(resultSet, root.steps, o);
  }
  for (const c of resultSet.children)
    if (mainEl !== resultSet && c !== mainEl && !["Outcome", "Extension"].includes(c.local))
      tally.add(`<${c.name}> in the ResultSet beside the main sequence not mapped`, c.line);

  const additional = uutAdditionalData(uut, tally);
  if (additional.length > 0) builder.additionalData({ name: "UUT", props: additional });
  const program = childOf(tr, "TestProgram");
  if (program && childOf(program, "Configuration"))
    tally.add(
      "TestProgram/Configuration (the TestStand report generator's options) not mapped",
      childOf(program, "Configuration")?.line ?? program.line,
    );
  const report = builder.build();
  fitReportTexts(report, tally);
  return report;
}

/** `UUT/c:Definition/c:Extension/ts:TSCollection/c:Item[@name=AdditionalData]` and other UUT extension data. */
function uutAdditionalData(uut: XmlElement, tally: WarningTally): AdditionalDataProperty[] {
  const out: AdditionalDataProperty[] = [];
  const definition = childOf(uut, "Definition");
  for (const c of definition?.children ?? []) {
    if (c.local === "Identification") {
      for (const i of c.children)
        if (!["ModelName", "IdentificationNumbers", "Version"].includes(i.local))
          tally.add(`UUT identification <${i.local}> not mapped`, i.line);
      continue;
    }
    if (c.local !== "Extension") {
      tally.add(`UUT definition <${c.local}> not mapped`, c.line);
      continue;
    }
    for (const coll of c.children) {
      for (const item of coll.local === "TSCollection" ? childrenOf(coll, "Item") : [coll]) {
        const name = attrOf(item, "name") ?? item.local;
        const inner = item.children[0];
        if (name === "AdditionalData" && inner?.local === "Collection")
          for (const sub of childrenOf(inner, "Item")) out.push(valueProp(attrOf(sub, "name") ?? "", sub));
        else out.push(valueProp(name, item));
      }
    }
  }
  for (const c of uut.children)
    if (!["Definition", "SerialNumber"].includes(c.local)) tally.add(`UUT <${c.local}> not mapped`, c.line);
  return out;
}
