/**
 * Seeded randomness for tests with random schedules: the seed comes from TSWATS_TEST_SEED when
 * set (to replay a failure), else from the clock, and is printed so a failing run can be replayed.
 */
export interface SeededRandom {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
}

export function seededRandom(label: string): SeededRandom {
  const fromEnv = Number(process.env.TSWATS_TEST_SEED);
  const seed = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Date.now() % 2_147_483_647;
  console.log(`${label}: seed ${seed} (replay with TSWATS_TEST_SEED=${seed})`);
  let state = seed >>> 0;
  const next = () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { seed, next, int: (min, max) => min + Math.floor(next() * (max - min + 1)) };
}
