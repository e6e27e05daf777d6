/**
 * Which standard converter must read each real sample in fixtures/: it wins `ConverterHost.choose`,
 * and every other standard converter's `detect` scores it lower. Every format-specific converter
 * must also claim (score above 0) no sample outside its own rows, Klippel's curve files included.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConverterHost } from "../src/host.js";
import { STANDARD_CONVERTERS } from "../src/standard/index.js";
import { sampleText } from "../src/text-decode.js";
import { REPO_FIXTURES } from "./helpers.js";
import { SAMPLE_MATRIX as MATRIX } from "./sample-matrix.js";

/** Format-specific converters with no real sample here: they must claim none of the samples. */
const WITHOUT_SAMPLE = ["keysight-testexec-sl", "seica-xml", "keysight-i3070"];

/** Converters that read any file of a generic kind and so may score others' samples. */
const GENERIC = new Set(["csv", "wsxf-xml"]);

/** The converters whose claims are checked: every format-specific one named above. */
const CHECKED = new Set(
  [...MATRIX.map(([, name]) => name), ...WITHOUT_SAMPLE].filter((n) => !GENERIC.has(n)),
);

function sampleOf(path: string) {
  const bytes = new Uint8Array(readFileSync(path)).subarray(0, 64 * 1024);
  return { fileName: path.slice(path.lastIndexOf("/") + 1), bytes, text: sampleText(bytes) };
}

function allFixtures(dir = REPO_FIXTURES): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? allFixtures(path) : [path];
  });
}

let host: ConverterHost;
beforeAll(async () => {
  host = await ConverterHost.create({ inProcess: true });
});
afterAll(async () => {
  await host.close();
});

describe("detect matrix: the converter that must win for each sample", () => {
  it.each(MATRIX)("%s -> %s", async (file, expected) => {
    const path = join(REPO_FIXTURES, file);
    const chosen = await host.choose(path, new Uint8Array(readFileSync(path)));
    expect(chosen.name).toBe(expected);
    const sample = sampleOf(path);
    const winner = STANDARD_CONVERTERS.find((c) => c.name === expected);
    const top = winner?.detect?.(sample) ?? 0;
    for (const other of STANDARD_CONVERTERS) {
      if (other.name === expected || !other.detect) continue;
      expect(other.detect(sample), `${other.name} on ${file}`).toBeLessThan(top);
    }
  });

  it("a format-specific converter claims no sample outside its rows (nor Klippel's curve files)", () => {
    expect(STANDARD_CONVERTERS.map((c) => c.name)).toEqual(expect.arrayContaining([...CHECKED]));
    const own = new Map(MATRIX.map(([file, name]) => [file, name]));
    for (const path of allFixtures()) {
      const file = relative(REPO_FIXTURES, path).split("\\").join("/");
      if (/\.(md|xsd)$/i.test(file)) continue;
      const sample = sampleOf(path);
      const expected = own.get(file);
      for (const c of STANDARD_CONVERTERS) {
        if (!CHECKED.has(c.name) || c.name === expected || !c.detect) continue;
        expect(c.detect(sample), `${c.name} on ${file}`).toBe(0);
      }
    }
  });
});
