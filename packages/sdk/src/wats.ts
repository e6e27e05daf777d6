import {
  HttpTransport,
  type LoadConfigOptions,
  loadConfig,
  resolveStation,
  type TransportMetrics,
  type TransportOptions,
} from "@tswats/core";
import type { Client } from "openapi-fetch";
import { type DomainName, type DomainServices, domainServices } from "./generated/domains.js";

/** Options of `new Wats(...)`: the transport's options plus the station reports are sent under. */
export interface WatsOptions extends TransportOptions {
  /** Station name for reports; default WATS_STATION, then the config file, then the host name. */
  station?: string;
}

/**
 * The options `Wats.fromEnv()` builds: the configuration (explicit options > environment >
 * config file; WatsConfigError listing every bad field) plus the options that only code can
 * give (`logger`, `fetch`, `userAgentSuffix`). Also used by the sync facade's `syncWatsFromEnv()`.
 */
export function watsOptionsFromEnv(
  options: LoadConfigOptions & Omit<Partial<WatsOptions>, keyof LoadConfigOptions> = {},
): WatsOptions {
  const config = loadConfig(options);
  const { logger, fetch, userAgentSuffix } = options;
  return {
    baseUrl: config.baseUrl,
    token: config.token,
    logLevel: config.logLevel,
    station: config.station,
    ...(config.timeoutMs !== undefined ? { timeoutMs: config.timeoutMs } : {}),
    ...(config.retry !== undefined ? { retry: config.retry } : {}),
    ...(config.breaker !== undefined ? { breaker: config.breaker } : {}),
    ...(config.throttle !== undefined ? { throttle: config.throttle } : {}),
    ...(logger !== undefined ? { logger } : {}),
    ...(fetch !== undefined ? { fetch } : {}),
    ...(userAgentSuffix !== undefined ? { userAgentSuffix } : {}),
  };
}

/**
 * One object for all of WATS: `wats.product.getProduct(...)`, `wats.report.postWsjf(...)`, ...
 * Domain services are created on first use and share one transport (one connection pool, one
 * circuit breaker per server, one rate limit). Close it with `await wats.close()`, or declare it
 * with `await using wats = new Wats(...)`. There is no response cache: every read goes to WATS.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the domain getters are defined on the prototype below, one per generated domain
export class Wats {
  readonly transport: HttpTransport;
  /** The station name reports built with this client are sent under. */
  readonly station: string;
  readonly #services = new Map<DomainName, object>();

  constructor(options: WatsOptions) {
    const { station, ...transportOptions } = options;
    this.transport = new HttpTransport(transportOptions);
    this.station = resolveStation({ explicit: station });
  }

  /**
   * A client configured from the environment (WATS_BASE_URL, WATS_AUTH_TOKEN, WATS_LOG_LEVEL,
   * WATS_STATION, WATS_CONFIG); explicit options win over the environment, which wins over the
   * config file. Invalid configuration throws one WatsConfigError listing every bad field.
   */
  static fromEnv(
    options: LoadConfigOptions & Omit<Partial<WatsOptions>, keyof LoadConfigOptions> = {},
  ): Wats {
    return new Wats(watsOptionsFromEnv(options));
  }

  /** The openapi-fetch client over the same transport, for routes the services do not cover. */
  get raw(): Client<Record<string, never>> {
    return this.transport.raw();
  }

  /** Per-operation counts, retries, latency, breaker and throttle state. */
  metrics(): TransportMetrics {
    return this.transport.metrics();
  }

  /** Ends waiting calls, refuses new ones and closes kept-alive connections. */
  close(): Promise<void> {
    return this.transport.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** @internal The lazily created service of a domain. */
  service<K extends DomainName>(name: K): DomainServices[K] {
    let service = this.#services.get(name);
    if (service === undefined) {
      service = new domainServices[name](this.transport);
      this.#services.set(name, service);
    }
    return service as DomainServices[K];
  }
}

// `wats.<domain>`: a getter per generated domain, so a new WATS tag appears here on regeneration.
export interface Wats extends DomainServices {}
for (const name of Object.keys(domainServices) as DomainName[]) {
  Object.defineProperty(Wats.prototype, name, {
    get(this: Wats) {
      return this.service(name);
    },
    enumerable: false,
    configurable: false,
  });
}
