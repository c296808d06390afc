/** mesos-policy: Mesos policies in TypeScript. The public API. */
export * from './resources/index.ts';
