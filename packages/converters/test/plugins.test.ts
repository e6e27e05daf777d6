import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConverterHost } from "../src/host.js";
import { conversionFailure, tempDir } from "./helpers.js";

/** A report a plugin returns without importing anything (plugins live outside the workspace). */
const REPORT_JS = `{
  type: "T", id: "00000000-0000-4000-8000-000000000000", pn: "PN", sn: input.fileName, rev: "A", processCode: 10,
  result: "P", machineName: "st", location: "l", purpose: "p", start: "2026-01-01T10:00:00+01:00",
  uut: { user: "op" },
  root: { group: "M", stepType: "SequenceCall", name: "MainSequence Callback", status: "P",
          seqCall: { path: null, name: "Main", version: null }, steps: [
            { group: "M", stepType: "ET_PFT", name: "ok", status: "P", booleanMeas: [{ name: null, status: "P" }] } ] }
}`;

const plugin = (name: string, convertBody: string, extra = "") => `export default {
  apiVersion: 1, name: ${JSON.stringify(name)}, filePatterns: ["*.${name}"], ${extra}
  parameters: { greeting: { type: "string", default: "hi" } },
  detect(sample) { return sample.text.startsWith(${JSON.stringify(name)}) ? 0.99 : 0; },
  async convert(input, context) { ${convertBody} }
};
`;

let tmp: Awaited<ReturnType<typeof tempDir>>;
let host: ConverterHost;
let pluginDir: string;

beforeAll(async () => {
  tmp = await tempDir();
  pluginDir = join(tmp.dir, "plugins");
  await mkdir(pluginDir);
  await writeFile(
    join(pluginDir, "good.mjs"),
    plugin("good", `const r = ${REPORT_JS}; r.uut.comment = context.parameters.greeting; return r;`),
  );
  await writeFile(
    join(pluginDir, "thrower.mjs"),
    plugin("thrower", `const e = new Error("cannot read block 7"); e.line = 7; e.field = "Block"; throw e;`),
  );
  await writeFile(join(pluginDir, "hang.mjs"), plugin("hang", "for (;;) {}"));
  await writeFile(
    join(pluginDir, "hog.mjs"),
    plugin("hog", "const keep = []; for (;;) keep.push(new Array(100000).fill(Math.random()));"),
  );
  await writeFile(join(pluginDir, "exiter.mjs"), plugin("exiter", "process.exit(3);"));
  await writeFile(
    join(pluginDir, "invalid.mjs"),
    plugin("invalid", `const r = ${REPORT_JS}; r.pn = ""; return r;`),
  );
  await writeFile(
    join(pluginDir, "v2.mjs"),
    plugin("v2", "return null;").replace("apiVersion: 1", "apiVersion: 2"),
  );
  await writeFile(
    join(pluginDir, "noversion.mjs"),
    plugin("noversion", "return null;").replace("apiVersion: 1,", ""),
  );
  await writeFile(join(pluginDir, "broken-load.mjs"), "throw new Error('boom at load');\n");
  await writeFile(join(pluginDir, "README.txt"), "not a plugin");
  // an npm-installed plugin
  const pkg = join(tmp.dir, "app", "node_modules", "tswats-conv-npm");
  await mkdir(pkg, { recursive: true });
  await writeFile(
    join(pkg, "package.json"),
    JSON.stringify({ name: "tswats-conv-npm", type: "module", exports: { ".": { import: "./main.js" } } }),
  );
  await writeFile(join(pkg, "main.js"), plugin("npmconv", `return [${REPORT_JS}, ${REPORT_JS}];`));
  host = await ConverterHost.create({
    pluginFolders: [pluginDir],
    plugins: ["tswats-conv-npm"],
    pluginBaseDir: join(tmp.dir, "app"),
    workers: 1,
  });
}, 60_000);

afterAll(async () => {
  await host?.close();
  await tmp.cleanup();
});

async function input(name: string, text = name): Promise<string> {
  const path = join(tmp.dir, name);
  await writeFile(path, text);
  return path;
}

const failure = conversionFailure;

