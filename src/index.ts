/** mesos-policy: Mesos policies in TypeScript. The public API. */
export * from './resources/index.ts';
export * from './policy/index.ts';
export * from './allocator/index.ts';
