import type { Report } from "@tswats/report";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConverterHost } from "../src/host.js";
import {
  allSteps,
  convertBytes,
  expectStableIds,
  expectValid,
  fixtureText,
  makeZip,
  readFixture,
  refused,
  testSteps,
  zipEntriesByLocalHeaders,
} from "./ict-helpers.js";

const ARCHIVE = "xjtag/Demonstration hardware--28_10_2019.xjlog";
const SINGLE = "xjtag/1234_14_25_32_10.08.2018_Pass.xjlog";
const EXPORT = "xjtag/567567_14_29_24_17_06_2020_Pass.xml";

let host: ConverterHost;
beforeAll(async () => {
  host = await ConverterHost.create({ inProcess: true });
});
afterAll(() => host.close());

const convert = (name: string, content: string | Uint8Array, parameters?: Record<string, unknown>) =>
  convertBytes(host, "xjtag", name, content, { timeZone: "Europe/Oslo", ...parameters });

/** What a run XML holds, read with regular expressions. */
function readRun(xml: string) {
  const info = (tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
  const results = [...xml.matchAll(/<testfunction name="[^"]*">[\s\S]*?<result value="(\w+)"/g)].map(
    (m) => m[1],
  );
  return {
    datetime: /<testrun datetime="([^"]+)"/.exec(xml)?.[1] as string,
    serial: info("serial"),
    user: info("user"),
    result: info("result"),
    timeTaken: /<testruninfo>[\s\S]*?<time-taken>(\d+)<\/time-taken>/.exec(xml)?.[1],
    groups: [...xml.matchAll(/<testgroup name="([^"]+)"/g)].map((m) => m[1]),
    results,
    skipped: [...xml.matchAll(/^(\S+) skipped$/gm)].length,
  };
}

/** The instant as Oslo wall time with its offset, worked out with Intl (the converter does not use it). */
const osloTime = (utc: string) => {
  const d = new Date(utc);
  const zone = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Oslo", timeZoneName: "shortOffset" })
    .formatToParts(d)
    .find((p) => p.type === "timeZoneName")?.value as string;
  const hours = Number(/GMT\+(\d+)/.exec(zone)?.[1] ?? 0);
  const local = new Date(d.getTime() + hours * 3600_000).toISOString().slice(0, 23);
  return `${local}+0${hours}:00`;
};

describe("xjtag on the .xjlog samples", () => {
  let bytes: Uint8Array;
  let runs: ReturnType<typeof readRun>[];
  let first: Awaited<ReturnType<typeof convert>>;
  beforeAll(async () => {
    bytes = await readFixture(ARCHIVE);
    const entries = zipEntriesByLocalHeaders(bytes);
    runs = [...entries.keys()]
      .filter((n) => /^Run \d+\.xml$/.test(n))
      .sort((a, b) => Number(/\d+/.exec(a)?.[0]) - Number(/\d+/.exec(b)?.[0]))
      .map((n) => readRun((entries.get(n) as Buffer).toString("utf8")));
    first = await convert("demo.xjlog", bytes);
  });

  it("gives one valid report per run with serial, operator, start and verdict", () => {
    expect(first.reports).toHaveLength(runs.length);
    expectValid(first.reports);
    first.reports.forEach((r, k) => {
      const run = runs[k] as (typeof runs)[number];
      expect(r).toMatchObject({
        sn: run.serial,
        uut: { user: run.user, comment: "Demonstration hardware" },
        result: run.result === "Passed" ? "P" : "F",
        start: osloTime(run.datetime),
        pn: "Demonstration hardware",
      });
    });
  });

  it("has a sequence per test group and a pass/fail step per test function with its result", () => {
    first.reports.forEach((r, k) => {
      const run = runs[k] as (typeof runs)[number];
      const groups = (r.root?.steps ?? []).filter((s) => s.stepType === "SequenceCall").map((s) => s.name);
      expect(groups).toEqual(run.groups);
      const fns = testSteps(r).filter((s) => s.stepType === "ET_PFT");
      expect(fns.map((s) => (s.status === "P" ? "Passed" : "Failed"))).toEqual(run.results);
      expect(testSteps(r).filter((s) => s.status === "S")).toHaveLength(run.skipped);
    });
  });

  it("converts again to the same ids", async () => {
    await expectStableIds(() => convert("demo.xjlog", bytes), first);
  });

  it("attaches the ConnTest output file to the test function that links to it", async () => {
    const single = await readFixture(SINGLE);
    const entries = zipEntriesByLocalHeaders(single);
    const conn = [...entries.keys()].find((n) => /^\d+_\d+$/.test(n)) as string;
    const { reports, warnings } = await convert("one.xjlog", single);
    expectValid(reports);
    expect(reports.map((r) => r.sn)).toEqual([
      /<serial>(\w+)<\/serial>/.exec((entries.get("Run 1.xml") as Buffer).toString())?.[1],
    ]);
    const step = allSteps(reports[0] as Report).find((s) => s.attachment);
    expect(step?.name).toBe("CONNTEST");
    expect(step?.attachment?.name).toBe(conn);
    expect(Buffer.from(step?.attachment?.data as string, "base64").equals(entries.get(conn) as Buffer)).toBe(
      true,
    );
    expect(warnings).toEqual([]);
    // the summary's per-function times
    expect(testSteps(reports[0] as Report).find((s) => s.name === "NEW_SERIAL_NUMBER")?.totTime).toBe(4.474);
  });
});

