import type { HttpMethod, SchemaObject } from "./openapi.js";
import type { Evidence } from "./overlay.js";

/**
 * Which API a normalised model describes: the public API, or the internal-only operations of the
 * internal spec (unsupported by Virinco; generated into each package's `internal` module).
 */
export type ApiScope = "public" | "internal";

/** What the emitters need to know about one operation, after normalising. */
export interface NormalisedParam {
  name: string;
  in: "path" | "query";
  required: boolean;
  schema: SchemaObject;
  description?: string;
}

export type ResponseKind = "json" | "text" | "xml" | "binary" | "none";

export interface NormalisedOperation {
  /** "GET /api/Product/{partNumber}", the key the overlay uses. */
  route: string;
  /** JSON pointer of the operation in its source document. */
  pointer: string;
  tag: string;
  packageName: string;
  operationId: string;
  /** The server document's operationId, when it had to be renamed. */
  originalOperationId?: string;
  /** Method name on the generated service. */
  name: string;
  method: HttpMethod;
  path: string;
  summary?: string;
  description?: string;
  deprecated?: boolean;
  params: NormalisedParam[];
  body?: { contentType: string; required: boolean; schema: SchemaObject; description?: string };
  response: {
    kind: ResponseKind;
    status: string;
    contentType?: string;
    schema?: SchemaObject;
    /** Where an overlay-given response schema's shape comes from. */
    evidence?: Evidence[];
    /** Why a JSON answer stays `unknown` (the overlay's `responseFreeForm`). */
    freeForm?: string;
  };
  /** OData query options accepted (empty when none). */
  odata: string[];
  /**
   * Changes state on the server: every POST, PUT, PATCH and DELETE, and the routes the overlay's
   * `stateChanging` section lists (GETs such as the workflow's startTest/endTest).
   */
  stateChanging: boolean;
  /** A repeat has the same effect as one: PUT and DELETE unless listed, POSTs the overlay marks. */
  idempotent: boolean;
  /** Why the overlay lists it as state-changing, when it does. */
  stateChangingReason?: string;
  /** The other template of a route pair that differs only by a parameter name. */
  sameRouteAs?: string;
  /** An internal-API operation: unsupported by Virinco, sent with a Referer header. */
  internal: boolean;
}

export interface EnumModel {
  name: string;
  members: Record<string, number | string>;
  description?: string;
  /** Bit flags: values are combinations of the members. */
  flags?: boolean;
  evidence?: Evidence[];
  usedBy: string[];
}

/** One generated module: a package's public API, or its internal module. */
export interface PackageModel {
  /** The server tags whose operations it holds (one for the public API; one or more internally). */
  tags: string[];
  name: string;
  service: string;
  description: string;
}

export interface NormalisedApi {
  scope: ApiScope;
  title: string;
  version: string;
  operations: NormalisedOperation[];
  /** Friendly name -> schema, $refs rewritten to "#/components/schemas/<friendly>". */
  schemas: Record<string, SchemaObject>;
  /** Friendly name -> "<document>:<original .NET name>" ("overlay:<Name>" for overlay models). */
  schemaOrigins: Record<string, string>;
  /** Overlay models (friendly name) -> where their shape comes from. */
  schemaEvidence: Record<string, Evidence[]>;
  enums: EnumModel[];
  packages: PackageModel[];
}
