import { HttpTransport } from "@tswats/core";
import { ProductService } from "@tswats/product";
import { ReportService } from "@tswats/report";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, expect, it } from "vitest";

const BASE = "https://wats.example.test";
const products = Array.from({ length: 5 }, (_, i) => ({ partNumber: `PN-${i}` }));
const seen: { top: string | null; skip: string | null; filter: string | null }[] = [];

const server = setupServer(
  http.get(`${BASE}/api/Product/Query`, ({ request }) => {
    const url = new URL(request.url);
    seen.push({
      top: url.searchParams.get("$top"),
      skip: url.searchParams.get("$skip"),
      filter: url.searchParams.get("$filter"),
    });
    const top = Number(url.searchParams.get("$top"));
    const skip = Number(url.searchParams.get("$skip"));
    return HttpResponse.json(products.slice(skip, skip + top));
  }),
  // A server that ignores $skip: the same page forever.
  http.get(`${BASE}/api/Report/Query/Header`, () => HttpResponse.json([{ uuid: "a" }, { uuid: "b" }])),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

const transport = new HttpTransport({
  baseUrl: BASE,
  token: "dG9rZW4=",
  retry: false,
  throttle: false,
  breaker: false,
});

it("generated paginate methods walk an OData listing with $top/$skip until a short page", async () => {
  const service = new ProductService(transport);
  const items = await service.paginateGetProducts({ $filter: "state eq 1" }, { pageSize: 2 }).toArray();
  expect(items.map((p) => p.partNumber)).toEqual(["PN-0", "PN-1", "PN-2", "PN-3", "PN-4"]);
  expect(seen).toEqual([
    { top: "2", skip: "0", filter: "state eq 1" },
    { top: "2", skip: "2", filter: "state eq 1" },
    { top: "2", skip: "4", filter: "state eq 1" },
  ]);
});

it("generated paginate methods stop a server that repeats the same page", async () => {
  const service = new ReportService(transport);
  await expect(service.paginateHeaderQuery({}, { pageSize: 2 }).toArray()).rejects.toThrow(
    /repeats the previous page/,
  );
});
