export * from './policy.ts';
export * from './hooks.ts';
export * from './isolator.ts';
