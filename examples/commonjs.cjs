/**
 * The same packages from a CommonJS program: `require()` resolves to each package's CommonJS
 * build (dist/cjs), with its own type declarations for editors.
 * Run: node examples/commonjs.cjs   (after `npx -y pnpm@10 build`)
 */
const { Wats, WatsNotFoundError } = require("@tswats/sdk");
const { ReportClient, UutReport } = require("@tswats/report");
const { startSimulator } = require("@tswats/simulator");

async function main() {
  const sim = await startSimulator({ port: 0, seed: 3, data: "empty" });
  const wats = new Wats({ baseUrl: sim.url, token: sim.token, logger: false });
  try {
    const uut = new UutReport({
      pn: "CJS-1",
      sn: "CJS-0001",
      rev: "A",
      processCode: 10,
      station: "CJS-01",
      operator: "jane",
      location: "Line 2",
      purpose: "Production",
    });
    uut.root.numericLimit("Supply", { value: 5.01, low: 4.9, high: 5.1, unit: "V" });
    const { id } = await new ReportClient(wats).submit(uut);
    console.log(`submitted CJS-0001 from CommonJS (${id})`);
    try {
      await wats.product.getProduct({ partNumber: "NOT-THERE" });
    } catch (error) {
      if (!(error instanceof WatsNotFoundError)) throw error;
      console.log(`unknown part number: ${error.name}, status ${error.status}`);
    }
  } finally {
    await wats.close();
    await sim.close();
  }
  console.log("commonjs example finished");
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
