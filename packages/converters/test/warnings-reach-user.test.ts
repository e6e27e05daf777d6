/**
 * No silent loss: what a converter cannot map reaches the user. `convert` prints the warnings
 * (text and --json) and never calls a partly read file complete; the folder watcher writes
 * `<file>.warnings.txt` beside the Done file; the csv and wsxf-xml converters name what they
 * leave out. (The daemon's /status count is tested in @tswats/client.)
 */
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { silentLogger } from "@tswats/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { convertCommand, parseParameterAssignments } from "../src/cli.js";
import type { EnqueueReport } from "../src/contract.js";
import { ConverterHost } from "../src/host.js";
import { type ConverterEvent, startConverterWatchers } from "../src/watchers.js";
import { conversionFailure, REPO_FIXTURES, tempDir } from "./helpers.js";

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) },
    out: () => out.join(""),
    err: () => err.join(""),
  };
}

const PLAIN = join(REPO_FIXTURES, "converters/teststand/TsWithoutWats.xml");
const BARE_WSJF = join(REPO_FIXTURES, "wsjf/WATS - WSJF UUT Example file Bare Minimum.json");

let tmp: Awaited<ReturnType<typeof tempDir>>;
let host: ConverterHost;
beforeAll(async () => {
  tmp = await tempDir("tswats-warn-");
  host = await ConverterHost.create({ inProcess: true });
});
afterAll(async () => {
  await host.close();
  await tmp.cleanup();
});

describe("tswats-client convert shows the warnings", () => {
  it("text: each warning on stderr and the count in the summary; --json: the warnings and complete=false", async () => {
    const text = io();
    expect(await convertCommand({ file: PLAIN, inProcess: true }, text.io)).toBe("converted");
    expect(text.err()).toMatch(/^warning: TsWithoutWats\.xml line 5: the report has no part number/m);
    expect(text.err()).toMatch(
      /1 report\(s\) by converter teststand-xml \(not submitted\), with 1 warning\(s\)/,
    );
    const json = io();
    expect(await convertCommand({ file: PLAIN, inProcess: true, json: true }, json.io)).toBe("converted");
    const out = JSON.parse(json.out());
    expect(out).toMatchObject({ ok: true, complete: false, converter: "teststand-xml" });
    expect(out.warnings).toEqual([expect.stringMatching(/no part number/)]);
    const clean = io();
    expect(
      await convertCommand(
        {
          file: PLAIN,
          inProcess: true,
          json: true,
          parameters: parseParameterAssignments(["partNumber=MB-1"]),
        },
        clean.io,
      ),
    ).toBe("converted");
    expect(JSON.parse(clean.out())).toMatchObject({ ok: true, complete: true, warnings: [] });
  });

  it("a file that fails after warnings shows those warnings too (text and --json)", async () => {
    const bare = JSON.parse(await readFile(BARE_WSJF, "utf8"));
    const path = join(tmp.dir, "half.json");
    await writeFile(
      path,
      JSON.stringify([
        { ...bare, bench: 7 },
        { ...bare, id: "7b1c5a1e-1d2e-4f3a-9b8c-0d1e2f3a4b5c", processCode: "ten" },
      ]),
    );
    const text = io();
    expect(await convertCommand({ file: path, inProcess: true }, text.io)).toBe("not-converted");
    expect(text.err()).toMatch(
      /warning: half\.json, report 1 \(\[0\]\): 1 key\(s\) WSJF does not have.*\$\.bench/,
    );
    expect(text.err()).toMatch(/cannot convert/);
    const json = io();
    expect(await convertCommand({ file: path, inProcess: true, json: true }, json.io)).toBe("not-converted");
    const out = JSON.parse(json.out());
    expect(out.ok).toBe(false);
    expect(out.warnings).toEqual([expect.stringMatching(/\$\.bench/)]);
  });
});

