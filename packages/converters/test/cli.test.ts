import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { validateReport } from "@tswats/report";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { convertCommand, convertersListCommand, parseParameterAssignments } from "../src/cli.js";
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

describe("convert (the command behind tswats-client convert)", () => {
  it("prints the WSJF the file would become, via a conversion process", async () => {
    const c = io();
    expect(await convertCommand({ file: good }, c.io)).toBe("converted");
    const report = JSON.parse(c.out());
    expect(report).toMatchObject({ type: "T", sn: "CLI-1", result: "F" });
    expect(validateReport(report).valid).toBe(true);
    expect(c.err()).toMatch(/1 report\(s\) by converter teststand-xml \(not submitted\)/);
  }, 30_000);

  it("--json wraps reports and warnings; --param passes parameters", async () => {
    const c = io();
    const code = await convertCommand(
      {
        file: good,
        json: true,
        inProcess: true,
        converter: "teststand-xml",
        parameters: parseParameterAssignments(["processCode=99"]),
        station: "X",
      },
      c.io,
    );
    expect(code).toBe("converted");
    const out = JSON.parse(c.out());
    expect(out).toMatchObject({ ok: true, converter: "teststand-xml", warnings: [] });
    expect(out.reports[0].processCode).toBe(50); // the file's PCode wins over the fallback parameter
    expect(out.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("not converted: kind, line and message", async () => {
    const c = io();
    expect(await convertCommand({ file: bad, inProcess: true }, c.io)).toBe("not-converted");
    expect(c.err()).toMatch(
      /bad\.csv: cannot convert \(content, line 2\):[\s\S]*line 2: 6 fields, but the header has 5/,
    );
    const j = io();
    expect(await convertCommand({ file: bad, inProcess: true, json: true }, j.io)).toBe("not-converted");
    expect(JSON.parse(j.out())).toMatchObject({ ok: false, error: { kind: "content", line: 2 } });
  });

  it("an unknown converter and a bad --param are named", async () => {
    const c = io();
    expect(await convertCommand({ file: good, converter: "nope", inProcess: true }, c.io)).toBe(
      "unknown-converter",
    );
    expect(c.err()).toMatch(/unknown converter "nope"/);
    expect(() => parseParameterAssignments(["novalue"])).toThrow(/--param "novalue": expected key=value/);
    expect(parseParameterAssignments(["n=3", "s=text", 'o={"a":1}'])).toEqual({
      n: 3,
      s: "text",
      o: { a: 1 },
    });
  });
});

describe("converters list", () => {
  it("lists standard converters and plugins with parameters; refused plugins say why", async () => {
    const c = io();
    await convertersListCommand({ pluginFolders: [plugins] }, c.io);
    expect(c.out()).toMatch(/^teststand-xml {2}\(standard\) {2}\*\.xml$/m);
    expect(c.out()).toMatch(/--param badRows \(enum: fail-file\|skip-row\) = "fail-file"/);
    expect(c.out()).toMatch(/^mine {2}\(plugin folder .*mine\.mjs\) {2}\*\.mine$/m);
    expect(c.out()).toMatch(/refused: .*old\.mjs: apiVersion 0 is not supported/);
    const j = io();
    await convertersListCommand({ json: true, pluginFolders: [plugins] }, j.io);
    const data = JSON.parse(j.out());
    const standard = STANDARD_CONVERTERS.map((c) => c.name);
    expect(data.converters.map((x: { name: string }) => x.name)).toEqual([...standard, "mine"]);
    expect(data.converters[standard.length].parameters).toEqual({ level: { type: "integer", default: 3 } });
    expect(data.refused).toHaveLength(1);
  }, 30_000);
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
