/**
 * Which standard converter wins `ConverterHost.choose` for each committed sample, and that no
 * other standard converter's `detect` scores as high. Each engineer adds the rows of their
 * formats.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConverterHost } from "../src/host.js";
import { STANDARD_CONVERTERS } from "../src/standard/index.js";
import { sampleText } from "../src/text-decode.js";
import { REPO_FIXTURES } from "./helpers.js";

const KLIPPEL = "converters/klippel/DUT xyz115 2020-05-14 10-01-37-5 UTC+0200";

/** fixture path (under fixtures/) -> the converter that must win. */
const MATRIX: readonly (readonly [string, string])[] = [
  // issue 16: audio, AOI and unit-report formats
  ["converters/sigmaquest/testdata_SN651658.xml", "sigmaquest"],
  ["converters/saki/SAKI-testdata.xml", "saki"],
  ["converters/stepwize/20250316_133653_CONFIG_AND_RESULTS.XSPC", "stepwize"],
  ["converters/listen/Complete test 7-22-2020 (002).txt", "listen"],
  ["converters/listen/Data logging example 12-01-2021.txt", "listen"],
  [`${KLIPPEL}.txt`, "klippel"],
];

/** Converters of issue 16 whose detect must claim nothing but their own rows. */
const OWN = ["sigmaquest", "saki", "stepwize", "listen", "klippel", "keysight-testexec-sl"];

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

  it("the issue-16 converters claim no other sample in fixtures/ (nor Klippel's curve files)", () => {
    const own = new Map(MATRIX.map(([file, name]) => [file, name]));
    for (const path of allFixtures()) {
      const file = relative(REPO_FIXTURES, path).split("\\").join("/");
      const sample = sampleOf(path);
      for (const c of STANDARD_CONVERTERS) {
        if (!OWN.includes(c.name) || own.get(file) === c.name) continue;
        expect(c.detect?.(sample) ?? 0, `${c.name} on ${file}`).toBe(0);
      }
    }
  });
});
