/**
 * The station console in a real browser: headless Chromium (Debian's `chromium`, driven by
 * playwright-core) against a daemon and the simulator. Every page renders with real data; retry
 * and purge change the queue; the preview shows a converted fixture; a configuration error names
 * the field; the token and the console password never appear in any response. Screenshots of each
 * page go to node_modules/.cache/tswats/console-screenshots/, or, with TSWATS_UPDATE_SCREENSHOTS=1,
 * to docs/console/*.png (shown in the README), so a plain test run leaves the checkout unchanged.
 *
 * Without Chromium (TSWATS_CHROMIUM, else /usr/bin/chromium) the file is skipped with a printed
 * reason; `.ci/run` installs it.
 */

import { existsSync } from "node:fs";
import { copyFile, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { silentLogger } from "@tswats/core";
import { type Simulator, startSimulator } from "@tswats/simulator";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadClientConfig } from "../src/config/load.js";
import { type Daemon, startDaemon } from "../src/daemon/daemon.js";
import { CANARY, expectNoLeak } from "./helpers/canary.js";
import { waitFor } from "./helpers/daemon-process.js";
import { sampleReport, tempDir } from "./helpers/reports.js";

const CHROMIUM = process.env.TSWATS_CHROMIUM ?? "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(
    `console-browser.test.ts SKIPPED: no Chromium at ${CHROMIUM} (install Debian's chromium, or set TSWATS_CHROMIUM)`,
  );
}

const FIXTURES = resolve(fileURLToPath(import.meta.url), "../../../../fixtures");
const SCREENSHOTS =
  process.env.TSWATS_UPDATE_SCREENSHOTS === "1"
    ? resolve(fileURLToPath(import.meta.url), "../../docs/console")
    : resolve(fileURLToPath(import.meta.url), "../../../../node_modules/.cache/tswats/console-screenshots");
const PASSWORD = "console-pw-Zq81-never-shown";