describe("the folder watcher writes <file>.warnings.txt beside the Done file", () => {
  it("a TestStand report without part number: reports enqueued, file in Done/ with its warnings file", async () => {
    const folder = join(tmp.dir, "watch");
    await mkdir(folder);
    const enqueued: string[] = [];
    const enqueue: EnqueueReport = async (report) => {
      enqueued.push(report.id as string);
      return { id: report.id as string, status: "enqueued" };
    };
    const events: ConverterEvent[] = [];
    let done: (e: ConverterEvent) => void = () => {};
    const converted = new Promise<ConverterEvent>((resolve) => {
      done = resolve;
    });
    await copyFile(PLAIN, join(folder, "TsWithoutWats.xml"));
    const watchers = await startConverterWatchers({
      converters: [{ name: "teststand-xml", watch: { folder, settleMs: 200 } }],
      enqueue,
      logger: silentLogger,
      workers: 1,
      onEvent: (e) => {
        events.push(e);
        done(e);
      },
    });
    try {
      const e = await converted;
      expect(e.type).toBe("converted");
      expect(e.type === "converted" && e.warnings).toEqual([expect.stringMatching(/no part number/)]);
      expect(enqueued).toHaveLength(1);
      const text = await readFile(join(folder, "Done", "TsWithoutWats.xml.warnings.txt"), "utf8");
      expect(text).toMatch(/^converter: teststand-xml$/m);
      expect(text).toMatch(/^ {2}- TsWithoutWats\.xml line 5: the report has no part number/m);
    } finally {
      await watchers.close();
    }
  }, 30_000);
});

describe("csv and wsxf-xml name what they leave out", () => {
  const header =
    "SerialNumber,PartNumber,TestDate,StepName,StepType,Value,LowLimit,HighLimit,Unit,Result,Operator";
  const csv = async (name: string, body: string) => {
    const path = join(tmp.dir, name);
    await writeFile(path, body);
    return host.convertFile(path, { converter: "csv", parameters: { timeZone: "UTC" } });
  };

  it("csv: a clean file has no warning", async () => {
    const r = await csv(
      "clean.csv",
      `${header}\nA,P,2026-01-01 10:00:00,V,NumericLimit,5,4,6,V,PASS,jo\nA,P,2026-01-01 10:00:00,LED,PassFail,,,,,PASS,jo\n`,
    );
    expect(r.warnings).toEqual([]);
  });

  it("csv: unmapped columns, cells a step does not use and a second operator are warnings", async () => {
    const r = await csv(
      "lossy.csv",
      `${header},Temperature\nA,P,2026-01-01 10:00:00,LED,PassFail,,,,V,PASS,jo,21\nA,P,2026-01-01 10:00:00,V,NumericLimit,5,4,6,V,PASS,ann,22\nA,P,2026-01-01 10:00:00,W,NumericLimit,5,4,6,V,PASS,jo,23\nA,P,2026-01-01 10:00:00,X,NumericLimit,5,4,6,V,PASS,jo,24\n`,
    );
    expect(r.warnings).toEqual([
      'lossy.csv line 1: column(s) "Temperature" are not mapped to anything, so their values are not converted (map them with the "columns" parameter)',
      'lossy.csv: column "Unit" has a value in 1 row(s) whose step does not use it (first at line 2); not converted',
      'lossy.csv line 2: the rows of A name other operators ("ann") than its first row; a report has one, "jo" is used',
    ]);
  });

  it("wsxf-xml: the server export converts without a warning; an element it does not read is named with its line", async () => {
    const path = join(REPO_FIXTURES, "wsjf/uut-server-export.wsxf.xml");
    expect((await host.convertFile(path, { converter: "wsxf-xml" })).warnings).toEqual([]);
    const xml = (await readFile(path, "utf8")).replace(
      "<MiscInfo ",
      '<Calibration Lab="C1" />\n    <MiscInfo ',
    );
    const extra = join(tmp.dir, "extra.wsxf.xml");
    await writeFile(extra, xml);
    const line = xml.split("\n").findIndex((l) => l.includes("<Calibration")) + 1;
    const r = await host.convertFile(extra, { converter: "wsxf-xml" });
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/<Calibration> in <Report> not mapped/);
    expect(r.warnings[0]).toContain(`line ${line}`);
  });

  it("wsxf-xml on a WATS XML (WRML) test report never reports a clean success", async () => {
    const path = join(REPO_FIXTURES, "converters/wats-standard/uut-wrml.xml");
    try {
      const r = await host.convertFile(path, { converter: "wsxf-xml" });
      expect(r.warnings.length).toBeGreaterThan(0);
    } catch {
      const e = await conversionFailure(host.convertFile(path, { converter: "wsxf-xml" }));
      const warnings = (e as unknown as { warnings?: string[] }).warnings ?? [];
      expect(warnings.some((w) => /<Step>/.test(w))).toBe(true);
    }
  });
});
