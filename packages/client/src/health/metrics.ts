/** Prometheus text format (0.0.4) of the daemon's state. */
import type { QueueCounts } from "../queue/file-queue.js";
import type { UploaderStats } from "../upload/uploader.js";

export function metricsText(counts: QueueCounts, uploader: UploaderStats): string {
  const lines: string[] = [];
  const metric = (name: string, type: string, help: string, samples: [string, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
  };
  metric(
    "tswats_client_queue_reports",
    "gauge",
    "Reports in the queue folder by state.",
    (["pending", "sending", "done", "failed"] as const).map((s) => [`{state="${s}"}`, counts[s]]),
  );
  metric("tswats_client_uploads_total", "counter", "Upload outcomes since the daemon started.", [
    ['{outcome="ok"}', uploader.uploadsOk],
    ['{outcome="failed"}', uploader.uploadsFailed],
    ['{outcome="retried"}', uploader.uploadsRetried],
  ]);
  metric("tswats_client_uploads_in_flight", "gauge", "Uploads in progress.", [["", uploader.inFlight]]);
  metric(
    "tswats_client_last_success_timestamp_seconds",
    "gauge",
    "Unix time of the last successful upload (0: none yet).",
    [["", uploader.lastSuccessAt ? Date.parse(uploader.lastSuccessAt) / 1000 : 0]],
  );
  metric(
    "tswats_client_breaker_state",
    "gauge",
    "Circuit breaker towards WATS (1 for the current state).",
    (["closed", "open", "half-open"] as const).map((s) => [`{state="${s}"}`, uploader.breaker === s ? 1 : 0]),
  );
  metric("tswats_client_auth_required", "gauge", "1 while WATS refuses the token and uploads are paused.", [
    ["", uploader.auth === "authentication-required" ? 1 : 0],
  ]);
  return `${lines.join("\n")}\n`;
}
