#!/usr/bin/env node
// pnpm release:rehearse — a release as users receive it, end to end, without publishing anything.
//
// 1. Starts a private npm registry (Verdaccio, scripts/lib/verdaccio.mjs) on 127.0.0.1.
// 2. Packs every workspace package with `pnpm pack -r` and publishes the public ones to it (workspace:^ ranges
//    become the real versions, as in a release). Expects the packages built: the root script
//    builds first.
// 3. In empty temporary projects, installs from that registry with npm, as a user would:
//    - @tswats/simulator, and runs `tswats-simulator` (the WATS server the next steps talk to);
//    - @tswats/product alone: an ESM import and a CommonJS require that each fetch a product from
//      the simulator, then `tsc --noEmit` of a typed snippet (ESM and CommonJS resolution,
//      skipLibCheck off; the workspace's TypeScript) after adding @types/node;
//    - @tswats/sdk: Wats.fromEnv() fetches a product;
//    - `npm install -g @tswats/client` into a temporary prefix: `tswats-client --version` must
//      print the published version, and `doctor` must pass against the simulator.
// 4. Prints each install's package count and size on disk, and writes them with the dependency
//    trees (`npm ls --all`) to node_modules/.cache/tswats/release-rehearsal.json.
//
// Our packages come only from the private registry: it has no uplink for @tswats/*. Other packages
// (zod, pino, ...) come through it from registry.npmjs.org. npm uses a fresh cache folder, so a
// tarball of an earlier rehearsal (same version, other content) is never reused.
// Tokens (the registry's publishing token, the simulator's API token) go only into files and
// environment variables of the child processes; they are never printed.
//
//   node scripts/release-rehearse.mjs [--keep]   --keep leaves the temporary folder for a look
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { installFootprint, megabytes } from "./lib/install-footprint.mjs";
import { packedManifest, publishTarball } from "./lib/publish-packed.mjs";
import { ensureVerdaccio, startRegistry, VERDACCIO_VERSION } from "./lib/verdaccio.mjs";
import { root, workspacePackages } from "./lib/workspace.mjs";

const execFileAsync = promisify(execFile);
const keep = process.argv.includes("--keep");
const started = performance.now();
const secrets = [];

