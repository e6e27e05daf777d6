// Runs Verdaccio (installed by scripts/lib/verdaccio.mjs) on 127.0.0.1 at a free port and prints
// "listening <port>" once it accepts connections. Stops on SIGTERM/SIGINT.
//
//   node serve-registry.mjs <folder with node_modules/verdaccio> <config.yaml>
import { createRequire } from "node:module";
import { join } from "node:path";

const [installDir, configPath] = process.argv.slice(2);
if (!installDir || !configPath) {
  console.error("usage: node serve-registry.mjs <verdaccio install folder> <config.yaml>");
  process.exit(2);
}
const require = createRequire(join(installDir, "package.json"));
const { runServer } = require("verdaccio");

const server = await runServer(configPath);
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
