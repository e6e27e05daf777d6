/**
 * ATML test results written from the format's definition (IEEE 1636.1 TestResults as TestStand's
 * ATML 5.00 / 6.01 report generator lays them out): single reports, batch reports (a
 * TestResultsCollection with a TSBatchTable and one TestResults per test socket) and large reports.
 */

export interface AtmlUnit {
  sn: string;
  pn?: string;
  socket?: number;
  batchSN?: string;
  outcome?: string;
  /** Inner XML of the ResultSet (the steps). */
  steps: string;
}

const NS_601 =
  'xmlns:trc="urn:IEEE-1636.1:2013:TestResultsCollection" xmlns:tr="urn:IEEE-1636.1:2013:TestResults" xmlns:c="urn:IEEE-1671:2010:Common" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ts="www.ni.com/TestStand/ATMLTestResults/3.0"';

const props = (type: string, group = "Main", total = "0.001", extra = "") =>
  `<tr:Extension><ts:TSStepProperties><ts:StepType>${type}</ts:StepType><ts:StepGroup>${group}</ts:StepGroup><ts:BlockLevel value='0'/><ts:Index value='0'/>${extra}<ts:TotalTime value='${total}'/></ts:TSStepProperties></tr:Extension>`;

let nextId = 100;
const id = () => nextId++;
const time = "2024-03-01T10:00:00.000";

export function numericStep(
  name: string,
  value: number,
  low: number,
  high: number,
  unit = "V",
  outcome = "Passed",
): string {
  return `<tr:Test ID="${id()}" name="${name}" startDateTime="${time}" endDateTime="${time}" testReferenceID="ID#:abc${nextId}">${props("NumericLimitTest")}<tr:Outcome value="${outcome}"/><tr:TestResult ID="tr-${nextId}" name="Numeric"><tr:TestData><c:Datum value="${value}" xsi:type="ts:TS_double" nonStandardUnit="${unit}" flags="0x2400"/></tr:TestData><tr:TestLimits><tr:Limits><c:LimitPair operator="AND"><c:Limit comparator="GE"><c:Datum value="${low}" xsi:type="ts:TS_double" flags="0x0000"/></c:Limit><c:Limit comparator="LE"><c:Datum value="${high}" xsi:type="ts:TS_double" flags="0x0000"/></c:Limit></c:LimitPair></tr:Limits></tr:TestLimits></tr:TestResult></tr:Test>\n`;
}

export function passFailStep(name: string, outcome = "Passed"): string {
  return `<tr:Test ID="${id()}" name="${name}" startDateTime="${time}" endDateTime="${time}">${props("PassFailTest")}<tr:Outcome value="${outcome}"/></tr:Test>\n`;
}

export function stringStep(
  name: string,
  value: string,
  limit: string,
  comparator = "EQ",
  outcome = "Passed",
): string {
  return `<tr:Test ID="${id()}" name="${name}" startDateTime="${time}" endDateTime="${time}">${props("StringValueTest")}<tr:Outcome value="${outcome}"/><tr:TestResult ID="tr-${nextId}" name="String"><tr:TestData><c:Datum xsi:type="ts:TS_string" flags="0x2400"><c:Value>${value}</c:Value></c:Datum></tr:TestData><tr:TestLimits><tr:Limits><c:Expected comparator="${comparator}"><c:Datum xsi:type="ts:TS_string" flags="0x0000"><c:Value>${limit}</c:Value></c:Datum></c:Expected></tr:Limits></tr:TestLimits></tr:TestResult></tr:Test>\n`;
}

export function actionStep(name: string): string {
  return `<tr:SessionAction ID="${id()}" name="${name}" startDateTime="${time}" endDateTime="${time}">${props("Action", "Setup")}<tr:ActionOutcome value="Done"/></tr:SessionAction>\n`;
}

export function groupStep(name: string, inner: string, outcome = "Passed"): string {
  return `<tr:TestGroup name="C:\\seq\\Board.seq#${name}" ID="${id()}" callerName="${name}" startDateTime="${time}" endDateTime="${time}">${props("SequenceCall")}<tr:Outcome value="${outcome}"/>\n${inner}</tr:TestGroup>\n`;
}

function testResults(u: AtmlUnit, index: number): string {
  const ident = u.pn
    ? `<c:Definition><c:Identification><c:ModelName>UNKNOWN</c:ModelName><c:IdentificationNumbers><c:IdentificationNumber number="${u.pn}" type="Part" qualifier="${u.pn}"/></c:IdentificationNumbers></c:Identification></c:Definition>`
    : "";
  const extra =
    (u.socket !== undefined ? `<ts:TestSocketIndex value='${u.socket}' xsi:type='c:double'/>` : "") +
    (u.batchSN ? `<ts:BatchSerialNumber value='${u.batchSN}'/>` : "");
  return `<trc:TestResults uuid="00000000-0000-0000-0000-00000000000${index}" ${NS_601}>
<tr:Personnel><tr:SystemOperator ID="oper-${index}" name="oper-${index}"/></tr:Personnel>
<tr:ResultSet ID="${id()}" name="C:\\seq\\Board.seq#MainSequence" startDateTime="${time}" endDateTime="2024-03-01T10:00:05.500">
${props("SequenceCall", "Main", "5.5")}<tr:Outcome value="${u.outcome ?? "Passed"}"/>
${u.steps}</tr:ResultSet>
<tr:TestStation><c:SerialNumber>STATION-7</c:SerialNumber></tr:TestStation>
<tr:UUT>${ident}<c:SerialNumber>${u.sn}</c:SerialNumber></tr:UUT>
<tr:Extension><ts:TSResultSetProperties><ts:NumOfResults value='0'/>${extra}</ts:TSResultSetProperties></tr:Extension>
</trc:TestResults>
`;
}

/** An ATML 6.01 collection; with `batch`, the TSBatchTable TestStand writes for batch/parallel testing. */
export function atmlCollection(units: AtmlUnit[], batch?: { batchSerialNumber: string }): string {
  const table = batch
    ? `<trc:Extension ${NS_601}><ts:TSBatchTable batchSerialNumber="${batch.batchSerialNumber}" startDateTime="${time}" stationID="BATCH-ST" operator="batch-op">
${units.map((u, i) => `<ts:UUTHref socketIndex='${u.socket ?? i}' uutResult='${u.outcome ?? "Passed"}' uutURI='' uutFileName='x.xml' anchorName='${time}' linkName='NONE'/>`).join("\n")}
</ts:TSBatchTable></trc:Extension>\n`
    : "";
  return `<?xml version="1.0" encoding="iso-8859-1" ?>
<trc:TestResultsCollection ${NS_601}>
${table}${units.map((u, i) => testResults(u, i)).join("")}</trc:TestResultsCollection>
`;
}

/** A single-UUT ATML 6.01 report of about `targetBytes`, built from repeated sequences of every step kind. */
export function largeAtml(targetBytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let g = 0; size < targetBytes; g++) {
    let inner = actionStep(`Setup ${g}`);
    for (let k = 0; k < 20; k++) inner += numericStep(`Rail ${g}.${k}`, 3.3 + (k % 5) / 100, 3.2, 3.4);
    inner += passFailStep(`LED ${g}`);
    inner += stringStep(`Firmware ${g}`, "1.2.3", "1.2.3");
    const group = groupStep(`Block ${g}`, inner);
    parts.push(group);
    size += group.length;
  }
  return atmlCollection([{ sn: "LARGE-1", pn: "PCBA-LARGE", steps: parts.join("") }]);
}
