import { type CallOptions, WatsError } from "@tswats/core";
import type { Process, ProductionInternalService } from "./generated/internal/index.js";

/** What a process is used for: test operations, repair operations or work-in-progress operations. */
export type ProcessKind = "test" | "repair" | "wip";

/** Whether a process is of a kind (a process can be of several). */
export function isProcessKind(process: Process, kind: ProcessKind): boolean {
  switch (kind) {
    case "test":
      return process.IsTestOperation === true;
    case "repair":
      return process.IsRepairOperation === true;
    case "wip":
      return process.IsWIPOperation === true;
  }
}

/**
 * The processes by their code (100, 500, ...), optionally only those of one kind, in the server's
 * order. A process without a code, or two with the same code, fail with a WatsError: a lookup by
 * code would otherwise silently miss or pick one of them.
 */
export function indexProcessesByCode(
  processes: readonly Process[],
  kind?: ProcessKind,
): ReadonlyMap<number, Process> {
  const byCode = new Map<number, Process>();
  for (const process of processes) {
    if (kind !== undefined && !isProcessKind(process, kind)) continue;
    const code = process.Code;
    if (typeof code !== "number") {
      throw new WatsError(`getProcesses: process "${process.Name ?? "?"}" has no code`, {
        operation: "getProcesses",
        body: process,
      });
    }
    const other = byCode.get(code);
    if (other !== undefined) {
      throw new WatsError(
        `getProcesses: code ${code} is used by both "${other.Name ?? "?"}" and "${process.Name ?? "?"}"`,
        { operation: "getProcesses", body: [other, process] },
      );
    }
    byCode.set(code, process);
  }
  return byCode;
}

/**
 * Fetches the server's processes with the internal API and indexes them by code; each call reads
 * the server afresh (nothing is cached, so a process added on the server shows up at once).
 * @experimental Built on the internal WATS API (unsupported by Virinco, may change).
 */
export async function getProcessesByCode(
  service: Pick<ProductionInternalService, "getProcesses">,
  options?: CallOptions & { kind?: ProcessKind },
): Promise<ReadonlyMap<number, Process>> {
  const { kind, ...callOptions } = options ?? {};
  return indexProcessesByCode(await service.getProcesses(callOptions), kind);
}
