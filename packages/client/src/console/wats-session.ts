/**
 * The SDK client of the Software and Serial numbers pages: a `Wats` on the daemon's server with
 * the current token, made for one action and closed after it (the token may have been replaced).
 */
import { Wats } from "@tswats/sdk";
import type { ConsoleDeps } from "./context.js";

export async function withWats<T>(deps: ConsoleDeps, action: (wats: Wats) => Promise<T>): Promise<T> {
  const wats = new Wats({
    baseUrl: deps.config.server.baseUrl,
    token: await deps.token(),
    timeoutMs: 30_000,
    logger: deps.logger,
    ...(deps.config.server.station !== undefined ? { station: deps.config.server.station } : {}),
  });
  try {
    return await action(wats);
  } finally {
    await wats.close();
  }
}
