import type { MediaTypeObject } from "../openapi.js";

/**
 * WATS offers every body in 6-7 content types (JSON, XML, form, HTML, SCIM). The SDK speaks
 * JSON only: this picks the JSON entry, preferring application/json, then any other JSON type.
 */
export function selectJsonContent(
  content: Record<string, MediaTypeObject> | undefined,
): { contentType: string; media: MediaTypeObject } | undefined {
  if (content === undefined) return undefined;
  const types = Object.keys(content);
  const chosen =
    types.find((t) => t.toLowerCase() === "application/json") ??
    types.find((t) => /^[a-z]+\/([a-z.+-]*\+)?json$/i.test(t));
  if (chosen === undefined) return undefined;
  return { contentType: "application/json", media: content[chosen] as MediaTypeObject };
}
