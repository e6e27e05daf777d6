const [baseUrl, token] = process.argv.slice(2);
const has = () => process.moduleLoadList.some((m) => m.includes("deps/undici"));
const { Wats } = await import("@tswats/sdk");
console.log("after import", has());
const wats = new Wats({ baseUrl, token, logger: false, throttle: false });
console.log("after new", has());
await wats.product.getProduct({ partNumber: "CBL-7" });
console.log("after call", has());
process.exit(0);
