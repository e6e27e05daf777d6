/**
 * `saki`: Saki AOI inspection results (`<Panel>` XML): the panel's barcode, side, operator,
 * start date and time and result, and per `<Image>` (a board position / inspection image) its
 * `<Results>`: `<FalseCalls>` (flagged by the machine, judged good by the operator) and
 * `<Failed>` (confirmed defects), each a list of `<Reference designator partNumber package
 * description>`.
 *
 * As WATS's Saki converter maps it: serial number = Panel `barcode`, part number = Panel `side`
 * (parameter `partNumber` when absent), operator = Panel `operator`, start = `startDate` +
 * `startTime` (month first by default), sequence = Program `name`/`ver`, result = Panel
 * `result`. Each Image is a sequence "Image <id>" with a "False Calls" sequence (one passed
 * step per reference) and a "Failed" sequence (one failed step per reference); the reference's
 * part number, package and description go to the step's report text.
 *
 * A panel whose images carry their own barcodes (several boards on one panel) gives one report
 * per image with `reportPer: "auto"` (default): serial number = the image barcode, the panel
 * barcode in misc info "Panel barcode". `reportPer: "panel"` always gives one report.
 */
import { type Report, type StepStatus, statusCode, UutReport } from "@tswats/report";
import { ConversionError } from "../errors.js";
import type { ConverterContext, ConverterPluginV1 } from "../plugin-api.js";
import {
  ENCODING_PARAMETER,
  optionalString,
  processCodeParameter,
  TIME_ZONE_PARAMETER,
  textParameter,
} from "./shared/header-parameters.js";
import { searchableIdentifier } from "./shared/identifier-text.js";
import { type DateOrder, parseLocaleDateTime } from "./shared/locale-date.js";
import { setRootSequence } from "./shared/report-parts.js";
import { watsDateTime } from "./shared/wats-time.js";
import {
  attribute,
  childElement,
  childElements,
  readXmlElements,
  type XmlElement,
} from "./shared/xml-elements.js";

export const sakiConverter: ConverterPluginV1 = {
  apiVersion: 1,
  name: "saki",
  description: "Saki AOI XML (<Panel> with <Image> results: false calls and failed references)",
  filePatterns: ["*.xml"],
  parameters: {
    processCode: processCodeParameter(10, "(Saki files name none)"),
    partNumber: {
      type: "string",
      default: "",
      description: "Part number when the Panel has no side attribute",
    },
    revision: textParameter("1", "Revision (Saki files carry none)"),
    operator: textParameter("unknown", "Operator when the Panel has no operator attribute"),
    location: textParameter("Unknown", "Location (Saki files carry none)"),
    purpose: textParameter("Production", "Purpose (Saki files carry none)"),
    dateFormat: {
      type: "enum",
      values: ["MDY", "DMY", "YMD"],
      default: "MDY",
      description: "Order of the startDate fields (Saki writes MM/dd/yyyy)",
    },
    reportPer: {
      type: "enum",
      values: ["auto", "panel", "image"],
      default: "auto",
      description:
        '"auto": one report per image when every image has its own barcode, else one per panel; "panel"; "image"',
    },
    timeZone: TIME_ZONE_PARAMETER,
    encoding: ENCODING_PARAMETER,
  },
  detect(sample) {
    const t = sample.text;
    if (!/<Panel[\s>]/.test(t)) return 0;
    return /<Image[\s>]/.test(t) && /barcode=/.test(t) ? 0.9 : 0.5;
  },
  convert(input, context) {
    const text = input.text(optionalString(context.parameters.encoding));
    const root = readXmlElements(text, input.fileName);
    if (root.name !== "Panel")
      throw new ConversionError(
        `${input.fileName} is not a Saki AOI result: its root element is <${root.name}> (line ${root.line}), not <Panel>`,
        { kind: "content", line: root.line },
      );
    return readPanel(root, context, input.fileName);
  },
};

const PANEL_KNOWN = new Set(["barcode", "result", "startDate", "startTime", "side", "operator"]);
const REFERENCE_KNOWN = new Set(["designator"]);
/** Barcodes that mean "none". */
const NO_BARCODE = /^(|n\/?a|none|null|-+|\?+)$/i;

function fail(fileName: string, element: XmlElement, message: string, field?: string): never {
  throw new ConversionError(`${fileName}: line ${element.line}: ${message}`, {
    kind: "content",
    line: element.line,
    ...(field ? { field } : {}),
  });
}

function resultOf(fileName: string, element: XmlElement): StepStatus {
  const text = attribute(element, "result");
  if (text === undefined) fail(fileName, element, `<${element.name}> has no result attribute`, "result");
  const status = statusCode(text);
  if (status === undefined)
    fail(
      fileName,
      element,
      `<${element.name}> result ${JSON.stringify(text)} is not a result (passed, failed, ...)`,
      "result",
    );
  return status;
}

