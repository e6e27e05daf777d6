/**
 * Every real sample under fixtures/ that a standard converter claims, with the converter that must
 * read it (the detect matrix checks the claim; the no-silent-loss audit converts each one).
 */
export const KLIPPEL = "converters/klippel/DUT xyz115 2020-05-14 10-01-37-5 UTC+0200";

/** fixture path (under fixtures/) -> the converter that must win. */
export const SAMPLE_MATRIX: readonly (readonly [string, string])[] = [
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
