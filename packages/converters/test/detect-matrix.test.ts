/**
 * Which standard converter must read each real sample in fixtures/: it wins `ConverterHost.choose`,
 * and every other standard converter's `detect` scores it lower. Each converter adds the rows
 * for its own formats; the last test checks that a converter claims no sample outside its rows.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConverterHost } from "../src/host.js";
import { STANDARD_CONVERTERS } from "../src/standard/index.js";
import { sampleText } from "../src/text-decode.js";
import { REPO_FIXTURES } from "./helpers.js";

const MATRIX: readonly [string, string][] = [
  ["converters/atml/ATML 2.02 [123456789][2 30 27 PM][5 15 2019].XML", "atml"],
  ["converters/atml/ATML 5.00 [2 31 11 PM][5 15 2019].xml", "atml"],
  ["converters/atml/ATML 6.01 [2 31 52 PM][5 15 2019].xml", "atml"],
  ["converters/wats-standard/WatsStandardTextFormat.txt", "wats-text"],
  ["converters/wats-standard/uut-wrml.xml", "wrml"],
  ["converters/wats-standard/uur-wrml.xml", "wrml"],
];

const scores = (path: string) => {
  const bytes = new Uint8Array(readFileSync(path)).subarray(0, 64 * 1024);
  const sample = { fileName: path.split("/").pop() as string, bytes, text: sampleText(bytes) };
  return new Map(STANDARD_CONVERTERS.map((c) => [c.name, c.detect?.(sample) ?? 0]));
};

const allFixtures = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? allFixtures(path) : [path];
  });

let host: ConverterHost;
beforeAll(async () => {
  host = await ConverterHost.create({ inProcess: true });
});
afterAll(() => host.close());

describe("detect matrix: each fixture goes to its converter", () => {
  for (const [fixture, converter] of MATRIX) {
    it(`${fixture} -> ${converter}`, async () => {
      const path = join(REPO_FIXTURES, fixture);
      const chosen = await host.choose(path, new Uint8Array(readFileSync(path)));
      expect(chosen.name).toBe(converter);
      const s = scores(path);
      for (const [name, score] of s)
        if (name !== converter) expect(score, name).toBeLessThan(s.get(converter) as number);
    });
  }

  it("the converters of these rows claim no other sample in fixtures/", () => {
    const mine = new Set(MATRIX.map(([, c]) => c));
    const rows = new Set(MATRIX.map(([f]) => f));
    for (const path of allFixtures(REPO_FIXTURES)) {
      const rel = relative(REPO_FIXTURES, path);
      if (rows.has(rel) || /\.(md|xsd)$/i.test(rel)) continue;
      const s = scores(path);
      for (const name of mine) expect(s.get(name), `${name} on ${rel}`).toBe(0);
    }
  });
});
