/** The report the client benchmarks queue and upload: a small UUT with two steps, a fresh serial each time. */
import type { ReportSource } from "@tswats/converters/config";
import { type Report, UutReport } from "@tswats/report";

export const benchSource: ReportSource = {
  path: "/bench/in.csv",
  converter: "bench",
  sha256: "0".repeat(64),
  index: 0,
};

export function benchReport(): Report {
  const uut = new UutReport({
    pn: "PCBA-100",
    sn: `SN-${Math.random().toString(36).slice(2, 10)}`,
    rev: "A",
    processCode: 10,
    operator: "op",
    station: "Bench",
    location: "Line 1",
    purpose: "Production",
    start: "2026-03-01T12:00:00.000+01:00",
  });
  uut.root.numericLimit("Voltage", { value: 5.01, low: 4.9, high: 5.1, unit: "V" });
  uut.root.passFail("Power on", true);
  return uut.build();
}
