import { errorClassForStatus, serverMessage, type WatsError, type WatsErrorDetails } from "./errors.js";
import { scrubSecrets } from "./redact.js";

/** Building the typed error of a failed call, with no secret in its message, body or cause. */

const MAX_BODY_TEXT = 64 * 1024;

/** Ends the message of an error whose `outcomeUncertain` is true. */
export const UNCERTAIN_NOTE =
  "; the outcome is uncertain: WATS may have carried out this state-changing request, so it was not sent again (check before repeating it)";

/** The fields every error of one call carries. */
export interface CallErrorFields {
  operation: string;
  method: string;
  /** Already redacted. */
  url: string;
  correlationId: string;
  attempts: number;
  /** See `WatsError.outcomeUncertain`. */
  outcomeUncertain: boolean;
}

/** A short, token-free description of a network failure (`ECONNREFUSED`, `UND_ERR_SOCKET`...). */
export function describeCause(cause: unknown): string {
  let current: unknown = cause;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    if (!(current.cause instanceof Error)) break;
    current = current.cause;
  }
  if (current instanceof Error) return current.message;
  return String(current);
}

/** The cause itself, or a scrubbed copy when its message names a secret. */
export function safeCause(cause: unknown, secrets: readonly string[]): unknown {
  if (!(cause instanceof Error)) return scrubSecrets(cause, secrets);
  const text = `${cause.message}\n${cause.stack ?? ""}\n${cause.cause instanceof Error ? cause.cause.message : ""}`;
  if (!secrets.some((secret) => secret.length >= 4 && text.includes(secret))) return cause;
  const copy = new Error(scrubSecrets(cause.message, secrets));
  copy.name = cause.name;
  return copy;
}

/** The error body as the server sent it: parsed JSON stays, long text is cut, secrets go. */
export function cleanBody(body: unknown, secrets: readonly string[]): unknown {
  const cut =
    typeof body === "string" && body.length > MAX_BODY_TEXT ? `${body.slice(0, MAX_BODY_TEXT)}…` : body;
  return scrubSecrets(cut, secrets);
}

/** The typed error for a non-success answer. */
export function errorFromStatus(
  status: number,
  statusText: string,
  rawBody: unknown,
  retryAfterMs: number | undefined,
  fields: CallErrorFields,
  secrets: readonly string[],
  headers?: Headers,
): WatsError {
  const body = cleanBody(rawBody, secrets);
  const ErrorClass = errorClassForStatus(status);
  const message = serverMessage(body);
  const uncertain = fields.outcomeUncertain ? UNCERTAIN_NOTE : "";
  const text = `${fields.operation}: ${status}${statusText ? ` ${statusText}` : ""}${message ? `: ${message}` : ""}${uncertain}`;
  const details: WatsErrorDetails = { ...fields, status, body, retryAfterMs, headers };
  return new ErrorClass(scrubSecrets(text, secrets), details);
}
