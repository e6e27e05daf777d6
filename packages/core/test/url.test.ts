import { describe, expect, it } from "vitest";
import { normaliseBaseUrl, redactUrl } from "../src/url.js";

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