describe("xjtag on the XML export", () => {
  it("reads one run with its times and versions", async () => {
    const xml = await fixtureText(EXPORT);
    const run = readRun(xml);
    const { reports } = await convert("export.xml", xml);
    expect(reports).toHaveLength(1);
    expectValid(reports);
    const r = reports[0] as Report;
    expect(r).toMatchObject({ sn: run.serial, result: "P", uut: { execTime: Number(run.timeTaken) / 1000 } });
    expect(r.miscInfos).toContainEqual(
      expect.objectContaining({ description: "xjtag-version", text: "3.10.0.0" }),
    );
    expect(testSteps(r).map((s) => s.status)).toEqual(
      run.results.map((x) => (x === "Passed" ? "P" : x === "Skipped" ? "S" : "F")),
    );
    const times = [...xml.matchAll(/<testfunction name="([^"]+)">[\s\S]*?<time-taken>(\d+)<\/time-taken>/g)];
    for (const [, name, ms] of times)
      expect(testSteps(r).find((s) => s.name === name)?.totTime).toBe(Number(ms) / 1000);
  });

  it("refuses a truncated export, naming the line", async () => {
    const xml = await fixtureText(EXPORT);
    const cut = xml.slice(0, Math.floor(xml.length / 2));
    const e = await refused(host, "xjtag", "cut.xml", cut);
    expect(e.kind).toBe("parse");
    expect(e.line).toBe(cut.trimEnd().split("\n").length);
    expect(e.message).toMatch(/inside <testrun>, <testgroup>.*never closed: truncated\?/);
  });
});

const RUN = (serial: string, result: string, extra = "") => `<?xml version="1.0" encoding="utf-8"?>
<testrun datetime="2024-03-05T08:00:00.0000000Z">
  <testgroup name="Chain">
    <testfunction name="CheckChain">
      <text-output output-type="Error"><![CDATA[chain broken]]></text-output>
      <result value="${result}" />
      <time-taken>1500</time-taken>${extra}
    </testfunction>
  </testgroup>
  <testruninfo>
    <project-description>Board X</project-description>
    <user>op</user>
    <serial>${serial}</serial>
    <xjlink-name>LINK-1</xjlink-name>
    <result>${result === "Passed" ? "Passed" : "Failed"}</result>
    <time-taken>2000</time-taken>
    <fixture>F-9</fixture>
  </testruninfo>
</testrun>`;
const INFO = (n: number) =>
  `<?xml version="1.0"?><LogFileInfo><Version>1</Version><TestRunCount>${n}</TestRunCount><ProjectPath>C:\\p\\board.xjp</ProjectPath></LogFileInfo>`;

describe("xjtag on made archives", () => {
  it("maps errors, station, extra run info and the part number parameter", async () => {
    const zip = makeZip([
      { name: "Run 1.xml", data: RUN("S1", "Failed") },
      { name: "Info.xml", data: INFO(1) },
    ]);
    const { reports } = await convert("m.xjlog", zip, { partNumber: "PN-7" });
    const step = testSteps(reports[0] as Report)[0];
    expect(step).toMatchObject({
      name: "CheckChain",
      status: "F",
      errorMessage: "chain broken",
      totTime: 1.5,
    });
    expect(reports[0]).toMatchObject({
      pn: "PN-7",
      machineName: "LINK-1",
      start: "2024-03-05T09:00:00+01:00",
    });
    expect(reports[0]?.miscInfos).toContainEqual(
      expect.objectContaining({ description: "fixture", text: "F-9" }),
    );
  });

  it("refuses an archive whose Info.xml counts more runs than it holds", async () => {
    const zip = makeZip([
      { name: "Run 1.xml", data: RUN("S1", "Passed") },
      { name: "Info.xml", data: INFO(2) },
    ]);
    const e = await refused(host, "xjtag", "m.xjlog", zip);
    expect(e).toMatchObject({ field: "TestRunCount" });
    expect(e.message).toMatch(/says the log holds 2 test runs but the archive has 1/);
  });

  it("refuses a truncated archive and a damaged entry, saying which", async () => {
    const zip = makeZip([{ name: "Run 1.xml", data: RUN("S1", "Passed") }]);
    const cut = await refused(host, "xjtag", "cut.xjlog", zip.subarray(0, zip.length - 30));
    expect(cut.message).toMatch(/truncated or not a ZIP file/);
    const damaged = Uint8Array.from(zip);
    damaged[60] = (damaged[60] as number) ^ 0xff;
    const e = await refused(host, "xjtag", "bad.xjlog", damaged);
    expect(e.message).toMatch(/Run 1\.xml/);
  });

  it("names the archive entry and line of malformed run XML", async () => {
    const zip = makeZip([{ name: "Run 1.xml", data: RUN("S1", "Passed").replace("</testgroup>", "") }]);
    const e = await refused(host, "xjtag", "x.xjlog", zip);
    expect(e.field).toBe("Run 1.xml");
    expect(e.line).toBeGreaterThan(1);
  });

  it("warns about elements and archive entries it does not map", async () => {
    const zip = makeZip([
      { name: "Run 1.xml", data: RUN("S1", "Passed", "\n      <probe-data>42</probe-data>") },
      { name: "notes.txt", data: "hello" },
    ]);
    const { reports, warnings } = await convert("w.xjlog", zip);
    expect(reports).toHaveLength(1);
    expect(warnings.join("\n")).toMatch(/<probe-data> in <testfunction> at line 8 is not mapped/);
    expect(warnings.join("\n")).toMatch(/archive entry "notes\.txt"/);
  });
});
