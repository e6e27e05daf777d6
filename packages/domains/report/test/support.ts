/**
 * Shared test helpers: the real WATS exports are committed under fixtures/wsjf (see NOTICE.md).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { UutReport } from "../src/index.js";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
export const fixtureDir = path.join(repoRoot, "fixtures/wsjf");

export const JSON_FIXTURES = [
  "uut-server-export.json",
  "uut-large-example.json",
  "uur-example.json",
] as const;
export const UUT_FIXTURES = ["uut-server-export.json", "uut-large-example.json"] as const;

export function fixtureText(name: string): string {
  return readFileSync(path.join(fixtureDir, name), "utf8");
}

// biome-ignore lint/suspicious/noExplicitAny: raw fixture JSON is walked untyped in tests
export type Json = any;

export function fixtureJson(name: string): Json {
  return JSON.parse(fixtureText(name));
}

/** Every step of a raw tree in pre-order. */
export function allSteps(root: Json): Json[] {
  const out: Json[] = [];
  const walk = (s: Json) => {
    out.push(s);
    for (const c of s.steps ?? []) walk(c);
  };
  walk(root);
  return out;
}

/** A small valid test report made with the builder (fresh each call). */
export function sampleUut(options: { id?: string } = {}): UutReport {
  const uut = new UutReport({
    pn: "PCBA-100",
    sn: "SN-0001",
    rev: "A",
    processCode: 10,
    operator: "operator1",
    station: "Station-1",
    location: "Line 1",
    purpose: "Production",
    start: "2026-01-30T22:01:41.4707353+01:00",
    execTime: 12.5,
    ...options,
  });
  uut.root
    .sequence("Power", (s) =>
      s
        .numericLimit("3V3 rail", { value: 3.31, low: 3.2, high: 3.4, unit: "V" })
        .numericLimit("Current", { value: 0.5, compOp: "LE", limit: 0.8, unit: "A" })
        .passFail("LED on", true),
    )
    .stringValue("Firmware", { value: "1.2.3", limit: "1.2.3" })
    .multiNumericLimit("Rails", [
      { name: "5V", value: 5.01, low: 4.9, high: 5.1, unit: "V" },
      { name: "12V", value: 12.1, low: 11.5, high: 12.5, unit: "V" },
    ])
    .callExecutable("Flash", 0)
    .messagePopup("Confirm", { button: 1, response: "OK" })
    .chart("Ramp", {
      label: "Ramp",
      xLabel: "t",
      yLabel: "V",
      series: [{ name: "V", x: [0, 1, 2], y: [0, 1.5, 3] }],
    })
    .action("Cleanup", { group: "C" });
  uut
    .miscInfo("Firmware", "1.2.3")
    .miscInfo("Slot", 3)
    .subUnit({ pn: "MOD-1", sn: "M-1", rev: "B", partType: "MODULE" });
  return uut;
}
