import type { CommandIo } from "@tswats/converters/config";

export type { CommandIo };

export interface CliContext {
  io: CommandIo;
  env: NodeJS.ProcessEnv;
  /** Whether stderr is a terminal (progress output only then). */
  progress: boolean;
  /** Read stdin fully (config set server.token -). */
  readStdin: () => Promise<string>;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export function printJson(io: CommandIo, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** "12/40" on one refreshed stderr line, only on a terminal. */
export function progressPrinter(
  ctx: CliContext,
  label: string,
): ((done: number, total: number) => void) | undefined {
  if (!ctx.progress) return undefined;
  return (done, total) => {
    ctx.io.err(`\r${label} ${done}/${total}`);
    if (done >= total) ctx.io.err("\n");
  };
}
