/**
 * JSON answers cross from the engine as the bytes the transport parsed them from (transferred,
 * parsed once in the caller): what the caller gets must be what the async Wats gets, for unicode
 * text, large answers, `.withResponse()`, and errors. JSON bodies and large parameters cross the
 * other way as their JSON text: what the server gets must be what the async call sends.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Wats, WatsNotFoundError } from "@tswats/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSyncWats, type SyncWats } from "../src/index.js";
import { JSON_BYTES_MIN } from "../src/protocol.js";
import { type SimulatorProcess, startSimulatorProcess } from "./support/simulator-process.js";

// Characters that UTF-8 and JSON treat specially: multi-byte, astral (surrogate pairs), the JSON
// line separators, escapes, a BOM-like character inside the text, and a NUL.
const UNICODE =
  'Kabelsett ÆØÅ æøå · 日本語 · 😀🔧 · \u2028\u2029 · "quoted" \\ back\tslash · \uFEFF · \u0000 end';

describe("sync answers that cross as JSON bytes", () => {
  let sim: SimulatorProcess;
  let wats: Wats;
  let sync: SyncWats;

  beforeAll(async () => {
    sim = await startSimulatorProcess();
    const options = { baseUrl: sim.url, token: sim.token, logger: false, throttle: false } as const;
    wats = new Wats(options);
    sync = createSyncWats(options);
  }, 60_000);

  afterAll(async () => {
    sync?.close();
    await wats?.close();
    await sim?.close();
  });

  it("round-trips unicode text exactly, as the async call reads it", async () => {
    // Long enough (over JSON_BYTES_MIN) to cross as bytes both ways.
    const written = sync.product.putProduct({
      partNumber: "UNI-1",
      name: UNICODE,
      description: UNICODE.repeat(12),
    });
    expect(written.name).toBe(UNICODE);
    const read = sync.product.getProduct({ partNumber: "UNI-1" });
    expect(read.name).toBe(UNICODE);
    expect(read.description).toBe(UNICODE.repeat(12));
    expect(read).toStrictEqual(await wats.product.getProduct({ partNumber: "UNI-1" }));
  });

  it("carries a large answer whole (about 2 MB of multi-byte text)", async () => {
    const long = `${"ÆØÅ日本😀".repeat(90_000)}|end`;
    sync.product.putProduct({ partNumber: "BIG-1", name: "big", description: long });
    const read = sync.product.getProduct({ partNumber: "BIG-1" });
    expect(read.description).toHaveLength(long.length);
    expect(read.description).toBe(long);
    expect(read).toStrictEqual(await wats.product.getProduct({ partNumber: "BIG-1" }));
  });

  it("gives .withResponse() data parsed from the bytes, with the response beside it", async () => {
    const { data, response } = sync.product.getProduct.withResponse({ partNumber: "UNI-1" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/json/);
    expect(data).toStrictEqual(await wats.product.getProduct({ partNumber: "UNI-1" }));
  });

  it("returns a fresh object per call (nothing is shared between answers)", () => {
    const first = sync.product.getProduct({ partNumber: "UNI-1" });
    const second = sync.product.getProduct({ partNumber: "UNI-1" });
    expect(second).toStrictEqual(first);
    expect(second).not.toBe(first);
  });

  it("still throws the typed error of a failed call, and the next call answers", () => {
    expect(() => sync.product.getProduct({ partNumber: "NO-SUCH-PART-42" })).toThrow(WatsNotFoundError);
    expect(sync.product.getProduct({ partNumber: "UNI-1" }).name).toBe(UNICODE);
  });

  it("submits a 50 KB WSJF report sent as bytes, with unicode text, that reads back the same", async () => {
    const report = JSON.parse(
      readFileSync(
        fileURLToPath(new URL("../../../fixtures/wsjf/uut-server-export.json", import.meta.url)),
        "utf8",
      ),
    ) as Record<string, unknown>;
    for (const key of ["origin", "reportTypeCode", "receiveCount", "receivedUTC", "fileName"])
      delete report[key];
    const id = randomUUID();
    sync.report.postWsjf({ ...report, id, sn: "SN-ÆØÅ-日本-1", location: UNICODE.slice(0, 40) } as never);
    const back = (await wats.report.getReportAsWsjf({ id })) as Record<string, unknown>;
    expect(back.sn).toBe("SN-ÆØÅ-日本-1");
    expect(back.location).toBe(UNICODE.slice(0, 40));
    expect(back.pn).toBe(report.pn);
  });

  it("sends query parameters of over 1 KiB, which cross as JSON text, as the async call does", async () => {
    // A filter long enough for the parameters to cross as bytes: the engine's transport must
    // read the values from that text (they are not passed on as a JSON body).
    const others = Array.from({ length: 40 }, (_, i) => `partNumber eq 'NONE-${i}-ÆØÅ'`);
    const params = { $filter: [...others, "partNumber eq 'UNI-1'"].join(" or "), $top: 5 };
    expect(JSON.stringify(params).length).toBeGreaterThan(JSON_BYTES_MIN);
    const listed = sync.product.getProducts(params);
    expect(listed.map((product) => product.partNumber)).toStrictEqual(["UNI-1"]);
    expect(listed).toStrictEqual(await wats.product.getProducts(params));
  });

  it("sends a body as the async call does, also what a structured clone would change (toJSON, a Date)", async () => {
    /** A value that writes itself through `toJSON` (a Decimal, a Temporal type); a clone drops its private state. */
    class Label {
      readonly #text: string;
      constructor(text: string) {
        this.#text = text;
      }
      toJSON(): string {
        return this.#text;
      }
    }
    const body = (partNumber: string) =>
      ({ partNumber, name: new Label("from toJSON ÆØÅ"), description: new Date(0) }) as never;
    const written = sync.product.putProduct(body("TOJSON-1")) as unknown as Record<string, unknown>;
    const writtenAsync = (await wats.product.putProduct(body("TOJSON-2"))) as unknown as Record<
      string,
      unknown
    >;
    expect(written.name).toBe("from toJSON ÆØÅ");
    expect(written.description).toBe("1970-01-01T00:00:00.000Z");
    const same = (product: Record<string, unknown>) => ({ ...product, partNumber: "", productId: "" });
    expect(same(written)).toStrictEqual(same(writtenAsync));
  });

  it("answers a listing (an array) as the async call does", async () => {
    const params = { $top: 50, $orderby: "partNumber" };
    expect(sync.product.getProducts(params)).toStrictEqual(await wats.product.getProducts(params));
  });
});
