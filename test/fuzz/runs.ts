// How many cases each fuzz property runs: a few hundred in `npm test`, 10,000 in `npm run fuzz`
// (FUZZ_RUNS=10000). FUZZ_SEED replays a reported failure.
export const FUZZ_RUNS = Number(process.env["FUZZ_RUNS"] ?? 200);
const seed = process.env["FUZZ_SEED"];
export const FUZZ_PARAMS = { numRuns: FUZZ_RUNS, ...(seed === undefined ? {} : { seed: Number(seed) }) };
