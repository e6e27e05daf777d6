/**
 * The JSON bytes a call's data was parsed from, kept only on a thread that asked for them (the
 * @tswats/sync engine), and handed out once.
 */
import { describe, expect, it } from "vitest";
import { keepJsonSources, recordJsonText, takeJsonSource } from "../src/json-source.js";
import { getProduct, postThing, testTransport } from "./helpers.js";

const params = { partNumber: "PN-1" };
const body = { partNumber: "PN-1", name: "Kabelsett ÆØÅ 😀" };

describe("JSON sources", () => {
  it("keeps nothing until keepJsonSources() is called", async () => {
    const { transport } = testTransport([{ status: 200, body }]);
    const data = await transport.call(getProduct, { params });
    expect(takeJsonSource(data)).toBeUndefined();
  });

  it("then gives the UTF-8 bytes a JSON answer was parsed from, once", async () => {
    keepJsonSources();
    const { transport } = testTransport([
      { status: 200, body },
      { status: 200, body },
    ]);
    const data = await transport.call(getProduct, { params });
    const bytes = takeJsonSource(data);
    expect(bytes).toBeInstanceOf(ArrayBuffer);
    expect(JSON.parse(new TextDecoder().decode(bytes))).toStrictEqual(data);
    expect(takeJsonSource(data)).toBeUndefined();
    const { data: withData } = await transport.call(getProduct, { params }).withResponse();
    expect(JSON.parse(new TextDecoder().decode(takeJsonSource(withData)))).toStrictEqual(body);
  });

  it("keeps only the bytes of answers at least as large as asked", async () => {
    keepJsonSources(64);
    const { transport } = testTransport([
      { status: 200, body: { a: 1 } },
      { status: 200, body: { text: "x".repeat(100) } },
    ]);
    const small = await transport.call(getProduct, { params });
    const large = await transport.call(getProduct, { params });
    keepJsonSources();
    expect(takeJsonSource(small)).toBeUndefined();
    expect(takeJsonSource(large)?.byteLength).toBeGreaterThanOrEqual(64);
  });

  it("has nothing for a value the transport did not parse, or for a non-JSON answer", async () => {
    keepJsonSources();
    expect(takeJsonSource({ partNumber: "PN-1" })).toBeUndefined();
    expect(takeJsonSource("text")).toBeUndefined();
    const { transport } = testTransport([
      { status: 200, body: "plain", headers: { "content-type": "text/plain" } },
    ]);
    const text = await transport.call({ ...getProduct, response: "text" }, { params });
    expect(takeJsonSource(text)).toBeUndefined();
  });
});

describe("JSON request bodies given as text", () => {
  it("sends the recorded text of a body instead of stringifying it again, once", async () => {
    const { transport, sent } = testTransport([
      { status: 200, body: { ok: 1 } },
      { status: 200, body: { ok: 2 } },
    ]);
    const report = JSON.parse('{ "id": "r-1", "name": "ÆØÅ 😀" }') as object;
    // The recorded text, spaced differently from what JSON.stringify writes: which one went out shows.
    recordJsonText(report, '{ "id": "r-1", "name": "ÆØÅ 😀" }');
    await transport.call(postThing, { body: report });
    expect(sent[0]?.body).toBe('{ "id": "r-1", "name": "ÆØÅ 😀" }');
    await transport.call(postThing, { body: report });
    expect(sent[1]?.body).toBe(JSON.stringify(report));
  });
});
