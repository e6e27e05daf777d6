/** The converters that ship with the client. */
import type { ConverterPluginV1 } from "../plugin-api.js";
import { csvConverter } from "./csv.js";
import { keysightI3070Converter } from "./keysight-i3070.js";
import { seicaXmlConverter } from "./seica-xml.js";
import { spea3030Converter } from "./spea-3030.js";
import { takayaConverter } from "./takaya.js";
import { teradyneGr228xConverter } from "./teradyne-gr228x.js";
import { teradyneSpectrumConverter } from "./teradyne-spectrum.js";
import { testStandXmlConverter } from "./teststand-xml.js";
import { wsjfJsonConverter } from "./wsjf-json.js";
import { wsxfXmlConverter } from "./wsxf-xml.js";
import { xjtagConverter } from "./xjtag.js";

export const STANDARD_CONVERTERS: readonly ConverterPluginV1[] = [
  wsjfJsonConverter,
  wsxfXmlConverter,
  testStandXmlConverter,
  csvConverter,
  teradyneGr228xConverter,
  teradyneSpectrumConverter,
  spea3030Converter,
  takayaConverter,
  xjtagConverter,
  seicaXmlConverter,
  keysightI3070Converter,
];

export function standardConverter(name: string): ConverterPluginV1 | undefined {
  return STANDARD_CONVERTERS.find((c) => c.name === name);
}