function readPanel(panel: XmlElement, context: ConverterContext, fileName: string): Report[] {
  const p = context.parameters;
  const warn = (element: XmlElement, message: string) => context.warn(`line ${element.line}: ${message}`);
  const panelBarcode = attribute(panel, "barcode")?.trim() ?? "";
  const pn = optionalString(attribute(panel, "side")?.trim()) ?? optionalString(p.partNumber);
  if (pn === undefined)
    fail(
      fileName,
      panel,
      '<Panel> has no side (the part number) and the parameter "partNumber" is not set',
      "side",
    );
  const dateText = attribute(panel, "startDate");
  if (dateText === undefined) fail(fileName, panel, "<Panel> has no startDate", "startDate");
  const timeText = attribute(panel, "startTime") ?? "";
  const iso = parseLocaleDateTime(`${dateText} ${timeText}`.trim(), p.dateFormat as DateOrder);
  if (iso === undefined)
    fail(
      fileName,
      panel,
      `startDate/startTime ${JSON.stringify(`${dateText} ${timeText}`.trim())} is not a date and time in ${p.dateFormat as string} order`,
      "startDate",
    );
  const start = watsDateTime(iso, optionalString(p.timeZone), { line: panel.line, field: "startDate" });
  const program = childElement(panel, "Program");
  const images = childElements(panel, "Image");
  for (const c of panel.children)
    if (c.name !== "Program" && c.name !== "Image")
      warn(c, `<${c.name}> inside <Panel> is not part of the Saki result format; not mapped`);
  if (program)
    for (const key of Object.keys(program.attributes))
      if (key !== "name" && key !== "ver") warn(program, `Program attribute ${key} is not mapped`);

  const ownBarcodes = images.map((i) => attribute(i, "barcode")?.trim() ?? "");
  const perImage =
    p.reportPer === "image" ||
    (p.reportPer === "auto" &&
      images.length > 1 &&
      ownBarcodes.every((b) => !NO_BARCODE.test(b)) &&
      new Set(ownBarcodes).size === ownBarcodes.length);

  const newReport = (index: number, sn: string, result: StepStatus) => {
    if (NO_BARCODE.test(sn))
      fail(fileName, panel, `no serial number: the barcode is ${JSON.stringify(sn)}`, "barcode");
    const builder = new UutReport({
      id: context.reportId(index),
      pn: searchableIdentifier(pn, "part number", context, panel.line),
      sn: searchableIdentifier(sn, "serial number", context, panel.line),
      rev: p.revision as string,
      processCode: p.processCode as number,
      operator: optionalString(attribute(panel, "operator")?.trim()) ?? (p.operator as string),
      ...(context.station !== undefined ? { station: context.station } : {}),
      location: p.location as string,
      purpose: p.purpose as string,
      start,
      mode: "import",
      result: result === "F" ? "F" : result === "E" ? "E" : result === "T" ? "T" : "P",
    });
    builder.root.step.status = result;
    if (program) setRootSequence(builder, attribute(program, "name"), attribute(program, "ver"));
    for (const [key, value] of Object.entries(panel.attributes))
      if (!PANEL_KNOWN.has(key)) builder.miscInfo(key, value);
    return builder;
  };

  if (!perImage) {
    const builder = newReport(0, panelBarcode, resultOf(fileName, panel));
    for (const image of images) addImage(builder, image, fileName, warn, true);
    return [builder.build()];
  }
  return images.map((image, index) => {
    const builder = newReport(index, attribute(image, "barcode")?.trim() ?? "", resultOf(fileName, image));
    builder.miscInfo("Panel barcode", panelBarcode);
    builder.miscInfo("Panel result", attribute(panel, "result") ?? "");
    builder.miscInfo("Image id", attribute(image, "id") ?? String(index + 1));
    addImage(builder, image, fileName, warn, false);
    return builder.build();
  });
}

function addImage(
  builder: UutReport,
  image: XmlElement,
  fileName: string,
  warn: (element: XmlElement, message: string) => void,
  asSequence: boolean,
): void {
  const status = resultOf(fileName, image);
  const id = attribute(image, "id") ?? "";
  const target = asSequence ? builder.root.addSequence(`Image ${id}`.trim(), { status }) : builder.root;
  if (asSequence) {
    const barcode = attribute(image, "barcode")?.trim() ?? "";
    if (!NO_BARCODE.test(barcode)) target.step.reportText = `barcode=${barcode}`;
  }
  for (const key of Object.keys(image.attributes))
    if (!["id", "barcode", "result"].includes(key)) warn(image, `Image attribute ${key} is not mapped`);
  for (const c of image.children) {
    if (c.name !== "Results") {
      warn(c, `<${c.name}> inside <Image> is not part of the Saki result format; not mapped`);
      continue;
    }
    for (const list of c.children) {
      const kind = list.name === "FalseCalls" ? "P" : list.name === "Failed" ? "F" : undefined;
      if (kind === undefined) {
        warn(list, `<${list.name}> inside <Results> is neither <FalseCalls> nor <Failed>; not mapped`);
        continue;
      }
      const references = list.children.filter((r) => r.name === "Reference");
      for (const other of list.children)
        if (other.name !== "Reference")
          warn(other, `<${other.name}> inside <${list.name}> is not a <Reference>; not mapped`);
      if (references.length === 0) continue;
      const sequence = target.addSequence(kind === "P" ? "False Calls" : "Failed", { status: kind });
      for (const reference of references) {
        const designator = attribute(reference, "designator")?.trim();
        if (!designator) fail(fileName, reference, "<Reference> has no designator", "designator");
        const details = Object.entries(reference.attributes)
          .filter(([key]) => !REFERENCE_KNOWN.has(key))
          .map(([key, value]) => `${key}=${value}`);
        sequence.passFail(designator, kind === "P", {
          status: kind,
          ...(details.length > 0 ? { reportText: details.join("\n") } : {}),
        });
      }
    }
  }
}
