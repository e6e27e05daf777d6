/**
 * The plugin example of the READMEs is a real file (examples/ict-log.ts): this test checks that
 * both READMEs show exactly that file, type-checks it, runs it with `testConverter`, and runs its
 * compiled form from a plain plugin folder through the conversion host (where its import of
 * `@tswats/converters` is resolved to the host's own copy).
 */
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import example from "../examples/ict-log.js";
import { ConverterHost } from "../src/host.js";
import { testConverter } from "../src/test-converter.js";
import { tempDir } from "./helpers.js";

const packageDir = resolve(fileURLToPath(import.meta.url), "../..");
const examplePath = join(packageDir, "examples", "ict-log.ts");
const samplePath = join(packageDir, "examples", "sample.ict");
const exampleText = readFileSync(examplePath, "utf8");

/** The ```ts block of a README that starts with the example's first line. */
function readmeBlock(readme: string): string | undefined {
  const text = readFileSync(readme, "utf8");
  const first = exampleText.split("\n")[0] as string;
  const match = new RegExp(
    "```ts\\n(" + first.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "\\n[\\s\\S]*?)```",
  ).exec(text);
  return match?.[1];
}

/**
 * Diagnostics of each source, type-checked as if it were a file beside examples/ict-log.ts (strict,
 * as the repository compiles), in one program so the packages' types are resolved once.
 */
function typeProblems(sources: readonly string[]): string[][] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    customConditions: ["@tswats/source"],
    strict: true,
    noUncheckedIndexedAccess: true,
    noEmit: true,
    skipLibCheck: true,
    types: ["node"],
  };
  const paths = sources.map((_, i) =>
    i === 0 ? examplePath : examplePath.replace(/\.ts$/, `-variant-${i}.ts`),
  );
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => paths.includes(name) || fileExists(name);
  host.getSourceFile = (name, language, ...rest) => {
    const at = paths.indexOf(name);
    return at >= 0
      ? ts.createSourceFile(name, sources[at] as string, language)
      : getSourceFile(name, language, ...rest);
  };
  const program = ts.createProgram(paths, options, host);
  // Only these files' own diagnostics (the checker resolves the packages' types as far as it needs).
  return paths.map((path) => {
    const file = program.getSourceFile(path) as ts.SourceFile;
    return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].map((d) =>
      ts.flattenDiagnosticMessageText(d.messageText, "\n"),
    );
  });
}

describe("the README plugin example", () => {
  it("is shown verbatim in the converters README and the client README", () => {
    expect(readmeBlock(join(packageDir, "README.md"))).toBe(exampleText);
    expect(readmeBlock(join(packageDir, "..", "client", "README.md"))).toBe(exampleText);
  });

  it("type-checks (strict, against the package's own types); a broken copy does not", () => {
    const [own, broken] = typeProblems([exampleText, exampleText.replace("apiVersion: 1", "apiVersion: 2")]);
    expect(own).toEqual([]);
    expect(broken?.join("\n")).toMatch(/Type '2' is not assignable to type '1'/);
  }, 120_000);

  it("runs with testConverter: valid report, the bad line as a warning", async () => {
    const result = await testConverter(example, samplePath, { parameters: { location: "ICT-2" } });
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual(["line 4: not <test>;<value>;<low>;<high>;<unit>, skipped"]);
    const [tested] = result.reports;
    expect(tested?.problems).toEqual([]);
    expect(tested?.report).toMatchObject({
      sn: "SN-4711",
      pn: "PCBA-200",
      processCode: 30,
      location: "ICT-2",
    });
    expect(tested?.report.root?.steps?.map((s) => s.name)).toEqual(["R12", "C7"]);
  });

  it("testConverter returns validation problems instead of throwing", async () => {
    const tmp = await tempDir();
    try {
      const sample = join(tmp.dir, "empty-pn.ict");
      await writeFile(sample, "ACME-ICT;SN-1;;2026-03-01T08:30:00+01:00\n");
      await expect(testConverter(example, sample)).rejects.toMatchObject({ kind: "plugin", line: 1 });
      const invalid = {
        ...example,
        convert: (
          input: Parameters<typeof example.convert>[0],
          context: Parameters<typeof example.convert>[1],
        ) => {
          const report = example.convert(input, context) as ReturnType<typeof example.convert> & {
            pn: string;
          };
          return { ...report, pn: "" };
        },
      };
      const result = await testConverter(invalid, samplePath);
      expect(result.ok).toBe(false);
      expect(result.reports[0]?.problems.map((p) => p.path)).toContain("$.pn");
    } finally {
      await tmp.cleanup();
    }
  });

  it("compiled to .mjs in a plain plugin folder, it converts through the host", async () => {
    const tmp = await tempDir();
    const host = await (async () => {
      const folder = join(tmp.dir, "plugins");
      await mkdir(folder);
      const js = ts.transpileModule(exampleText, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      }).outputText;
      await writeFile(join(folder, "ict-log.mjs"), js);
      return ConverterHost.create({ pluginFolders: [folder], workers: 1 });
    })();
    try {
      expect(host.failures).toEqual([]);
      const r = await host.convertFile(samplePath);
      expect(r.converter).toBe("ict-log");
      expect(r.reports[0]?.sn).toBe("SN-4711");
      expect(r.warnings).toHaveLength(1);
    } finally {
      await host.close();
      await tmp.cleanup();
    }
  }, 60_000);
});
