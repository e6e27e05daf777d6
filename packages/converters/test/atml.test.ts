import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Report, ReportClient, type Step, validateReport } from "@tswats/report";
import { Wats } from "@tswats/sdk";
import { startSimulator } from "@tswats/simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConverterHost } from "../src/host.js";
import {
  actionStep,
  atmlCollection,
  groupStep,
  largeAtml,
  numericStep,
  passFailStep,
  stringStep,
} from "./atml-files.js";
import { conversionFailure, REPO_FIXTURES, tempDir } from "./helpers.js";

const ATML = join(REPO_FIXTURES, "converters/atml");
const FILES = [
  "ATML 2.02 [123456789][2 30 27 PM][5 15 2019].XML",
  "ATML 5.00 [2 31 11 PM][5 15 2019].xml",
  "ATML 6.01 [2 31 52 PM][5 15 2019].xml",
];

const preOrder = (root: Step): Step[] => {
  const out: Step[] = [];
  const walk = (s: Step) => {
    out.push(s);
    for (const c of s.steps ?? []) walk(c);
  };
  walk(root);
  return out;
};

/** The statuses of the steps as the file writes them, in document order (an independent reading). */
function fileSteps(xml: string): { name: string; status: string; kind: string }[] {
  const out: { name: string; status: string; kind: string }[] = [];
  const re = /<tr:(Test|SessionAction|TestGroup)\b([^>]*)>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const attrs = m[2] as string;
    const rest = xml.slice(re.lastIndex);
    const outcome = /<tr:(?:Action)?Outcome value\s*=\s*"([^"]+)"(?:\s*qualifier\s*=\s*"([^"]+)")?/.exec(
      rest,
    );
    const word = outcome?.[1] === "Aborted" || outcome?.[1] === "UserDefined" ? outcome?.[2] : outcome?.[1];
    const code =
      { Passed: "P", Failed: "F", Done: "D", Skipped: "S", NotStarted: "S", Error: "E", Terminated: "T" }[
        word ?? ""
      ] ?? "?";
    const caller =
      /callerName='([^']*)'/.exec(attrs)?.[1] ?? /SequenceCallStepName = '([^']*)'/.exec(attrs)?.[1];
    out.push({
      name: caller ?? /name\s*=\s*"([^"]*)"/.exec(attrs)?.[1] ?? "",
      status: code,
      kind: m[1] as string,
    });
  }
  return out;
}

let host: ConverterHost;
let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  host = await ConverterHost.create({ inProcess: true });
  tmp = await tempDir();
});
afterAll(async () => {
  await host.close();
  await tmp.cleanup();
});
const file = async (name: string, content: string | Uint8Array) => {
  const path = join(tmp.dir, name);
  await writeFile(path, content);
  return path;
};

