/** What the console's pages get: the daemon's parts (deps) and the request (form, query, session). */
import type { WatsLogger } from "@tswats/core";
import type { ClientConfigFile } from "../config/schema.js";
import type { DaemonStatus } from "../daemon/daemon.js";
import type { FileQueue } from "../queue/file-queue.js";
import type { Uploader } from "../upload/uploader.js";
import type { ConsoleSession } from "./guard.js";
import type { Html } from "./html.js";
import type { RecentLog } from "./recent-log.js";
import type { UploadActivity } from "./upload-activity.js";

export interface ConsoleDeps {
  /** The settings the daemon runs with (absolute paths). */
  config: ClientConfigFile;
  /** The config file, when the daemon was started from one (Setup edits it). */
  configPath: string | null;
  queue: FileQueue;
  uploader: Uploader;
  status(): Promise<DaemonStatus>;
  /** The current WATS token (the SDK calls of Software and Serial numbers). */
  token(): string | Promise<string>;
  /** Re-read the token now (after Setup replaced it). */
  reloadCredentials(): Promise<void>;
  log: RecentLog;
  activity: UploadActivity;
  logger: WatsLogger;
  /** Where the console keeps its own files (serial-number reserve): `<queue>/console`. */
  dataFolder: string;
}

export interface ConsoleRequest {
  deps: ConsoleDeps;
  url: URL;
  session: ConsoleSession;
  /** The posted form (urlencoded or multipart), for POST. */
  form: FormData | undefined;
  /** True when htmx sent the request (answer with a fragment). */
  htmx: boolean;
}

export type ConsoleResult =
  | { page: { title: string; body: Html } }
  | { fragment: Html; status?: number }
  | { redirect: string }
  | { status: number; text: string };

export interface ConsoleRoute {
  method: "GET" | "POST";
  path: string;
  run(request: ConsoleRequest): Promise<ConsoleResult>;
}

/** A form field as text ("" when absent). */
export function field(form: FormData | undefined, name: string): string {
  const value = form?.get(name);
  return typeof value === "string" ? value : "";
}
