import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { leaseSharedThrottle, sharedThrottleCount, sharedThrottleKey } from "../src/shared-throttle.js";

const TOKEN = "c2VjcmV0LXRva2VuLWZvci10aHJvdHRsZS10ZXN0";

describe("the shared throttle registry", () => {
  it("keys a token by its SHA-256 digest, never the token itself", () => {
    const key = sharedThrottleKey("https://wats.example.com", TOKEN);
    expect(key).toBe(
      "https://wats.example.com sha256:" +
        // sha256 of the token, first 32 hex digits (computed independently with `sha256sum`).
        "c2e03838ce324420416366eb8f98660d",
    );
    expect(key).not.toContain(TOKEN);
    expect(sharedThrottleKey("https://wats.example.com", ` ${TOKEN}\n`)).toBe(key);
  });

  it("keys a token function by its identity", () => {
    const one = () => TOKEN;
    const other = () => TOKEN;
    expect(sharedThrottleKey("https://w", one)).toBe(sharedThrottleKey("https://w", one));
    expect(sharedThrottleKey("https://w", one)).not.toBe(sharedThrottleKey("https://w", other));
    expect(sharedThrottleKey("https://w", one)).not.toContain(TOKEN);
  });

  it("leases one throttle per key and forgets it when the last lease is given back", () => {
    const key = sharedThrottleKey("https://lease.example.com", TOKEN);
    const before = sharedThrottleCount();
    const first = leaseSharedThrottle(key, { limit: 5 });
    const second = leaseSharedThrottle(key, { limit: 5 });
    expect(second.throttle).toBe(first.throttle);
    expect(second.mismatch).toBeUndefined();
    expect(sharedThrottleCount()).toBe(before + 1);
    first.release();
    first.release();
    expect(sharedThrottleCount()).toBe(before + 1);
    second.release();
    expect(sharedThrottleCount()).toBe(before);
    expect(inspect(first, { depth: 8, showHidden: true })).not.toContain(TOKEN);
  });

  it("reports a lease asking for other settings", () => {
    const key = sharedThrottleKey("https://mismatch.example.com", TOKEN);
    const first = leaseSharedThrottle(key, { limit: 5, windowMs: 1_000 });
    const second = leaseSharedThrottle(key, { limit: 7, windowMs: 1_000 });
    expect(second.throttle.limit).toBe(5);
    expect(second.mismatch).toContain("limits requests to 5 per 1000 ms");
    expect(second.mismatch).toContain("asked for 7 per 1000 ms");
    first.release();
    second.release();
  });
});
