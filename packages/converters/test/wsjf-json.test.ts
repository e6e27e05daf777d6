/**
 * wsjf-json: Virinco's example WSJF files and the server exports convert to valid WSJF with the
 * steps, statuses, limits and units the source file holds; the date forms and omissions WATS
 * accepts are normalised (with a warning where something was interpreted or filled in); what
 * WATS refuses is refused naming the field.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  parseDateTime,
  type Report,
  ReportClient,
  type Step,
  serialiseReport,
  validateReport,
} from "@tswats/report";
import { Wats } from "@tswats/sdk";
import { type Simulator, startSimulator } from "@tswats/simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConverterHost } from "../src/host.js";
import { conversionFailure, REPO_FIXTURES, tempDir } from "./helpers.js";

const BARE = "wsjf/WATS - WSJF UUT Example file Bare Minimum.json";
const UUR = "wsjf/WATS - WSJF UUR Example file.json";
const ALL = [
  BARE,
  UUR,
  "wsjf/uur-example.json",
  "wsjf/uut-server-export.json",
  "wsjf/uut-large-example.json",
];

type Json = Record<string, unknown>;

/** Every step of a raw WSJF object, depth first (an independent walk of the source JSON). */
function rawSteps(root: unknown): Json[] {
  const out: Json[] = [];
  const walk = (s: unknown) => {
    if (typeof s !== "object" || s === null) return;
    out.push(s as Json);
    for (const c of ((s as Json).steps as unknown[] | undefined) ?? []) walk(c);
  };
  walk(root);
  return out;
}

function allSteps(root: Step | null | undefined): Step[] {
  const out: Step[] = [];
  const walk = (s: Step) => {
    out.push(s);
    for (const c of s.steps ?? []) walk(c);
  };
  if (root) walk(root);
  return out;
}

let host: ConverterHost;
let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  host = await ConverterHost.create({ inProcess: true });
  tmp = await tempDir("tswats-wsjf-");
});
afterAll(async () => {
  await host.close();
  await tmp.cleanup();
});

async function file(name: string, content: string | Uint8Array | object): Promise<string> {
  const path = join(tmp.dir, name);
  await writeFile(
    path,
    typeof content === "object" && !(content instanceof Uint8Array) ? JSON.stringify(content) : content,
  );
  return path;
}
const convert = (path: string, parameters: Record<string, unknown> = {}) =>
  host.convertFile(path, { converter: "wsjf-json", parameters, station: "JSON-ST" });
/** The k-th step of the bare example's first sequence ("Numeric tests"). */
const leaf = (raw: Json, k: number): Json => {
  const sequence = ((raw.root as Json).steps as Json[])[0] as Json;
  return (sequence.steps as Json[])[k] as Json;
};
const bare = async (): Promise<Json> => JSON.parse(await readFile(join(REPO_FIXTURES, BARE), "utf8"));

