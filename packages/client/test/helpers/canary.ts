/**
 * Canary tokens: base64 like the tokens WATS issues, distinctive enough that finding one in any
 * output means a leak. `expectNoLeak` also looks for the decoded form.
 */
import { expect } from "vitest";

export const CANARY = "Q0FOQVJZLXRva2VuLTQyOmRvLW5vdC1sZWFrLXRoaXMtNzc3";

export function expectNoLeak(texts: readonly string[], secrets: readonly string[] = [CANARY]): void {
  expect(texts.join("").length).toBeGreaterThan(0);
  for (const secret of secrets) {
    const decoded = Buffer.from(secret, "base64").toString("utf8");
    for (const text of texts) {
      expect(text).not.toContain(secret);
      if (decoded.length >= 8) expect(text).not.toContain(decoded);
    }
  }
}
