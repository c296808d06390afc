/**
 * The offer operations that hold one placed instance, dcos-commons style: every reserved
 * resource carries `{service, pod_instance, resource_id}` labels, every volume a persistence id;
 * RESERVE (one for everything pushed, one per relabelled object since a RESERVE with `source`
 * allows one reservation stack), then CREATE for the volumes. Plain objects: `applyOperation`
 * validates them when they are applied. Written without spreads and closures: a pass builds
 * these for every placement, and they are most of what it allocates.
 */
import type { DiskInfo, Label, OfferOperation, ReservationInfo, ResourceInput } from '../../resources/index.ts';
import type { Take, TakenPiece } from './pieces.ts';
import { POD_INSTANCE_LABEL, RESOURCE_ID_LABEL, SERVICE_LABEL } from './labels.ts';
import type { IdSource, PlannedReservation } from './types.ts';

export interface OperationContext {
  readonly service: string;
  readonly role: string;
  readonly principal: string;
  readonly podInstance: string;
  readonly ids: IdSource;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The taken object with the given reservation stack: its value, and its MOUNT source if any. */
function taken(t: TakenPiece, reservations: readonly ReservationInfo[], disk: DiskInfo | undefined): ResourceInput {
  const r = t.piece.resource;
  const input: Mutable<ResourceInput> = { name: r.name, reservations };
  const v = t.value;
  if (v === undefined) input.scalar = t.milli / 1000;
  else if (v.type === 'RANGES') input.ranges = v.ranges!;
  else input.set = v.set!;
  if (disk !== undefined) input.disk = disk;
  return input;
}

/** The stack after reserving: pushed onto the object's, or replacing its unlabelled top (`update`). */
function stackAfter(t: TakenPiece, reservation: ReservationInfo): ReservationInfo[] {
  const stack = t.piece.resource.reservations;
  if (stack.length === 0) return [reservation];
  const kept = t.piece.kind === 'update' ? stack.slice(0, -1) : stack.slice();
  kept.push(reservation);
  return kept;
}

class Builder {
  readonly pushed: ResourceInput[] = [];
  readonly updates: OfferOperation[] = [];
  readonly #labels: readonly [Label, Label];

  constructor(readonly ctx: OperationContext) {
    // The service and instance labels are the same plain objects in all the instance's reservations.
    this.#labels = [{ key: SERVICE_LABEL, value: ctx.service }, { key: POD_INSTANCE_LABEL, value: ctx.podInstance }];
  }

  reservation(resourceId: string): ReservationInfo {
    return { type: 'DYNAMIC', role: this.ctx.role, principal: this.ctx.principal, labels: [this.#labels[0], this.#labels[1], { key: RESOURCE_ID_LABEL, value: resourceId }] };
  }

  /** Adds the RESERVE for `t` and returns the reserved object. */
  reserve(t: TakenPiece, reservation: ReservationInfo): ResourceInput {
    const source = t.piece.resource.disk?.source;
    const disk = source === undefined ? undefined : { source };
    const target = taken(t, stackAfter(t, reservation), disk);
    if (t.piece.kind === 'push') this.pushed.push(target);
    else this.updates.push({ type: 'RESERVE', source: [taken(t, t.piece.resource.reservations, disk)], resources: [target] });
    return target;
  }
}

export function placementOperations(take: Take, ctx: OperationContext): { reservations: PlannedReservation[]; operations: OfferOperation[] } {
  const b = new Builder(ctx);
  const reservations: PlannedReservation[] = [];
  const volumes: ResourceInput[] = [];
  for (const { name, pieces } of take.resources) {
    const resourceId = ctx.ids();
    const info = b.reservation(resourceId);
    const resources: ResourceInput[] = [];
    for (const t of pieces) resources.push(b.reserve(t, info));
    reservations.push({ resourceId, kind: name, resources });
  }
  for (const { need, taken: t } of take.volumes) {
    const resourceId = ctx.ids();
    const persistenceId = ctx.ids();
    const target = b.reserve(t, b.reservation(resourceId));
    const source = t.piece.resource.disk?.source;
    const disk: Mutable<DiskInfo> = { persistence: { id: persistenceId, principal: ctx.principal }, volume: { containerPath: need.volume.containerPath, mode: 'RW' } };
    if (source !== undefined) disk.source = source;
    const volume: Mutable<ResourceInput> = { name: target.name, scalar: target.scalar!, reservations: target.reservations!, disk };
    volumes.push(volume);
    const info: Mutable<NonNullable<PlannedReservation['volume']>> = { persistenceId, containerPath: need.volume.containerPath, disk: need.volume.disk, sizeMb: t.milli / 1000 };
    if (source?.root !== undefined) info.root = source.root;
    reservations.push({ resourceId, kind: 'volume', resources: [volume], volume: info });
  }
  const operations: OfferOperation[] = [];
  if (b.pushed.length > 0) operations.push({ type: 'RESERVE', resources: b.pushed });
  for (const u of b.updates) operations.push(u);
  if (volumes.length > 0) operations.push({ type: 'CREATE', volumes });
  return { reservations, operations };
}
