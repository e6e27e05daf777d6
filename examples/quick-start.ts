/**
 * Quick start: the typed WATS SDK against the tsWATS simulator on loopback.
 * (Run with `npx -y pnpm@10 demo`; use `new Wats({ baseUrl, token })` or `Wats.fromEnv()` with your
 * own server instead of the simulator.)
 */
import { isWatsError, Wats } from "@tswats/sdk";
import { startSimulator } from "@tswats/simulator";

const sim = await startSimulator({ port: 0, seed: 1 });
try {
  await using wats = new Wats({ baseUrl: sim.url, token: sim.token, logger: false });

  const saved = await wats.product.putProduct({ partNumber: "PCB-1000/A", name: "Main board", state: 1 });
  console.log(`saved ${saved.partNumber} as ${saved.productId}`);

  const read = await wats.product.getProduct({ partNumber: "PCB-1000/A" });
  console.log(`read back: ${read.partNumber} "${read.name}"`);

  try {
    await wats.product.getProduct({ partNumber: "NO-SUCH-PART" });
  } catch (error) {
    if (!isWatsError(error)) throw error;
    console.log(`typed error: ${error.name} (status ${error.status}): ${error.message}`);
  }
  console.log("quick start finished");
} finally {
  await sim.close();
}
