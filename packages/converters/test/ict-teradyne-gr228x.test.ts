import type { Report } from "@tswats/report";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConverterHost } from "../src/host.js";
import {
  convertBytes,
  expectClose,
  expectStableIds,
  expectValid,
  fixtureText,
  numericOf,
  refused,
  testSteps,
  unitFactor,
} from "./ict-helpers.js";

const SAMPLE = "teradyne-gr228x/43420_BIO2.LOG";
let host: ConverterHost;
let text: string;
beforeAll(async () => {
  host = await ConverterHost.create({ inProcess: true });
  text = await fixtureText(SAMPLE);
});
afterAll(() => host.close());

const convert = (content: string, parameters?: Record<string, unknown>) =>
  convertBytes(host, "teradyne-gr228x", "board.LOG", content, { timeZone: "Europe/Oslo", ...parameters });

/** An independent reading of the log: boards, their lines, end events. */
function readBoards(log: string) {
  const lines = log.split(/\r?\n/);
  const boards: { sn: string; date: string; lines: string[]; event: string }[] = [];
  let current: (typeof boards)[number] | undefined;
  for (const line of lines) {
    const start = /^@(\S+\s+\S+) SN (.+)$/.exec(line.trim());
    if (start) {
      current = { sn: (start[2] as string).trim(), date: start[1] as string, lines: [], event: "" };
      boards.push(current);
    } else if (current && /^["/?!*&\]]\d/.test(line)) {
      current.event = line[0] as string;
      current = undefined;
    } else if (current) current.lines.push(line.trim());
  }
  return boards;
}

const SPICE: Record<string, number> = { P: 1e-12, N: 1e-9, U: 1e-6, M: 1e-3, K: 1e3, MEG: 1e6, "": 1 };
const spice = (t: string) => {
  const m = /^([-+\d.eE]+?)(MEG|[PNUMK]?)$/.exec(t);
  return m ? Number(m[1]) * (SPICE[m[2] as string] as number) : Number.NaN;
};

describe("teradyne-gr228x on the sample log", () => {
  let reports: Report[];
  let warnings: string[];
  beforeAll(async () => {
    const r = await convert(text);
    reports = r.reports;
    warnings = r.warnings;
  });

  it("gives one valid report per board, with serial, start, part number and verdict from the log", () => {
    const boards = readBoards(text);
    expect(reports).toHaveLength(boards.length);
    expectValid(reports);
    const verdict: Record<string, string> = { '"': "P", "/": "F", "?": "T", "!": "T", "*": "E", "&": "E" };
    reports.forEach((r, k) => {
      const b = boards[k] as (typeof boards)[number];
      expect(r.sn).toBe(b.sn);
      expect(r.result).toBe(verdict[b.event]);
      // 31-JUL-12  14:18:51 in Oslo summer time
      const [d, t] = b.date.split(/\s+/) as [string, string];
      const [day, , yy] = d.split("-") as [string, string, string];
      expect(r.start).toBe(`20${yy}-07-${day}T${t}+02:00`);
    });
    // the program F:\BOARDS\43420_BIO2_PROGRAM\43420_BIO2.obc: part number up to the first underscore
    expect(new Set(reports.map((r) => r.pn))).toEqual(new Set(["43420"]));
    expect(reports[0]?.root?.seqCall?.name).toBe("F:\\BOARDS\\43420_BIO2_PROGRAM\\43420_BIO2.obc");
    expect(warnings).toEqual([]);
  });

  it("makes one step per measurement and general-failure line, failing where the log says so", () => {
    const boards = readBoards(text);
    reports.forEach((r, k) => {
      const lines = (boards[k] as (typeof boards)[number]).lines;
      const measures = lines.filter((l) => /^[A-Za-z0-9_+.-]+[=<>#%]/.test(l) && !l.startsWith("WATS_"));
      const general = lines.filter((l) => /^\([SOBCF]/.test(l));
      const steps = testSteps(r);
      expect(steps).toHaveLength(measures.length + general.length);
      const failing = measures.filter((l) => /^[^=<>#%]+[<>%]/.test(l)).length + general.length;
      expect(steps.filter((s) => s.status === "F")).toHaveLength(failing);
    });
  });

  it("keeps values, limits and units: scaled to the low limit's prefix, GELE / GE / LE", () => {
    const boards = readBoards(text);
    let checked = 0;
    reports.forEach((r, k) => {
      const steps = testSteps(r);
      const used = new Set<unknown>();
      for (const line of (boards[k] as (typeof boards)[number]).lines) {
        const m = /^([^=<>#%]+)=([-+\d.eE]+(?:MEG|[PNUMK])?)\(([^,]*),([^)]*)\)([A-Z]+)\s*$/.exec(line);
        if (!m) continue;
        const [, ref, value, low, high, type] = m as unknown as [
          string,
          string,
          string,
          string,
          string,
          string,
        ];
        // the same name repeats (K500_RLY1_NO(V) twice): take them in file order
        const step = steps.find((s) => s.name === `${ref}(${type})` && s.numericMeas?.[0] && !used.has(s));
        expect(step, line).toBeDefined();
        used.add(step);
        const meas = numericOf(step as NonNullable<typeof step>);
        const f = unitFactor(meas.unit);
        expectClose((meas.value as number) * f, spice(value));
        if (low && high) {
          expect(meas.compOp).toBe("GELE");
          expectClose((meas.lowLimit as number) * f, spice(low));
          expectClose((meas.highLimit as number) * f, spice(high));
        } else if (low) {
          expect(meas.compOp).toBe("GE");
          expectClose((meas.lowLimit as number) * f, spice(low));
        }
        if (type === "R") expect(meas.unit).toMatch(/Ohm$/);
        if (type === "CP") expect(meas.unit).toMatch(/F$/);
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(20);
  });

  it("records the return-to-diagnose event after a board on that board", () => {
    const last = reports[reports.length - 1] as Report;
    expect(last.miscInfos).toContainEqual(
      expect.objectContaining({ description: "Return to diagnose", text: "2012-07-31T14:32:13+02:00" }),
    );
  });

  it("converts again to the same ids", async () => {
    await expectStableIds(() => convert(text), { converter: "", path: "", sha256: "", reports, warnings });
  });
});

describe("teradyne-gr228x on made variants", () => {
  it("takes header values from the WATS_ lines of an extended log", async () => {
    const extended = text.replace(
      /(@31-JUL-12 {2}14:19:32 SN \S+\n)/,
      "$1WATS_partNumber=123456\nWATS_partRevision=C\nWATS_sequenceName=CPU02\nWATS_sequenceVersion=1.1\nWATS_operator=KB\nWATS_stationName=AREL1001\nWATS_fixture=FX-7\n",
    );
    expect(extended).not.toBe(text);
    const { reports } = await convert(extended);
    const r = reports[1] as Report;
    expect(r).toMatchObject({ pn: "123456", rev: "C", machineName: "AREL1001", uut: { user: "KB" } });
    expect(r.root?.seqCall).toMatchObject({ name: "CPU02", version: "1.1" });
    expect(r.miscInfos).toContainEqual(
      expect.objectContaining({ description: "WATS_fixture", text: "FX-7" }),
    );
    // the other boards keep the defaults
    expect(reports[0]).toMatchObject({ pn: "43420", rev: "1", uut: { user: "sysoper" } });
  });

  it("reads the panel position from TOP_OF_LOOP lines", async () => {
    const panel = text.replace(/(@31-JUL-12 {2}14:25:12 SN \S+\n)/, "$1TOP_OF_LOOP-C\n");
    const { reports } = await convert(panel);
    expect(reports[2]?.uut?.testSocketIndex).toBe(3);
  });

  it("refuses a log that ends inside a board test, naming the board and the line", async () => {
    const lines = text.split("\n");
    const cut = lines.findIndex((l) => l.startsWith("C206=")) + 1;
    const e = await refused(host, "teradyne-gr228x", "cut.LOG", lines.slice(0, cut).join("\n"));
    expect(e.message).toMatch(
      /ends inside the test of SN 24422984989544535753 \(started at line 8\).*truncated/,
    );
    expect(e.line).toBeGreaterThanOrEqual(cut);
  });

  it("refuses a measurement line it cannot read, naming its line", async () => {
    const broken = text.replace("R516=100.248422K(", "R516=100.24.8422K(");
    const e = await refused(host, "teradyne-gr228x", "bad.LOG", broken);
    const line = text.split("\n").findIndex((l) => l.startsWith("R516=")) + 1;
    expect(e.line).toBe(line);
    expect(e.message).toMatch(/R516=100\.24\.8422K/);
  });

  it("names the line and field of a date that is not one", async () => {
    const e = await refused(
      host,
      "teradyne-gr228x",
      "bad.LOG",
      text.replace("@31-JUL-12  14:19:32", "@31-JUX-12  14:19:32"),
    );
    expect(e).toMatchObject({ line: 8, field: "start time" });
  });

  it("warns about lines it does not know instead of dropping them", async () => {
    const odd = text.replace("R508=100.20007K", "SOMETHING ODD HERE\nR508=100.20007K");
    const { reports, warnings } = await convert(odd);
    expect(reports).toHaveLength(3);
    expect(warnings.join("\n")).toMatch(/unrecognised line at line 10 is not mapped/);
  });

  it("skips a board aborted before any test, with a warning", async () => {
    const log = `F:\\B\\P_1.obc[31-JUL-12  14:17:35\n@31-JUL-12  14:18:51 SN A1\n?31-JUL-12  14:18:53\n@31-JUL-12  14:19:00 SN A2\nR1=1.0K(0.9K,1.1K)R\n"31-JUL-12  14:19:05\n`;
    const { reports, warnings } = await convert(log);
    expect(reports.map((r) => r.sn)).toEqual(["A2"]);
    expect(warnings.join("\n")).toMatch(
      /board SN A1 \(line 2\): aborted at line 3 before any test; no report/,
    );
  });

  it("reads a windows-1252 log when told, and names the byte otherwise", async () => {
    const log = `F:\\B\\P_1.obc[31-JUL-12  14:17:35\n@31-JUL-12  14:18:51 SN ÆØÅ-1\nR1=1.0K(0.9K,1.1K)R\n"31-JUL-12  14:19:05\n`;
    const bytes = Uint8Array.from(log, (c) => c.charCodeAt(0));
    const e = await refused(host, "teradyne-gr228x", "latin.LOG", bytes);
    expect(e.kind).toBe("encoding");
    expect(e.line).toBe(2);
    const ok = await convertBytes(host, "teradyne-gr228x", "latin.LOG", bytes, { encoding: "windows-1252" });
    expect(ok.reports[0]?.sn).toBe("ÆØÅ-1");
  });

  it("converts a large log (400 boards of 50 measurements) to one report per board", async () => {
    const board = (n: number) => {
      const ms = Array.from(
        { length: 50 },
        (_, k) => `R${k + 1}=${(1 + k / 100).toFixed(3)}K(0.9K,1.6K)R`,
      ).join("\n");
      return `@01-AUG-12  10:${String(n % 60).padStart(2, "0")}:00 SN B${n}\n${ms}\n"01-AUG-12  10:${String(n % 60).padStart(2, "0")}:30`;
    };
    const log = `F:\\B\\BIG_1.obc[01-AUG-12  09:00:00\n${Array.from({ length: 400 }, (_, n) => board(n)).join("\n")}\n`;
    const { reports } = await convert(log);
    expect(reports).toHaveLength(400);
    expect(reports.every((r) => testSteps(r).length === 50 && r.result === "P")).toBe(true);
    expect(new Set(reports.map((r) => r.id)).size).toBe(400);
  });
});