describe("atml: the TestStand samples (2.02, 5.00, 6.01)", () => {
  for (const name of FILES) {
    it(`${name.slice(0, 9)}: header, every step with its status, limits and units as the file holds them`, async () => {
      const path = join(ATML, name);
      const xml = readFileSync(path, "latin1");
      const r = await host.convertFile(path, { parameters: { timeZone: "Europe/Oslo" } });
      expect(r.converter).toBe("atml");
      expect(r.reports).toHaveLength(1);
      const report = r.reports[0] as Report;
      expect(validateReport(report).valid).toBe(true);
      const uut = xml.slice(xml.indexOf("<tr:UUT"));
      expect(report.sn).toBe(/<c:SerialNumber>\s*([^<\s]+)\s*</.exec(uut)?.[1]);
      expect(report.pn).toBe(/IdentificationNumber\s+number="([^"]+)"/.exec(uut)?.[1]);
      expect(report.uut?.user).toBe(/SystemOperator ID = "([^"]+)"/.exec(xml)?.[1]);
      const station = xml.slice(xml.indexOf("<tr:TestStation"));
      expect(report.machineName).toBe(/<c:SerialNumber>([^<]+)</.exec(station)?.[1]);
      const startText = /<tr:ResultSet[^>]*startDateTime = "([^"]+)"/.exec(xml)?.[1] as string;
      expect(report.start).toBe(`${startText}+02:00`); // May in Oslo: summer time
      const resultWord = /<tr:ResultSet[\s\S]*?<tr:Outcome value="(\w+)"/.exec(xml)?.[1];
      expect(report.result).toBe(resultWord === "Failed" ? "F" : "P");

      const expected = fileSteps(xml);
      const steps = preOrder(report.root as Step);
      // 2.02 nests the main sequence as a TestGroup; 5.00/6.01 make the ResultSet the main sequence
      const own = name.startsWith("ATML 2.02") ? steps : steps.slice(1);
      expect(own.map((s) => [s.name, s.status])).toEqual(expected.map((s) => [s.name, s.status]));

      // numeric limits: every TestResult with a LimitPair or SingleLimit, read from the file
      const numeric = steps.filter((s) => s.numericMeas);
      const limitBlocks = [...xml.matchAll(/<tr:TestLimits>([\s\S]*?)<\/tr:TestLimits>/g)].map(
        (m) => m[1] as string,
      );
      expect(numeric).toHaveLength(limitBlocks.length);
      limitBlocks.forEach((block, i) => {
        const m = numeric[i]?.numericMeas?.[0];
        const comps = [...block.matchAll(/comparator = "(\w+)"/g)].map((x) => x[1]).join("");
        const values = [...block.matchAll(/<c:Datum[^>]*value = "([^"]+)"/g)].map((x) => Number(x[1]));
        expect(m?.compOp).toBe(comps);
        expect(m?.lowLimit).toBe(values[0]);
        expect(m?.highLimit).toBe(comps.length === 4 ? values[1] : null);
      });
      const data = [...xml.matchAll(/<tr:TestData>\s*(<c:Datum value = "([^"]+)"[^>]*\/>)/g)];
      expect(data).toHaveLength(numeric.length);
      data.forEach((d, i) => {
        expect(numeric[i]?.numericMeas?.[0]?.value).toBe(Number(d[2]));
        expect(numeric[i]?.numericMeas?.[0]?.unit ?? undefined).toBe(
          /nonStandardUnit="([^"]*)"/.exec(d[1] as string)?.[1],
        );
      });
      // pass/fail tests carry their verdict as a boolean measurement
      for (const s of steps.filter(
        (x) => x.stepType === "PassFailTest" && (x.status === "P" || x.status === "F"),
      ))
        expect(s.booleanMeas?.[0]?.status).toBe(s.status);
      // step times: TotalTime where written (5.00/6.01)
      const totals = [...xml.matchAll(/<ts:TotalTime value='([^']+)'/g)].map((m) => Number(m[1]));
      if (totals.length > 0) expect(steps.map((s) => s.totTime)).toEqual(totals);
      // what is not mapped is said, with lines
      if (xml.includes("ModuleTime"))
        expect(r.warnings.some((w) => /ModuleTime.*\(lines? \d+/.test(w))).toBe(true);

      const again = await host.convertFile(path, { parameters: { timeZone: "Europe/Oslo" } });
      expect(again.reports[0]?.id).toBe(report.id);
    });
  }
});

