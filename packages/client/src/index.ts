/**
 * @tswats/client: the station client. A durable on-disk report queue, the uploader, the daemon
 * (with its health endpoint), the config file, and the converters' seam.
 */

export type { CommandIo, EnqueueReport, EnqueueResult, ReportSource } from "@tswats/converters/config";
export { EXIT } from "./cli/exit-codes.js";
export { runCli } from "./cli/run.js";
export {
  defaultConfigPath,
  type LoadedClientConfig,
  loadClientConfig,
  parseClientConfig,
  resolveConfigPath,
  type TokenSource,
} from "./config/load.js";
export { type ClientConfigFile, type ClientConfigInput, clientConfigSchema } from "./config/schema.js";
export {
  CLIENT_VERSION,
  type Daemon,
  type DaemonOptions,
  type DaemonStateFile,
  type DaemonStatus,
  STATE_FILE,
  startDaemon,
} from "./daemon/daemon.js";
export { QueueLockedError } from "./daemon/lock.js";
export { metricsText } from "./health/metrics.js";
export type { FailureReason, LastError, QueueEntry } from "./queue/entry.js";
export {
  type Claim,
  FileQueue,
  type OpenQueueOptions,
  openQueue,
  QUEUE_STATES,
  type QueueCounts,
  QueueError,
  type QueueListItem,
  type QueueState,
  type RetryOutcome,
} from "./queue/file-queue.js";
export { nodeQueueFs, type QueueDirEntry, type QueueFs } from "./queue/fs-layer.js";
export { DEFAULT_UPLOAD_RETRY, retryDelayMs, type UploadRetryOptions } from "./upload/backoff.js";
export { type ClassifiedFailure, classifyUploadError, type FailureClass } from "./upload/classify.js";
export {
  type AuthState,
  Uploader,
  type UploaderEvent,
  type UploaderOptions,
  type UploaderStats,
} from "./upload/uploader.js";
export { createWatsTarget, type UploadTarget, type WatsTargetOptions } from "./upload/wats-target.js";