describe("wsjf-json on Virinco's example files and the server exports", () => {
  for (const sample of ALL) {
    it(`${sample}: valid WSJF with the file's steps, statuses, limits, units and header`, async () => {
      const path = join(REPO_FIXTURES, sample);
      const raw = JSON.parse(await readFile(path, "utf8")) as Json;
      const r = await host.convertFile(path);
      expect(r.converter).toBe("wsjf-json");
      const report = r.reports[0] as Report;
      expect(validateReport(serialiseReport(report)).valid).toBe(true);
      expect(report.id).toBe(raw.id);
      for (const key of [
        "type",
        "pn",
        "sn",
        "rev",
        "processCode",
        "result",
        "machineName",
        "location",
        "purpose",
      ])
        expect(report[key as keyof Report]).toEqual(raw[key]);
      const source = rawSteps(raw.root);
      const steps = allSteps(report.root);
      expect(steps).toHaveLength(source.length);
      steps.forEach((st, i) => {
        const src = source[i] as Json;
        expect([st.name, st.status, st.stepType]).toEqual([src.name, src.status, src.stepType]);
        const meas = (src.numericMeas as Json[] | undefined) ?? [];
        expect(st.numericMeas?.length ?? 0).toBe(meas.length);
        meas.forEach((m, k) => {
          const out = st.numericMeas?.[k];
          expect(out?.value).toBe(Number(m.value));
          expect(out?.unit ?? null).toBe(m.unit ?? null);
          expect(String(out?.compOp).toUpperCase()).toBe(String(m.compOp).toUpperCase());
          expect(out?.lowLimit ?? null).toBe(
            (m.lowLimit ?? m.highLimit ?? null) === null ? null : Number(m.lowLimit ?? m.highLimit),
          );
          expect(out?.status).toBe(m.status);
        });
        expect(st.stringMeas?.length ?? 0).toBe(((src.stringMeas as unknown[]) ?? []).length);
        expect(st.booleanMeas?.map((b) => b.status) ?? []).toEqual(
          ((src.booleanMeas as Json[]) ?? []).map((b) => b.status),
        );
      });
      // start: an offset-less or empty-fraction form normalised, the same instant as written
      const ms = (t: unknown) => parseDateTime(String(t).replace(".Z", "Z"))?.epochMs;
      expect(ms(report.start)).toBe(ms(raw.start));
      if (raw.startUTC) expect(ms(report.startUTC)).toBe(ms(raw.startUTC));
      const again = await host.convertFile(path);
      expect(again.reports[0]?.id).toBe(report.id);
      if (sample === UUR) {
        expect(report.uur?.confirmDate).toBe("2018-04-01T13:40:40Z");
        expect(r.warnings).toEqual([
          expect.stringMatching(/\$\.uur\.confirmDate "2018-04-01T13:40:40" has no UTC offset; read as UTC/),
        ]);
      } else expect(r.warnings).toEqual([]);
    });
  }

  it("the bare example's startUTC with an empty fraction becomes 2020-01-01T08:00:00Z", async () => {
    const r = await host.convertFile(join(REPO_FIXTURES, BARE));
    expect(r.reports[0]?.startUTC).toBe("2020-01-01T08:00:00Z");
    expect(r.reports[0]?.start).toBe("2020-01-01T09:00:00+01:00");
  });

  it("the simulator takes the examples; converting and submitting again replaces", async () => {
    const sim: Simulator = await startSimulator({ port: 0, data: "empty" });
    const wats = new Wats({
      baseUrl: sim.url,
      token: sim.token,
      retry: { maxAttempts: 1 },
    } as ConstructorParameters<typeof Wats>[0]);
    try {
      const client = new ReportClient(wats);
      for (let round = 0; round < 2; round++) {
        const r = await host.convertFile(join(REPO_FIXTURES, BARE));
        await client.submit(r.reports[0] as Report);
      }
      expect(sim.reports.size).toBe(1);
      expect(sim.reports.replaceCount("c3eef2e0-034f-4ae1-9f8a-498a6e213775")).toBe(1);
    } finally {
      await wats.close();
      await sim.close();
    }
  });
});

