import { randomUUID } from "node:crypto";

const GUID = /^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$/;

/**
 * The canonical form of a GUID (lower case, no braces), or undefined when `value` is not one.
 * WSJF exports ids in lower case and WSXF in upper case; compare them through this.
 */
export function canonicalGuid(value: string): string | undefined {
  return GUID.exec(value.trim())?.[1]?.toLowerCase();
}

export function isGuid(value: unknown): value is string {
  return typeof value === "string" && GUID.test(value.trim());
}

/** A fresh report id: a random (v4) UUID. Assign it once per report and keep it: WATS replaces a report posted again with the same id. */
export function newReportId(): string {
  return randomUUID();
}
