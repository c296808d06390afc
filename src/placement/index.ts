/**
 * Placement for data services: constraints (Marathon's, plus spread, soft and composition),
 * declarative service specs, the placement planner with its reservation and volume operations,
 * the reservation ledger, the steering stages and the data-service lifecycle controller.
 */
export * from './constraints/index.ts';
export * from './service/index.ts';
export * from './plan/index.ts';
export * from './ledger/index.ts';
export * from './steering/index.ts';
export * from './lifecycle/index.ts';
export * from './in-master/index.ts';
