/**
 * The station client's one config file (JSON), validated by zod. Paths are relative to the
 * file's folder. Every setting has a default except `server.baseUrl`. The settings it shares
 * with the SDK (server address, token, breaker, throttle, retry delays, log level) use
 * @tswats/core's own option schemas, so both accept and refuse the same values with the same words.
 */

import { converterEntrySchema } from "@tswats/converters/config";
import {
  baseUrlSchema,
  breakerSchema,
  falseOrObject,
  logLevelSchema,
  retryOptionsSchema,
  throttleFileOptionsSchema,
  tokenSchema,
} from "@tswats/core/schemas";
import { z } from "zod";

const retry = retryOptionsSchema.shape;

const ms = () => z.number().int().nonnegative();

export const clientConfigSchema = z
  .object({
    server: z
      .object({
        /** The WATS server, e.g. https://your-company.wats.com */
        baseUrl: baseUrlSchema,
        /** The API token; better in WATS_AUTH_TOKEN. A file holding it must be mode 0600. */
        token: tokenSchema.optional(),
        /** Station name reports are sent under (default WATS_STATION, then the host name). */
        station: z.string().min(1).max(50).optional(),
        /**
         * Where the station is (a report's `location`) and what it is for (`purpose`): given to every
         * converter that declares a `location` / `purpose` parameter its watch entry leaves unset.
         */
        location: z.string().min(1).max(100).optional(),
        purpose: z.string().min(1).max(100).optional(),
        /** Time limit of one upload. */
        timeoutMs: ms().default(60_000),
      })
      .strict(),
    queue: z
      .object({
        folder: z.string().min(1).default("./queue"),
        /** Uploaded reports are kept this long in done/ ... */
        doneMaxAgeMs: ms().default(7 * 24 * 3600_000),
        /** ... and at most this many. */
        doneMaxCount: z.number().int().nonnegative().default(10_000),
      })
      .strict()
      .default({ folder: "./queue", doneMaxAgeMs: 7 * 24 * 3600_000, doneMaxCount: 10_000 }),
    upload: z
      .object({
        /** false: keep queueing, upload nothing (intentionally offline; still "ready"). */
        enabled: z.boolean().default(true),
        concurrency: z.number().int().min(1).max(32).default(2),
        baseDelayMs: retry.baseDelayMs.unwrap().default(2_000),
        maxDelayMs: retry.maxDelayMs.unwrap().default(300_000),
        maxRetryAfterMs: retry.maxRetryAfterMs.unwrap().default(3_600_000),
        /** 0: never give up on retryable failures. */
        maxAttempts: z.number().int().nonnegative().default(0),
        /** While WATS refuses the token: re-read it and try one upload this often. */
        authRetryMs: ms().default(30_000),
        /** How often pending/ is checked for files added by other processes. */
        pollMs: z.number().int().min(10).default(1_000),
        /** Circuit breaker options of @tswats/core, or false. */
        breaker: breakerSchema.default({}),
        /** Client-side rate limit (WATS allows about 500 requests a minute), or false. */
        throttle: falseOrObject(throttleFileOptionsSchema).default({}),
      })
      .strict()
      .prefault({}),
    health: z
      .object({
        /** 127.0.0.1 by default; anything else exposes /status to the network. */
        host: z.string().min(1).default("127.0.0.1"),
        /** 0 picks a free port (written to <queue>/daemon.json for `status`). */
        port: z.number().int().min(0).max(65_535).default(8787),
      })
      .strict()
      .prefault({}),
    console: z
      .object({
        /** The web console at http://<health.host>:<health.port>/console. */
        enabled: z.boolean().default(true),
        /**
         * Password of the console (at least 8 characters). Required when health.host is not a
         * loopback address; when set, every console page asks for it. A file holding it must be 0600.
         */
        password: z.string().min(8).max(200).optional(),
        /** More Host names (name:port) the console answers to, e.g. the station's DNS name. */
        allowedHosts: z.array(z.string().min(1)).default([]),
        /**
         * Where the Software page downloads packages (`<folder>/<name>/v<version>/`); relative to
         * the config file. Default: `<queue.folder>/console/software`.
         */
        softwareFolder: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    log: z
      .object({
        level: logLevelSchema.default("info"),
        /** Also append JSON lines to this file. */
        file: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    /** Grace period of a SIGTERM/SIGINT drain before uploads in flight are cut off (and requeued). */
    shutdownTimeoutMs: ms().default(10_000),
    converters: z.array(converterEntrySchema).default([]),
    pluginFolders: z.array(z.string()).default([]),
    /** Converter plugins installed as npm packages (resolved from the daemon's working directory). */
    plugins: z.array(z.string().min(1)).default([]),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (
      config.console.enabled &&
      !isLoopbackHost(config.health.host) &&
      config.console.password === undefined
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["console", "password"],
        message: `required when health.host is not a loopback address (${config.health.host}); or set console.enabled to false`,
      });
    }
  });

/** 127.0.0.1 (any 127.x), ::1 and localhost: only this machine can connect. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

export type ClientConfigInput = z.input<typeof clientConfigSchema>;
export type ClientConfigFile = z.output<typeof clientConfigSchema>;
