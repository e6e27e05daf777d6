import { readFileSync } from "node:fs";
import type { Report } from "@tswats/report";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allSteps, converterBench, expectReplacedOnSimulator, fixture } from "./issue16-helpers.js";

const SAMPLE = fixture("saki/SAKI-testdata.xml");

/** The sample read with regular expressions: per image, its references by list. */
function readSample() {
  const text = readFileSync(SAMPLE, "utf8");
  const panel = /<Panel ([^>]*)>/.exec(text)?.[1] ?? "";
  const attr = (s: string, name: string) => new RegExp(`${name}="([^"]*)"`).exec(s)?.[1];
  const images = [...text.matchAll(/<Image ([^>]*)>([\s\S]*?)<\/Image>/g)].map((m) => {
    const list = (tag: string) =>
      [
        ...(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(m[2] as string)?.[1] ?? "").matchAll(
          /designator="([^"]*)"/g,
        ),
      ].map((x) => x[1]);
    return {
      id: attr(m[1] as string, "id"),
      result: attr(m[1] as string, "result"),
      falseCalls: list("FalseCalls"),
      failed: list("Failed"),
    };
  });
  return { panel: (n: string) => attr(panel, n), images };
}

const panelXml = (
  images: string,
  panelAttrs = 'barcode="PANEL-1" result="passed"',
) => `<Panel ${panelAttrs} startDate="03/04/2024" startTime="14:05:06" side="TOP" operator="op1">
  <Program name="Prog" ver="7" />
${images}
</Panel>
`;
const image = (id: number, barcode: string, result: string, failed = "") =>
  `  <Image barcode="${barcode}" id="${id}" result="${result}"><Results><FalseCalls><Reference designator="R${id}" partNumber="P${id}" package="0603" description="d" /></FalseCalls>${failed}</Results></Image>`;

let bench: Awaited<ReturnType<typeof converterBench>>;
beforeAll(async () => {
  bench = await converterBench();
});
afterAll(() => bench.close());

describe("saki on the sample", () => {
  it("one report for the panel: a sequence per image, a step per reference, statuses as the file marks them", async () => {
    const { panel, images } = readSample();
    const r = await bench.convert(SAMPLE, "saki");
    expect(r.reports).toHaveLength(1);
    const report = r.reports[0] as Report;
    const [m, d, y] = (panel("startDate") as string).split("/");
    expect(report).toMatchObject({
      sn: panel("barcode"),
      pn: panel("side"),
      uut: { user: panel("operator") },
      result: panel("result") === "failed" ? "F" : "P",
    });
    expect(String(report.start).startsWith(`${y}-${m}-${d}T${panel("startTime")}`)).toBe(true);
    const seqs = report.root?.steps ?? [];
    expect(seqs.map((s) => s.name)).toEqual(images.map((i) => `Image ${i.id}`));
    for (const [i, img] of images.entries()) {
      const seq = seqs[i];
      expect(seq?.status).toBe(img.result === "failed" ? "F" : "P");
      const byName = (n: string) => seq?.steps?.find((s) => s.name === n)?.steps ?? [];
      expect(byName("False Calls").map((s) => [s.name, s.status])).toEqual(
        img.falseCalls.map((x) => [x, "P"]),
      );
      expect(byName("Failed").map((s) => [s.name, s.status])).toEqual(img.failed.map((x) => [x, "F"]));
    }
    const total = images.reduce((n, i) => n + i.falseCalls.length + i.failed.length, 0);
    expect(allSteps(report.root ?? undefined).filter((s) => s.stepType === "ET_PFT")).toHaveLength(total);
    expect(r.warnings).toEqual([]);
  });

  it("converting again gives the same id and replaces the report on the simulator", async () => {
    await expectReplacedOnSimulator(async () => (await bench.convert(SAMPLE, "saki")).reports);
  });
});

describe("saki on made-up panels", () => {
  it("a panel whose images have their own barcodes gives one report per board, with stable ids", async () => {
    const path = await bench.file(
      "multi.xml",
      panelXml(
        [
          image(1, "B-1", "passed"),
          image(2, "B-2", "failed", '<Failed><Reference designator="U7" /></Failed>'),
          image(3, "B-3", "passed"),
        ].join("\n"),
      ),
    );
    const r = await bench.convert(path, "saki");
    expect(r.reports.map((x) => [x.sn, x.result])).toEqual([
      ["B-1", "P"],
      ["B-2", "F"],
      ["B-3", "P"],
    ]);
    expect(r.reports[1]?.miscInfos).toContainEqual(
      expect.objectContaining({ description: "Panel barcode", text: "PANEL-1" }),
    );
    expect(new Set(r.reports.map((x) => x.id)).size).toBe(3);
    const again = await bench.convert(path, "saki");
    expect(again.reports.map((x) => x.id)).toEqual(r.reports.map((x) => x.id));
    const one = await bench.convert(path, "saki", { reportPer: "panel" });
    expect(one.reports.map((x) => x.sn)).toEqual(["PANEL-1"]);
    await expectReplacedOnSimulator(async () => (await bench.convert(path, "saki")).reports);
  });

  it("reads day-first dates when told, and warns about elements it does not know, naming the line", async () => {
    const path = await bench.file(
      "unknown.xml",
      panelXml(`${image(1, "N/A", "passed")}\n  <Camera id="2"/>`),
    );
    const r = await bench.convert(path, "saki", { dateFormat: "DMY", timeZone: "UTC" });
    expect(r.reports[0]?.start).toBe("2024-04-03T14:05:06+00:00");
    expect(r.warnings).toEqual([
      expect.stringMatching(/^line 4: <Camera> inside <Panel> is not part of the Saki result format/),
    ]);
  });

  it("refuses a truncated file, a missing barcode and an unknown result, naming the line", async () => {
    const good = panelXml(image(1, "N/A", "passed"));
    const truncated = await bench.fail(await bench.file("t.xml", good.slice(0, good.length - 12)), "saki");
    expect(truncated).toMatchObject({ kind: "parse", line: 3 });
    const noSn = await bench.fail(
      await bench.file("nosn.xml", good.replace('barcode="PANEL-1" ', "")),
      "saki",
    );
    expect(noSn).toMatchObject({ kind: "content", line: 1, field: "barcode" });
    const result = await bench.fail(
      await bench.file("res.xml", good.replace('result="passed">', 'result="maybe">')),
      "saki",
    );
    expect(result).toMatchObject({ kind: "content", line: 3, field: "result" });
  });
});
