/** WATS compares identifiers case-insensitively (SQL Server collation); so do the stores. */
export const keyOf = (...parts: readonly (string | null | undefined)[]): string =>
  parts.map((p) => (p ?? "").toLowerCase()).join("\u0000");

/** True for undefined, null and "" (ASP.NET binds an empty query value as "not given"). */
export const isBlank = (value: string | null | undefined): value is null | undefined | "" =>
  value === undefined || value === null || value === "";

/**
 * `*` and `%` wildcards (as WATS filters accept them) matched case-insensitively against text.
 */
export function wildcardMatch(pattern: string, text: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split("")
      .map((c) => (c === "*" || c === "%" ? ".*" : c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
      .join("")}$`,
    "i",
  );
  return re.test(text);
}
