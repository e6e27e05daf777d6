/** Multi-unit ICT files on the simulator: one report per board, and converting again replaces them. */
import { ReportClient } from "@tswats/report";
import { Wats } from "@tswats/sdk";
import { type Simulator, startSimulator } from "@tswats/simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConverterHost } from "../src/host.js";
import { fixturePath } from "./ict-helpers.js";

let sim: Simulator;
let wats: Wats;
let host: ConverterHost;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, data: "empty" });
  wats = new Wats({ baseUrl: sim.url, token: sim.token, retry: { maxAttempts: 1 } } as ConstructorParameters<
    typeof Wats
  >[0]);
  host = await ConverterHost.create({ inProcess: true });
}, 60_000);
afterAll(async () => {
  await host?.close();
  await wats?.close();
  await sim?.close();
});

describe("ICT reports on the simulator", () => {
  for (const [converter, sample] of [
    ["teradyne-gr228x", "teradyne-gr228x/43420_BIO2.LOG"],
    ["xjtag", "xjtag/Demonstration hardware--28_10_2019.xjlog"],
  ] as const) {
    it(`${converter}: every board is stored once, and converting the file again replaces them`, async () => {
      const reports = new ReportClient(wats);
      const before = sim.reports.size;
      const first = await host.convertFile(fixturePath(sample), {
        converter,
        parameters: { timeZone: "Europe/Oslo" },
      });
      expect(first.reports.length).toBeGreaterThan(1);
      for (const r of first.reports) await reports.submit(r);
      expect(sim.reports.size).toBe(before + first.reports.length);
      const again = await host.convertFile(fixturePath(sample), {
        converter,
        parameters: { timeZone: "Europe/Oslo" },
      });
      for (const r of again.reports) await reports.submit(r);
      expect(sim.reports.size).toBe(before + first.reports.length);
      for (const r of first.reports) {
        expect(sim.reports.replaceCount(r.id as string)).toBe(1);
        expect(sim.reports.get(r.id as string)).toMatchObject({ sn: r.sn, pn: r.pn });
      }
    }, 120_000);
  }
});
