/**
 * The seed of a test's random schedule: TSWATS_TEST_SEED when set (to repeat a run), otherwise a
 * fresh one. It is printed at once, so a failing run can be repeated exactly.
 */
import { Random } from "@tswats/simulator";

export function seededRandom(testName: string): { seed: number; random: Random } {
  const fromEnv = process.env.TSWATS_TEST_SEED;
  if (fromEnv !== undefined && !/^\d+$/.test(fromEnv))
    throw new Error(`TSWATS_TEST_SEED must be a whole number, not '${fromEnv}'`);
  const seed = fromEnv === undefined ? Math.floor(Math.random() * 2 ** 32) : Number(fromEnv) >>> 0;
  console.log(`${testName}: seed ${seed} (repeat with TSWATS_TEST_SEED=${seed})`);
  return { seed, random: new Random(seed) };
}
