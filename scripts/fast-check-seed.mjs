// Preloaded by the test runner: property tests explore new random cases on developers' machines,
// and replay a fixed seed in CI (CI=true) so a landing never depends on luck. FC_SEED overrides
// both, to reproduce a failure (fast-check prints the seed of every counterexample).
import fc from 'fast-check';

const seed = process.env.FC_SEED ?? (process.env.CI ? '20261125' : undefined);
if (seed !== undefined) fc.configureGlobal({ seed: Number(seed) });
