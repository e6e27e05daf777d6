/**
 * Importing the SDK builds no domain's zod schemas and loads no zod (options are checked with plain
 * code): `Wats` loads each domain's `./service` entry,
 * and the helpers the SDK re-exports (serialNumbersOf) come from light modules too.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

it("loads no generated schema module, no zod and no XML parser on import", () => {
  const probe = fileURLToPath(new URL("./fixtures/import-probe.cjs", import.meta.url));
  const out = execFileSync(process.execPath, ["--conditions=@tswats/source", "-r", "tsx/cjs", probe], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    encoding: "utf8",
  });
  const { schemaModules, xmlParserModules, zodModules } = JSON.parse(
    out.trim().split("\n").pop() as string,
  ) as {
    schemaModules: string[];
    xmlParserModules: string[];
    zodModules: string[];
  };
  expect(schemaModules).toStrictEqual([]);
  expect(xmlParserModules).toStrictEqual([]);
  expect(zodModules).toStrictEqual([]);
}, 60_000);
