/**
 * The objects every call makes keep one hidden class (V8 "map") across calls and fast properties.
 * Two ways our code lost that, both caught here, both in optimised code only (hence the probe's
 * 3,000 calls): an object spread that then gains a key (`{ ...template }` then
 * `headers[name] = ...` gave every call's header object a hidden class of its own) and an object
 * literal with getters (new functions per call: a dictionary-mode object per response). With both,
 * about 3 KB of every call's garbage was promoted to the old generation; without, 0.25 KB (see
 * src/answer-response.ts). Checked with V8's own `%HaveSameMap` and `%HasFastProperties` in a
 * child process started with --allow-natives-syntax.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

it("gives every call's header object and withResponse() response the previous call's hidden class, with fast properties", () => {
  const probe = fileURLToPath(new URL("./fixtures/hidden-class-probe.ts", import.meta.url));
  const out = execFileSync(
    process.execPath,
    ["--allow-natives-syntax", "--conditions=@tswats/source", "--import", "tsx", probe],
    { cwd: fileURLToPath(new URL("..", import.meta.url)), encoding: "utf8" },
  );
  const shapes = JSON.parse(out.trim().split("\n").pop() as string) as Record<string, boolean>;
  expect(shapes).toStrictEqual({ headers: true, bodyHeaders: true, responses: true, fastProperties: true });
}, 60_000);
