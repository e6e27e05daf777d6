/**
 * One entry of the client config file's `converters` array: which converter reads which folder,
 * with which parameters, and what happens to the source file afterwards.
 */
import { z } from "zod";

/** Default time one conversion may take before its worker is terminated. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Default V8 old-generation heap limit of a conversion worker. */
export const DEFAULT_MAX_MEMORY_MB = 256;
/** Default largest file a converter is given; larger files go to Error/ without being read. */
export const DEFAULT_MAX_FILE_MB = 32;
/** Default settle time: a file must keep size and mtime this long before it is picked up. */
export const DEFAULT_SETTLE_MS = 2_000;

export const watchSchema = z
  .object({
    /** Folder to watch (absolute, or relative to the config file). */
    folder: z.string().min(1, "watch.folder must not be empty"),
    /** Also watch sub-folders (Done/ and Error/ are always skipped). Default false. */
    recursive: z.boolean().default(false),
    /** How long size and mtime must stay unchanged before the file is taken. Default 2000 ms. */
    settleMs: z.number().int().min(0).max(600_000).default(DEFAULT_SETTLE_MS),
    /**
     * Glob patterns (matched against the path relative to `folder`, `/` separators, case-insensitive:
     * `*`, `**`, `?`, `{a,b}`). Default: the converter's own `filePatterns`.
     */
    include: z.array(z.string().min(1)).min(1).optional(),
    /** Glob patterns to leave alone (same syntax). */
    exclude: z.array(z.string().min(1)).optional(),
    /**
     * Also take files reached through symbolic links (and follow linked sub-folders). Off by
     * default: whoever can write into the watch folder could then make the client read and upload
     * any file the client's user can read (a link to a report file anywhere, or to /etc/passwd).
     */
    followSymlinks: z.boolean().default(false),
    /** Interval of the safety re-scan that catches events the OS watcher missed. Default 30 s; 0 = off. */
    rescanMs: z.number().int().min(0).default(30_000),
  })
  .strict();

export const converterEntrySchema = z
  .object({
    /** Converter name: a standard one (`wsjf-json`, `wsxf-xml`, `teststand-xml`, `csv`) or a plugin's `name`. */
    name: z.string().min(1, "converter name must not be empty"),
    /** Label for logs/stats when the same converter watches several folders. Default: `name`. */
    label: z.string().min(1).optional(),
    watch: watchSchema,
    /** Converter parameters; checked against the converter's declared parameters when it starts. */
    parameters: z.record(z.string(), z.unknown()).default({}),
    /** What to do with a converted file: move to `doneFolder` (default), delete, or keep in place. */
    onSuccess: z.enum(["move", "delete", "keep"]).default("move"),
    /** Default `<watch.folder>/Done`. */
    doneFolder: z.string().min(1).optional(),
    /** Default `<watch.folder>/Error`. Failed files always move here with `<file>.error.txt`. */
    errorFolder: z.string().min(1).optional(),
    /** Time limit of one conversion (worker terminated after it). Default 30000. */
    timeoutMs: z.number().int().min(100).max(3_600_000).default(DEFAULT_TIMEOUT_MS),
    /** Heap limit of the conversion worker in MB. Default 256. */
    maxMemoryMb: z.number().int().min(16).max(16_384).default(DEFAULT_MAX_MEMORY_MB),
    /** Files larger than this are refused (moved to Error/) without being read. Default 32. */
    maxFileMb: z.number().min(0.001).max(4096).default(DEFAULT_MAX_FILE_MB),
  })
  .strict();

/** An entry as written in the config file (defaults optional). */
export type ConverterEntryInput = z.input<typeof converterEntrySchema>;
/** An entry after parsing (defaults filled). */
export type ConverterEntry = z.output<typeof converterEntrySchema>;
