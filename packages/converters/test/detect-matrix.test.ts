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

const KLIPPEL = "converters/klippel/DUT xyz115 2020-05-14 10-01-37-5 UTC+0200";

/** fixture path (under fixtures/) -> the converter that must win. */
const MATRIX: readonly (readonly [string, string])[] = [
  // WATS and TestStand formats
  ["teststand/TSWithWats.xml", "teststand-xml"],
  ["converters/teststand/TsWithoutWats.xml", "teststand-xml"],
  ["converters/teststand/TSWithWats2.xml", "teststand-xml"],
  ["wsjf/WATS - WSJF UUT Example file Bare Minimum.json", "wsjf-json"],
  ["wsjf/WATS - WSJF UUR Example file.json", "wsjf-json"],
  ["wsjf/uur-example.json", "wsjf-json"],
  ["wsjf/uut-large-example.json", "wsjf-json"],
  ["wsjf/uut-server-export.json", "wsjf-json"],
  ["wsjf/uut-server-export.wsxf.xml", "wsxf-xml"],
  ["csv/sample-enhanced.csv", "csv"],
  ["converters/atml/ATML 2.02 [123456789][2 30 27 PM][5 15 2019].XML", "atml"],
  ["converters/atml/ATML 5.00 [2 31 11 PM][5 15 2019].xml", "atml"],
  ["converters/atml/ATML 6.01 [2 31 52 PM][5 15 2019].xml", "atml"],
  ["converters/wats-standard/WatsStandardTextFormat.txt", "wats-text"],
  ["converters/wats-standard/uut-wrml.xml", "wrml"],
  ["converters/wats-standard/uur-wrml.xml", "wrml"],
  // audio, AOI and unit-report formats
  ["converters/sigmaquest/testdata_SN651658.xml", "sigmaquest"],
  ["converters/saki/SAKI-testdata.xml", "saki"],
  ["converters/stepwize/20250316_133653_CONFIG_AND_RESULTS.XSPC", "stepwize"],
  ["converters/listen/Complete test 7-22-2020 (002).txt", "listen"],
  ["converters/listen/Data logging example 12-01-2021.txt", "listen"],
  [`${KLIPPEL}.txt`, "klippel"],
  // in-circuit, flying probe, boundary scan
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
