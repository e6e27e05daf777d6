// ict-log.ts: a converter plugin for "Acme ICT" logs. Compile it to ict-log.mjs (tsc or esbuild)
// and put that file into a folder listed in the client config's "pluginFolders".
import { defineConverter, UutReport } from "@tswats/converters";

export default defineConverter({
  apiVersion: 1,
  name: "ict-log",
  description: "Acme ICT logs",
  filePatterns: ["*.ict"],
  parameters: {
    processCode: { type: "integer", default: 30, min: 0, max: 32767 },
    location: { type: "string", default: "ICT" },
  },
  detect: (sample) => (sample.text.startsWith("ACME-ICT;") ? 0.9 : 0),
  convert(input, context) {
    // ACME-ICT;<serial>;<part number>;<start, ISO 8601 with offset>
    // <test>;<value>;<low>;<high>;<unit>     one line per measurement
    const [header = "", ...rows] = input.text().split(/\r?\n/);
    const [, sn, pn, start] = header.split(";");
    if (!sn || !pn || !start) {
      throw Object.assign(new Error("the first line must be ACME-ICT;<serial>;<part number>;<start>"), {
        line: 1,
      });
    }
    const report = new UutReport({
      pn,
      sn,
      rev: "A",
      processCode: Number(context.parameters.processCode),
      operator: "ict",
      station: context.station ?? "ICT-1",
      location: String(context.parameters.location),
      purpose: "Production",
      start,
      id: context.reportId(0),
    });
    rows.forEach((row, index) => {
      if (row.trim() === "") return;
      const [name, value, low, high, unit] = row.split(";");
      if (!name || Number.isNaN(Number(value)) || Number.isNaN(Number(low)) || Number.isNaN(Number(high))) {
        context.warn(`line ${index + 2}: not <test>;<value>;<low>;<high>;<unit>, skipped`);
        return;
      }
      report.root.numericLimit(name, {
        value: Number(value),
        compOp: "GELE",
        low: Number(low),
        high: Number(high),
        ...(unit ? { unit } : {}),
      });
    });
    return report.build();
  },
});
