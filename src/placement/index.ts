/**
 * Placement for data services: constraints (Marathon's, plus spread, soft and composition),
 * declarative service specs, the placement planner with its reservation and volume operations,
 * and the reservation ledger.
 */
export * from './constraints/index.ts';
export * from './service/index.ts';
export * from './plan/index.ts';
export * from './ledger/index.ts';
