/**
 * What the daemon does not load until it is used (its idle memory; bench/daemon-memory.ts measures
 * it): no converter (the config is read through @tswats/converters/config), no console page (they
 * load with the console's first request), no other CLI command, no XML parser, no undici, no
 * domain package's zod schemas, and not the SDK (loaded when uploads are on and the uploader is
 * created).
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

it("importing the daemon's entry loads no converter, console page, other command, XML parser, domain schema or SDK", () => {
  const probe = fileURLToPath(new URL("./fixtures/daemon-import-probe.cjs", import.meta.url));
  const out = execFileSync(process.execPath, ["--conditions=@tswats/source", "-r", "tsx/cjs", probe], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    encoding: "utf8",
  });
  const { files } = JSON.parse(out.trim().split("\n").pop() as string) as { files: string[] };
  const slash = files.map((f) => f.replace(/\\/g, "/"));
  // The probe really loaded the daemon (else the checks below would pass vacuously).
  expect(slash.some((f) => f.endsWith("packages/client/src/daemon/daemon.ts"))).toBe(true);
  expect(slash.some((f) => f.endsWith("packages/client/src/queue/file-queue.ts"))).toBe(true);
  expect(slash.some((f) => f.endsWith("packages/converters/src/config-schema.ts"))).toBe(true);

  const unwanted = slash.filter((f) =>
    [
      /packages\/converters\/src\/(index|host|watchers|standard\/(?!json-error-position)).*/,
      /packages\/client\/src\/console\/(console-server|pages\/)/,
      /packages\/client\/src\/(service\/|cli\/convert-commands)/,
      /packages\/sdk\//,
      // A domain package's zod schemas (its `/schemas` entry): the daemon's config needs none.
      /packages\/domains\/[^/]+\/src\/(generated\/(internal\/)?(operation-)?schemas|model\/schemas)\./,
      /node_modules\/(fast-xml-parser|saxes|chokidar|htmx\.org)\//,
      /node_modules\/undici\//,
    ].some((pattern) => pattern.test(f)),
  );
  expect(unwanted).toStrictEqual([]);
}, 60_000);
