/**
 * What openapi-fetch builds for `call()` instead of a WHATWG Request (via its `Request` option):
 * the same url/method/headers, and the body exactly as serialised. A real Request costs a stream
 * per call and can send its body once; this one is cheap and its body (a string, bytes, Blob,
 * FormData...) can be sent again on every attempt.
 */
export class OutgoingRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly redirect: RequestInit["redirect"];
  readonly bodyInit: RequestInit["body"];

  constructor(input: string | URL, init: RequestInit = {}) {
    this.url = String(input);
    this.method = (init.method ?? "GET").toUpperCase();
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    this.redirect = init.redirect ?? "follow";
    this.bodyInit = init.body ?? null;
  }
}

/** The request body in a form that can be sent on every attempt (streams are read once, here). */
export function resendableBody(
  request: Request | OutgoingRequest,
): RequestInit["body"] | Promise<RequestInit["body"]> {
  if (request instanceof OutgoingRequest) {
    const body = request.bodyInit;
    if (body === null || body === undefined) return undefined;
    return body instanceof ReadableStream ? new Response(body).arrayBuffer() : body;
  }
  return request.body === null ? undefined : request.arrayBuffer();
}
