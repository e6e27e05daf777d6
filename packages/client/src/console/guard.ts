/**
 * What keeps the console safe in a browser on the station:
 * - DNS rebinding: a request whose Host (or Origin, when sent) is not one of the console's own
 *   addresses is refused before anything else.
 * - CSRF: each browser session (an HttpOnly, SameSite=Strict cookie) has its own random token;
 *   every state-changing request must carry it (header `x-csrf-token` or form field `_csrf`).
 * - Password: when `console.password` is configured (required off loopback), a session must log
 *   in first. The password is compared by hash in constant time and never written anywhere.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { networkInterfaces } from "node:os";

export const SESSION_COOKIE = "tswats_console";
const MAX_SESSIONS = 200;
const SESSION_IDLE_MS = 12 * 3600_000;

export interface ConsoleSession {
  id: string;
  csrf: string;
  loggedIn: boolean;
  lastSeen: number;
}

export interface GuardOptions {
  /** The address the server is bound to and its port. */
  host: string;
  port: number;
  /** More accepted Host values (name:port). */
  allowedHosts?: readonly string[];
  password?: string | undefined;
}

export type GuardRefusal = { status: 403 | 400; message: string };

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

export class ConsoleGuard {
  readonly #hosts: Set<string>;
  readonly #passwordHash: Buffer | undefined;
  readonly #sessions = new Map<string, ConsoleSession>();

  constructor(options: GuardOptions) {
    const port = options.port;
    const bound = options.host.includes(":") ? `[${options.host}]` : options.host;
    const names = [bound];
    if (bound === "127.0.0.1" || bound === "[::1]" || bound === "localhost") {
      names.push("127.0.0.1", "localhost", "[::1]");
    }
    if (bound === "0.0.0.0" || bound === "[::]") {
      // Every address of this machine (names such as its DNS name: console.allowedHosts).
      for (const list of Object.values(networkInterfaces())) {
        for (const a of list ?? []) names.push(a.family === "IPv6" ? `[${a.address}]` : a.address);
      }
    }
    this.#hosts = new Set([
      ...names.map((n) => `${n}:${port}`.toLowerCase()),
      ...(options.allowedHosts ?? []).map((h) => h.toLowerCase()),
    ]);
    this.#passwordHash = options.password !== undefined ? digest(options.password) : undefined;
  }

  get passwordRequired(): boolean {
    return this.#passwordHash !== undefined;
  }

  /** Host must be ours; Origin, when the browser sends one, too (and over http). */
  checkOrigin(req: IncomingMessage): GuardRefusal | undefined {
    const host = (req.headers.host ?? "").toLowerCase();
    if (!this.#hosts.has(host)) {
      return { status: 403, message: `refused: the Host "${host}" is not this console's address` };
    }
    const origin = req.headers.origin;
    if (origin !== undefined && origin.toLowerCase() !== `http://${host}`) {
      return { status: 403, message: "refused: the request comes from another site (Origin)" };
    }
    return undefined;
  }

  /** The session of the request's cookie, or a new one (set its cookie with `cookieHeader`). */
  session(req: IncomingMessage): { session: ConsoleSession; isNew: boolean } {
    const id = readCookie(req.headers.cookie, SESSION_COOKIE);
    const now = Date.now();
    const existing = id !== undefined ? this.#sessions.get(id) : undefined;
    if (existing && now - existing.lastSeen < SESSION_IDLE_MS) {
      existing.lastSeen = now;
      return { session: existing, isNew: false };
    }
    if (existing) this.#sessions.delete(existing.id);
    const session: ConsoleSession = {
      id: randomBytes(24).toString("base64url"),
      csrf: randomBytes(24).toString("base64url"),
      loggedIn: !this.passwordRequired,
      lastSeen: now,
    };
    this.#sessions.set(session.id, session);
    if (this.#sessions.size > MAX_SESSIONS) {
      const oldest = [...this.#sessions.values()].sort((a, b) => a.lastSeen - b.lastSeen)[0];
      if (oldest) this.#sessions.delete(oldest.id);
    }
    return { session, isNew: true };
  }

  cookieHeader(session: ConsoleSession): string {
    return `${SESSION_COOKIE}=${session.id}; Path=/; HttpOnly; SameSite=Strict`;
  }

  /** A state-changing request must carry the session's CSRF token. */
  checkCsrf(session: ConsoleSession, sent: string | undefined): GuardRefusal | undefined {
    if (sent === undefined || sent === "" || !sameSecret(sent, session.csrf)) {
      return { status: 403, message: "refused: missing or wrong CSRF token (reload the page)" };
    }
    return undefined;
  }

  login(session: ConsoleSession, password: string): boolean {
    if (!this.#passwordHash) return true;
    const ok = timingSafeEqual(digest(password), this.#passwordHash);
    if (ok) session.loggedIn = true;
    return ok;
  }

  logout(session: ConsoleSession): void {
    this.#sessions.delete(session.id);
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
