import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { validateReport } from "@tswats/report";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { convertCommand, convertersCommand } from "../src/cli.js";
import { convertFile } from "../src/convert-file.js";
import { STANDARD_CONVERTERS } from "../src/standard/index.js";
import { richTestStandXml, tempDir } from "./helpers.js";

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) },
    out: () => out.join(""),
    err: () => err.join(""),
  };
}

let tmp: Awaited<ReturnType<typeof tempDir>>;
let good: string;
let bad: string;
let plugins: string;
beforeAll(async () => {
  tmp = await tempDir();
  good = join(tmp.dir, "unit.xml");
  bad = join(tmp.dir, "bad.csv");
  plugins = join(tmp.dir, "plugins");
  await writeFile(good, richTestStandXml("CLI-1"));
  await writeFile(
    bad,
    "SerialNumber,PartNumber,TestDate,StepName,Value\nS,P,2026-01-01 10:00:00,V,abc,extra\n",
  );
  await mkdir(plugins);
  await writeFile(
    join(plugins, "mine.mjs"),
    `export default { apiVersion: 1, name: "mine", description: "my format", filePatterns: ["*.mine"], parameters: { level: { type: "integer", default: 3 } }, convert() { throw new Error("x"); } };\n`,
  );
  await writeFile(
    join(plugins, "old.mjs"),
    `export default { apiVersion: 0, name: "old", filePatterns: ["*"], convert() {} };\n`,
  );
});
afterAll(() => tmp.cleanup());

describe("tswats-client convert", () => {
  it("prints the WSJF the file would become (exit 0), via a worker", async () => {
    const c = io();
    expect(await convertCommand([good], c.io)).toBe(0);
    const report = JSON.parse(c.out());
    expect(report).toMatchObject({ type: "T", sn: "CLI-1", result: "F" });
    expect(validateReport(report).valid).toBe(true);
    expect(c.err()).toMatch(/1 report\(s\) by converter teststand-xml \(not submitted\)/);
  }, 30_000);

  it("--json wraps reports and warnings; --param passes parameters", async () => {
    const c = io();
    const code = await convertCommand(
      [
        "convert",
        good,
        "--json",
        "--in-process",
        "--converter",
        "teststand-xml",
        "--param",
        "processCode=99",
        "--station",
        "X",
      ],
      c.io,
    );
    expect(code).toBe(0);
    const out = JSON.parse(c.out());
    expect(out).toMatchObject({ ok: true, converter: "teststand-xml", warnings: [] });
    expect(out.reports[0].processCode).toBe(50); // the file's PCode wins over the fallback parameter
    expect(out.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("exit 1 with kind, line and message when the file cannot be converted", async () => {
    const c = io();
    expect(await convertCommand([bad, "--in-process"], c.io)).toBe(1);
    expect(c.err()).toMatch(
      /bad\.csv: cannot convert \(content, line 2\):[\s\S]*line 2: 6 fields, but the header has 5/,
    );
    const j = io();
    expect(await convertCommand([bad, "--in-process", "--json"], j.io)).toBe(1);
    expect(JSON.parse(j.out())).toMatchObject({ ok: false, error: { kind: "content", line: 2 } });
  });

  it("exit 2 for usage errors", async () => {
    const a = io();
    expect(await convertCommand([], a.io)).toBe(2);
    expect(a.err()).toMatch(/usage: tswats-client convert/);
    const b = io();
    expect(await convertCommand([good, "--bogus"], b.io)).toBe(2);
    const c = io();
    expect(await convertCommand([good, "--converter", "nope", "--in-process"], c.io)).toBe(2);
    expect(c.err()).toMatch(/unknown converter "nope"/);
    const d = io();
    expect(await convertCommand([good, "--param", "novalue", "--in-process"], d.io)).toBe(2);
  });
});

describe("tswats-client converters list", () => {
  it("lists standard converters and plugins with parameters; refused plugins say why", async () => {
    const c = io();
    expect(await convertersCommand(["list", "--plugin-folder", plugins], c.io)).toBe(0);
    expect(c.out()).toMatch(/^teststand-xml {2}\(standard\) {2}\*\.xml$/m);
    expect(c.out()).toMatch(/--param badRows \(enum: fail-file\|skip-row\) = "fail-file"/);
    expect(c.out()).toMatch(/^mine {2}\(plugin folder .*mine\.mjs\) {2}\*\.mine$/m);
    expect(c.out()).toMatch(/refused: .*old\.mjs: apiVersion 0 is not supported/);
    const j = io();
    expect(await convertersCommand(["converters", "list", "--json", "--plugin-folder", plugins], j.io)).toBe(
      0,
    );
    const data = JSON.parse(j.out());
    // the standard converters in their registered order, then the plugin
    expect(data.converters.map((x: { name: string }) => x.name)).toEqual([
      ...STANDARD_CONVERTERS.map((c) => c.name),
      "mine",
    ]);
    const mine = data.converters.find((x: { name: string }) => x.name === "mine");
    expect(mine.parameters).toEqual({ level: { type: "integer", default: 3 } });
    expect(data.refused).toHaveLength(1);
  }, 30_000);

  it("exit 2 without the list subcommand", async () => {
    const c = io();
    expect(await convertersCommand([], c.io)).toBe(2);
  });
});

describe("convertFile", () => {
  it("converts programmatically with a chosen converter and parameters", async () => {
    const r = await convertFile(good, {
      converter: "teststand-xml",
      parameters: { location: "Lab" },
      inProcess: true,
    });
    expect(r.converter).toBe("teststand-xml");
    expect(r.reports[0]?.location).toBe("Line 1"); // the file's StationInfo wins
    await expect(convertFile(bad, { inProcess: true })).rejects.toMatchObject({ kind: "content", line: 2 });
  });
});