describe("plugin API v1 and worker isolation", () => {
  it("loads plugins from a folder and from an npm package, and refuses bad ones with clear reasons", () => {
    const names = host.list().map((d) => d.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "wsjf-json",
        "wsxf-xml",
        "teststand-xml",
        "csv",
        "good",
        "thrower",
        "hang",
        "hog",
        "exiter",
        "npmconv",
      ]),
    );
    expect(names).not.toContain("v2");
    const refused = host.failures.map((f) => f.message).join("\n");
    expect(refused).toMatch(
      /v2\.mjs: apiVersion 2 is not supported; this client runs converter plugins with apiVersion 1 only \(update the client\)/,
    );
    expect(refused).toMatch(/noversion\.mjs: declares no apiVersion/);
    expect(refused).toMatch(/broken-load\.mjs.*boom at load/);
    expect(host.failures).toHaveLength(3);
    expect(() => host.require("v2")).toThrow(/unknown converter "v2".*apiVersion 2 is not supported/);
  });

  it("converts with a plugin: parameters with defaults, derived ids", async () => {
    const r = await host.convertFile(await input("a.good"), {
      converter: "good",
      parameters: { greeting: "hello" },
    });
    expect(r.reports).toHaveLength(1);
    expect(r.reports[0]?.uut?.comment).toBe("hello");
    expect(r.reports[0]?.id).not.toBe("00000000-0000-4000-8000-000000000000"); // idPolicy "derive"
    const npm = await host.convertFile(await input("b.npmconv", "npmconv"));
    expect(npm.converter).toBe("npmconv");
    expect(npm.reports).toHaveLength(2);
    expect(npm.reports[0]?.id).not.toBe(npm.reports[1]?.id);
  });

  it("a plugin that throws fails that file with its message, line and field", async () => {
    const e = await failure(host.convertFile(await input("x.thrower"), { converter: "thrower" }));
    expect(e).toMatchObject({ kind: "plugin", line: 7, field: "Block" });
    expect(e.message).toMatch(/cannot read block 7/);
  });

  it("a plugin that hangs is stopped at the time limit; the next file converts", async () => {
    const e = await failure(host.convertFile(await input("x.hang"), { converter: "hang", timeoutMs: 1500 }));
    expect(e.kind).toBe("timeout");
    expect(e.message).toMatch(/did not finish within 1500 ms/);
    const ok = await host.convertFile(await input("c.good"), { converter: "good" });
    expect(ok.reports).toHaveLength(1);
  }, 60_000);

  it("a plugin that allocates without bound hits the memory limit; the next file converts", async () => {
    const e = await failure(
      host.convertFile(await input("x.hog"), { converter: "hog", maxMemoryMb: 48, timeoutMs: 30_000 }),
    );
    expect(e.kind).toBe("memory");
    expect(e.message).toMatch(/out of memory.*48 MB/);
    const ok = await host.convertFile(await input("d.good"), { converter: "good", maxMemoryMb: 48 });
    expect(ok.reports).toHaveLength(1);
  }, 60_000);

  it("a plugin that exits its thread fails only that file", async () => {
    const e = await failure(host.convertFile(await input("x.exiter"), { converter: "exiter" }));
    expect(e.kind).toBe("crash");
    expect(e.message).toMatch(/exited \(code 3\)/);
    const ok = await host.convertFile(await input("e.good"), { converter: "good" });
    expect(ok.reports).toHaveLength(1);
  }, 60_000);

  it("an invalid report fails the file with the field path", async () => {
    const e = await failure(host.convertFile(await input("x.invalid"), { converter: "invalid" }));
    expect(e.kind).toBe("validation");
    expect(e.field).toBe("$.pn");
  });

  it("refuses parameters the plugin does not declare", async () => {
    expect(() => host.checkParameters("good", { greting: "x" })).toThrow(
      /converter "good": unknown parameter "greting" \(known: greeting\)/,
    );
    expect(() => host.checkParameters("good", { greeting: 5 })).toThrow(
      /parameter "greeting" must be a string, not number 5/,
    );
  });
});
