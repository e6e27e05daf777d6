// A minimal keep-alive WATS stand-in for the benchmark, run in its own process so that it does
// not share the event loop with the clients being measured. Prints its port, then serves
// GET /api/Product/{partNumber} until killed.
import { createServer } from "node:http";

const body = JSON.stringify({
  productId: "8d6f5d6e-1a0b-4c5e-9b1f-1d2c3b4a5f60",
  partNumber: "PN-1",
  name: "Widget",
  state: 1,
});
const server = createServer((_req, res) => {
  res.writeHead(200, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${server.address().port}\n`);
});
