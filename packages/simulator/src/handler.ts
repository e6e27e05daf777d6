/** What a route handler receives and returns. */
import type { TokenInfo, TokenRegistry } from "./auth.js";
import type { OperationEntry } from "./operations.js";
import type { QueryParams } from "./params.js";
import type { SimState } from "./state.js";

export interface HandlerContext {
  readonly op: OperationEntry;
  /** Path parameters, percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: QueryParams;
  /** JSON bodies parsed (and checked against the body schema); XML/text as a string; else undefined. */
  readonly body: unknown;
  readonly rawBody: Buffer;
  readonly contentType: string | undefined;
  readonly auth: TokenInfo;
  readonly tokens: TokenRegistry;
  readonly state: SimState;
}

export type Reply =
  | { kind: "json"; status: number; value: unknown; headers?: Record<string, string> }
  | { kind: "text"; status: number; text: string; contentType: string }
  | { kind: "binary"; status: number; data: Buffer; contentType: string; fileName?: string }
  | { kind: "none"; status: number };

export type Handler = (ctx: HandlerContext) => Reply | Promise<Reply>;

/** Handlers of one domain by operation name. */
export type HandlerTable = Readonly<Record<string, Handler>>;

export const json = (value: unknown, status = 200): Reply => ({ kind: "json", status, value });

export const text = (value: string, contentType = "text/plain; charset=utf-8"): Reply => ({
  kind: "text",
  status: 200,
  text: value,
  contentType,
});

export const binary = (data: Buffer, contentType: string, fileName?: string): Reply =>
  fileName === undefined
    ? { kind: "binary", status: 200, data, contentType }
    : { kind: "binary", status: 200, data, contentType, fileName };

/** ASP.NET answers a void action with 204 No Content. */
export const noContent = (): Reply => ({ kind: "none", status: 204 });