describe("atml: batch reports and variants", () => {
  const units = [0, 1, 2].map((socket) => ({
    sn: `SN-${socket}`,
    pn: "PCBA-9",
    socket,
    batchSN: "BATCH-42",
    outcome: socket === 1 ? "Failed" : "Passed",
    steps:
      numericStep(`Rail`, socket === 1 ? 9 : 3.3, 3.2, 3.4, "V", socket === 1 ? "Failed" : "Passed") +
      passFailStep("LED"),
  }));

  it("a batch report gives one report per UUT with its socket, batch serial number and verdict; ids stable", async () => {
    const path = await file("batch.xml", atmlCollection(units, { batchSerialNumber: "BATCH-42" }));
    const r = await host.convertFile(path);
    expect(r.converter).toBe("atml");
    expect(r.reports.map((x) => [x.sn, x.uut?.testSocketIndex, x.uut?.batchSN, x.result])).toEqual([
      ["SN-0", 0, "BATCH-42", "P"],
      ["SN-1", 1, "BATCH-42", "F"],
      ["SN-2", 2, "BATCH-42", "P"],
    ]);
    expect(new Set(r.reports.map((x) => x.id)).size).toBe(3);
    const again = await host.convertFile(path);
    expect(again.reports.map((x) => x.id)).toEqual(r.reports.map((x) => x.id));
    const failing = r.reports[1]?.root?.steps?.[0]?.numericMeas?.[0];
    expect(failing).toMatchObject({
      compOp: "GELE",
      value: 9,
      lowLimit: 3.2,
      highLimit: 3.4,
      unit: "V",
      status: "F",
    });
  });

  it("the batch table gives station and operator where a UUT has none", async () => {
    const xml = atmlCollection(units.slice(0, 1), { batchSerialNumber: "B" })
      .replace(/<tr:Personnel>[\s\S]*?<\/tr:Personnel>/, "")
      .replace(/<tr:TestStation>[\s\S]*?<\/tr:TestStation>/, "");
    const r = await host.convertFile(await file("batch-bare.xml", xml));
    expect(r.reports[0]).toMatchObject({ machineName: "BATCH-ST", uut: { user: "batch-op" } });
  });

  it("an unknown element in a step is kept out with a warning naming it and its line; the rest converts", async () => {
    const xml = atmlCollection([
      { sn: "U1", pn: "P", steps: passFailStep("A").replace("<tr:Outcome", "<tr:Wobble x='1'/><tr:Outcome") },
    ]);
    const r = await host.convertFile(await file("unknown.xml", xml));
    const line = xml.split("\n").findIndex((l) => l.includes("Wobble")) + 1;
    expect(r.warnings.some((w) => w.includes("<tr:Wobble>") && w.includes(`line ${line}`))).toBe(true);
    expect(r.reports[0]?.root?.steps).toHaveLength(1);
  });

  it("an empty sequence converts to the root alone; a missing UUT, a truncated file and a bad encoding are refused with the place", async () => {
    const empty = await host.convertFile(
      await file("empty.xml", atmlCollection([{ sn: "E1", pn: "P", steps: "" }])),
    );
    expect(empty.reports[0]?.root?.steps ?? []).toHaveLength(0);

    const noUut = atmlCollection([{ sn: "X", pn: "P", steps: passFailStep("A") }]).replace(
      /<tr:UUT>[\s\S]*?<\/tr:UUT>/,
      "",
    );
    const e1 = await conversionFailure(host.convertFile(await file("no-uut.xml", noUut)));
    expect(e1.field).toBe("UUT");
    expect(e1.line).toBeGreaterThan(1);

    const full = atmlCollection([{ sn: "T", pn: "P", steps: groupStep("G", numericStep("N", 1, 0, 2)) }]);
    const cut = full.slice(0, Math.floor(full.length * 0.6));
    const e2 = await conversionFailure(host.convertFile(await file("cut.xml", cut)));
    expect(e2.kind).toBe("parse");
    expect(e2.line).toBeGreaterThan(1);

    // the declaration says iso-8859-1: the byte 0xF8 is "ø"
    const latin = Buffer.from(atmlCollection([{ sn: "S\u00f8rli", pn: "P", steps: "" }]), "latin1");
    expect((await host.convertFile(await file("latin1.xml", latin))).reports[0]?.sn).toBe("Sørli");
    const lying = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="utf-8"?>'),
      latin.subarray(latin.indexOf("\n")),
    ]);
    const e3 = await conversionFailure(host.convertFile(await file("lying.xml", lying)));
    expect(e3.kind).toBe("encoding");
    expect(e3.line).toBeGreaterThan(1);
  });

  it("strings, actions and nested groups keep their order, comparison and group", async () => {
    const steps =
      actionStep("Init") +
      groupStep(
        "Sub",
        stringStep("FW", "1.2", "1.2", "CIEQ") + stringStep("HW", "a", "b", "EQ", "Failed"),
        "Failed",
      );
    const r = await host.convertFile(
      await file("mixed.xml", atmlCollection([{ sn: "M", pn: "P", outcome: "Failed", steps }])),
    );
    const root = r.reports[0]?.root as Step;
    expect(root.steps?.map((s) => [s.name, s.group, s.status])).toEqual([
      ["Init", "S", "D"],
      ["Sub", "M", "F"],
    ]);
    expect(root.steps?.[1]?.seqCall).toMatchObject({ path: "C:\\seq\\Board.seq", name: "Sub" });
    expect(root.steps?.[1]?.steps?.map((s) => s.stringMeas?.[0])).toEqual([
      { compOp: "IGNORECASE", name: null, status: "P", value: "1.2", limit: "1.2" },
      { compOp: "CASESENSIT", name: null, status: "F", value: "a", limit: "b" },
    ]);
  });

  it("a large report (several MB) converts completely", async () => {
    const xml = largeAtml(3_000_000);
    const r = await host.convertFile(await file("large.xml", xml));
    const expected = (xml.match(/<tr:(Test|SessionAction|TestGroup)\b/g) ?? []).length;
    expect(preOrder(r.reports[0]?.root as Step).length - 1).toBe(expected);
    expect(r.warnings).toEqual([]);
  });

  it("submitted to the simulator, converting again replaces the reports instead of adding to them", async () => {
    const sim = await startSimulator({ port: 0, data: "empty" });
    const wats = new Wats({
      baseUrl: sim.url,
      token: sim.token,
      retry: { maxAttempts: 1 },
    } as ConstructorParameters<typeof Wats>[0]);
    try {
      const client = new ReportClient(wats);
      const path = await file("sim.xml", atmlCollection(units, { batchSerialNumber: "B" }));
      for (let round = 0; round < 2; round++)
        for (const report of (await host.convertFile(path)).reports) await client.submit(report);
      expect(sim.reports.size).toBe(3);
      const first = (await host.convertFile(path)).reports[0] as Report;
      expect(sim.reports.replaceCount(first.id as string)).toBe(1);
    } finally {
      await wats.close();
      await sim.close();
    }
  });
});