describe("wsjf-json normalises what WATS accepts", () => {
  it("missing header fields: refused naming the field, filled from the parameters with a warning each", async () => {
    const raw = await bare();
    for (const key of ["pn", "sn", "rev", "processCode", "processName", "machineName"]) delete raw[key];
    delete (raw.uut as Json).user;
    const path = await file("missing.json", raw);
    const e = await conversionFailure(convert(path));
    // the station name fills machineName; the other fields have no default
    expect(e.kind).toBe("validation");
    expect(e.problems.map((x) => x.split(":")[0]).sort()).toEqual([
      "$.pn",
      "$.processCode",
      "$.rev",
      "$.sn",
      "$.uut.user",
    ]);
    const r = await convert(path, {
      partNumber: "PN-X",
      serialNumber: "SN-X",
      revision: "R",
      processCode: 20,
      operator: "op",
    });
    expect(r.reports[0]).toMatchObject({
      pn: "PN-X",
      sn: "SN-X",
      rev: "R",
      processCode: 20,
      machineName: "JSON-ST",
      uut: { user: "op" },
    });
    expect(r.warnings).toHaveLength(6);
    expect(r.warnings.join("\n")).toMatch(
      /\$\.pn is missing; set from the parameter "partNumber" \("PN-X"\)/,
    );
    expect(r.warnings.join("\n")).toMatch(
      /\$\.machineName is missing; set to this station's name \("JSON-ST"\)/,
    );
  });

  it("a process given only by name is refused naming $.processCode (WATS resolves names, a converter cannot)", async () => {
    const raw = await bare();
    delete raw.processCode;
    const e = await conversionFailure(convert(await file("byname.json", raw)));
    expect(e).toMatchObject({ kind: "content", field: "$.processCode" });
    expect(e.message).toMatch(/the process "SW Debug" \(processName\)/);
  });

  it("dates: start from startUTC, an offset-less start takes startUTC's offset or the time zone, offset-less step starts are read in the zone", async () => {
    const a = await bare();
    delete a.start;
    const fromUtc = await convert(await file("nostart.json", a), { timeZone: "Asia/Kathmandu" });
    expect(fromUtc.reports[0]?.start).toBe("2020-01-01T13:45:00.000+05:45");
    expect(fromUtc.warnings).toEqual([
      expect.stringMatching(/\$\.start is missing; taken from startUTC in Asia\/Kathmandu/),
    ]);

    const b = await bare();
    b.start = "2020-01-01T09:00:00";
    const derived = await convert(await file("naive-start.json", b));
    expect(derived.reports[0]?.start).toBe("2020-01-01T09:00:00+01:00");
    expect(derived.warnings).toEqual([]);

    const c = await bare();
    c.start = "2020-07-01T09:00:00";
    delete c.startUTC;
    ((c.root as Json).steps as Json[])[0] = {
      ...((c.root as Json).steps as Json[])[0],
      start: "2020-07-01T09:00:01.5",
    };
    const zoned = await convert(await file("naive-zone.json", c), { timeZone: "Europe/Oslo" });
    expect(zoned.reports[0]?.start).toBe("2020-07-01T09:00:00+02:00");
    expect(zoned.reports[0]?.root?.steps?.[0]?.start).toBe("2020-07-01T09:00:01.5+02:00");
    expect(zoned.warnings).toEqual([
      expect.stringMatching(/\$\.start "2020-07-01T09:00:00" has no UTC offset; read in Europe\/Oslo/),
      expect.stringMatching(/step start times: 1 written without UTC offset, read in Europe\/Oslo/),
    ]);
  });

  it("a startUTC that is not the same instant as start is refused naming $.startUTC", async () => {
    const raw = await bare();
    raw.startUTC = "2020-01-01T09:00:00Z";
    const e = await conversionFailure(convert(await file("twoinstants.json", raw)));
    expect(e).toMatchObject({ kind: "validation", field: "$.startUTC" });
  });

  it("a one-limit operator with its limit in highLimit is moved to lowLimit; a missing result comes from the root", async () => {
    const raw = await bare();
    const numeric = leaf(raw, 0);
    numeric.numericMeas = [{ compOp: "LE", name: null, status: "P", unit: "V", value: 4.5, highLimit: 5 }];
    delete raw.result;
    const r = await convert(await file("highonly.json", raw));
    expect(r.reports[0]?.root?.steps?.[0]?.steps?.[0]?.numericMeas?.[0]).toMatchObject({
      compOp: "LE",
      lowLimit: 5,
      highLimit: null,
    });
    expect(r.reports[0]?.result).toBe("F");
    expect(r.warnings).toEqual([
      expect.stringMatching(/\$\.result is missing; set to "F" \(from the root step's status\)/),
      expect.stringMatching(
        /\$\.root\.steps\[0\]\.steps\[0\]\.numericMeas\[0\] has the one limit of LE in highLimit; moved to lowLimit/,
      ),
    ]);
  });

  it("keys WATS would ignore are named in a warning", async () => {
    const raw = await bare();
    raw.stationInfo = { bench: 3 };
    ((raw.root as Json).steps as Json[])[0] = { ...((raw.root as Json).steps as Json[])[0], comment: "x" };
    (raw.uut as Json).active = true;
    const r = await convert(await file("extra-keys.json", raw));
    expect(r.warnings).toEqual([
      "extra-keys.json: 3 key(s) WSJF does not have, which WATS ignores: $.root.steps[0].comment, $.uut.active, $.stationInfo",
    ]);
  });

  it("what WATS refuses is refused naming the field: chart type, chart data, repair sub-unit indexes", async () => {
    const raw = await bare();
    const step = leaf(raw, 0);
    step.chart = { chartType: "Pie", label: "x", series: [] };
    let e = await conversionFailure(convert(await file("pie.json", raw)));
    expect(e).toMatchObject({ kind: "content", field: "$.root.steps[0].steps[0].chart.chartType" });
    step.chart = {
      chartType: "Line",
      label: "x",
      series: [{ dataType: "XYG", name: "s", xdata: "0;1", ydata: "1;2,5" }],
    };
    e = await conversionFailure(convert(await file("comma.json", raw)));
    expect(e).toMatchObject({ kind: "content", field: "$.root.steps[0].steps[0].chart.series[0].ydata" });
    expect(e.message).toMatch(/value #2 "2,5" is not a number/);

    const uur = JSON.parse(await readFile(join(REPO_FIXTURES, UUR), "utf8")) as Json;
    const units = uur.subUnits as Json[];
    delete (units[1] as Json).idx;
    e = await conversionFailure(convert(await file("noidx.json", uur)));
    expect(e).toMatchObject({ field: "$.subUnits[1].idx" });
    (units[1] as Json).idx = 3;
    e = await conversionFailure(convert(await file("dupidx.json", uur)));
    expect(e).toMatchObject({ field: "$.subUnits[2].idx" });
    (units[1] as Json).idx = 1;
    (units[2] as Json).parentIdx = 7;
    e = await conversionFailure(convert(await file("dangling.json", uur)));
    expect(e).toMatchObject({ field: "$.subUnits[2].parentIdx" });
    (units[2] as Json).parentIdx = 0;
    (units[0] as Json).idx = 5;
    e = await conversionFailure(convert(await file("nomain.json", uur)));
    expect(e).toMatchObject({ field: "$.subUnits" });
    expect(e.message).toMatch(/no main unit/);
  });

  it("an array of reports gives one report each and names the bad one; an empty array, a non-object and bad bytes are refused", async () => {
    const raw = await bare();
    const second = { ...raw, id: "0b6c0a5e-7d7a-4c55-9d2d-1d6f0c0b9e01", sn: "SN-2" };
    const r = await convert(await file("two.json", [raw, second]));
    expect(r.reports.map((x) => x.sn)).toEqual(["FATTest-299", "SN-2"]);
    const bad = await conversionFailure(
      convert(await file("twobad.json", [raw, { ...second, processCode: "ten" }])),
    );
    expect(bad.message).toMatch(/report 2/);
    expect(bad.field).toBe("$.processCode");
    expect((await conversionFailure(convert(await file("empty.json", "[]")))).message).toMatch(/empty/);
    expect((await conversionFailure(convert(await file("num.json", "[1]")))).field).toBe("$[0]");
    const latin1 = Buffer.from(JSON.stringify({ ...raw, sn: "SN-Ø" }), "latin1");
    const enc = await conversionFailure(convert(await file("latin1.json", latin1)));
    expect(enc).toMatchObject({ kind: "encoding", line: 1 });
    expect(
      (await convert(await file("latin1-ok.json", latin1), { encoding: "windows-1252" })).reports[0]?.sn,
    ).toBe("SN-Ø");
  });

  it("a huge report (20,000 steps) converts completely", async () => {
    const raw = await bare();
    const template = leaf(raw, 1);
    (raw.root as Json).steps = Array.from({ length: 200 }, (_, i) => ({
      group: "M",
      stepType: "SequenceCall",
      name: `Block ${i}`,
      status: "P",
      seqCall: { path: "p", name: `Block ${i}`, version: "1" },
      steps: Array.from({ length: 100 }, (__, j) => ({ ...template, id: undefined, name: `S${i}.${j}` })),
    }));
    (raw.root as Json).status = "P";
    delete (raw.root as Json).id;
    raw.result = "P";
    const r = await convert(await file("huge.json", raw));
    expect(allSteps(r.reports[0]?.root)).toHaveLength(1 + 200 + 20_000);
    expect(r.warnings).toEqual([]);
  });
});
