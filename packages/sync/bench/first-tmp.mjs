const [client, baseUrl, token] = process.argv.slice(2);
const t0 = performance.now();
let call;
if (client === "raw") {
  const { Agent, request } = await import("undici");
  const dispatcher = new Agent({ keepAliveTimeout: 60_000 });
  const headers = { authorization: `Basic ${token}`, accept: "application/json" };
  call = async () => { const { body } = await request(new URL("/api/Product/CBL-7", baseUrl), { dispatcher, headers }); return body.json(); };
} else {
  const { Wats } = await import("@tswats/sdk");
  const wats = new Wats({ baseUrl, token, logger: false, throttle: false });
  call = () => wats.product.getProduct({ partNumber: "CBL-7" });
}
const t1 = performance.now();
const lat = [];
for (let i = 0; i < 1000; i++) { const a = performance.now(); await call(); lat.push(performance.now() - a); }
const sum = (a, b) => lat.slice(a, b).reduce((x, y) => x + y, 0);
console.log(client.padEnd(7), "import+setup", (t1 - t0).toFixed(0), "first", lat[0].toFixed(1), "2-10", sum(1, 10).toFixed(1), "11-100", sum(10, 100).toFixed(0), "101-1000", sum(100, 1000).toFixed(0), "total", (performance.now() - t0).toFixed(0));
process.exit(0);
