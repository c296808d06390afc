/**
 * mesos-policy's version, as package.json says (Hello answers it). A constant rather than a JSON
 * import so that a policy bundle carries it without package.json at hand;
 * test/runtime/version.test.ts fails when the two differ.
 */
export const RUNTIME_VERSION = '0.1.0';
