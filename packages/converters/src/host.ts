/**
 * The conversion host: knows the converters (standard ones and plugins), picks one for a file,
 * and runs conversions in the process pool (or in this thread for the CLI's `--in-process`).
 * Plugins are imported only inside conversion processes, so a plugin that hangs, crashes or
 * allocates without bound while loading cannot take the client down.
 */
import { basename } from "node:path";
import type { Report } from "@tswats/report";
import { DEFAULT_MAX_FILE_MB, DEFAULT_MAX_MEMORY_MB, DEFAULT_TIMEOUT_MS } from "./config-schema.js";
import { ConversionError } from "./errors.js";
import { pathFilter } from "./glob.js";
import { resolveParameters } from "./parameters.js";
import type { ConverterDescriptor } from "./plugin-api.js";
import { describePlugin } from "./plugin-check.js";
import { npmPlugin, type PluginLocation, pluginsInFolder } from "./plugin-discovery.js";
import { ProcessPool } from "./process-pool.js";
import type { ProcessResponse } from "./process-protocol.js";
import { sha256Hex } from "./report-id.js";
import { type ConversionJob, type ConversionOutcome, detectScores, runConversion } from "./run-conversion.js";
import { openSourceFile } from "./safe-fs.js";
import { STANDARD_CONVERTERS } from "./standard/index.js";

export interface ConverterHostOptions {
  pluginFolders?: readonly string[];
  /** npm package names. */
  plugins?: readonly string[];
  /** Where npm plugins are looked up (node_modules from here upwards). Default: the working directory. */
  pluginBaseDir?: string;
  /** Conversion processes per memory limit (default 2). */
  workers?: number;
  /** Time limit for loading (describing) one plugin. Default 15 s. */
  loadTimeoutMs?: number;
  /** Run conversions in this thread instead of conversion processes (no time/memory limits; CLI/bench only). */
  inProcess?: boolean;
}

export interface PluginLoadFailure {
  source: string;
  message: string;
}

export interface ConvertOptions {
  /** Converter name; default: chosen by file pattern and `detect`. */
  converter?: string;
  parameters?: Record<string, unknown>;
  station?: string | undefined;
  timeoutMs?: number;
  maxMemoryMb?: number;
  maxFileMb?: number;
  /** The file must be inside this folder (its real path); links are not followed. */
  folder?: string;
  /** Read a file reached through a symbolic link (default false). */
  followSymlinks?: boolean;
}

export interface ConversionSuccess {
  converter: string;
  path: string;
  sha256: string;
  reports: Report[];
  warnings: string[];
}

export class ConverterHost {
  readonly #descriptors = new Map<string, ConverterDescriptor>();
  readonly #failures: PluginLoadFailure[] = [];
  readonly #pools = new Map<number, ProcessPool>();
  readonly #options: ConverterHostOptions;

  private constructor(options: ConverterHostOptions) {
    this.#options = options;
    for (const c of STANDARD_CONVERTERS)
      this.#descriptors.set(c.name, describePlugin(c, "standard", `standard:${c.name}`));
  }

  /** A host with the standard converters and every plugin that loads (failures are kept in `failures`). */
  static async create(options: ConverterHostOptions = {}): Promise<ConverterHost> {
    const host = new ConverterHost(options);
    const locations: PluginLocation[] = [];
    for (const folder of options.pluginFolders ?? []) {
      try {
        locations.push(...pluginsInFolder(folder));
      } catch (error) {
        host.#failures.push({ source: `plugin folder ${folder}`, message: (error as Error).message });
      }
    }
    for (const name of options.plugins ?? []) {
      try {
        locations.push(npmPlugin(name, options.pluginBaseDir));
      } catch (error) {
        host.#failures.push({ source: `npm ${name}`, message: (error as Error).message });
      }
    }
    for (const loc of locations) {
      try {
        const d = await host.#describe(loc);
        const existing = host.#descriptors.get(d.name);
        if (existing)
          throw new Error(
            `${loc.source}: converter name "${d.name}" is already taken by ${existing.source === "standard" ? "a standard converter" : existing.source}`,
          );
        host.#descriptors.set(d.name, d);
      } catch (error) {
        host.#failures.push({ source: loc.source, message: (error as Error).message });
      }
    }
    return host;
  }

