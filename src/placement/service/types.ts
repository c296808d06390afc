/**
 * A declarative data-service spec in the dcos-commons mould (docs/pages/yaml-reference.md): a
 * service reserves for one role and principal, and runs pods, each `count` instances of the same
 * resources, persistent volumes and placement constraints. The `…Input` types are the JSON a user
 * writes; `parseServiceSpec` validates them into the parsed types the planner reads.
 */
import type { Constraint } from '../constraints/index.ts';
import type { ResourceInput, Resources } from '../../resources/index.ts';

/** ROOT: carved out of the agent's root disk. MOUNT: a whole dedicated disk (Mesos cannot split one). */
export type VolumeDiskType = 'ROOT' | 'MOUNT';

export interface VolumeSpecInput {
  /** Relative to the task's sandbox, as dcos-commons' `container-path`. */
  readonly containerPath: string;
  /** For MOUNT, the smallest disk accepted; the whole disk is taken. */
  readonly sizeMb: number;
  /** Default ROOT. */
  readonly disk?: VolumeDiskType;
}

export interface PodSpecInput {
  readonly type: string;
  readonly count: number;
  /** Mesos resource text (`cpus:2;mem:8192;ports:[9092-9092]`) or resource objects; all unreserved. */
  readonly resources: string | readonly ResourceInput[];
  readonly volumes?: readonly VolumeSpecInput[];
  /** Anything the constraints module parses: Marathon triples, `hostname=unique,rack=like:r.*`, … */
  readonly constraints?: unknown;
}

export interface ServiceSpecInput {
  readonly name: string;
  readonly role: string;
  readonly principal: string;
  readonly pods: readonly PodSpecInput[];
}

export interface VolumeSpec {
  readonly containerPath: string;
  readonly sizeMb: number;
  readonly disk: VolumeDiskType;
}

export interface PodSpec {
  readonly type: string;
  readonly count: number;
  /** What one instance reserves besides its volumes: unreserved, no DiskInfo. */
  readonly resources: Resources;
  readonly volumes: readonly VolumeSpec[];
  /** Validated; empty when the pod has none. */
  readonly constraints: readonly Constraint[];
}

export interface ServiceSpec {
  readonly name: string;
  readonly role: string;
  readonly principal: string;
  readonly pods: readonly PodSpec[];
}

/** One instance of a pod: `kafka-broker-3` style names are `${type}-${index}` (dcos-commons). */
export interface PodInstance {
  readonly name: string;
  readonly podType: string;
  readonly index: number;
  readonly pod: PodSpec;
}
