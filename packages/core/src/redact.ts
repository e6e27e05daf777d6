/**
 * Removes a secret (the API token, its decoded form) from text or parsed JSON before it goes into
 * an error or a log line. A server that echoes the request back must not leak the token.
 */
export const REDACTED = "[REDACTED]";

export function scrubSecrets<T>(value: T, secrets: readonly string[]): T {
  const live = secrets.filter((secret) => secret.length >= 4);
  if (live.length === 0) return value;
  return scrub(value, live, 0) as T;
}

function scrub(value: unknown, secrets: readonly string[], depth: number): unknown {
  if (typeof value === "string") {
    let out = value;
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  }
  if (depth > 32 || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => scrub(item, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = scrub(item, secrets, depth + 1);
  return out;
}

/** The token and, when it is base64 of `user:password` or similar, its decoded form. */
export function tokenSecrets(token: string): string[] {
  const secrets = [token];
  try {
    const decoded = Buffer.from(token, "base64").toString("utf8");
    // Only a clean round trip means the token really was base64 text.
    if (decoded.length >= 4 && Buffer.from(decoded, "utf8").toString("base64") === token) {
      secrets.push(decoded);
      const colon = decoded.indexOf(":");
      if (colon >= 0 && decoded.length - colon - 1 >= 4) secrets.push(decoded.slice(colon + 1));
    }
  } catch {
    // not base64: the token itself is the only secret
  }
  return secrets;
}
