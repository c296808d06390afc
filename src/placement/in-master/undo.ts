/**
 * Operator calls are made one operation at a time (one HTTP call each) and stop at the first
 * that fails, so a call can end half done: RESERVE made, CREATE refused. The controller's
 * `fail` means "nothing changed", so what was applied is undone first — in reverse order, each
 * operation by its inverse — and the proposal is failed (and re-planned) once the undo is done.
 * Undoing a DESTROY re-creates an empty volume of the same id: the data is gone either way, and
 * the ledger again matches the cluster, so the release is simply proposed again.
 *
 * A call whose answer was lost (HTTP status 0: no connection, time-out) may or may not have made
 * its last operation; `tookEffect` decides by looking at the agent's resources.
 */
import type { OfferOperation, Resource, Resources } from '../../resources/index.ts';
import { Resources as ResourcesClass } from '../../resources/index.ts';
import { ownerOf } from '../plan/index.ts';

/** The inverse of one operator operation (operator form: unallocated resources). */
export function inverseOperation(op: OfferOperation): OfferOperation {
  switch (op.type) {
    case 'RESERVE':
      // A relabelling RESERVE (with `source`) is undone by relabelling back; a plain one by UNRESERVE.
      return op.source === undefined ? { type: 'UNRESERVE', resources: op.resources } : { type: 'RESERVE', source: op.resources, resources: op.source };
    case 'UNRESERVE':
      return { type: 'RESERVE', resources: op.resources };
    case 'CREATE':
      return { type: 'DESTROY', volumes: op.volumes };
    case 'DESTROY':
      return { type: 'CREATE', volumes: op.volumes };
    default:
      throw new Error(`${op.type} is not an operator-API operation; nothing to undo`);
  }
}

/** The operations that undo the first `applied` of `operations`, last first. */
export function undoOperations(operations: readonly OfferOperation[], applied: number): OfferOperation[] {
  return operations.slice(0, applied).reverse().map(inverseOperation);
}

function resourceIds(list: Resources | Iterable<unknown>): string[] {
  const ids: string[] = [];
  for (const r of ResourcesClass.of(list as Iterable<Resource>)) {
    const id = r.reservations.length === 0 ? undefined : ownerOf(r)?.resourceId;
    if (id !== undefined) ids.push(id);
  }
  return ids;
}

function persistenceIds(list: Resources | Iterable<unknown>): string[] {
  const ids: string[] = [];
  for (const r of ResourcesClass.of(list as Iterable<Resource>)) if (r.disk?.persistence !== undefined) ids.push(r.disk.persistence.id);
  return ids;
}

/**
 * Whether `op` is visible in the agent's total resources (its reservations and volumes): a
 * RESERVE's labelled resource ids are there, a CREATE's persistence ids are there, an UNRESERVE's
 * ids are gone, a DESTROY's volumes are gone. Undefined when the operation carries no ids to look for.
 */
export function tookEffect(op: OfferOperation, total: Resources): boolean | undefined {
  const present = new Set<string>();
  const volumes = new Set<string>();
  for (const r of total) {
    const id = r.reservations.length === 0 ? undefined : ownerOf(r)?.resourceId;
    if (id !== undefined) present.add(id);
    if (r.disk?.persistence !== undefined) volumes.add(r.disk.persistence.id);
  }
  const check = (ids: string[], where: Set<string>, wanted: boolean) => (ids.length === 0 ? undefined : ids.every((id) => where.has(id) === wanted));
  switch (op.type) {
    case 'RESERVE':
      return check(resourceIds(op.resources), present, true);
    case 'UNRESERVE':
      return check(resourceIds(op.resources), present, false);
    case 'CREATE':
      return check(persistenceIds(op.volumes), volumes, true);
    case 'DESTROY':
      return check(persistenceIds(op.volumes), volumes, false);
    default:
      return undefined;
  }
}
