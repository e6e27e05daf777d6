/**
 * The JSON bytes a call's data was parsed from, kept only on a thread that asked for them (the
 * @tswats/sync engine), and handed out once.
 */
import { describe, expect, it, vi } from "vitest";
import { JsonText, keepJsonSources, takeJsonSource } from "../src/json-source.js";
import { getProduct, listProducts, postThing, testTransport } from "./helpers.js";

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

describe("JsonText: call arguments still as their JSON text", () => {
  it("sends a JSON body as its text, as given, without parsing it", async () => {
    const { transport, sent } = testTransport([{ status: 200, body: { ok: 1 } }]);
    // Spaced differently from what JSON.stringify writes: which one went out shows.
    const text = '{ "id": "r-1", "name": "ÆØÅ 😀" }';
    const body = new JsonText(text);
    await transport.call(postThing, { body });
    expect(sent[0]?.body).toBe(text);
    expect(sent[0]?.headers["content-type"]).toBe("application/json");
    // Nothing read the value: the text was never parsed (a second value() parses it now).
    const parse = vi.spyOn(JSON, "parse");
    expect(body.value()).toStrictEqual({ id: "r-1", name: "ÆØÅ 😀" });
    expect(parse).toHaveBeenCalledTimes(1);
    parse.mockRestore();
  });

  it("reads path and query parameters from the value the text stands for", async () => {
    const { transport, sent } = testTransport([
      { status: 200, body: { ok: 1 } },
      { status: 200, body: [] },
    ]);
    await transport.call(getProduct, { params: new JsonText('{"partNumber":"CBL 7/ÆØÅ"}') });
    expect(sent[0]?.url).toBe("https://wats.example.test/api/Product/CBL%207%2F%C3%86%C3%98%C3%85");
    await transport.call(listProducts, {
      params: new JsonText(JSON.stringify({ $top: 5, $filter: "partNumber eq 'A'" })),
    });
    expect(new URL(sent[1]?.url ?? "").searchParams.get("$filter")).toBe("partNumber eq 'A'");
    expect(new URL(sent[1]?.url ?? "").searchParams.get("$top")).toBe("5");
  });

  it("still names a path parameter the text leaves out", async () => {
    const { transport, sent } = testTransport([{ status: 200, body: {} }]);
    await expect(transport.call(getProduct, { params: new JsonText('{"other":1}') })).rejects.toThrow(
      /path parameter "partNumber" is required/,
    );
    expect(sent).toHaveLength(0);
  });

  it("sends the value of a body of another content type", async () => {
    const { transport, sent } = testTransport([{ status: 200, body: {} }]);
    const postText = { ...postThing, body: { contentType: "text/plain", required: true } };
    await transport.call(postText, { body: new JsonText('"plain text ÆØÅ"') });
    expect(sent[0]?.body).toBe("plain text ÆØÅ");
    expect(sent[0]?.headers["content-type"]).toBe("text/plain");
  });

  it("parses once, and JSON.stringify of it is its value's JSON", () => {
    const given = new JsonText('{ "a": [1, 2], "b": "ÆØÅ" }');
    expect(given.value()).toBe(given.value());
    expect(JSON.stringify({ wrapped: given })).toBe('{"wrapped":{"a":[1,2],"b":"ÆØÅ"}}');
  });
});
