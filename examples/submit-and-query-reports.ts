/**
 * Build test reports with the UutReport builder, validate and submit them, read one back, and
 * page through report headers with a typed OData filter.
 * Run: npx -y pnpm@10 --filter @tswats/examples run example submit-and-query-reports.ts   (after `npx -y pnpm@10 build`)
 */
import { reportFilter as f, ReportClient, UutReport } from "@tswats/report";
import { Wats } from "@tswats/sdk";
import { startSimulator } from "@tswats/simulator";

await using sim = await startSimulator({ port: 0, seed: 7, data: "empty" });
await using wats = new Wats({ baseUrl: sim.url, token: sim.token, logger: false });
const reports = new ReportClient(wats);

for (let unit = 1; unit <= 5; unit++) {
  const uut = new UutReport({
    pn: "PCBA-100",
    sn: `SN-${String(unit).padStart(4, "0")}`,
    rev: "A",
    processCode: 10,
    operator: "jane",
    location: "Line 1",
    purpose: "Production",
    station: "ICT-01",
  });
  uut.root
    .sequence("Power", (s) =>
      s
        .numericLimit("3V3 rail", { value: 3.2 + unit * 0.04, low: 3.2, high: 3.4, unit: "V" })
        .passFail("LED on", true),
    )
    .stringValue("Firmware", { value: "1.2.3", limit: "1.2.3" });
  const { id } = await reports.submit(uut);
  console.log(`submitted ${uut.build().sn}: ${uut.build().result} (${id})`);
}

const headers = await reports.queryHeaders(f.eq("partNumber", "PCBA-100"), {
  orderBy: { field: "serialNumber" },
});
console.log(`headers for PCBA-100: ${headers.length}`);
const first = headers[0];
if (!first?.uuid) throw new Error("no report header came back");
const back = await reports.getWsjf(String(first.uuid));
console.log(`read back ${back.sn}: ${back.root?.steps?.length ?? 0} top-level steps, result ${back.result}`);

let failed = 0;
for await (const header of reports.paginateHeaders(f.eq("result", "F"), { pageSize: 2 })) {
  failed++;
  console.log(`failed unit: ${header.serialNumber}`);
}
console.log(`failed units: ${failed}`);
console.log("example finished");
