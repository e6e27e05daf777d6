/** The converters that ship with the client. */
import type { ConverterPluginV1 } from "../plugin-api.js";
import { atmlConverter } from "./atml.js";
import { csvConverter } from "./csv.js";
import { testStandXmlConverter } from "./teststand-xml.js";
import { watsTextConverter } from "./wats-text.js";
import { wrmlConverter } from "./wrml.js";
import { wsjfJsonConverter } from "./wsjf-json.js";
import { wsxfXmlConverter } from "./wsxf-xml.js";

export const STANDARD_CONVERTERS: readonly ConverterPluginV1[] = [
  wsjfJsonConverter,
  wsxfXmlConverter,
  testStandXmlConverter,
  csvConverter,
  wrmlConverter,
  atmlConverter,
  watsTextConverter,
];

export function standardConverter(name: string): ConverterPluginV1 | undefined {
  return STANDARD_CONVERTERS.find((c) => c.name === name);
}
