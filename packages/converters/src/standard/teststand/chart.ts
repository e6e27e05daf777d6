/**
 * The WATS TestStand add-on's chart data (`Chart`, TypeName `WATS_Chart_Data`) -> a WSJF chart.
 * ChartLabel, Xlabel, Xunit, Ylabel, Yunit and ChartType are texts; Plots holds one
 * `WATS_Chart_Plots` object per series (PlotName, PlotDataType, PlotData). PlotData is a
 * two-dimensional number array whose first index is 0 for the x values and 1 for the y values
 * (`[0][j]` = x of point j, `[1][j]` = y of point j); a single row is y values over 0, 1, 2, ...
 */
import type { Chart } from "@tswats/report";
import type { Prop } from "./props.js";
import { teststandNumber } from "./props.js";

const CHART_TYPES: Readonly<Record<string, string>> = {
  line: "Line",
  linelogx: "LineLogX",
  linelogy: "LineLogY",
  linelogxy: "LineLogXY",
};

export interface MappedChart {
  chart: Chart;
  notes: string[];
}

/** The chart, or undefined when the property holds no plot at all. */
export function mapChart(chartProp: Prop): MappedChart | undefined {
  const notes: string[] = [];
  const typeText = chartProp.nonEmpty("ChartType");
  let chartType = "Line";
  if (typeText !== undefined) {
    const known = CHART_TYPES[typeText.replace(/\s+/g, "").toLowerCase()];
    if (known) chartType = known;
    else
      notes.push(
        `chart type "${typeText}" is not one WATS draws (Line, LineLogX, LineLogY, LineLogXY); sent as Line`,
      );
  }
  const text = (name: string) => chartProp.text(name) ?? "";
  const series: NonNullable<Chart["series"]> = [];
  const plots = chartProp.get("Plots");
  for (const element of plots?.elements() ?? []) {
    const plot = element.prop;
    if (!plot) continue;
    const name = plot.text("PlotName") ?? `Plot ${series.length + 1}`;
    const data = plot.get("PlotData");
    const rows = new Map<number, Map<number, number>>();
    let dropped = 0;
    for (const e of data?.elements() ?? []) {
      const [row, col] = e.indexes.length >= 2 ? e.indexes : [0, e.indexes[0] ?? 0];
      const v = teststandNumber(e.text ?? "", chartProp.doc.localizedDecimalPoint);
      if (v === undefined || !Number.isFinite(v)) {
        dropped++;
        continue;
      }
      let r = rows.get(row as number);
      if (!r) {
        r = new Map();
        rows.set(row as number, r);
      }
      r.set(col as number, v);
    }
    const rowKeys = [...rows.keys()].sort((a, b) => a - b);
    let xs: number[] = [];
    let ys: number[] = [];
    if (rowKeys.length === 1) {
      const only = rows.get(rowKeys[0] as number) as Map<number, number>;
      const cols = [...only.keys()].sort((a, b) => a - b);
      xs = cols.map((_, i) => i);
      ys = cols.map((c) => only.get(c) as number);
    } else if (rowKeys.length >= 2) {
      const xr = rows.get(rowKeys[0] as number) as Map<number, number>;
      const yr = rows.get(rowKeys[1] as number) as Map<number, number>;
      const cols = [...yr.keys()].filter((c) => xr.has(c)).sort((a, b) => a - b);
      dropped += xr.size + yr.size - 2 * cols.length;
      xs = cols.map((c) => xr.get(c) as number);
      ys = cols.map((c) => yr.get(c) as number);
      if (rowKeys.length > 2)
        notes.push(
          `plot "${name}" has ${rowKeys.length} data rows; only x (row ${rowKeys[0]}) and y (row ${rowKeys[1]}) are charted`,
        );
    }
    if (dropped > 0)
      notes.push(
        `plot "${name}": ${dropped} value(s) that are no finite number (or have no partner) left out`,
      );
    const dataType = plot.nonEmpty("PlotDataType");
    if (dataType !== undefined && dataType.toUpperCase() !== "XYG" && dataType.toUpperCase() !== "Y")
      notes.push(`plot "${name}" has data type "${dataType}"; sent as XYG`);
    series.push({ dataType: "XYG", name, xdata: xs.map(String).join(";"), ydata: ys.map(String).join(";") });
  }
  if (series.length === 0 && !chartProp.get("ChartLabel")) return undefined;
  return {
    chart: {
      chartType,
      label: text("ChartLabel"),
      xLabel: text("Xlabel"),
      xUnit: text("Xunit"),
      yLabel: text("Ylabel"),
      yUnit: text("Yunit"),
      series,
    },
    notes,
  };
}
