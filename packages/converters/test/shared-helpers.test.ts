import { describe, expect, it } from "vitest";
import { ConversionError } from "../src/errors.js";
import { readKeyValueLines, splitKeyValue } from "../src/standard/shared/key-value-lines.js";
import { parseLimitPair } from "../src/standard/shared/limit-pair.js";
import { guessDateOrder, parseLocaleDateTime } from "../src/standard/shared/locale-date.js";
import { guessDecimalMark, parseLocaleNumber } from "../src/standard/shared/locale-number.js";
import { readXmlElements } from "../src/standard/shared/xml-elements.js";

describe("locale numbers", () => {
  it("reads decimal point and decimal comma, with grouping only in threes", () => {
    expect(parseLocaleNumber("95.50", "point")).toBe(95.5);
    expect(parseLocaleNumber("-1,234.5", "point")).toBe(-1234.5);
    expect(parseLocaleNumber("1,5", "point")).toBeUndefined();
    expect(parseLocaleNumber("95,50", "comma")).toBe(95.5);
    expect(parseLocaleNumber("1.234,5", "comma")).toBe(1234.5);
    expect(parseLocaleNumber("-4,00", "comma")).toBe(-4);
    expect(parseLocaleNumber("1,5E-3", "comma")).toBe(0.0015);
    expect(parseLocaleNumber("12.5", "comma")).toBeUndefined();
    expect(parseLocaleNumber("abc", "point")).toBeUndefined();
    expect(parseLocaleNumber("", "point")).toBeUndefined();
  });
  it("guesses the mark from decimals, and says nothing for integers or a mix", () => {
    expect(guessDecimalMark(["100,00", "4", "-2,50"])).toBe("comma");
    expect(guessDecimalMark(["95.50", "3"])).toBe("point");
    expect(guessDecimalMark(["100", "4"])).toBeUndefined();
    expect(guessDecimalMark(["1,5", "2.5"])).toBeUndefined();
  });
});

describe("locale dates", () => {
  it("reads US, European and ISO-like date-times, AM/PM and offsets", () => {
    expect(parseLocaleDateTime("7/22/2020 10:22:14 AM", "MDY")).toBe("2020-07-22T10:22:14");
    expect(parseLocaleDateTime("11/2/2020 4:36:07 PM", "MDY")).toBe("2020-11-02T16:36:07");
    expect(parseLocaleDateTime("12/2/2020 12:05:00 AM", "MDY")).toBe("2020-12-02T00:05:00");
    expect(parseLocaleDateTime("12-01-2021 09:08:35", "DMY")).toBe("2021-01-12T09:08:35");
    expect(parseLocaleDateTime("14.05.2020 10:01", "DMY")).toBe("2020-05-14T10:01:00");
    expect(parseLocaleDateTime("2020-05-14 10:01:37.5+02:00", "MDY")).toBe("2020-05-14T10:01:37.5+02:00");
    expect(parseLocaleDateTime("01/10/2024", "MDY")).toBe("2024-01-10T00:00:00");
  });
  it("refuses impossible dates and times", () => {
    expect(parseLocaleDateTime("13/22/2020 10:00", "MDY")).toBeUndefined();
    expect(parseLocaleDateTime("31/04/2020 10:00", "DMY")).toBeUndefined();
    expect(parseLocaleDateTime("1/1/2020 13:00 PM", "MDY")).toBeUndefined();
    expect(parseLocaleDateTime("1/1/2020 25:00", "MDY")).toBeUndefined();
    expect(parseLocaleDateTime("yesterday", "MDY")).toBeUndefined();
  });
  it("guesses the order only from fields that can only be a day or a year first", () => {
    expect(guessDateOrder(["22/7/2020 10:00"])).toBe("DMY");
    expect(guessDateOrder(["7/22/2020 10:00"])).toBe("MDY");
    expect(guessDateOrder(["2020-07-22 10:00"])).toBe("YMD");
    expect(guessDateOrder(["12-01-2021 09:08:35"])).toBeUndefined();
    expect(guessDateOrder(["22/7/2020", "7/22/2020"])).toBeUndefined();
  });
});

describe("limit pairs", () => {
  it("reads two limits in either order with several separators", () => {
    expect(parseLimitPair("100.0/90.0", "point")).toEqual({ low: 90, high: 100 });
    expect(parseLimitPair("4,5..5,5", "comma")).toEqual({ low: 4.5, high: 5.5 });
    expect(parseLimitPair("[-5 ; -1]", "point")).toEqual({ low: -5, high: -1 });
    expect(parseLimitPair("-5 - -1", "point")).toEqual({ low: -5, high: -1 });
    expect(parseLimitPair("3.2 to 3.4", "point")).toEqual({ low: 3.2, high: 3.4 });
    expect(parseLimitPair("Floating Limits", "point")).toBeUndefined();
    expect(parseLimitPair("5", "point")).toBeUndefined();
  });
});

describe("key-value lines", () => {
  it("splits at the first separator and reports other lines with their numbers", () => {
    expect(splitKeyValue("Time: 10:22:14", [":", "="])).toEqual({ key: "Time", value: "10:22:14" });
    expect(splitKeyValue("Cfg_Path=D:\\a=b", ["="])).toEqual({ key: "Cfg_Path", value: "D:\\a=b" });
    const { pairs, other } = readKeyValueLines("// comment\nA=1\n\nnot a pair\r\nB=\n", ["="], ["//"]);
    expect(pairs).toEqual([
      { key: "A", value: "1", line: 2 },
      { key: "B", value: "", line: 5 },
    ]);
    expect(other).toEqual([{ line: 4, text: "not a pair" }]);
  });
});

describe("XML elements with lines", () => {
  it("gives every element its line, attributes without prefixes and decoded text", () => {
    const root = readXmlElements(
      '<?xml version="1.0"?>\r\n<a:Root xmlns:a="urn:x" a:k="1 &amp; 2">\r\n  <B>x &lt; y</B>\n  <C/>\n</a:Root>',
      "f.xml",
    );
    expect(root.name).toBe("Root");
    expect(root.line).toBe(2);
    expect(root.attributes.k).toBe("1 & 2");
    expect(root.children.map((c) => [c.name, c.line, c.text])).toEqual([
      ["B", 3, "x < y"],
      ["C", 4, ""],
    ]);
  });
  it("names the last line and the open element of a truncated document, and the line of a broken one", () => {
    const failure = (xml: string) => {
      try {
        readXmlElements(xml, "t.xml");
      } catch (error) {
        expect(ConversionError.is(error)).toBe(true);
        return error as ConversionError;
      }
      throw new Error("no error");
    };
    const truncated = failure("<a>\n<b>\n<c>text");
    expect(truncated).toMatchObject({ kind: "parse", line: 3, field: "c" });
    expect(truncated.message).toBe(
      "t.xml ends at line 3 before <a>, <b>, <c> are closed (truncated?); <c> was opened at line 3",
    );
    const broken = failure("<a>\n<b x=1/>\n</a>");
    expect(broken).toMatchObject({ kind: "parse", line: 2 });
    expect(broken.message).toMatch(/^t\.xml is not well-formed XML at line 2, column \d+/);
  });
});
