/**
 * Yield figures from the analytics domain: submit a day of test results, then ask WATS for
 * first-pass yield per part number (POST /api/App/DynamicYield).
 * Run: npx -y pnpm@10 --filter @tswats/examples run example yield-by-part-number.ts   (after `npx -y pnpm@10 build`)
 */
import { YieldDimension } from "@tswats/analytics";
import { ReportClient, UutReport } from "@tswats/report";
import { Wats } from "@tswats/sdk";
import { startSimulator } from "@tswats/simulator";

await using sim = await startSimulator({ port: 0, seed: 3, data: "empty" });
await using wats = new Wats({ baseUrl: sim.url, token: sim.token, logger: false });
const reports = new ReportClient(wats);

// Every fourth unit of PSU-20 fails its first run and passes the retest.
const plan = [
  { pn: "PCBA-100", units: 6, failEvery: 0 },
  { pn: "PSU-20", units: 8, failEvery: 4 },
];
for (const { pn, units, failEvery } of plan) {
  for (let unit = 1; unit <= units; unit++) {
    const runs = failEvery > 0 && unit % failEvery === 0 ? [false, true] : [true];
    for (const [run, passes] of runs.entries()) {
      const uut = new UutReport({
        pn,
        sn: `${pn}-${unit}`,
        rev: "A",
        processCode: 10,
        location: "Line 1",
        purpose: "Production",
        station: "FCT-02",
        operator: "sam",
        start: new Date(Date.UTC(2026, 10, 20, 8, unit, run)),
      });
      uut.root.passFail("Self test", passes);
      await reports.submit(uut);
    }
  }
}

// One YieldRow per dimension value, with the yield KPIs (only those asked for when `dimensions`
// names KPIs, so each is optional).
const rows = await wats.analytics.dynamicYield(
  { dimensions: YieldDimension.PartNumber },
  { dateFrom: "2026-11-01T00:00:00Z", dateTo: "2026-12-01T00:00:00Z" },
);
for (const row of rows) {
  console.log(`${row.partNumber}: ${row.unitCount} units, first-pass yield ${row.fpy}%`);
}
console.log("example finished");
