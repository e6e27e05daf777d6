/**
 * `wsxf-xml`: WATS Standard XML Format files (`<Reports>` or a bare `<Report>`), read with the
 * report package's WSXF mapping. Reports keep the GUID they carry. Every element and attribute
 * the mapping does not read is named in a warning with its line; WRML files (the flat format
 * before WSXF, namespace without `/wsxf`) are left to the `wrml` converter.
 */

import { findUnsupportedXmlEntity, parseWsxfReports } from "@tswats/report";
import { XMLValidator } from "fast-xml-parser";
import { ConversionError } from "../errors.js";
import type { ConverterPluginV1 } from "../plugin-api.js";
import { WarningTally } from "./shared/warning-tally.js";
import { parseXmlTree } from "./shared/xml-tree.js";
import { reportUnreadWsxf } from "./wsxf-vocabulary.js";

export const wsxfXmlConverter: ConverterPluginV1 = {
  apiVersion: 1,
  name: "wsxf-xml",
  description:
    "WATS Standard XML Format reports (<Reports>/<Report>), via the WSXF mapping of @tswats/report",
  filePatterns: ["*.wsxf", "*.wsxf.xml"],
  idPolicy: "keep-valid",
  parameters: {
    encoding: { type: "string", description: "Text encoding when the file has no BOM (default UTF-8)" },
  },
  detect(sample) {
    const t = sample.text;
    if (/<Reports[\s>]/.test(t) && /wats\.virinco\.com\/schemas\/WATS\/Report\/wsxf/i.test(t)) return 0.95;
    // WRML: WATS's older namespace, or its flat steps that name their parent by StepID
    if (/xmlns(:\w+)?=["']http:\/\/wats\.virinco\.com\/schemas\/WATS\/Report["']/.test(t)) return 0;
    if (/<(\w+:)?Step\s[^>]*\bStepID=/.test(t)) return 0;
    return /<Report\s[^>]*type="(UUT|UUR)"/.test(t) ? 0.8 : 0;
  },
  convert(input, context) {
    const text = input.text(context.parameters.encoding as string | undefined);
    checkWellFormed(text, input.fileName);
    const tally = new WarningTally();
    reportUnreadWsxf(parseXmlTree(text, input.fileName), tally);
    tally.flush(context);
    try {
      return parseWsxfReports(text);
    } catch (error) {
      throw new ConversionError(
        `${input.fileName}: ${(error as Error).message}`,
        { kind: "content" },
        { cause: error },
      );
    }
  },
};

/** Throws a ConversionError with line and column when the XML is not well-formed. */
export function checkWellFormed(text: string, fileName: string): void {
  const entity = findUnsupportedXmlEntity(text);
  if (entity)
    throw new ConversionError(`${fileName}: ${entity.message}`, {
      kind: "parse",
      line: entity.line,
      column: entity.column,
    });
  const result = XMLValidator.validate(text);
  if (result === true) return;
  const { msg, line, col } = result.err;
  throw new ConversionError(`${fileName} is not well-formed XML at line ${line}, column ${col}: ${msg}`, {
    kind: "parse",
    line,
    column: col,
  });
}
