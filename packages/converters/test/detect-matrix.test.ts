/**
 * Cross-detection: for each sample file in fixtures/, the converter that must win
 * `ConverterHost.choose`, with every other standard converter's `detect` scoring below the
 * winner's. Each converter adds the rows for its own formats (one line each); a converter named
 * in NEVER_CLAIMS must also score 0 on every sample that is not its own.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConverterHost } from "../src/host.js";
import { STANDARD_CONVERTERS } from "../src/standard/index.js";
import { sampleText } from "../src/text-decode.js";
import { REPO_FIXTURES } from "./helpers.js";

/** fixtures/-relative path -> the converter that must win. */
const ROWS: Readonly<Record<string, string>> = {
  "teststand/TSWithWats.xml": "teststand-xml",
  "converters/teststand/TsWithoutWats.xml": "teststand-xml",
  "converters/teststand/TSWithWats2.xml": "teststand-xml",
  "wsjf/WATS - WSJF UUT Example file Bare Minimum.json": "wsjf-json",
  "wsjf/WATS - WSJF UUR Example file.json": "wsjf-json",
  "wsjf/uur-example.json": "wsjf-json",
  "wsjf/uut-large-example.json": "wsjf-json",
  "wsjf/uut-server-export.json": "wsjf-json",
  "wsjf/uut-server-export.wsxf.xml": "wsxf-xml",
  "csv/sample-enhanced.csv": "csv",
};

/** Converters whose detect must be 0 on every sample that is not theirs. */
const NEVER_CLAIMS: readonly string[] = ["teststand-xml", "wsjf-json"];

function allFixtures(dir = REPO_FIXTURES): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? allFixtures(path) : [relative(REPO_FIXTURES, path)];
  });
}

const sample = (file: string) => {
  const bytes = new Uint8Array(readFileSync(join(REPO_FIXTURES, file))).subarray(0, 64 * 1024);
  return { fileName: file.split("/").pop() as string, bytes, text: sampleText(bytes) };
};

let host: ConverterHost;
beforeAll(async () => {
  host = await ConverterHost.create({ inProcess: true });
});
afterAll(() => host.close());

describe("each sample is claimed by its own converter", () => {
  for (const [file, winner] of Object.entries(ROWS)) {
    it(`${file} -> ${winner}`, async () => {
      const path = join(REPO_FIXTURES, file);
      const chosen = await host.choose(path, new Uint8Array(readFileSync(path)));
      expect(chosen.name).toBe(winner);
      const s = sample(file);
      const scores = Object.fromEntries(STANDARD_CONVERTERS.map((c) => [c.name, c.detect?.(s) ?? 0]));
      const own = scores[winner] as number;
      for (const [name, score] of Object.entries(scores))
        if (name !== winner) expect(score, name).toBeLessThan(own);
    });
  }
});

describe("converters claim no sample of another format", () => {
  const files = allFixtures().filter((f) => !f.endsWith(".md"));
  for (const name of NEVER_CLAIMS) {
    it(`${name} scores 0 on every other sample`, () => {
      const converter = STANDARD_CONVERTERS.find((c) => c.name === name);
      expect(converter).toBeDefined();
      const claimed = files
        .filter((f) => ROWS[f] !== name)
        .filter((f) => (converter?.detect?.(sample(f)) ?? 0) > 0);
      expect(claimed).toEqual([]);
    });
  }
});
