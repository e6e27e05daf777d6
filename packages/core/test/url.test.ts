import { describe, expect, it } from "vitest";
import { normaliseBaseUrl, redactUrl, requestTarget } from "../src/url.js";

describe("normaliseBaseUrl", () => {
  it.each([
    ["https://acme.wats.com", "https://acme.wats.com"],
    ["https://acme.wats.com/", "https://acme.wats.com"],
    ["https://acme.wats.com/api", "https://acme.wats.com"],
    ["https://acme.wats.com/API/", "https://acme.wats.com"],
    [" http://10.0.0.5:8080/wats/api/ ", "http://10.0.0.5:8080/wats"],
  ])("%s -> %s", (input, expected) => {
    expect(normaliseBaseUrl(input)).toBe(expected);
  });

  it("refuses what is not an http(s) URL without credentials", () => {
    expect(() => normaliseBaseUrl("acme.wats.com")).toThrow(TypeError);
    expect(() => normaliseBaseUrl("ftp://acme.wats.com")).toThrow(/protocol/);
    expect(() => normaliseBaseUrl("https://u:p@acme.wats.com")).toThrow(/credentials/);
  });
});

describe("redactUrl", () => {
  it("hides credentials and secret query values, keeps the rest", () => {
    expect(redactUrl("https://user:pw@h.example/api/x?token=abc&partNumber=P1&api_key=k")).toBe(
      "https://REDACTED:REDACTED@h.example/api/x?token=REDACTED&partNumber=P1&api_key=REDACTED",
    );
    expect(redactUrl("not a url")).toBe("not a url");
  });
});

describe("requestTarget", () => {
  const origin = "http://127.0.0.1:8080";
  const parsed = (url: string) => {
    const u = new URL(url);
    return { origin: u.origin, path: u.pathname + u.search };
  };

  it.each([
    "/api/Product/CBL-7",
    "/api/Report/Query/Header?$filter=partNumber%20eq%20'CBL-7'&$top=20",
    "/api/x?q=a b",
    "/api/x/../y",
    "/api/x/%2E%2e/y",
    "/api/x\\y",
    "/api/x#frag",
    "/api/caf\u00e9?v=\u00fc",
    "/api/x?a=<b>&c={d}",
    "/wats/api/Asset/A%2FB?x=1",
  ])("gives what the URL parser gives for %s", (path) => {
    expect(requestTarget(origin + path, origin)).toEqual(parsed(origin + path));
  });

  it("agrees with the URL parser on random paths (seeded)", () => {
    const seed = 20261205;
    console.log(`requestTarget random paths: seed ${seed}`);
    let state = seed;
    const random = () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    const alphabet = "aZ09-._~!$&()*+,;=:@/?%2eE'\"<>\\^`{|}# \u00e9\t";
    for (let i = 0; i < 5000; i++) {
      let path = "/";
      const length = Math.floor(random() * 12);
      for (let j = 0; j < length; j++) path += alphabet[Math.floor(random() * alphabet.length)];
      expect(requestTarget(origin + path, origin), path).toEqual(parsed(origin + path));
    }
  });

  it("parses a URL that is not under the given origin", () => {
    expect(requestTarget("https://other.example/api/x", origin)).toEqual({
      origin: "https://other.example",
      path: "/api/x",
    });
    expect(requestTarget(`${origin}/api/x`, undefined)).toEqual({ origin, path: "/api/x" });
  });
});
