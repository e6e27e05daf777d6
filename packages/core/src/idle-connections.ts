/**
 * Closing kept-alive connections that sit unused, without a timer on every connection.
 *
 * Node's `Agent({ timeout })` sets the timeout on the socket itself, for its whole life: Node
 * then refreshes that socket timer on every read and every write of every request (`_unrefTimer`),
 * though only an idle connection is ever closed by it. Here the agent has no socket timeout; a
 * connection that goes back to the pool is stamped with the moment it may be closed, and one
 * unreferenced timer per agent closes the pooled connections whose moment has passed.
 *
 * How long a connection may idle: `idleMs`, or less when the server announces less in its
 * `Keep-Alive: timeout=N` header (one second under N, as Node does, so the client closes first
 * rather than sending on a connection the server is closing).
 */
import type { Agent, AgentOptions } from "node:http";
import type { Socket } from "node:net";
import { monotonicNow } from "./clock.js";

type AgentClass = new (options: AgentOptions) => Agent;

/** When the pooled connection may be closed (monotonic ms). */
const CLOSE_AT = Symbol("tswats.closeAt");
type PooledSocket = Socket & { [CLOSE_AT]?: number };

/** What Node keeps of the server's hint: a second less, so the client closes first. */
const HINT_MARGIN_MS = 1_000;

/** `timeout=N` of a Keep-Alive header, in ms less the margin; undefined when it has none. */
function serverIdleMs(hint: string | string[] | undefined): number | undefined {
  if (typeof hint !== "string") return undefined;
  const seconds = /^timeout=(\d+)/.exec(hint)?.[1];
  return seconds === undefined ? undefined : Number(seconds) * 1000 - HINT_MARGIN_MS;
}

/**
 * A keep-alive agent (node:http's or node:https's `Agent`) whose pooled connections close after
 * `idleMs` unused (or the server's shorter hint). Its other options are passed on; `timeout` must
 * not be one.
 */
export function idleClosingAgent(AgentOf: AgentClass, idleMs: number, options: AgentOptions): Agent {
  const agent = new AgentOf({ ...options, keepAlive: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timerAt = Number.POSITIVE_INFINITY;
  // The last hint seen and what it allows: a server sends the same one on every answer.
  let lastHint: string | undefined;
  let lastHintMs: number | undefined;

  const sweep = (): void => {
    timer = undefined;
    timerAt = Number.POSITIVE_INFINITY;
    const now = monotonicNow();
    let next = Number.POSITIVE_INFINITY;
    for (const pooled of Object.values(agent.freeSockets)) {
      // A copy: destroying a socket takes it out of the list being read.
      for (const socket of [...(pooled ?? [])] as PooledSocket[]) {
        const closeAt = socket[CLOSE_AT] ?? now;
        if (closeAt <= now) socket.destroy();
        else if (closeAt < next) next = closeAt;
      }
    }
    if (next !== Number.POSITIVE_INFINITY) arm(next, now);
  };

  const arm = (at: number, now: number): void => {
    if (timer !== undefined) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(sweep, Math.max(0, at - now));
    timer.unref();
  };

  // Typed as returning void, though Node reads its answer: false closes the connection.
  const keepSocketAlive = agent.keepSocketAlive as (this: Agent, socket: Socket) => boolean;
  agent.keepSocketAlive = function keepPooled(this: Agent, socket: Socket): boolean {
    // Node's own: keep-alive probes, unref, and refusing a server hint under a second.
    if (!keepSocketAlive.call(this, socket)) return false;
    const hint = (socket as { _httpMessage?: { res?: { headers: Record<string, string | string[]> } } })
      ._httpMessage?.res?.headers["keep-alive"];
    if (hint !== lastHint) {
      lastHint = typeof hint === "string" ? hint : undefined;
      lastHintMs = serverIdleMs(hint);
    }
    const allowed = lastHintMs !== undefined && lastHintMs < idleMs ? lastHintMs : idleMs;
    const now = monotonicNow();
    const closeAt = now + allowed;
    (socket as PooledSocket)[CLOSE_AT] = closeAt;
    // Armed already for an earlier moment: that sweep re-arms for this one.
    if (closeAt < timerAt) arm(closeAt, now);
    return true;
  };

  const destroy = agent.destroy;
  agent.destroy = function destroyAll(this: Agent): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    timerAt = Number.POSITIVE_INFINITY;
    destroy.call(this);
  };
  return agent;
}