  async #describe(loc: PluginLocation): Promise<ConverterDescriptor> {
    const timeout = this.#options.loadTimeoutMs ?? 15_000;
    const response = await this.#pool(DEFAULT_MAX_MEMORY_MB).run(
      { kind: "describe", module: loc.module, source: loc.source },
      timeout,
    );
    if (response.kind !== "describe") throw new Error("unexpected answer from a conversion process");
    if (!response.ok) {
      const message = response.error.message.replace(/^PluginError: /, "");
      throw new Error(message.startsWith(loc.module) ? message : `${loc.source}: failed to load: ${message}`);
    }
    return response.descriptor;
  }

  /** Every converter that can be used. */
  list(): ConverterDescriptor[] {
    return [...this.#descriptors.values()];
  }

  /** Plugins that were found but refused (wrong apiVersion, no convert, threw while loading, ...). */
  get failures(): readonly PluginLoadFailure[] {
    return this.#failures;
  }

  get(name: string): ConverterDescriptor | undefined {
    return this.#descriptors.get(name);
  }

  /** The named converter, or an Error that lists the known ones (and why a plugin of that name was refused). */
  require(name: string): ConverterDescriptor {
    const d = this.#descriptors.get(name);
    if (d) return d;
    const refused = this.#failures.filter((f) => f.message.includes(`"${name}"`) || f.source.includes(name));
    throw new ConversionError(
      `unknown converter "${name}" (available: ${this.list()
        .map((c) => c.name)
        .join(", ")})` +
        (refused.length ? `; refused plugins: ${refused.map((f) => f.message).join("; ")}` : ""),
      { kind: "no-converter" },
    );
  }

  /** Checks a config entry's parameters against the converter's declarations (throws with the names). */
  checkParameters(name: string, parameters: Record<string, unknown> | undefined): Record<string, unknown> {
    return resolveParameters(this.require(name).parameters, parameters, name);
  }

  #pool(maxMemoryMb: number): ProcessPool {
    let pool = this.#pools.get(maxMemoryMb);
    if (!pool) {
      pool = new ProcessPool({ size: this.#options.workers ?? 2, maxMemoryMb });
      this.#pools.set(maxMemoryMb, pool);
    }
    return pool;
  }

  /** Which converter reads this file: the best `detect` score, file patterns breaking ties. */
  async choose(path: string, bytes: Uint8Array): Promise<ConverterDescriptor> {
    const fileName = basename(path);
    const all = this.list();
    const sample = bytes.subarray(0, 64 * 1024);
    const modules = all.filter((d) => d.hasDetect).map((d) => d.module);
    let scores: (number | undefined)[];
    if (this.#options.inProcess || modules.every((m) => m.startsWith("standard:")))
      scores = await detectScores(modules, fileName, sample);
    else {
      const r = await this.#pool(DEFAULT_MAX_MEMORY_MB).run(
        { kind: "detect", modules, fileName, bytes: sample },
        10_000,
      );
      scores = r.kind === "detect" ? r.scores : [];
    }
    const byModule = new Map(modules.map((m, i) => [m, scores[i]]));
    let best: { d: ConverterDescriptor; score: number } | undefined;
    for (const d of all) {
      const matches = pathFilter(d.filePatterns)(fileName);
      const detected = byModule.get(d.module);
      const score = (detected ?? (matches ? 0.5 : 0)) + (matches ? 0.05 : 0);
      if ((detected ?? 1) > 0 && score > 0.05 && (!best || score > best.score)) best = { d, score };
    }
    if (!best)
      throw new ConversionError(
        `no converter recognises ${fileName} (tried ${all.map((d) => d.name).join(", ")}); name one with --converter`,
        { kind: "no-converter" },
      );
    return best.d;
  }

  /** Reads and converts one file. Throws a ConversionError when it cannot be converted. */
  async convertFile(path: string, options: ConvertOptions = {}): Promise<ConversionSuccess> {
    const maxFileMb = options.maxFileMb ?? DEFAULT_MAX_FILE_MB;
    // One handle: checked (regular file, no link, inside the folder) and then read.
    const { handle, size } = await openSourceFile(path, {
      folder: options.folder,
      followSymlinks: options.followSymlinks,
    });
    let buffer: Buffer;
    try {
      if (size > maxFileMb * 1024 * 1024)
        throw new ConversionError(
          `${basename(path)} is ${(size / 1024 / 1024).toFixed(1)} MB, more than the limit of ${maxFileMb} MB (setting maxFileMb); not converted`,
          { kind: "too-large" },
        );
      buffer = await handle.readFile();
    } catch (error) {
      if (ConversionError.is(error)) throw error;
      throw new ConversionError(`cannot read ${path}: ${(error as Error).message}`, { kind: "io" });
    } finally {
      await handle.close();
    }
    return this.convertBytes(
      path,
      new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength),
      options,
    );
  }

  async convertBytes(
    path: string,
    bytes: Uint8Array,
    options: ConvertOptions = {},
  ): Promise<ConversionSuccess> {
    const descriptor =
      options.converter !== undefined ? this.require(options.converter) : await this.choose(path, bytes);
    const sha256 = sha256Hex(bytes);
    const job: ConversionJob = {
      module: descriptor.module,
      converterName: descriptor.name,
      path,
      bytes,
      sha256,
      parameters: options.parameters ?? {},
      station: options.station,
    };
    let outcome: ConversionOutcome;
    if (this.#options.inProcess) outcome = await runConversion(job);
    else {
      const response: ProcessResponse = await this.#pool(options.maxMemoryMb ?? DEFAULT_MAX_MEMORY_MB).run(
        { kind: "convert", job },
        options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      );
      if (response.kind !== "convert")
        throw new ConversionError("unexpected answer from a conversion process", { kind: "crash" });
      outcome = response.outcome;
    }
    if (!outcome.ok) {
      const error = ConversionError.fromJSON(outcome.error);
      (error as ConversionError & { warnings?: string[] }).warnings = outcome.warnings;
      throw error;
    }
    return { converter: descriptor.name, path, sha256, reports: outcome.reports, warnings: outcome.warnings };
  }

  stats(): Record<string, unknown> {
    return Object.fromEntries([...this.#pools].map(([mb, pool]) => [`workers@${mb}MB`, pool.stats()]));
  }

  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((p) => p.close()));
    this.#pools.clear();
  }
}
