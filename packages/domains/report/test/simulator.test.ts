/**
 * Builder-made reports against the simulator (real loopback HTTP): they validate, submit, and
 * read back equal. The simulator package sits above this one in the dependency order, so it is
 * loaded from its source by path (no package dependency, no cycle); the suite says so and skips
 * when it is not there or does not start.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { HttpTransport } from "@tswats/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffReports, ReportClient, ReportService, UurReport, validateReport } from "../src/index.js";
import { repoRoot, sampleUut } from "./support.js";

interface SimulatorLike {
  url: string;
  token: string;
  reports?: { replaceCount(id: string): number; size: number };
  close(): Promise<void>;
}
type StartSimulator = (options: { port: number }) => Promise<SimulatorLike>;

const entry = path.join(repoRoot, "packages/simulator/src/index.ts");
let start: StartSimulator | undefined;
let reason = "";
if (!existsSync(entry)) reason = `${entry} does not exist`;
else {
  try {
    const mod = (await import(pathToFileURL(entry).href)) as { startSimulator?: StartSimulator };
    if (typeof mod.startSimulator === "function") start = mod.startSimulator;
    else reason = "packages/simulator does not export startSimulator";
  } catch (error) {
    reason = `packages/simulator failed to load: ${(error as Error).message}`;
  }
}

describe.skipIf(start === undefined)(
  `submit to the simulator and read back${start ? "" : ` (skipped: ${reason})`}`,
  () => {
    let sim: SimulatorLike;
    let transport: HttpTransport;
    let client: ReportClient;

    beforeAll(async () => {
      sim = await (start as StartSimulator)({ port: 0 });
      transport = new HttpTransport({ baseUrl: sim.url, token: sim.token, logger: false, throttle: false });
      client = new ReportClient(new ReportService(transport));
    });

    afterAll(async () => {
      await transport?.close();
      await sim?.close();
    });

    it("a builder-made test report submits and reads back equal", async () => {
      const uut = sampleUut();
      const built = uut.build();
      expect(validateReport(built).valid).toBe(true);
      const { id } = await client.submit(uut);
      const back = await client.getWsjf(id);
      expect(diffReports(back, built)).toEqual([]);
    });

    it("a failing test report and its repair submit and read back equal", async () => {
      const uut = sampleUut();
      uut.root.numericLimit("over", { value: 9, compOp: "LT", limit: 5 });
      const built = uut.build();
      expect(built.result).toBe("F");
      await client.submit(built);
      expect(diffReports(await client.getWsjf(uut.id), built)).toEqual([]);

      const uur = UurReport.forUut(built, {
        processCode: 500,
        operator: "repairer",
        station: "R1",
        location: "Bench",
        purpose: "Repair",
      }).failure({ category: "Component", code: "Burned Component", comRef: "U1" });
      const { id } = await client.submit(uur);
      expect(diffReports(await client.getWsjf(id), uur.build())).toEqual([]);
    });

    it("submitting the same report again replaces it", async () => {
      const uut = sampleUut();
      await client.submit(uut);
      await client.submit(uut);
      if (sim.reports) expect(sim.reports.replaceCount(uut.id)).toBe(1);
      expect(diffReports(await client.getWsjf(uut.id), uut.build())).toEqual([]);
    });
  },
);
