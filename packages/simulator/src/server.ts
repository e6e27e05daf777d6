/**
 * The HTTP/1.1 server: keep-alive connections, the request pipeline (record -> faults -> route
 * -> auth -> body -> handler) and the `/_sim` control routes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { isWrite, type TokenRegistry } from "./auth.js";
import type { Clock } from "./clock.js";
import { HttpError, UNAUTHORIZED_MESSAGE } from "./errors.js";
import { type DownMode, type Faults, faultSpecSchema } from "./faults.js";
import { describeIssues } from "./formats/wsjf.js";
import type { Handler, HandlerContext, Reply } from "./handler.js";
import { handlersByDomain } from "./handlers/index.js";
import { ODataQueryError } from "./odata/query.js";
import { internalOperations, operationKey, operations } from "./operations.js";
import { QueryParams } from "./params.js";
import { type RecordedRequest, type RequestLog, record, recordableBody, redactHeader } from "./requests.js";
import { Router } from "./router.js";
import type { SimState } from "./state.js";

export interface ServerOptions {
  host: string;
  port: number;
  state: SimState;
  tokens: TokenRegistry;
  faults: Faults;
  requests: RequestLog;
  clock: Clock;
  maxRecordedRequests: number;
  maxBodyBytes: number;
}

const JSON_TYPE = "application/json; charset=utf-8";
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        reject(new BodyTooLarge());
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export class SimServer {
  readonly #options: ServerOptions;
  readonly #server: Server;
  readonly #router = new Router(operations);
  readonly #internalRouter = new Router(internalOperations);
  readonly #sockets = new Set<Socket>();
  readonly #hung = new Set<ServerResponse>();
  readonly #closing = new AbortController();
  #port = 0;
  #seq = 0;

  constructor(options: ServerOptions) {
    this.#options = options;
    this.#server = createServer({ keepAlive: true }, (req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent && !res.destroyed) this.#sendError(res, error);
        else res.destroy();
      });
    });
    this.#server.keepAliveTimeout = 30_000;
    this.#server.headersTimeout = 35_000;
    this.#server.requestTimeout = 0;
    this.#server.on("connection", (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
    });
    options.faults.attach({ setDown: (mode) => this.#setDown(mode) });
  }

  get url(): string {
    const host = this.#options.host.includes(":") ? `[${this.#options.host}]` : this.#options.host;
    return `http://${host}:${this.#port}`;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.#server.once("error", onError);
      this.#server.listen(this.#port || this.#options.port, this.#options.host, () => {
        this.#server.off("error", onError);
        this.#port = (this.#server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    this.#closing.abort(new Error("simulator closed"));
    for (const res of this.#hung) res.destroy();
    this.#hung.clear();
    await new Promise<void>((resolve) => {
      if (!this.#server.listening) {
        resolve();
        return;
      }
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    for (const socket of this.#sockets) socket.destroy();
  }

  async #setDown(mode: DownMode | undefined): Promise<void> {
    if (mode === "refuse") {
      if (this.#server.listening) {
        await new Promise<void>((resolve) => {
          this.#server.close(() => resolve());
          this.#server.closeAllConnections();
        });
      }
      return;
    }
    if (mode === "reset") this.#server.closeIdleConnections();
    if (mode === undefined && !this.#server.listening) await this.listen();
  }

  // Pipeline ------------------------------------------------------------------------------------

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? "/";
    const mark = target.indexOf("?");
    const path = mark < 0 ? target : target.slice(0, mark);
    const search = new URLSearchParams(mark < 0 ? "" : target.slice(mark + 1));
    if (/^\/_sim(\/|$)/i.test(path)) {
      await this.#control(req, res, path);
      return;
    }
    const down = this.#options.faults.downState;
    if (down?.mode === "reset" || down?.mode === "refuse") {
      req.socket.destroy();
      return;
    }
    let raw: Buffer;
    try {
      raw = await readBody(req, this.#options.maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        this.#sendJson(res, 413, {
          Message: `The request body is larger than ${this.#options.maxBodyBytes} bytes.`,
        });
        return;
      }
      throw error;
    }
    const contentType = req.headers["content-type"];
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined)
        headers[name] = redactHeader(name, Array.isArray(value) ? value.join(", ") : value);
    }
    const query: Record<string, string | string[]> = {};
    for (const [key, value] of search) {
      const existing = query[key];
      query[key] =
        existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
    }
    const method = (req.method ?? "GET").toUpperCase();
    const entry: RecordedRequest = {
      seq: ++this.#seq,
      method,
      path,
      query,
      headers,
      body: recordableBody(raw, contentType),
      operation: undefined,
      status: undefined,
      receivedAt: this.#options.state.nowIso(),
    };
    record(this.#options.requests, entry, this.#options.maxRecordedRequests);
    res.on("finish", () => {
      entry.status = res.statusCode;
    });
    // Named before faults and outages apply, so a faulted request is found by its operation too.
    const internal = /^\/api\/internal(\/|$)/i.test(path);
    const match = (internal ? this.#internalRouter : this.#router).match(method, path);
    if (match.kind === "found") entry.operation = operationKey(match.entry);

    if (down?.mode === "503") {
      const extra: Record<string, string> =
        down.retryAfter === undefined ? {} : { "retry-after": String(down.retryAfter) };
      this.#sendJson(res, 503, { Message: "The service is unavailable." }, extra);
      return;
    }

    const fault = this.#options.faults.take(method, path);
    if (fault) {
      switch (fault.kind) {
        case "status":
          this.#sendJson(res, fault.status, fault.body, fault.headers);
          return;
        case "hang":
          this.#hung.add(res);
          res.on("close", () => this.#hung.delete(res));
          return;
        case "reset":
          res.writeHead(200, { "content-type": JSON_TYPE, "content-length": "65536" });
          res.write('{"Message":"this answer is cut off by a simulated connection reset', () => {
            res.socket?.destroy();
          });
          return;
        case "latency":
          if (fault.ms > 0) {
            try {
              await this.#options.clock.sleep(fault.ms, this.#closing.signal);
            } catch {
              res.destroy();
              return;
            }
          }
          break;
      }
    }

    if (internal) {
      const auth = this.#options.tokens.check(req.headers.authorization);
      if (!auth.ok) throw this.#unauthorized();
      const referer = req.headers.referer;
      if (referer === undefined || referer === "") {
        throw new HttpError(400, "Internal API routes need the Referer header set to the server root.");
      }
      if (!referer.toLowerCase().startsWith(`${this.url}/`.toLowerCase())) {
        throw new HttpError(403, `The Referer '${referer}' is not this server's root (${this.url}/).`);
      }
      const handler =
        match.kind === "found"
          ? (handlersByDomain[match.entry.domain]?.[match.entry.spec.name] as Handler | undefined)
          : undefined;
      if (match.kind !== "found" || !handler) {
        throw new HttpError(
          404,
          `No HTTP resource was found that matches the request URI '${this.url}${path}'. (This internal route is not simulated.)`,
        );
      }
      if (auth.info.rights === "read" && isWrite(method, match.entry.domain)) {
        throw new HttpError(
          403,
          "Authorization has been denied for this request: the token has read-only rights.",
        );
      }
      this.#send(
        res,
        await handler(this.#context(match.entry, match.params, search, raw, contentType, auth.info)),
      );
      return;
    }

    if (match.kind === "not-found") {
      throw new HttpError(
        404,
        `No HTTP resource was found that matches the request URI '${this.url}${path}'.`,
      );
    }
    if (match.kind === "method-not-allowed") {
      throw new HttpError(405, `The requested resource does not support http method '${method}'.`, {
        headers: { allow: match.allowed.join(", ") },
      });
    }
    const op = match.entry;
    const auth = this.#options.tokens.check(req.headers.authorization);
    if (!auth.ok) throw this.#unauthorized();
    if (auth.info.rights === "read" && isWrite(method, op.domain)) {
      throw new HttpError(
        403,
        "Authorization has been denied for this request: the token has read-only rights.",
      );
    }
    const handler = handlersByDomain[op.domain]?.[op.spec.name] as Handler | undefined;
    if (!handler) throw new HttpError(501, `The operation ${operationKey(op)} is not simulated.`);
    this.#send(res, await handler(this.#context(op, match.params, search, raw, contentType, auth.info)));
  }

  #context(
    op: HandlerContext["op"],
    params: Record<string, string>,
    search: URLSearchParams,
    raw: Buffer,
    contentType: string | undefined,
    auth: HandlerContext["auth"],
  ): HandlerContext {
    return {
      op,
      params,
      query: new QueryParams(search),
      body: this.#parseBody(op, raw, contentType),
      rawBody: raw,
      contentType,
      auth,
      tokens: this.#options.tokens,
      state: this.#options.state,
    };
  }

  #unauthorized(): HttpError {
    return new HttpError(401, UNAUTHORIZED_MESSAGE, {
      headers: { "www-authenticate": 'Basic realm="WATS"' },
    });
  }

  #parseBody(op: HandlerContext["op"], raw: Buffer, contentType: string | undefined): unknown {
    const declared = op.spec.body;
    if (!declared) return undefined;
    if (raw.length === 0) {
      if (declared.required)
        throw new HttpError(400, "The request is invalid: the request body is required.");
      return undefined;
    }
    if (declared.contentType === "application/json") {
      const type = (contentType ?? "").toLowerCase();
      if (type !== "" && !type.includes("json")) {
        throw new HttpError(
          415,
          `The request entity's media type '${contentType}' is not supported for this resource; send application/json.`,
        );
      }
      let value: unknown;
      try {
        value = JSON.parse(raw.toString("utf8"));
      } catch (error) {
        throw new HttpError(400, `The request body is not valid JSON: ${(error as Error).message}`);
      }
      const schema = op.schemas.body;
      if (schema) {
        const parsed = schema.safeParse(value);
        if (!parsed.success) throw new HttpError(400, describeIssues(parsed.error, "The request body"));
      }
      return value;
    }
    if (declared.contentType.includes("xml") || declared.contentType.startsWith("text/"))
      return raw.toString("utf8");
    return undefined;
  }

  // Answers -------------------------------------------------------------------------------------

  #send(res: ServerResponse, reply: Reply): void {
    switch (reply.kind) {
      case "json":
        this.#sendJson(res, reply.status, reply.value, reply.headers);
        return;
      case "text": {
        const body = Buffer.from(reply.text, "utf8");
        res.writeHead(reply.status, { "content-type": reply.contentType, "content-length": body.length });
        res.end(body);
        return;
      }
      case "binary": {
        const headers: Record<string, string | number> = {
          "content-type": reply.contentType,
          "content-length": reply.data.length,
        };
        if (reply.fileName)
          headers["content-disposition"] =
            `attachment; filename="${reply.fileName.replace(/["\\\r\n]/g, "_")}"`;
        res.writeHead(reply.status, headers);
        res.end(reply.data);
        return;
      }
      case "none":
        res.writeHead(reply.status);
        res.end();
        return;
    }
  }

  #sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
    const body = Buffer.from(value === undefined ? "" : JSON.stringify(value), "utf8");
    res.writeHead(status, { ...headers, "content-type": JSON_TYPE, "content-length": body.length });
    res.end(body);
  }

  #sendError(res: ServerResponse, error: unknown): void {
    if (error instanceof HttpError) {
      this.#sendJson(res, error.status, error.body(), error.headers);
    } else if (error instanceof ODataQueryError) {
      this.#sendJson(res, 400, { Message: error.message });
    } else {
      const message = error instanceof Error ? error.message : String(error);
      this.#sendJson(res, 500, { Message: "An error has occurred.", ExceptionMessage: message });
    }
  }

  // Control routes -------------------------------------------------------------------------------

  async #control(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (!LOOPBACK.test(this.#options.host)) {
      const auth = this.#options.tokens.check(req.headers.authorization);
      if (!auth.ok || auth.info.rights !== "all") throw this.#unauthorized();
    }
    const method = (req.method ?? "GET").toUpperCase();
    const parts = path
      .split("/")
      .filter((p) => p !== "")
      .slice(1);
    const raw = await readBody(req, 1_000_000);
    const body = (): unknown => {
      if (raw.length === 0) return {};
      try {
        return JSON.parse(raw.toString("utf8"));
      } catch (error) {
        throw new HttpError(400, `The request body is not valid JSON: ${(error as Error).message}`);
      }
    };
    const faults = this.#options.faults;
    const route = `${method} ${parts.join("/")}`;
    if (route === "GET faults") return this.#sendJson(res, 200, faults.list());
    if (route === "POST faults") {
      const input = body();
      const specs = Array.isArray(input) ? input : [input];
      const ids: string[] = [];
      for (const spec of specs) {
        const parsed = faultSpecSchema.safeParse(spec);
        if (!parsed.success) throw new HttpError(400, describeIssues(parsed.error, "The fault"));
        ids.push(faults.add(parsed.data));
      }
      return this.#sendJson(res, 201, { ids, faults: faults.list() });
    }
    if (route === "DELETE faults") {
      faults.clear();
      return this.#sendJson(res, 200, { faults: [] });
    }
    if (method === "DELETE" && parts[0] === "faults" && parts.length === 2) {
      if (!faults.remove(parts[1] as string)) throw new HttpError(404, `Fault '${parts[1]}' was not found.`);
      return this.#sendJson(res, 200, { faults: faults.list() });
    }
    if (route === "POST down") {
      const input = body() as { mode?: DownMode; retryAfter?: number };
      if (input.mode === "refuse") {
        throw new HttpError(
          400,
          "Mode 'refuse' would cut the control routes too; use it from code (sim.faults.down).",
        );
      }
      try {
        await faults.down(input);
      } catch (error) {
        throw new HttpError(400, (error as Error).message);
      }
      return this.#sendJson(res, 200, { down: faults.downState });
    }
    if (route === "POST up") {
      await faults.up();
      return this.#sendJson(res, 200, { down: null });
    }
    if (route === "GET requests") return this.#sendJson(res, 200, this.#options.requests);
    if (route === "DELETE requests") {
      this.#options.requests.clear();
      return this.#sendJson(res, 200, { cleared: true });
    }
    if (route === "GET health") {
      return this.#sendJson(res, 200, {
        ok: true,
        down: faults.downState ?? null,
        reports: this.#options.state.reports.size,
      });
    }
    throw new HttpError(404, `Unknown control route ${method} ${path}.`);
  }
}
