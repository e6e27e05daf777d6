import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { diffReports, parseReport, parseWsxf, reportToJson, serialiseReport, toWsxf } from "../src/index.js";
import { ReportSchema, WsjfReportSchema } from "../src/schemas.js";
import { fixtureJson, fixtureText, JSON_FIXTURES, type Json } from "./support.js";

/**
 * The fields the format document (§6, "read-back differences") lists as added or resolved by
 * the server, spelled out here independently of the implementation's own list.
 */
function withoutServerFields(report: Json): Json {
  const copy = structuredClone(report);
  for (const key of ["origin", "productName", "processName", "assetStats"]) delete copy[key];
  if (copy.uut) {
    delete copy.uut.stepIdCausedUUTFailure;
    delete copy.uut.refUURs;
  }
  if (copy.uur) {
    delete copy.uur.processName;
    delete copy.uur.children;
  }
  for (const unit of copy.subUnits ?? []) for (const f of unit.failures ?? []) delete f.refStepName;
  return copy;
}

describe("WSJF round trip of every fixture", () => {
  for (const name of JSON_FIXTURES) {
    it(`${name}: parse -> serialise equals the export minus the server-added fields`, () => {
      const raw = fixtureJson(name);
      const wire = serialiseReport(parseReport(raw));
      expect(JSON.parse(JSON.stringify(wire))).toStrictEqual(withoutServerFields(raw));
      // and through text: the JSON text parses back to the same model
      expect(parseReport(reportToJson(parseReport(raw)))).toStrictEqual(
        parseReport(withoutServerFields(raw)),
      );
    });

    it(`${name}: keeps the server-added fields when asked`, () => {
      const raw = fixtureJson(name);
      expect(
        JSON.parse(JSON.stringify(serialiseReport(parseReport(raw), { keepServerFields: true }))),
      ).toStrictEqual(raw);
    });

    it(`${name}: the fast reader and the zod schema agree, and the generated schema accepts it`, () => {
      const raw = fixtureJson(name);
      expect(isDeepStrictEqual(parseReport(raw), ReportSchema.parse(raw))).toBe(true);
      expect(WsjfReportSchema.safeParse(raw).success).toBe(true);
    });

    it(`${name}: parsing does not change the input`, () => {
      const raw = fixtureJson(name);
      const before = structuredClone(raw);
      serialiseReport(parseReport(raw));
      expect(raw).toStrictEqual(before);
    });
  }
});

describe("WSXF: the fixture pair", () => {
  it("the JSON and the XML export of the same report parse to the same model", () => {
    const fromJson = parseReport(fixtureJson("uut-server-export.json"));
    const fromXml = parseWsxf(fixtureText("uut-server-export.wsxf.xml"));
    expect(fromXml).toStrictEqual(fromJson);
    expect(diffReports(fromXml, fromJson, { includeServerFields: true })).toEqual([]);
  });

  it("writing the JSON export as WSXF gives the server's XML element for element", () => {
    // XML-only data the JSON does not carry: MeasOrderNumber (left for WATS to assign) and the
    // sequence Filename, which the server wrote as "" on the two loop sequences.
    const tokens = (xml: string) =>
      [...xml.matchAll(/<(\/?[A-Za-z_]+)((?:\s+[A-Za-z_:]+="[^"]*")*)\s*\/?>|([^<]+)/g)].map((m) =>
        m[3] !== undefined
          ? `text ${m[3]}`
          : `${m[1]} ${[...(m[2] ?? "").matchAll(/([A-Za-z_:]+)="([^"]*)"/g)]
              .filter((a) => a[1] !== "MeasOrderNumber")
              .map((a) => `${a[1]}=${a[2]}`)
              .sort()
              .join(" ")}`,
      );
    const server = tokens(fixtureText("uut-server-export.wsxf.xml"));
    const ours = tokens(toWsxf(parseReport(fixtureJson("uut-server-export.json"))));
    expect(ours.length).toBe(server.length);
    const differing = server.flatMap((t, i) => (t === ours[i] ? [] : [`${t} | ${ours[i]}`]));
    expect(differing).toEqual([
      "SequenceCall Filename= Filepath=Seq1 MeasIndex=0 Name=SequenceCallLoop Version= | SequenceCall Filename=Seq1 Filepath=Seq1 MeasIndex=0 Name=SequenceCallLoop Version=",
      "SequenceCall Filename= Filepath=Seq1 MeasIndex=0 Name=SequenceCallLoop2 Version= | SequenceCall Filename=Seq1 Filepath=Seq1 MeasIndex=0 Name=SequenceCallLoop2 Version=",
    ]);
  });

  for (const name of JSON_FIXTURES) {
    it(`${name}: model -> WSXF -> model is lossless`, () => {
      const model = parseReport(fixtureJson(name));
      expect(parseWsxf(toWsxf(model))).toStrictEqual(model);
    });
  }
});