/** Runs a command; on failure throws with its output (secrets masked) and what it was. */
async function run(command, args, cwd, env = {}) {
  try {
    return await execFileAsync(command, args, {
      cwd,
      env: { ...process.env, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const output = mask(`${error.stdout ?? ""}${error.stderr ?? ""}`.trim());
    throw new Error(`${command} ${args.join(" ")} (in ${cwd}) failed:\n${output || error.message}`);
  }
}

function mask(text) {
  return secrets.reduce((t, s) => t.split(s).join("[REDACTED]"), text);
}

function step(text) {
  const s = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  console.log(`[${s} s] ${text}`);
}

const published = workspacePackages().filter((p) => !p.private);
const versionOf = Object.fromEntries(published.map((p) => [p.name, p.version]));
const temp = mkdtempSync(join(tmpdir(), "tswats-rehearsal-"));
const npmCache = join(temp, "npm-cache");
const cleanups = [];
const report = { verdaccio: VERDACCIO_VERSION, packages: published.length, installs: {} };
let failed = false;

try {
  step(`Verdaccio ${VERDACCIO_VERSION}: checking the cached install`);
  const verdaccio = await ensureVerdaccio((command, args, cwd) => run(command, args, cwd).then(() => {}));
  step(verdaccio.installed ? "Verdaccio installed into the cache" : "Verdaccio found in the cache");

  const registry = await startRegistry(verdaccio.dir, join(temp, "registry"));
  cleanups.push(registry.close);
  secrets.push(registry.token);
  step(`registry listening on ${registry.url}`);

  // npm/pnpm settings of every command below: this registry only, nothing from ~/.npmrc.
  const hostKey = registry.url.replace(/^http:/, "");
  const userRc = join(temp, "user.npmrc");
  writeFileSync(userRc, `registry=${registry.url}\n`);
  const npmEnv = {
    npm_config_userconfig: userRc,
    npm_config_registry: registry.url,
    npm_config_cache: npmCache,
  };

  // `pnpm pack -r` packs every package in one process (workspace:^ ranges become versions, as in a
  // release); each public one is then published in this process (scripts/lib/publish-packed.mjs).
  step(`packing and publishing ${published.length} packages`);
  const packs = join(temp, "packs");
  await run(join(root, "node_modules/.bin/pnpm"), ["-r", "pack", "--pack-destination", packs], root);
  const packed = new Map();
  for (const file of readdirSync(packs).filter((f) => f.endsWith(".tgz"))) {
    const manifest = await packedManifest(join(packs, file));
    packed.set(manifest.name, { manifest, file: join(packs, file) });
  }
  await Promise.all(
    published.map(async (p) => {
      const entry = packed.get(p.name);
      if (!entry) throw new Error(`pnpm pack -r made no tarball of ${p.name}`);
      try {
        await publishTarball({
          manifest: entry.manifest,
          tarballData: readFileSync(entry.file),
          registry: registry.url,
          token: registry.token,
        });
      } catch (error) {
        throw new Error(`publishing ${p.name}@${p.version} failed: ${mask(String(error?.message ?? error))}`);
      }
    }),
  );
  for (const p of published) {
    const response = await fetch(`${registry.url}${p.name.replace("/", "%2f")}`);
    const body = response.ok ? await response.json() : {};
    if (!body.versions?.[p.version])
      throw new Error(
        `${p.name}@${p.version} is not on the registry after publishing (HTTP ${response.status})`,
      );
  }
  step(`all ${published.length} public packages are on the registry`);

  const npmInstall = async (dir, specs, extra = []) => {
    mkdirSync(dir, { recursive: true });
    await run(
      "npm",
      ["install", "--no-audit", "--no-fund", "--loglevel=error", ...extra, ...specs],
      dir,
      npmEnv,
    );
  };
  const newProject = (name, type) => {
    const dir = join(temp, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "package.json"),
      `${JSON.stringify({ name: `rehearsal-${name}`, private: true, ...(type ? { type } : {}) }, null, 2)}\n`,
    );
    return dir;
  };
  const record = async (label, dir, nodeModules, global = false) => {
    const footprint = installFootprint(nodeModules);
    const ls = global ? ["ls", "--all", "-g"] : ["ls", "--all"];
    const tree = await run("npm", ls, dir, global ? { ...npmEnv, npm_config_prefix: dir } : npmEnv).then(
      (r) => r.stdout,
      (e) => e.message,
    );
    report.installs[label] = { ...footprint, tree };
    step(`${label}: ${footprint.packages} packages, ${megabytes(footprint.diskBytes)} on disk`);
  };

  // The simulator, from the registry, for the calls below.
  const simDir = newProject("simulator");
  await npmInstall(simDir, ["@tswats/simulator"]);
  await record("npm install @tswats/simulator", simDir, join(simDir, "node_modules"));
  const sim = await startSimulatorFrom(simDir);
  cleanups.push(sim.close);
  secrets.push(sim.token);
  step(`tswats-simulator (from the registry) listening on ${sim.url}`);
  const watsEnv = { WATS_BASE_URL: sim.url, WATS_AUTH_TOKEN: sim.token };

  // @tswats/product alone.
  const productDir = newProject("product", "module");
  await npmInstall(productDir, ["@tswats/product"]);
  await record("npm install @tswats/product", productDir, join(productDir, "node_modules"));
  writeFileSync(
    join(productDir, "esm.mjs"),
    [
      'import { HttpTransport } from "@tswats/core";',
      'import { ProductService } from "@tswats/product";',
      "const transport = new HttpTransport({ baseUrl: process.env.WATS_BASE_URL, token: process.env.WATS_AUTH_TOKEN, logger: false });",
      'const product = await new ProductService(transport).getProduct({ partNumber: "PWR-1000" });',
      "await transport.close();",
      'console.log("esm", product.partNumber, product.name);',
      "",
    ].join("\n"),
  );
  writeFileSync(
    join(productDir, "cjs.cjs"),
    [
      'const { HttpTransport } = require("@tswats/core");',
      'const { ProductService } = require("@tswats/product");',
      "const transport = new HttpTransport({ baseUrl: process.env.WATS_BASE_URL, token: process.env.WATS_AUTH_TOKEN, logger: false });",
      'new ProductService(transport).getProduct({ partNumber: "PWR-1000" }).then(async (product) => {',
      "  await transport.close();",
      '  console.log("cjs", product.partNumber, product.name);',
      "});",
      "",
    ].join("\n"),
  );
  for (const [file, kind] of [
    ["esm.mjs", "esm"],
    ["cjs.cjs", "cjs"],
  ]) {
    const { stdout } = await run(process.execPath, [file], productDir, watsEnv);
    expectLine(
      stdout,
      `${kind} PWR-1000 Power supply 1 kW`,
      `@tswats/product ${kind === "esm" ? "import" : "require"}`,
    );
  }
  step("@tswats/product: ESM import and CommonJS require each fetched PWR-1000 from the simulator");
  // The workspace's TypeScript (the version our declarations are built with) checks the user's
  // project; the project brings its own @types/node, as a TypeScript project on Node does.
  await npmInstall(productDir, ["@types/node@20"], ["--save-dev"]);
  writeFileSync(
    join(productDir, "tsconfig.json"),
    `${JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ["node"],
        },
        files: ["typed.ts", "typed-cjs.cts"],
      },
      null,
      2,
    )}\n`,
  );
  const typedBody = (fn) =>
    [
      `${fn} {`,
      '  const service = new ProductService(new HttpTransport({ baseUrl: "https://wats.example.com", token: "t" }));',
      '  const product: Product = await service.getProduct({ partNumber: "PWR-1000" });',
      "  const name: string | null | undefined = product.name;",
      "  // @ts-expect-error partNumber is required",
      "  await service.getProduct({});",
      "  return name;",
      "}",
      "",
    ].join("\n");
  writeFileSync(
    join(productDir, "typed.ts"),
    'import { HttpTransport } from "@tswats/core";\nimport { type Product, ProductService } from "@tswats/product";\n\n' +
      typedBody("export async function productName(): Promise<string | null | undefined>"),
  );
  writeFileSync(
    join(productDir, "typed-cjs.cts"),
    'import { HttpTransport } from "@tswats/core";\nimport { type Product, ProductService } from "@tswats/product";\n\n' +
      typedBody("export async function productNameCjs(): Promise<string | null | undefined>"),
  );
  await run(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", "."], productDir);
  step(
    "@tswats/product: tsc --noEmit of a typed snippet passed (ESM and CommonJS resolution, skipLibCheck off)",
  );

  // @tswats/sdk
  const sdkDir = newProject("sdk", "module");
  await npmInstall(sdkDir, ["@tswats/sdk"]);
  await record("npm install @tswats/sdk", sdkDir, join(sdkDir, "node_modules"));
  // Each domain is loaded when first used (packages/sdk/src/load-domain.ts): the product call
  // loads @tswats/product only, the report query then loads @tswats/report; as ES modules
  // (required, so listed in require.cache) and as CommonJS.
  const sdkScript = (head, kind) =>
    [
      ...head,
      String.raw`const loaded = () => Object.keys(require.cache).map((f) => /@tswats\/([a-z-]+)\/dist\/(?:cjs\/)?service\.js$/.exec(f.replaceAll("\\", "/"))?.[1]).filter(Boolean).sort().join("+") || "none";`,
      "const wats = Wats.fromEnv({ logger: false });",
      "const run = async () => {",
      "  const before = loaded();",
      '  const product = await wats.product.getProduct({ partNumber: "PWR-1000" });',
      "  const afterProduct = loaded();",
      "  await wats.report.headerQuery({ $top: 1 });",
      `  console.log("${kind}", product.partNumber, product.name, "domains:", before, afterProduct, loaded());`,
      "};",
      "run().finally(() => wats.close());",
      "",
    ].join("\n");
  writeFileSync(
    join(sdkDir, "main.mjs"),
    sdkScript(
      [
        'import { createRequire } from "node:module";',
        'import { Wats } from "@tswats/sdk";',
        "const require = createRequire(import.meta.url);",
      ],
      "sdk",
    ),
  );
  writeFileSync(join(sdkDir, "main.cjs"), sdkScript(['const { Wats } = require("@tswats/sdk");'], "sdk-cjs"));
  for (const [file, kind] of [
    ["main.mjs", "sdk"],
    ["main.cjs", "sdk-cjs"],
  ]) {
    const sdkRun = await run(process.execPath, [file], sdkDir, watsEnv);
    expectLine(
      sdkRun.stdout,
      `${kind} PWR-1000 Power supply 1 kW domains: none product product+report`,
      `@tswats/sdk ${kind === "sdk" ? "import" : "require"}`,
    );
  }
  step(
    "@tswats/sdk: Wats.fromEnv() fetched PWR-1000 from the simulator (ESM and CommonJS), loading each domain on first use",
  );

  // npm install -g @tswats/client
  const prefix = join(temp, "global");
  mkdirSync(prefix, { recursive: true });
  await run("npm", ["install", "-g", "--no-audit", "--no-fund", "--loglevel=error", "@tswats/client"], temp, {
    ...npmEnv,
    npm_config_prefix: prefix,
  });
  await record("npm install -g @tswats/client", prefix, join(prefix, "lib/node_modules"), true);
  const cli = join(prefix, "bin/tswats-client");
  const clientHome = join(temp, "client-home");
  mkdirSync(clientHome, { recursive: true });
  const clientEnv = {
    TSWATS_CLIENT_CONFIG: join(clientHome, "config.json"),
    XDG_CONFIG_HOME: clientHome,
    PATH: `${join(prefix, "bin")}:${process.env.PATH}`,
  };
  const version = (await run(cli, ["--version"], clientHome, clientEnv)).stdout.trim();
  if (version !== versionOf["@tswats/client"])
    throw new Error(
      `tswats-client --version printed '${version}', expected '${versionOf["@tswats/client"]}'`,
    );
  step(`tswats-client --version: ${version}`);
  await run(
    cli,
    ["config", "init", "--base-url", sim.url, "--queue", join(clientHome, "queue")],
    clientHome,
    clientEnv,
  );
  const doctor = await run(cli, ["doctor"], clientHome, { ...clientEnv, WATS_AUTH_TOKEN: sim.token });
  if (doctor.stdout.includes(sim.token) || doctor.stderr.includes(sim.token))
    throw new Error("tswats-client doctor printed the API token");
  for (const check of ["config", "token", "connectivity", "token accepted"])
    if (!new RegExp(`^ok\\s+${check}\\b`, "m").test(doctor.stdout))
      throw new Error(`tswats-client doctor: no passing '${check}' check:\n${mask(doctor.stdout)}`);
  console.log(doctor.stdout.replace(/^/gm, "    ").trimEnd());
  step("tswats-client doctor passed against the simulator");
} catch (error) {
  failed = true;
  console.error(`\nrelease:rehearse failed: ${mask(error instanceof Error ? error.message : String(error))}`);
} finally {
  for (const close of cleanups.reverse()) await close().catch(() => {});
  if (keep) console.log(`kept ${temp}`);
  else rmSync(temp, { recursive: true, force: true });
}

report.ok = !failed;
report.seconds = Number(((performance.now() - started) / 1000).toFixed(1));
const out = join(root, "node_modules/.cache/tswats/release-rehearsal.json");
mkdirSync(join(out, ".."), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
printTable(report.installs);
console.log(
  `\nrelease:rehearse: ${failed ? "FAILED" : "ok"}: ${report.packages} packages published to Verdaccio ` +
    `${VERDACCIO_VERSION} on loopback, ${Object.keys(report.installs).length} installs, ${report.seconds} s ` +
    `(node_modules/.cache/tswats/release-rehearsal.json)`,
);
process.exitCode = failed ? 1 : 0;

function expectLine(stdout, line, what) {
  if (!stdout.split("\n").includes(line))
    throw new Error(`${what}: expected the line '${line}', got:\n${mask(stdout)}`);
}

function printTable(installs) {
  const rows = Object.entries(installs).map(([label, i]) => [
    label,
    String(i.packages),
    megabytes(i.diskBytes),
    megabytes(i.fileBytes),
  ]);
  if (rows.length === 0) return;
  const header = ["install", "packages", "on disk", "file bytes"];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells) =>
    cells.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join("  ");
  console.log(`\n${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
  for (const r of rows) console.log(line(r));
}

/** Starts the installed tswats-simulator; resolves with its URL and token once it listens. */
async function startSimulatorFrom(dir) {
  const child = spawn(join(dir, "node_modules/.bin/tswats-simulator"), ["--port", "0", "--seed", "1"], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("tswats-simulator did not start in 60 s")), 60_000);
    child.stdout.on("data", (chunk) => {
      output += chunk;
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      const token = /token:\s+(\S+)/.exec(output)?.[1];
      if (url && token) {
        clearTimeout(timer);
        resolve({ url, token });
      }
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`tswats-simulator exited (${code}) before listening`));
    });
  });
  return {
    ...ready,
    close: async () => {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}
