/**
 * Which standard converter each sample file in fixtures/ goes to: the named converter must win
 * `ConverterHost.choose`, and every other standard converter's `detect` must score below it.
 * One row per sample; converters that recognise no sample of another format keep this table true.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConverterHost } from "../src/host.js";
import { STANDARD_CONVERTERS } from "../src/standard/index.js";
import { sampleText } from "../src/text-decode.js";
import { REPO_FIXTURES } from "./helpers.js";

const MATRIX: readonly (readonly [file: string, converter: string])[] = [
  // in-circuit, flying probe, boundary scan (issue 16)
  ["converters/teradyne-gr228x/43420_BIO2.LOG", "teradyne-gr228x"],
  ["converters/teradyne-spectrum/sample_ict_data.txt", "teradyne-spectrum"],
  ["converters/spea-3030/testdata_SN9871234012.csv", "spea-3030"],
  ["converters/takaya/999-BM0001 (AT1).ATD", "takaya"],
  ["converters/takaya/V682589_K_TOP-20230504130808.ATD", "takaya"],
  ["converters/takaya/WO250319-0162__20250525_122655.atdx", "takaya"],
  ["converters/xjtag/1234_14_25_32_10.08.2018_Pass.xjlog", "xjtag"],
  ["converters/xjtag/Demonstration hardware--28_10_2019.xjlog", "xjtag"],
  ["converters/xjtag/567567_14_29_24_17_06_2020_Pass.xml", "xjtag"],
];

let host: ConverterHost;
beforeAll(async () => {
  host = await ConverterHost.create({ inProcess: true });
});
afterAll(() => host.close());

describe("detect matrix: each sample goes to its converter", () => {
  for (const [file, expected] of MATRIX) {
    it(`${file} -> ${expected}`, async () => {
      const bytes = new Uint8Array(await readFile(join(REPO_FIXTURES, file)));
      expect((await host.choose(join(REPO_FIXTURES, file), bytes)).name).toBe(expected);
      const sample = bytes.subarray(0, 64 * 1024);
      const input = { fileName: file.split("/").pop() as string, bytes: sample, text: sampleText(sample) };
      const scores = Object.fromEntries(STANDARD_CONVERTERS.map((c) => [c.name, c.detect?.(input) ?? 0]));
      const winner = scores[expected] as number;
      expect(winner).toBeGreaterThan(0);
      for (const [name, score] of Object.entries(scores))
        if (name !== expected) expect(score, `${name} scores ${score} on ${file}`).toBeLessThan(winner);
    });
  }
});

/** The ICT / flying-probe / boundary-scan converters claim no sample of any other format. */
const ICT = [
  "teradyne-gr228x",
  "teradyne-spectrum",
  "spea-3030",
  "takaya",
  "xjtag",
  "seica-xml",
  "keysight-i3070",
];
const ICT_FOLDERS = ["teradyne-gr228x", "teradyne-spectrum", "spea-3030", "takaya", "xjtag"];

describe("detect matrix: the ICT converters leave other formats alone", () => {
  it("score 0 on every other sample in fixtures/", async () => {
    const files = (await readdir(REPO_FIXTURES, { recursive: true, withFileTypes: true }))
      .filter((d) => d.isFile())
      .map((d) => join(d.parentPath, d.name))
      .filter(
        (f) =>
          !ICT_FOLDERS.some((folder) => f.includes(`/converters/${folder}/`)) || f.endsWith("Readme.txt"),
      );
    expect(files.length).toBeGreaterThan(15);
    for (const f of files) {
      const bytes = new Uint8Array(await readFile(f)).subarray(0, 64 * 1024);
      const input = { fileName: f.split("/").pop() as string, bytes, text: sampleText(bytes) };
      for (const c of STANDARD_CONVERTERS.filter((x) => ICT.includes(x.name)))
        expect(c.detect?.(input) ?? 0, `${c.name} on ${f}`).toBe(0);
    }
  });
});