describe.skipIf(!haveChromium)("the station console in Chromium", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let sim: Simulator;
  /** Reports the simulator was seeded with (uploads are counted on top of these). */
  let seeded = 0;
  const uploaded = () => sim.reports.size - seeded;
  let daemon: Daemon;
  let configPath: string;
  let inbox: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  /** Every response body the browser received. */
  const bodies: string[] = [];

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir("tswats-console-"));
    sim = await startSimulator({ port: 0, seed: 7, tokens: [{ token: CANARY }] });
    seeded = sim.reports.size;
    // The first two uploads are refused (400): those reports end in failed/ for the Queue page.
    sim.faults.add({ kind: "status", status: 400, times: 2, match: { path: "/api/Report/WSJF" } });
    inbox = join(dir, "inbox");
    await mkdir(inbox);
    configPath = join(dir, "config.json");
    await writeFile(
      configPath,
      JSON.stringify({
        server: { baseUrl: sim.url, token: CANARY, station: "STATION-CONSOLE", timeoutMs: 5_000 },
        queue: { folder: "./queue" },
        upload: {
          concurrency: 1,
          baseDelayMs: 20,
          maxDelayMs: 100,
          pollMs: 20,
          breaker: false,
        },
        health: { port: 0 },
        console: { password: PASSWORD },
        log: { level: "debug" },
        shutdownTimeoutMs: 2_000,
        converters: [{ name: "teststand-xml", label: "line-1", watch: { folder: "./inbox", settleMs: 100 } }],
      }),
      { mode: 0o600 },
    );
    const loaded = loadClientConfig({ path: configPath, env: {} });
    daemon = await startDaemon({
      config: loaded.config,
      configPath,
      token: () => loadClientConfig({ path: configPath, env: {} }).token ?? "",
      logger: silentLogger,
    });
    base = daemon.health.url;
    for (let i = 0; i < 3; i++) await daemon.queue.enqueueReport(sampleReport(), null);
    await copyFile(join(FIXTURES, "converters/teststand/TSWithWats2.xml"), join(inbox, "good.xml"));
    await writeFile(join(inbox, "broken.xml"), "<?xml version='1.0'?><Prop Name='UUT'>cut off");
    await waitFor(() => daemon.queue.counts().failed === 2, 20_000, "two reports refused");
    await waitFor(() => uploaded() === 2, 20_000, "the third report and the converted file uploaded");
    await waitFor(
      () => existsSync(join(inbox, "Error", "broken.xml.error.txt")),
      20_000,
      "the broken file in Error/",
    );

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        // DNS rebinding for real: this name resolves to the console's loopback address.
        "--host-resolver-rules=MAP rebind.example 127.0.0.1",
      ],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.on("response", (response) => {
      response
        .text()
        .then((text) => bodies.push(text))
        .catch(() => undefined);
    });
    page.on("dialog", (dialog) => void dialog.accept());
    await mkdir(SCREENSHOTS, { recursive: true });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
    await sim?.close();
    await cleanup?.();
  });

  const shoot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });

  it("asks for the password, then shows the dashboard with the queue and the connection", async () => {
    await page.goto(`${base}/console`);
    expect(page.url()).toBe(`${base}/console/login`);
    await page.fill("#password", "wrong password");
    await page.click("text=Log in");
    await expect(page.locator("[role=status]").textContent()).resolves.toContain("wrong password");
    await page.fill("#password", PASSWORD);
    await page.click("text=Log in");
    await page.waitForURL(`${base}/console`);
    expect(await page.textContent("[data-testid=ready]")).toBe("ready");
    expect(await page.textContent("[data-testid=count-failed]")).toBe("2");
    expect(await page.textContent("[data-testid=count-done-today]")).toBe("2");
    expect(await page.textContent("[data-testid=breaker]")).toBe("closed");
    expect(await page.textContent("[data-testid=throttle]")).toMatch(/^rate limit: [1-9]\d* of 500 requests/);
    const text = (await page.textContent("main")) ?? "";
    expect(text).toContain("line-1");
    expect(text).toMatch(/2 uploaded in the last hour/);
    await shoot("dashboard");
  });

  it("queue: failed reports with their reason and WSJF; retry and purge change the queue", async () => {
    await page.goto(`${base}/console/queue`);
    const failedRows = page.locator("h2:has-text('Failed') + table tbody tr");
    expect(await failedRows.count()).toBe(2);
    const first = (await failedRows.first().textContent()) ?? "";
    expect(first).toContain("PCBA-100");
    expect(first).toMatch(/rejected \(HTTP 400\)/);
    await shoot("queue");

    await failedRows.first().locator("a").click();
    await page.waitForURL(/\/console\/queue\/report\?id=/);
    expect(await page.textContent("[data-testid=wsjf]")).toContain('"pn": "PCBA-100"');
    await page.goBack();

    await failedRows.first().locator("button:has-text('Retry')").click();
    await expect.poll(() => page.textContent("[data-testid=queue-counts]")).toMatch(/failed 1,/);
    await waitFor(() => uploaded() === 3, 10_000, "the retried report uploaded");

    await page.click("button:has-text('Purge done')");
    await expect.poll(() => page.textContent("[role=status]")).toMatch(/removed 3 done report/);
    expect(await page.textContent("[data-testid=queue-counts]")).toMatch(/done 0$/);
    expect(daemon.queue.counts().done).toBe(0);
  });

  it("converters: the watch folder with its last converted and failed files, and a preview", async () => {
    await page.goto(`${base}/console/converters`);
    const watcher = (await page.textContent("[data-testid=watcher]")) ?? "";
    expect(watcher).toContain("good.xml");
    expect(watcher).toContain("broken.xml");
    const reason = await readFile(join(inbox, "Error", "broken.xml.error.txt"), "utf8");
    expect(watcher).toContain(reason.split("\n")[0]?.slice(0, 40));
    await page.setInputFiles("#preview-file", join(FIXTURES, "converters/teststand/TSWithWats2.xml"));
    await page.click("button:has-text('Preview')");
    const preview = (await page.locator("[data-testid=preview-json]").textContent()) ?? "";
    expect(JSON.parse(preview)).toMatchObject({ sn: "5465466", pn: "11" });
    expect(await page.textContent("#preview")).toContain("by converter teststand-xml (not submitted)");
    expect(uploaded()).toBe(3);
    await shoot("converters");
  });

  it("setup: a configuration error names the field and changes nothing; the token is replaced, never shown", async () => {
    await page.goto(`${base}/console/setup`);
    const before = await readFile(configPath, "utf8");
    await page.fill("#key", "upload.concurrency");
    await page.fill("#value", "99");
    await page.click("button:has-text('Set')");
    const error = (await page.textContent("[data-testid=config-error]")) ?? "";
    expect(error).toContain("upload.concurrency");
    expect(await readFile(configPath, "utf8")).toBe(before);
    await shoot("setup");

    await page.fill("#baseUrl", "ftp://nowhere");
    await page.click("button:has-text('Save')");
    // The answer replaces the form (and the earlier error): wait for it.
    await expect.poll(() => page.textContent("[data-testid=config-error]")).toContain("server.baseUrl");
    expect(await readFile(configPath, "utf8")).toBe(before);

    await page.fill("#token", CANARY);
    await page.click("button:has-text('Replace token')");
    await expect.poll(() => page.textContent("[role=status]")).toContain("token replaced");
    expect(await page.textContent("[data-testid=token-state]")).toBe("set (from the config file)");
    expect((await stat(configPath)).mode & 0o777).toBe(0o600);
    expect(await page.inputValue("#token")).toBe("");

    await page.click("button:has-text('Test the connection')");
    const checks = (await page.textContent("[data-testid=connection-checks]")) ?? "";
    expect(checks).toMatch(/ok\s*connectivity/);
    expect(checks).toMatch(/ok\s*token accepted/);
  });

  it("software: lists the server's packages, downloads one's files and verifies them", async () => {
    await page.goto(`${base}/console/software`);
    const row = page.locator("tr", { hasText: "StationSetup" }).filter({ hasText: "Released" });
    expect(await row.count()).toBe(1);
    // The default download folder: <queue>/console/software.
    const folder = join(dir, "queue", "console", "software", "StationSetup", "v1");
    await row.locator("button:has-text('Download')").click();
    const verdict = page.locator("[data-testid=software-verdict]");
    await expect.poll(() => verdict.textContent()).toContain("StationSetup v1: downloaded to");
    expect(await verdict.getAttribute("data-ok")).toBe("true");
    const result = (await page.textContent("#software-result")) ?? "";
    for (const path of ["bin/drivers/fixture.dll", "bin/setup.exe", "config/station.ini"]) {
      expect(result).toMatch(new RegExp(`ok\\s*${path.replace(/[./]/g, "\\$&")}\\s*\\d+ bytes, md5`));
    }
    const pkg = sim.state.software.list().find((p) => p.name === "StationSetup" && p.status === "Released");
    const exe = sim.state.software
      .files(pkg ?? sim.state.software.require(""))
      .find((f) => f.name === "setup.exe");
    const served = sim.state.software.content(exe?.packageFileId ?? "")?.data;
    expect(served && (await readFile(join(folder, "bin", "setup.exe"))).equals(served)).toBe(true);
    await row.locator("button:has-text('Verify')").click();
    await expect.poll(() => verdict.textContent()).toContain("StationSetup v1: verified in");
    await shoot("software");
    // A changed file is named.
    await writeFile(join(folder, "config", "station.ini"), "[station]\r\nline=OTHER\r\n");
    await row.locator("button:has-text('Verify')").click();
    await expect.poll(() => verdict.textContent()).toContain("NOT verified (config/station.ini)");
    expect(await page.textContent("#software-result")).toMatch(/FAIL\s*config\/station\.ini\s*changed:/);
  });

  it("serial numbers: take numbers of a type into the local reserve and hand one out", async () => {
    await page.goto(`${base}/console/serials`);
    await page.selectOption("#sn-type", "PCBA");
    await page.fill("#sn-quantity", "3");
    await page.click("button:has-text('Take into the reserve')");
    await expect.poll(() => page.textContent("[data-testid=reserve-PCBA]")).toBe("3");
    await page.click("button:has-text('Use next')");
    const used = (await page.textContent("[data-testid=used-serial]")) ?? "";
    expect(used).toMatch(/^PCBA-\d{6}$/);
    expect(await page.textContent("[data-testid=reserve-PCBA]")).toBe("2");
    await shoot("serials");
  });

  it("log: recent lines with a level filter and correlation ids that link to their call", async () => {
    await page.goto(`${base}/console/log?level=debug`);
    const link = page.locator("td a[href*='correlation=']").first();
    const id = (await link.getAttribute("title")) ?? "";
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await shoot("log");
    await link.click();
    await page.waitForURL(/correlation=/);
    const rows = page.locator("#log-lines tbody tr");
    expect(await rows.count()).toBeGreaterThan(0);
    const titles = await page
      .locator("#log-lines tbody tr a[title]")
      .evaluateAll((links) => links.map((a) => a.getAttribute("title")));
    expect(titles).toHaveLength(await rows.count());
    expect(new Set(titles)).toEqual(new Set([id]));
    await page.goto(`${base}/console/log?level=warn`);
    const levels = await page.locator("#log-lines tbody tr td:nth-child(2)").allTextContents();
    expect(levels.length).toBeGreaterThan(0);
    for (const level of levels) expect(["warn", "error", "fatal"]).toContain(level);
  });

  it("refuses a page asked for under another name that resolves to it (DNS rebinding)", async () => {
    const rebound = await context.newPage();
    try {
      const answer = await rebound.goto(`http://rebind.example:${daemon.health.port}/console/queue`);
      expect(answer?.status()).toBe(403);
      expect(await rebound.textContent("body")).toMatch(/not this console's address/);
    } finally {
      await rebound.close();
    }
  });

  it("refuses a request without the CSRF token and one from another site, from this browser session", async () => {
    const cookies = await context.cookies(base);
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    const noToken = await fetch(`${base}/console/queue/purge`, { method: "POST", headers: { cookie } });
    expect(noToken.status).toBe(403);
    expect(await noToken.text()).toMatch(/CSRF/);
    const foreign = await fetch(`${base}/console/queue/purge`, {
      method: "POST",
      headers: { cookie, origin: "http://evil.example" },
    });
    expect(foreign.status).toBe(403);
  });

  it("no response the browser got contains the token or the console password", async () => {
    bodies.push(await page.content());
    expectNoLeak(bodies, [CANARY]);
    for (const body of bodies) expect(body).not.toContain(PASSWORD);
    expect(bodies.length).toBeGreaterThan(20);
  });
});
