/**
 * An entity reference the XML readers do not expand must not become text: `&sn;` would end up
 * as the serial number. Declared (DOCTYPE) or undeclared, the file is refused naming the entity
 * and its line, by both XML converters.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { findUnsupportedXmlEntity, parseWsxfReports } from "@tswats/report";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConverterHost } from "../src/host.js";
import { conversionFailure, REPO_FIXTURES, richTestStandXml, tempDir } from "./helpers.js";

let host: ConverterHost;
let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  host = await ConverterHost.create({ inProcess: true });
  tmp = await tempDir();
});
afterAll(async () => {
  await host.close();
  await tmp.cleanup();
});

const withDoctype = (xml: string) =>
  xml.replace(/^(<\?xml[^>]*\?>)?/, (decl) => `${decl}\n<!DOCTYPE Reports [<!ENTITY sn "EXPANDED">]>`);

describe("XML entity references", () => {
  it("wsxf-xml: a DOCTYPE entity used as the serial number is refused, not stored as '&sn;'", async () => {
    const wsxf = await readFile(join(REPO_FIXTURES, "wsjf/uut-server-export.wsxf.xml"), "utf8");
    const xml = withDoctype(wsxf).replace(/ SN="[^"]*"/, ' SN="&sn;"');
    const path = join(tmp.dir, "entity.wsxf.xml");
    await writeFile(path, xml);
    const e = await conversionFailure(host.convertFile(path, { converter: "wsxf-xml" }));
    expect(e).toMatchObject({ kind: "parse", line: 2 });
    expect(e.message).toMatch(/the entity &sn; is declared in the DOCTYPE; DTD entities are not expanded/);
    expect(() => parseWsxfReports(xml)).toThrow(/&sn; is declared in the DOCTYPE/);
  });

  it("teststand-xml: declared and undeclared entities are refused with their line", async () => {
    const base = richTestStandXml("ENT-1").replaceAll(">ENT-1<", ">&sn;<").replaceAll('"ENT-1"', '"&sn;"');
    const declared = join(tmp.dir, "declared.xml");
    await writeFile(declared, withDoctype(base));
    const a = await conversionFailure(host.convertFile(declared, { converter: "teststand-xml" }));
    expect(a.kind).toBe("parse");
    expect(a.message).toMatch(/&sn; is declared in the DOCTYPE/);
    const undeclared = join(tmp.dir, "undeclared.xml");
    await writeFile(undeclared, base.replaceAll("&sn;", "&serial;"));
    const b = await conversionFailure(host.convertFile(undeclared, { converter: "teststand-xml" }));
    expect(b.message).toMatch(/&serial; is not a declared entity/);
    expect(b.line).toBeGreaterThan(0);
  });

  it("predefined entities, character references, comments and CDATA are fine", () => {
    expect(
      findUnsupportedXmlEntity(
        `<a b="&amp;&lt;&gt;&quot;&apos;&#233;&#xE9;"><!-- &x; --><![CDATA[ &y; ]]>text</a>`,
      ),
    ).toBeUndefined();
    expect(findUnsupportedXmlEntity(`<!DOCTYPE a [<!ENTITY z "q">]><a/>`)?.message).toMatch(
      /line 1, column 14: the DOCTYPE declares entities/,
    );
  });
});
