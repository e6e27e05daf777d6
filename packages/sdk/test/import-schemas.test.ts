/**
 * Importing the SDK builds no domain's zod schemas and loads no zod (options are checked with plain
 * code): `Wats` loads each domain's `./service` entry,
 * and the helpers the SDK re-exports (serialNumbersOf) come from light modules too.
 * A domain package's main entry (and its `/internal` one) loads no zod either: its schemas are
 * in its `/schemas` entry (`/internal/schemas`).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

interface ProbeResult {
  schemaModules: string[];
  xmlParserModules: string[];
  zodModules: string[];
}

function probe(modules: string[] = []): ProbeResult {
  const script = fileURLToPath(new URL("./fixtures/import-probe.cjs", import.meta.url));
  const out = execFileSync(
    process.execPath,
    ["--conditions=@tswats/source", "-r", "tsx/cjs", script, ...modules],
    { cwd: fileURLToPath(new URL("..", import.meta.url)), encoding: "utf8" },
  );
  return JSON.parse(out.trim().split("\n").pop() as string) as ProbeResult;
}

/** The domain packages the SDK depends on, by name (`@tswats/product`, ...). */
const domainPackages = Object.keys(
  (
    JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      dependencies: Record<string, string>;
    }
  ).dependencies,
).filter((name) => name.startsWith("@tswats/") && name !== "@tswats/core");

it("loads no generated schema module, no zod and no XML parser on import", () => {
  const { schemaModules, xmlParserModules, zodModules } = probe();
  expect(schemaModules).toStrictEqual([]);
  expect(xmlParserModules).toStrictEqual([]);
  expect(zodModules).toStrictEqual([]);
}, 60_000);

it("a domain package's main and /internal entries load no zod schema and no zod", () => {
  expect(domainPackages).toContain("@tswats/report");
  const { schemaModules, zodModules } = probe(domainPackages.flatMap((name) => [name, `${name}/internal`]));
  expect(schemaModules).toStrictEqual([]);
  expect(zodModules).toStrictEqual([]);
}, 60_000);

it("a domain package's /schemas and /internal/schemas entries hold its zod schemas", async () => {
  const schemas = await import("@tswats/report/schemas");
  const internalSchemas = await import("@tswats/report/internal/schemas");
  // The generated schema of a model, the report model's refined one, and each operation's.
  expect(schemas.WsjfReportSchema.safeParse({ pn: 1 }).success).toBe(false);
  expect(schemas.ReportSchema.parse({ type: "UUT", result: "Passed" })).toMatchObject({
    type: "T",
    result: "P",
  });
  expect(Object.keys(schemas.operationSchemas)).toContain("postWsjf");
  expect(Object.keys(internalSchemas.operationSchemas).length).toBeGreaterThan(0);
  const { zodModules, schemaModules } = probe(["@tswats/product/schemas"]);
  expect(zodModules.length).toBeGreaterThan(0);
  expect(schemaModules).toContain("packages/domains/product/src/generated/schemas.ts");
}, 60_000);
