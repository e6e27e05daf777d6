import { createRequire } from "node:module";
import { join } from "node:path";

/**
 * pino-pretty is an optional peer dependency of `@tswats/core`: a development nicety for reading
 * logs on a terminal, not something the SDK needs at run time. Install it beside the SDK
 * (`npm install -D pino-pretty`) to get pretty lines on a TTY; without it the logger writes JSON.
 *
 * Where it is looked for, in order: beside `@tswats/core` itself (npm and yarn install it there;
 * pnpm links an optional peer the project has), then the project in the working folder.
 * Returns the resolved file, or undefined when neither place has it.
 */
export function findPinoPretty(
  from: readonly string[] = [import.meta.url, join(process.cwd(), "package.json")],
): string | undefined {
  for (const base of from) {
    try {
      return createRequire(base).resolve("pino-pretty");
    } catch {
      // not installed there: try the next place
    }
  }
  return undefined;
}
