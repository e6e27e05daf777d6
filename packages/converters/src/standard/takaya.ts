/**
 * `takaya`: Takaya flying-probe results in all three layouts: ATD with tab-separated columns
 * (APT-9xxx), ATD with quoted fields (APT94xx) and ATDX (`;`-separated, APT-1400F). The layout is
 * recognised from the content. One report per board of a panel (ATD groups) or per test run
 * (APT94xx `@` blocks, ATDX retests). See takaya-atd.ts, takaya-apt94xx.ts, takaya-atdx.ts for
 * the layouts and takaya-steps.ts for steps, statuses and limits.
 */
import type { Report } from "@tswats/report";
import { ConversionError } from "../errors.js";
import type { ConverterPluginV1 } from "../plugin-api.js";
import { headerParameterSpecs, headerParameters } from "./shared/header-defaults.js";
import { textLines } from "./shared/line-error.js";
import { buildUnitReport } from "./shared/unit-report.js";
import { UnmappedContent } from "./shared/unmapped.js";
import { readTakayaApt94xx } from "./takaya-apt94xx.js";
import { readTakayaAtd } from "./takaya-atd.js";
import { readTakayaAtdx } from "./takaya-atdx.js";
import type { TakayaBoard, TakayaReadOptions } from "./takaya-board.js";

export type TakayaLayout = "atd" | "apt94xx" | "atdx";

/** Which layout a Takaya file is written in; undefined when it is none of them. */
export function takayaLayout(text: string): TakayaLayout | undefined {
  if (/#+\s*"Main header"\s*#+/i.test(text) && /^Order;/m.test(text)) return "atdx";
  if (/#+\s*"Main header"\s*#+/i.test(text)) return "atdx";
  const atdHeader = /^@\s*$/m.test(text) && /^Model\s*:/m.test(text) && /^DATE\s+\d/m.test(text);
  if (!atdHeader) return undefined;
  if (/^\d{4,}\s+"/m.test(text)) return "apt94xx";
  if (/^Group_No\.\t/m.test(text) || /^\d+\t\d+\t/m.test(text)) return "atd";
  return /^\*\s*GROUP No\./im.test(text) ? "atd" : undefined;
}

export const takayaConverter: ConverterPluginV1 = {
  apiVersion: 1,
  name: "takaya",
  description:
    "Takaya flying-probe results: ATD (tab columns, APT-9xxx), ATD (quoted fields, APT94xx) and ATDX; one report per board or test run",
  filePatterns: ["*.atd", "*.atdx"],
  parameters: {
    ...headerParameterSpecs({
      processCode: 30,
      revision: "1.0",
      operator: "sysoper",
      partNumberSource: "the Model line (APT94xx: its part before the first underscore)",
    }),
    processCodeBottom: {
      type: "integer",
      default: 31,
      min: 0,
      max: 32767,
      description:
        "Process code of bottom-side tests (APT94xx models ending in B); processCode is used for the rest",
    },
    grouping: {
      type: "enum",
      values: ["component-type", "flat"],
      default: "component-type",
      description: "Steps in one sequence per component type (C, R, U, ...) or all directly under the root",
    },
    stationFromOperator: {
      type: "boolean",
      default: false,
      description:
        "APT94xx: the first name in the Serial No. line's parentheses is the station and the second the operator",
    },
  },
  detect(sample) {
    const layout = takayaLayout(sample.text);
    return layout === undefined ? 0 : 0.9;
  },
  convert(input, context) {
    const p = headerParameters(context);
    const text = input.text(p.encoding);
    const layout = takayaLayout(text);
    if (!layout)
      throw new ConversionError(
        `${input.fileName} is not a Takaya ATD or ATDX file: no "@" header with Model and DATE lines, and no "Main header" block`,
        { kind: "content", line: 1 },
      );
    const unmapped = new UnmappedContent();
    const unknownJudgements = new UnmappedContent();
    const options: TakayaReadOptions = {
      fileName: input.fileName,
      timeZone: p.timeZone,
      grouping: context.parameters.grouping as "component-type" | "flat",
      unmapped,
      unknown: {
        judgement: (t, line) =>
          unknownJudgements.note(`judgement ${JSON.stringify(t)} (status left to the limits)`, line),
        functionCode: (t, line) =>
          unknownJudgements.note(`function code ${JSON.stringify(t)} (no limits)`, line),
      },
    };
    const lines = textLines(text);
    const boards: TakayaBoard[] =
      layout === "atdx"
        ? readTakayaAtdx(lines, options)
        : layout === "apt94xx"
          ? readTakayaApt94xx(lines, options, context.parameters.stationFromOperator === true)
          : readTakayaAtd(lines, options);
    if (boards.length === 0)
      throw new ConversionError(
        `${input.fileName}: no board (serial number with its test steps) in the file`,
        {
          kind: "content",
          line: 1,
        },
      );
    const reports: Report[] = boards.map((b, index) =>
      buildUnitReport(
        {
          pn: p.partNumber ?? b.pn ?? input.fileName,
          sn: b.sn,
          rev: b.rev ?? p.revision,
          processCode: b.bottomSide ? (context.parameters.processCodeBottom as number) : p.processCode,
          operator: b.operator ?? p.operator,
          station: b.station,
          location: p.location,
          purpose: p.purpose,
          start: b.start,
          execTime: b.execTime,
          batchSN: b.batchSN,
          sequenceName: b.sequenceName,
          sequenceVersion: b.sequenceVersion,
          testSocketIndex: b.socket,
          misc: b.misc,
          result: b.result,
        },
        b.steps,
        context,
        index,
        `board SN ${b.sn} (line ${b.line})`,
      ),
    );
    unknownJudgements.flush((m) => context.warn(m), input.fileName);
    unmapped.flush((m) => context.warn(m), input.fileName);
    return reports;
  },
};
