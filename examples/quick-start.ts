/**
 * Quick start: the generated, typed WATS SDK against a small WATS stand-in on loopback.
 * (Run with `npx -y pnpm@10 demo`; point `baseUrl` and `token` at your own server instead.)
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { HttpTransport, isWatsError } from "@tswats/core";
import { type Product, ProductService } from "@tswats/product";

const TOKEN = Buffer.from("demo-station:secret").toString("base64");

/** Just enough of WATS's product API for this example: PUT /api/Product, GET /api/Product/{pn}. */
function startStandIn(): Promise<{ url: string; close: () => void }> {
  const products = new Map<string, Product>();
  const server = createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Basic ${TOKEN}`)
      return reply(401, { Message: "Authorization has been denied." });
    const url = new URL(req.url ?? "/", "http://localhost");
    const match = /^\/api\/Product\/([^/]+)$/.exec(url.pathname);
    if (req.method === "GET" && match) {
      const product = products.get(decodeURIComponent(match[1] as string));
      return product ? reply(200, product) : reply(404, { Message: "Product not found" });
    }
    if (req.method === "PUT" && url.pathname === "/api/Product") {
      let text = "";
      req.on("data", (chunk: Buffer) => {
        text += chunk.toString("utf8");
      });
      req.on("end", () => {
        const product = { ...(JSON.parse(text) as Product), productId: crypto.randomUUID() };
        products.set(String(product.partNumber), product);
        reply(200, product);
      });
      return;
    }
    reply(404, { Message: `No route ${req.method} ${url.pathname}` });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => server.close() });
    });
  });
}

const standIn = await startStandIn();
try {
  const products = new ProductService(new HttpTransport({ baseUrl: standIn.url, token: TOKEN }));

  const saved = await products.putProduct({ partNumber: "PCB-1000/A", name: "Main board", state: 1 });
  console.log(`saved ${saved.partNumber} as ${saved.productId}`);

  const read = await products.getProduct({ partNumber: "PCB-1000/A" });
  console.log(`read back: ${read.partNumber} "${read.name}"`);

  try {
    await products.getProduct({ partNumber: "NO-SUCH-PART" });
  } catch (error) {
    if (!isWatsError(error)) throw error;
    console.log(`typed error: ${error.name} (status ${error.status}): ${error.message}`);
  }
  console.log("quick start finished");
} finally {
  standIn.close();
}
