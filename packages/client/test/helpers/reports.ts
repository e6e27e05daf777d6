import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Report, UutReport } from "@tswats/report";

let serial = 0;

/** A small valid test report (new id each call unless given). */
export function sampleReport(options: { id?: string; sn?: string } = {}): Report {
  serial++;
  const uut = new UutReport({
    pn: "PCBA-100",
    sn: options.sn ?? `SN-${String(serial).padStart(5, "0")}`,
    rev: "A",
    processCode: 10,
    operator: "op",
    station: "Station-1",
    location: "Line 1",
    purpose: "Production",
    start: "2026-03-01T12:00:00.000+01:00",
    ...(options.id ? { id: options.id } : {}),
  });
  uut.root.passFail("Power on", true);
  return uut.build();
}

export const sampleSource = (path = "/data/in/file.csv") => ({
  path,
  converter: "test",
  sha256: "0".repeat(64),
  index: 0,
});

/** A fresh temp directory, removed by the returned cleanup. */
export async function tempDir(
  prefix = "tswats-client-",
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
