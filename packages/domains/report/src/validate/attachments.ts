/** Checks of attachments, charts and additional data: what a step or report may carry besides measurements. */
import {
  ATTACHMENT_MAX_BYTES,
  ATTACHMENT_WARN_BYTES,
  CHART_MAX_POINTS,
  CHART_MAX_SERIES,
} from "../limits.js";
import { numberFromText } from "../model/numbers.js";
import { child } from "../problems.js";
import type { Checker, Obj } from "./checker.js";

/** A step `attachment` (`binary` false) or a repair `binaryData`/failure attachment (`binary` true). */
export function checkAttachment(c: Checker, a: Obj, path: string, binary: boolean): void {
  c.text(a.name, path, "name", "attachmentName", true);
  c.text(a.contentType, path, "contentType", "contentType", true);
  if (binary) c.guid(a.id, path, "id");
  const size = c.base64(a.data, path, "data", !binary);
  if (size === undefined) return;
  if (size > ATTACHMENT_MAX_BYTES) {
    c.problems.error(
      child(path, "data"),
      "attachment",
      `is ${size} bytes; at most ${ATTACHMENT_MAX_BYTES} are accepted (store large files elsewhere)`,
    );
  } else if (size > ATTACHMENT_WARN_BYTES && !binary) {
    c.problems.warn(
      child(path, "data"),
      "attachment",
      `is ${size} bytes; WATS's own client caps step attachments at ${ATTACHMENT_WARN_BYTES}`,
    );
  }
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Number of `;`-separated values, or undefined after reporting one that is not an invariant decimal. */
function countValues(c: Checker, text: string, path: string): number | undefined {
  if (text.trim() === "") return 0;
  const values = text.split(";");
  for (let i = 0; i < values.length; i++) {
    const v = (values[i] as string).trim();
    if (!DECIMAL.test(v) && numberFromText(v) === undefined) {
      c.problems.error(
        path,
        "chart",
        `value ${i + 1} (${JSON.stringify(v.slice(0, 20))}) is not a number; write ';'-separated numbers with a '.' decimal point`,
      );
      return undefined;
    }
  }
  return values.length;
}

export function checkChart(c: Checker, chart: Obj, path: string): void {
  c.text(chart.chartType, path, "chartType");
  c.text(chart.label, path, "label", "chartLabel");
  c.text(chart.xLabel, path, "xLabel", "chartLabel");
  c.text(chart.yLabel, path, "yLabel", "chartLabel");
  c.text(chart.xUnit, path, "xUnit", "chartUnit");
  c.text(chart.yUnit, path, "yUnit", "chartUnit");
  const series = c.array(chart.series, path, "series");
  if (!series) return;
  const seriesPath = child(path, "series");
  if (series.length > CHART_MAX_SERIES) {
    c.problems.warn(
      seriesPath,
      "chart",
      `has ${series.length} series; WATS is documented for at most ${CHART_MAX_SERIES}`,
    );
  }
  c.each(series, seriesPath, (s, at) => {
    c.text(s.dataType, at, "dataType");
    c.text(s.name, at, "name", "chartLabel");
    const x = c.text(s.xdata, at, "xdata");
    const y = c.text(s.ydata, at, "ydata", undefined, true);
    const ny = y === undefined ? undefined : countValues(c, y, child(at, "ydata"));
    const nx = x === undefined ? undefined : countValues(c, x, child(at, "xdata"));
    if (nx !== undefined && ny !== undefined && nx !== ny) {
      c.problems.error(child(at, "xdata"), "chart", `has ${nx} values but ydata has ${ny}; they must match`);
    }
    if (ny !== undefined && ny > CHART_MAX_POINTS) {
      c.problems.warn(
        child(at, "ydata"),
        "chart",
        `has ${ny} points; WATS is documented for at most ${CHART_MAX_POINTS}`,
      );
    }
  });
}

const MAX_PROPERTY_DEPTH = 64;

function checkProperty(c: Checker, prop: Obj, path: string, depth: number): void {
  if (depth > MAX_PROPERTY_DEPTH) {
    c.problems.error(path, "depth", `additional data nested deeper than ${MAX_PROPERTY_DEPTH} levels`);
    return;
  }
  c.text(prop.name, path, "name", "additionalName");
  c.text(prop.type, path, "type");
  c.text(prop.value, path, "value");
  c.text(prop.numFormat, path, "numFormat");
  c.text(prop.comment, path, "comment");
  c.integer(prop.flags, path, "flags");
  const props = c.array(prop.props, path, "props");
  if (props) c.each(props, child(path, "props"), (p, at) => checkProperty(c, p, at, depth + 1));
  const array = c.object(prop.array, path, "array");
  if (!array) return;
  const arrayPath = child(path, "array");
  c.integer(array.dimension, arrayPath, "dimension");
  c.text(array.type, arrayPath, "type");
  const indexes = c.array(array.indexes, arrayPath, "indexes");
  if (!indexes) return;
  c.each(indexes, child(arrayPath, "indexes"), (index, at) => {
    c.text(index.text, at, "text");
    const ints = c.array(index.indexes, at, "indexes");
    if (ints && !ints.every((n) => Number.isInteger(n)))
      c.problems.error(child(at, "indexes"), "type", "must be an array of integers");
    const value = c.object(index.value, at, "value");
    if (value) checkProperty(c, value, child(at, "value"), depth + 1);
  });
}

/** Report `additionalData` or step `additionalResults`. */
export function checkAdditionalData(c: Checker, list: readonly unknown[], path: string): void {
  c.each(list, path, (data, at) => {
    c.text(data.name, at, "name", "additionalName", true);
    const props = c.array(data.props, at, "props");
    if (props) c.each(props, child(at, "props"), (p, pat) => checkProperty(c, p, pat, 1));
  });
}
