/**
 * A plain blocking script with @tswats/sync: no async, no await between the calls.
 * The simulator runs in its own process here, because a sync call blocks this thread until its
 * answer arrives (against a real WATS server you just call createSyncWats with its URL).
 * Run: npx -y pnpm@10 --filter @tswats/examples run example sync-script.ts   (after `npx -y pnpm@10 build`)
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createSyncWats, WatsNotFoundError } from "@tswats/sync";

const simulatorCli = fileURLToPath(new URL("./cli.js", import.meta.resolve("@tswats/simulator")));
const simulator = spawn(process.execPath, [simulatorCli, "--port", "0", "--seed", "1"], {
  stdio: ["ignore", "pipe", "inherit"],
});
const { url, token } = await new Promise<{ url: string; token: string }>((resolve, reject) => {
  let output = "";
  simulator.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    const url = /listening on (\S+)/.exec(output)?.[1];
    const token = /token:\s+(\S+)/.exec(output)?.[1];
    if (url && token) resolve({ url, token });
  });
  simulator.once("exit", (code) => reject(new Error(`the simulator exited with ${code}: ${output}`)));
});

// From here on the script is synchronous.
const wats = createSyncWats({ baseUrl: url, token, logger: false });
try {
  const saved = wats.product.putProduct({ partNumber: "FIXTURE-KIT", name: "Fixture kit", state: 1 });
  console.log(`saved ${saved.partNumber}`);

  const product = wats.product.getProduct({ partNumber: "FIXTURE-KIT" });
  console.log(`read back "${product.name}"`);

  let count = 0;
  for (const item of wats.product.paginateGetProducts({}, { pageSize: 2 })) {
    if (count++ < 3) console.log(`product: ${item.partNumber}`);
  }
  console.log(`${count} products, fetched two at a time`);

  try {
    wats.product.getProduct({ partNumber: "NO-SUCH-PART" });
  } catch (error) {
    if (!(error instanceof WatsNotFoundError)) throw error;
    console.log(`typed error across the thread boundary: ${error.name} ${error.status}`);
  }
} finally {
  wats.close();
  simulator.kill();
}
console.log("example finished");
