/** The converters that ship with the client. */
import type { ConverterPluginV1 } from "../plugin-api.js";
import { atmlConverter } from "./atml.js";
import { csvConverter } from "./csv.js";
import { keysightI3070Converter } from "./keysight-i3070.js";
import { keysightTestExecSlConverter } from "./keysight-testexec-sl.js";
import { klippelConverter } from "./klippel.js";
import { listenConverter } from "./listen.js";
import { sakiConverter } from "./saki.js";
import { seicaXmlConverter } from "./seica-xml.js";
import { sigmaQuestConverter } from "./sigmaquest.js";
import { spea3030Converter } from "./spea-3030.js";
import { stepWizeConverter } from "./stepwize.js";
import { takayaConverter } from "./takaya.js";
import { teradyneGr228xConverter } from "./teradyne-gr228x.js";
import { teradyneSpectrumConverter } from "./teradyne-spectrum.js";
import { testStandXmlConverter } from "./teststand-xml.js";
import { watsTextConverter } from "./wats-text.js";
import { wrmlConverter } from "./wrml.js";
import { wsjfJsonConverter } from "./wsjf-json.js";
import { wsxfXmlConverter } from "./wsxf-xml.js";
import { xjtagConverter } from "./xjtag.js";

export const STANDARD_CONVERTERS: readonly ConverterPluginV1[] = [
  wsjfJsonConverter,
  wsxfXmlConverter,
  testStandXmlConverter,
  csvConverter,
  wrmlConverter,
  atmlConverter,
  watsTextConverter,
  sigmaQuestConverter,
  sakiConverter,
  stepWizeConverter,
  listenConverter,
  klippelConverter,
  keysightTestExecSlConverter,
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
