/**
 * The resource objects of an agent that a service may take ("pieces"), how each may be taken
 * (pushed or relabelled), and what one instance takes of them (a Take).
 */
import { Resources, isStrictSubroleOf, type Resource, type ResourceInput } from '../../resources/index.ts';
import { RESOURCE_ID_LABEL, labelValue } from './labels.ts';
import { toMilli, type VolumeNeed } from './demand.ts';

/** push: RESERVE pushes a DYNAMIC reservation (of unreserved, or refining an ancestor's). update: RESERVE with `source` relabels. */
export type PieceKind = 'push' | 'update';

export interface Piece {
  readonly resource: Resource;
  readonly kind: PieceKind;
  /** Taken first when lower: the role's own unlabelled reservations, then an ancestor's, then unreserved. */
  readonly priority: number;
  /** A MOUNT disk's position in the capacity's MOUNT table, or -1. */
  readonly mount: number;
  /** Remaining scalar, in thousandths. */
  milli: number;
  /** Remaining RANGES/SET value as unreserved Resources; built when first needed. */
  value: Resources | undefined;
  /** Scratch for one planTake (no per-call maps): set when `epoch` is the current one. */
  epoch: number;
  pending: number;
  chosen: boolean;
}

export interface TakenPiece {
  readonly piece: Piece;
  /** Scalar taken, in thousandths (a MOUNT disk: all of it). */
  readonly milli: number;
  /** RANGES/SET taken. */
  readonly value?: Resource;
}

export interface Take {
  /** Per pod resource name, the pieces it comes from. */
  readonly resources: ReadonlyArray<{ readonly name: string; readonly pieces: readonly TakenPiece[] }>;
  /** Per volume (in the pod's order), the one piece it lives on. */
  readonly volumes: ReadonlyArray<{ readonly need: VolumeNeed; readonly taken: TakenPiece }>;
}

export function newPiece(resource: Resource, kind: PieceKind, priority: number, mount: number): Piece {
  return { resource, kind, priority, mount, milli: resource.type === 'SCALAR' ? toMilli(resource.scalar!) : 0, value: undefined, epoch: 0, pending: 0, chosen: false };
}

/** Remaining thousandths of a piece within the take of `epoch`. */
export function left(p: Piece, epoch: number): number {
  return p.epoch === epoch ? p.milli - p.pending : p.milli;
}

export function touch(p: Piece, epoch: number): void {
  if (p.epoch !== epoch) {
    p.epoch = epoch;
    p.pending = 0;
    p.chosen = false;
  }
}

/**
 * How the service may use `r`: the piece's priority (0: the role's own unowned DYNAMIC
 * reservation, relabelled; 1: an unowned reservation of an ancestor role, refined; 2:
 * unreserved), or -1 when it may not.
 */
export function classify(r: Resource, role: string): number {
  const stack = r.reservations;
  const n = stack.length;
  if (r.revocable === true || r.shared === true || r.providerId !== undefined) return -1;
  const disk = r.disk;
  if (disk !== undefined && (disk.persistence !== undefined || (disk.source !== undefined && disk.source.type !== 'MOUNT'))) return -1;
  if (n === 0) return 2;
  const last = stack[n - 1]!;
  // A reservation someone owns (resource_id) is theirs, whether at the role or above it.
  if (labelValue(last.labels, RESOURCE_ID_LABEL) !== undefined) return -1;
  if (isStrictSubroleOf(role, last.role)) return 1;
  if (last.role === role && last.type === 'DYNAMIC') return 0;
  return -1;
}

export const kindOf = (priority: number): PieceKind => (priority === 0 ? 'update' : 'push');

export function isMount(r: Resource): boolean {
  return r.name === 'disk' && r.disk?.source?.type === 'MOUNT';
}


/** A RANGES/SET resource's value alone, unreserved. */
export function plainValue(r: Resource): ResourceInput[] {
  return [{ name: r.name, ...(r.type === 'RANGES' ? { ranges: r.ranges! } : { set: r.set! }) }];
}

/** A RANGES/SET piece's remaining value, unreserved, for containment checks. */
export function valueOf(p: Piece): Resources {
  p.value ??= Resources.of(plainValue(p.resource));
  return p.value;
}
