/**
 * How hard the fuzz properties push: `npm run fuzz` runs 100,000 cases per property
 * (FUZZ_RUNS=100000); the regular suite and CI run a few hundred. The seed is fixed so every
 * failure is reproducible; set FUZZ_SEED to explore other corners.
 */
export const FUZZ_RUNS = Number(process.env['FUZZ_RUNS'] ?? 300);
export const FUZZ_SEED = Number(process.env['FUZZ_SEED'] ?? 20_261_122);
export const fuzzParameters = { numRuns: FUZZ_RUNS, seed: FUZZ_SEED };
/** Per-test time limit, scaled to the number of cases. */
export const FUZZ_TIMEOUT_MS = Math.max(30_000, FUZZ_RUNS * 2);
export const label = `${FUZZ_RUNS.toLocaleString('en-US')} cases, seed ${FUZZ_SEED}`;
