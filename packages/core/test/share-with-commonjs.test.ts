/**
 * One @tswats/core per process: once its ES module is loaded, `require("@tswats/core")` returns
 * that module instead of loading the CommonJS copy (the copy's entry, written by the build). Runs
 * the built package in child processes.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const coreDir = fileURLToPath(new URL("..", import.meta.url));
const built = existsSync(new URL("../dist/cjs/index.js", import.meta.url));
if (!built && process.env.TSWATS_TEST_BUILT === "1")
  throw new Error("TSWATS_TEST_BUILT=1 but packages/core/dist is missing");
if (!built) console.log("share-with-commonjs.test: packages/core is not built (pnpm build); skipped");

describe.skipIf(!built)("the CommonJS entry of @tswats/core", () => {
  it("returns the ES module when the process loaded it first", async () => {
    const code = `import * as esm from "@tswats/core";
      import { createRequire } from "node:module";
      const require = createRequire(import.meta.url);
      const cjs = require("@tswats/core");
      const copies = Object.keys(require.cache).filter((f) => f.includes("/dist/cjs/")).length;
      console.log(JSON.stringify({ same: cjs === esm, copies }));`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", code], { cwd: coreDir });
    expect(JSON.parse(stdout)).toEqual({ same: true, copies: 1 });
  });

  it("is the CommonJS copy itself when nothing loaded the ES module (and the ES module loaded later is another)", async () => {
    const code = `const cjs = require("@tswats/core");
      const copies = Object.keys(require.cache).filter((f) => f.includes("/dist/cjs/")).length;
      import("@tswats/core").then((esm) => console.log(JSON.stringify({ works: typeof cjs.HttpTransport, copies: copies > 1, same: cjs.WatsError === esm.WatsError })));`;
    const { stdout } = await run(process.execPath, ["-e", code], { cwd: coreDir });
    expect(JSON.parse(stdout)).toEqual({ works: "function", copies: true, same: false });
  });
});
