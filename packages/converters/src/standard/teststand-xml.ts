/**
 * `teststand-xml`: NI TestStand XML reports, in both forms stations write:
 * - `<TSReport>` with `<ReportInfo>` keys, as written with the WATS TestStand add-on;
 * - `<Reports>` with one `<Report Type="UUT">` per unit, as TestStand's own XML report
 *   generator writes it (one WSJF report per `<Report>`).
 * The XML encoding declaration is honoured (TestStand writes iso-8859-1). The mapping of one
 * report is in `teststand/uut-report.ts` (header) and `teststand/steps.ts` (step tree).
 */
import type { Report } from "@tswats/report";
import { ConversionError } from "../errors.js";
import type { ConverterContext, ConverterPluginV1 } from "../plugin-api.js";
import { childrenNamed, readXmlTree, type XmlElement } from "./shared/xml-sax-tree.js";
import { blankLegacyStylesheet, readXmlText } from "./shared/xml-text.js";
import { PropDocument } from "./teststand/props.js";
import { mapUutReport, type ReportElement } from "./teststand/uut-report.js";

export const testStandXmlConverter: ConverterPluginV1 = {
  apiVersion: 1,
  name: "teststand-xml",
  description:
    "NI TestStand XML reports (<TSReport> with the WATS add-on, <Reports> without): header, step tree, measurements, charts, attachments, additional data",
  filePatterns: ["*.xml"],
  idPolicy: "keep-valid",
  parameters: {
    processCode: {
      type: "integer",
      default: 10,
      min: 0,
      max: 32767,
      description:
        "Process (test operation) code when the report has none (ReportInfo PCode, UUT.UUTOperationType)",
    },
    serialNumber: {
      type: "string",
      description:
        "Serial number when the report has none (UUT.SerialNumber); without it such a report fails",
    },
    partNumber: {
      type: "string",
      description:
        'Part number when the report has none (UUT.UUTPartNumber, UUT.PartNumber); without it "Unknown" is sent with a warning',
    },
    revision: {
      type: "string",
      default: "1.0",
      description: "Revision when the report has none (UUT.UUTPartRevisionNumber)",
    },
    operator: {
      type: "string",
      default: "unknown",
      description: "Operator when StationInfo.LoginName is absent",
    },
    location: {
      type: "string",
      default: "Unknown",
      description: "Location when StationInfo.Location is absent",
    },
    purpose: {
      type: "string",
      default: "Production",
      description: "Purpose when StationInfo.Purpose is absent",
    },
    timeZone: {
      type: "string",
      description:
        "IANA zone for start times written without UTC offset (plain TestStand's StartDate/StartTime; default: this machine's)",
    },
    attachFiles: {
      type: "boolean",
      default: false,
      description:
        "Attach the station files that AttachedFileData names (the report holds only their path); off: a warning names each file",
    },
    additionalDataAsMiscInfo: {
      type: "boolean",
      default: false,
      description: "Send the scalar members of UUT.AdditionalData as misc infos instead of additional data",
    },
    encoding: {
      type: "string",
      description:
        "Text encoding, overriding the XML declaration (default: BOM, else the declaration, else UTF-8)",
    },
  },
  detect(sample) {
    const t = sample.text;
    if (/<TSReport[\s>]/.test(t)) return 0.95;
    if (
      /<Reports[\s>]/.test(t) &&
      /<Report\s[^>]*\b(Type|UUTResult|StepCount)\s*=/.test(t) &&
      /<Prop\s[^>]*\bType\s*=/.test(t)
    )
      return 0.9;
    return 0;
  },
  convert(input, context) {
    const text = blankLegacyStylesheet(
      readXmlText(input, {
        encoding: context.parameters.encoding as string | undefined,
        warn: (m) => context.warn(m),
      }),
    );
    const root = readXmlTree(text, input.fileName);
    return convertDocument(root, new PropDocument(), context, input.fileName);
  },
};

function convertDocument(
  root: XmlElement,
  doc: PropDocument,
  context: ConverterContext,
  fileName: string,
): Report[] {
  const elements: ReportElement[] = [];
  if (root.name === "TSReport") elements.push({ node: root, kind: "TSReport" });
  else if (root.name === "Reports" || root.name === "Report") {
    const reports = root.name === "Reports" ? childrenNamed(root, "Report") : [root];
    for (const node of reports) {
      const type = node.attributes.Type;
      if (type !== undefined && type.toUpperCase() !== "UUT") {
        context.warn(`${fileName} line ${node.line}: <Report Type="${type}"> is not a UUT report; left out`);
        continue;
      }
      elements.push({ node, kind: "Report" });
    }
    for (const node of childrenNamed(root, "TSReport")) elements.push({ node, kind: "TSReport" });
    if (elements.length === 0)
      throw new ConversionError(
        `${fileName} line ${root.line}: the <${root.name}> element holds no UUT report`,
        {
          kind: "content",
          field: "Report",
          line: root.line,
        },
      );
  } else {
    throw new ConversionError(
      `${fileName} is not a TestStand XML report: its root element is <${root.name}>, not <TSReport> or <Reports>`,
      { kind: "content", line: root.line },
    );
  }
  return elements.map((element, index) =>
    mapUutReport(element, { fileName, context, doc, derivedId: context.reportId(index) }),
  );
}
