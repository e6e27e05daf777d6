/**
 * Errors a handler throws to answer with a non-2xx status. WATS (ASP.NET Web API) answers errors
 * with a JSON object whose `Message` says what is wrong; the simulator does the same and names the
 * parameter, field or entity concerned.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Extra keys merged into the JSON error body beside `Message`. */
  readonly extra: Record<string, unknown>;

  constructor(
    status: number,
    message: string,
    options: { headers?: Record<string, string>; extra?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.headers = options.headers ?? {};
    this.extra = options.extra ?? {};
  }

  body(): Record<string, unknown> {
    return { Message: this.message, ...this.extra };
  }
}

export const badRequest = (message: string, extra?: Record<string, unknown>): HttpError =>
  new HttpError(400, message, extra ? { extra } : {});

export const notFound = (message: string): HttpError => new HttpError(404, message);

export const conflict = (message: string): HttpError => new HttpError(409, message);

/** The body ASP.NET gives a request without valid credentials. */
export const UNAUTHORIZED_MESSAGE = "Authorization has been denied for this request.";
