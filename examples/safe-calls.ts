/**
 * Safe calls: OData filters without string building, state-changing calls that are never sent
 * twice, serial numbers read from WATS's XML answer, the HTTP answer beside the data, hooks,
 * a rotating token and listings capped by `maxItems`.
 * Run: npx -y pnpm@10 --filter @tswats/examples run example safe-calls.ts   (after `npx -y pnpm@10 build`)
 */
import { odata, serialNumbersOf, Wats, WatsTimeoutError } from "@tswats/sdk";
import { startSimulator } from "@tswats/simulator";

const sim = await startSimulator({ port: 0, seed: 1 });
try {
  let token = sim.token; // e.g. read from a vault; a rotated token is picked up by the next request
  await using wats = new Wats({
    baseUrl: sim.url,
    token: () => token,
    logger: false,
    defaultHeaders: { "X-Line": "Line-1" },
    hooks: {
      onRetry: ({ operation, correlationId, attempt, reason, delayMs }) =>
        console.log(
          `retrying ${operation} [${correlationId}] after attempt ${attempt} (${reason}) in ${delayMs} ms`,
        ),
    },
  });

  // 1. OData: every value is quoted by its type, so a quote in a value cannot change the filter.
  const typed = "PCB'1000 or partNumber ne 'x";
  const none = await wats.product.getProducts({ $filter: odata`partNumber eq ${typed}` });
  console.log(`products named ${JSON.stringify(typed)}: ${none.length}`);
  const since = new Date("2025-12-01T00:00:00Z");
  const recent = await wats.report.headerQuery({
    $filter: odata`start ge ${since} and result eq ${"F"}`,
    $top: 5,
  });
  console.log(`failed reports (result F) since ${since.toISOString()}: ${recent.length} (first page)`);

  // 2. The HTTP answer beside the data.
  const { data: product, response } = await wats.product
    .getProduct({ partNumber: "PWR-1000" })
    .withResponse();
  console.log(
    `${product.partNumber}: HTTP ${response.status}, ${response.headers.get("content-type")}, ${response.attempts} attempt(s)`,
  );

  // 3. Serial numbers: WATS answers XML; serialNumbersOf reads it (or CSV with format: "CSV").
  const taken = serialNumbersOf(
    await wats.production.takeSerialNumbers({ serialNumberType: "PCBA", quantity: 2 }),
  );
  console.log(`took ${taken.map((t) => t.serialNumber).join(", ")}`);

  // 4. A state-changing GET is never resent once it may have reached WATS: the error says so.
  const unit = { serialNumber: "PWR1000-0002", partNumber: "PWR-1000" };
  await wats.workflow.startTest(unit);
  sim.faults.add({ kind: "latency", ms: 500, match: { path: "/api/Workflow/EndTest" } });
  try {
    await wats.workflow.endTest(unit, { attemptTimeoutMs: 100 });
  } catch (error) {
    if (!(error instanceof WatsTimeoutError) || !error.outcomeUncertain) throw error;
    console.log(
      `endTest timed out after ${error.attempts} attempt; outcome uncertain, so check before repeating`,
    );
  }

  // 5. A rotated token takes effect on the next request; breaker and throttle state stay.
  token = sim.token;
  // 6. Listings stop at maxItems (or maxPages) without an error.
  const first = await wats.product.paginateGetProducts({}, { pageSize: 2, maxItems: 3 }).toArray();
  console.log(`first ${first.length} products: ${first.map((p) => p.partNumber).join(", ")}`);
  console.log("safe calls finished");
} finally {
  await sim.close();
}
