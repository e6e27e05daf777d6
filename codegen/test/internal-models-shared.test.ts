/**
 * A package's internal module names the public module's models rather than declaring them again:
 * a model both modules declare must differ between them (the committed generated code).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const domains = fileURLToPath(new URL("../../packages/domains", import.meta.url));

/** Each declared model's text without its doc comment, by name. */
function declarations(file: string): Map<string, string> {
  const text = readFileSync(file, "utf8").replace(/\/\*\*[\s\S]*?\*\/\n/g, "");
  const found = new Map<string, string>();
  for (const m of text.matchAll(/^export (?:interface (\w+) \{[\s\S]*?^\}|type (\w+) = [^\n]*)$/gm))
    found.set((m[1] ?? m[2]) as string, m[0]);
  return found;
}

it("no model is declared identically in a package's public and internal modules", () => {
  let reExported = 0;
  const twice: string[] = [];
  for (const name of readdirSync(domains)) {
    const publicFile = join(domains, name, "src/generated/models.ts");
    const internalFile = join(domains, name, "src/generated/internal/models.ts");
    if (!existsSync(publicFile) || !existsSync(internalFile)) continue;
    const pub = declarations(publicFile);
    for (const [model, text] of declarations(internalFile))
      if (pub.get(model) === text) twice.push(`${name}: ${model}`);
    if (readFileSync(internalFile, "utf8").includes('from "../models.js"')) reExported++;
  }
  expect(twice).toEqual([]);
  expect(reExported).toBeGreaterThan(0);
});
