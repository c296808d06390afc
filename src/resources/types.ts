/**
 * The plain-data shape of a Mesos `Resource` (include/mesos/mesos.proto), in the
 * post-reservation-refinement format Mesos uses internally: a reservation is a stack.
 */
import type { Range } from './ranges.ts';

export type ValueType = 'SCALAR' | 'RANGES' | 'SET';

export type ReservationType = 'STATIC' | 'DYNAMIC';

export interface Label {
  readonly key: string;
  readonly value?: string;
}

/** One entry of a reservation stack; the last entry is the effective (reservation) role. */
export interface ReservationInfo {
  readonly type: ReservationType;
  readonly role: string;
  readonly principal?: string;
  readonly labels?: readonly Label[];
}

export type DiskSourceType = 'PATH' | 'MOUNT' | 'BLOCK' | 'RAW';

/** Where a disk resource comes from: the agent's root disk when absent, else a PATH/MOUNT disk or a CSI BLOCK/RAW disk. */
export interface DiskSource {
  readonly type: DiskSourceType;
  /** `path.root` for PATH, `mount.root` for MOUNT; never for BLOCK/RAW. */
  readonly root?: string;
  readonly vendor?: string;
  readonly id?: string;
  readonly metadata?: readonly Label[];
  readonly profile?: string;
}

export interface Persistence {
  readonly id: string;
  readonly principal?: string;
}

export type VolumeMode = 'RW' | 'RO';

/** How a persistent volume is mounted into the container. */
export interface VolumeInfo {
  readonly containerPath: string;
  readonly mode: VolumeMode;
}

export interface DiskInfo {
  readonly persistence?: Persistence;
  readonly volume?: VolumeInfo;
  readonly source?: DiskSource;
}

/** A resource as the model hands it out: immutable, validated, values normalised. */
export interface Resource {
  readonly name: string;
  readonly type: ValueType;
  /** SCALAR value, rounded to three decimals. */
  readonly scalar?: number;
  /** RANGES value: sorted, coalesced. */
  readonly ranges?: readonly Range[];
  /** SET value: sorted, unique. */
  readonly set?: readonly string[];
  /** Empty when unreserved. */
  readonly reservations: readonly ReservationInfo[];
  /** Set on offered and allocated resources (Resource.allocation_info.role). */
  readonly allocationRole?: string;
  readonly disk?: DiskInfo;
  readonly revocable?: boolean;
  readonly shared?: boolean;
  readonly providerId?: string;
}

/** A resource as callers may write it; `type` is inferred from the value field when absent. */
export interface ResourceInput {
  readonly name: string;
  readonly type?: ValueType;
  readonly scalar?: number;
  readonly ranges?: readonly Range[];
  readonly set?: readonly string[];
  readonly reservations?: readonly ReservationInfo[];
  readonly allocationRole?: string;
  readonly disk?: DiskInfo;
  readonly revocable?: boolean;
  readonly shared?: boolean;
  readonly providerId?: string;
}
