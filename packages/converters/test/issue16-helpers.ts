/** What the tests of the issue-16 converters share: a host, temp files, the step tree walk, the simulator round trip. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Report, ReportClient, type Step } from "@tswats/report";
import { Wats } from "@tswats/sdk";
import { startSimulator } from "@tswats/simulator";
import { expect } from "vitest";
import { type ConversionSuccess, ConverterHost } from "../src/host.js";
import { conversionFailure, REPO_FIXTURES, tempDir } from "./helpers.js";

export const fixture = (p: string) => join(REPO_FIXTURES, "converters", p);

/** Every step of a tree, root first (pre-order). */
export function allSteps(root: Step | undefined): Step[] {
  const out: Step[] = [];
  const walk = (s: Step) => {
    out.push(s);
    for (const c of s.steps ?? []) walk(c);
  };
  if (root) walk(root);
  return out;
}

/** A host converting in this thread, and a temp folder for made-up files. */
export async function converterBench() {
  const host = await ConverterHost.create({ inProcess: true });
  const tmp = await tempDir();
  return {
    host,
    dir: tmp.dir,
    async file(name: string, content: string | Uint8Array): Promise<string> {
      const path = join(tmp.dir, name);
      await writeFile(path, content);
      return path;
    },
    convert(
      path: string,
      converter: string,
      parameters: Record<string, unknown> = {},
    ): Promise<ConversionSuccess> {
      return host.convertFile(path, { converter, parameters });
    },
    fail(path: string, converter: string, parameters: Record<string, unknown> = {}) {
      return conversionFailure(host.convertFile(path, { converter, parameters }));
    },
    async close() {
      await host.close();
      await tmp.cleanup();
    },
  };
}

/**
 * Submits the reports of `convert()` to a fresh simulator twice (the second time from a new
 * conversion of the same file): the simulator must hold one report per unit, each replaced once.
 */
export async function expectReplacedOnSimulator(convert: () => Promise<Report[]>): Promise<void> {
  const sim = await startSimulator({ port: 0, data: "empty" });
  const wats = new Wats({
    baseUrl: sim.url,
    token: sim.token,
    retry: { maxAttempts: 1 },
  } as ConstructorParameters<typeof Wats>[0]);
  try {
    const client = new ReportClient(wats);
    const first = await convert();
    for (const r of first) await client.submit(r);
    expect(sim.reports.size).toBe(first.length);
    const again = await convert();
    expect(again.map((r) => r.id)).toEqual(first.map((r) => r.id));
    for (const r of again) await client.submit(r);
    expect(sim.reports.size).toBe(first.length);
    for (const r of first) expect(sim.reports.replaceCount(r.id as string)).toBe(1);
  } finally {
    await wats.close();
    await sim.close();
  }
}
