/**
 * Nothing outside the client's folders: links planted in a watch folder or in its Done/ and
 * Error/ folders are never followed for reading or writing (unless watch.followSymlinks).
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { silentLogger } from "@tswats/core";
import { type Report, UutReport } from "@tswats/report";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ConverterEvent, ConverterWatchers } from "../src/watchers.js";
import { startConverterWatchers } from "../src/watchers.js";
import { tempDir } from "./helpers.js";

const SETTLE_MS = 100;

function reportJson(sn: string): string {
  const uut = new UutReport({
    pn: "PN-LINK",
    sn,
    rev: "A",
    processCode: 10,
    operator: "op",
    station: "st",
    location: "l",
    purpose: "p",
    start: "2026-01-01T10:00:00+01:00",
  });
  uut.root.passFail("ok", true);
  return JSON.stringify(uut.build());
}

let tmp: Awaited<ReturnType<typeof tempDir>>;
let folder: string;
let outside: string;
let watchers: ConverterWatchers | undefined;
let events: ConverterEvent[];
let enqueued: Report[];

beforeEach(async () => {
  tmp = await tempDir();
  folder = join(tmp.dir, "in");
  outside = join(tmp.dir, "outside");
  await mkdir(folder);
  await mkdir(outside);
  events = [];
  enqueued = [];
});

afterEach(async () => {
  await watchers?.close();
  watchers = undefined;
  await tmp.cleanup();
});

async function start(options: { followSymlinks?: boolean; recursive?: boolean; name?: string } = {}) {
  watchers = await startConverterWatchers({
    converters: [
      {
        name: options.name ?? "wsjf-json",
        watch: {
          folder,
          settleMs: SETTLE_MS,
          rescanMs: 0,
          ...(options.followSymlinks ? { followSymlinks: true } : {}),
          ...(options.recursive ? { recursive: true } : {}),
        },
        ...(options.name === "csv" ? { parameters: { badRows: "skip-row" } } : {}),
      },
    ],
    enqueue: async (report) => {
      enqueued.push(report);
      return { id: String(report.id), status: "enqueued" };
    },
    logger: silentLogger,
    workers: 1,
    onEvent: (e) => events.push(e),
  });
}

async function eventFor(file: string): Promise<ConverterEvent> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const e = events.find((x) => x.path.endsWith(file));
    if (e) return e;
    if (Date.now() > deadline) throw new Error(`no event for ${file}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A plain file dropped after the links: once it is handled, the links had their chance too. */
async function settleWithMarkerFile(): Promise<void> {
  await writeFile(join(folder, "marker.json"), reportJson("MARKER"));
  await eventFor("marker.json");
  await new Promise((r) => setTimeout(r, 4 * SETTLE_MS));
}

describe("symbolic links in and around watch folders", () => {
  it("a link to a file elsewhere (a report, /etc/passwd-like) is neither read nor uploaded", async () => {
    const valid = reportJson("OUTSIDE-1");
    await writeFile(join(outside, "valid.json"), valid);
    await writeFile(join(outside, "passwd.json"), "root:x:0:0:secret-first-line\n");
    await symlink(join(outside, "valid.json"), join(folder, "link-to-report.json"));
    await symlink(join(outside, "passwd.json"), join(folder, "link-to-passwd.json"));
    await start();
    await settleWithMarkerFile();
    expect(enqueued.map((r) => r.sn)).toEqual(["MARKER"]);
    expect(events.filter((e) => e.path.includes("link-to"))).toEqual([]);
    expect(existsSync(join(folder, "Error"))).toBe(false); // nothing about them was written anywhere
    expect(await readFile(join(outside, "valid.json"), "utf8")).toBe(valid);
    expect(await readdir(outside)).toEqual(["passwd.json", "valid.json"]);
  }, 60_000);

  it("a linked sub-folder is not descended into (recursive watch)", async () => {
    await writeFile(join(outside, "deep.json"), reportJson("OUTSIDE-2"));
    await symlink(outside, join(folder, "linked-dir"));
    await start({ recursive: true });
    await settleWithMarkerFile();
    expect(enqueued.map((r) => r.sn)).toEqual(["MARKER"]);
    expect(existsSync(join(outside, "deep.json"))).toBe(true);
  }, 60_000);

  it("with watch.followSymlinks the linked report is converted (the documented opt-in)", async () => {
    await writeFile(join(outside, "valid.json"), reportJson("OUTSIDE-3"));
    await symlink(join(outside, "valid.json"), join(folder, "link-to-report.json"));
    await start({ followSymlinks: true });
    await eventFor("link-to-report.json");
    expect(enqueued.map((r) => r.sn)).toContain("OUTSIDE-3");
  }, 60_000);

  it("a link planted at Error/<name>.error.txt is not written through", async () => {
    const target = join(outside, "victim.txt");
    await writeFile(target, "precious\n");
    await mkdir(join(folder, "Error"));
    await symlink(target, join(folder, "Error", "broken.json.error.txt"));
    await start();
    await writeFile(join(folder, "broken.json"), "{ not json");
    const e = await eventFor("broken.json");
    expect(e.type).toBe("failed");
    expect(await readFile(target, "utf8")).toBe("precious\n");
    const names = await readdir(join(folder, "Error"));
    const written = names.find(
      (n) => n.startsWith("broken.json.") && n.endsWith(".error.txt") && n !== "broken.json.error.txt",
    );
    expect(written, names.join(", ")).toBeDefined();
    expect(await readFile(join(folder, "Error", written as string), "utf8")).toMatch(/^kind: parse$/m);
  }, 60_000);

  it("a link planted at Done/<name>.warnings.txt is not written through", async () => {
    const target = join(outside, "victim.txt");
    await writeFile(target, "precious\n");
    await mkdir(join(folder, "Done"));
    await symlink(target, join(folder, "Done", "rows.csv.warnings.txt"));
    await start({ name: "csv" });
    const header = "SerialNumber,PartNumber,TestDate,StepName,Value,LowLimit,HighLimit";
    await writeFile(
      join(folder, "rows.csv"),
      `${header}\nSN-1,PN-1,2026-01-01 10:00:00,V1,5,1,10\nSN-1,PN-1,2026-01-01 10:00:00,V2,notanumber,1,10\n`,
    );
    const e = await eventFor("rows.csv");
    expect(e.type, JSON.stringify(e)).toBe("converted");
    expect(await readFile(target, "utf8")).toBe("precious\n");
    const names = await readdir(join(folder, "Done"));
    expect(names.some((n) => n.startsWith("rows.csv.") && n.endsWith(".warnings.txt"))).toBe(true);
  }, 60_000);

  it("a Done folder that is a link leads nowhere: the file stays, nothing is written outside", async () => {
    await symlink(outside, join(folder, "Done"));
    await start();
    await writeFile(join(folder, "ok.json"), reportJson("DONE-LINK"));
    await eventFor("ok.json");
    expect(await readdir(outside)).toEqual([]);
    expect(existsSync(join(folder, "ok.json"))).toBe(true);
  }, 60_000);
});
