/** Variant corpora shared by the issue-16 converters: wrong encoding, empty sequences, huge files. */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allSteps, converterBench, fixture } from "./issue16-helpers.js";

let bench: Awaited<ReturnType<typeof converterBench>>;
beforeAll(async () => {
  bench = await converterBench();
});
afterAll(() => bench.close());

describe("issue-16 converters on variant files", () => {
  it("a windows-1252 file fails with the byte and line unless the encoding parameter names it", async () => {
    const text = readFileSync(fixture("listen/Complete test 7-22-2020 (002).txt"), "utf8").replace(
      "Rick",
      "Zoë",
    );
    const bytes = Buffer.from(text, "latin1");
    const path = await bench.file("cp1252.txt", bytes);
    const e = await bench.fail(path, "listen");
    expect(e).toMatchObject({ kind: "encoding", line: 2 });
    const r = await bench.convert(path, "listen", { encoding: "windows-1252" });
    expect(r.reports[0]?.uut?.user).toBe("Zoë");
  });

  it("a Saki image without results and a SigmaQuest run without sub-runs give empty sequences that validate", async () => {
    const saki = await bench.file(
      "empty.xml",
      `<Panel barcode="P1" result="passed" startDate="01/02/2024" startTime="08:00:00" side="TOP" operator="op"><Program name="x" ver=""/><Image barcode="N/A" id="1" result="passed"><Results/></Image></Panel>`,
    );
    const r = await bench.convert(saki, "saki");
    expect(r.reports[0]?.root?.steps?.[0]).toMatchObject({ name: "Image 1", status: "P", steps: [] });
  });

  it("a huge SoundCheck export (2,000 units, 10,000 result rows) converts to one report per unit", async () => {
    const lines = ["Serial #:\tTime: \tLot #: \tName\tMargin\tUnit\tResult\tTolerance\tLimits"];
    for (let u = 0; u < 2000; u++)
      for (let s = 0; s < 5; s++)
        lines.push(
          `U${u}\t1/2/2021 ${1 + (u % 12)}:${String(u % 60).padStart(2, "0")}:00 PM\tPN\tStep ${s}\t${(u % 7) + s}.5\tdB\tPASS\tMax/Min\t100/0`,
        );
    const path = await bench.file("huge.txt", `${lines.join("\r\n")}\r\n`);
    const r = await bench.convert(path, "listen", { timeZone: "UTC" });
    expect(r.reports).toHaveLength(2000);
    expect(r.reports.reduce((n, x) => n + allSteps(x.root ?? undefined).length - 1, 0)).toBe(10_000);
    expect(new Set(r.reports.map((x) => x.id)).size).toBe(2000);
  }, 60_000);
});
