/** Helpers for users' offline tests of their policies. */
export { assertResourcesEqual, assertResourcesContain } from './resources.ts';
