/**
 * An isolator that watches persistent-volume usage: `prepare` notes the container's persistent
 * volumes and their sizes (a Kafka broker's log dir, a Cassandra data dir), `watch` raises a
 * limitation with REASON_CONTAINER_LIMITATION_DISK when the usage the agent reports for a volume
 * exceeds that volume's size. Mesos then kills the container and the framework sees the reason,
 * instead of the volume silently filling the agent's disk for every other tenant.
 *
 * Usage arrives in WatchRequest.diskUsage as disk resources carrying the volume's persistence id,
 * or as plain disk (the sandbox, checked against the container's non-volume disk).
 * `usage` reports the last figures seen as `disk_used_bytes` / `disk_limit_bytes`.
 * Runs in the agent (`--isolation=...,org_mesos_policy_Isolator`).
 */
import { definePolicy, type ContainerIdView, type Limitation, type Resources } from '../../src/index.ts';

const MB = 1024 * 1024;

export interface VolumeNote {
  readonly id: string;
  readonly containerPath?: string;
  readonly sizeMb: number;
}

interface ContainerNote {
  readonly volumes: ReadonlyMap<string, VolumeNote>;
  readonly sandboxMb: number | undefined;
  usedMb: number;
}

/** Per container, from prepare to cleanup. The isolator lives in one agent: plain memory is enough. */
const containers = new Map<string, ContainerNote>();

export function volumesOf(resources: Resources): Map<string, VolumeNote> {
  const volumes = new Map<string, VolumeNote>();
  for (const r of resources.persistentVolumes()) {
    const id = r.disk!.persistence!.id;
    const before = volumes.get(id)?.sizeMb ?? 0;
    volumes.set(id, { id, containerPath: r.disk!.volume?.containerPath, sizeMb: before + (r.scalar ?? 0) });
  }
  return volumes;
}

function overLimit(note: ContainerNote, diskUsage: Resources): Limitation | undefined {
  note.usedMb = 0;
  let sandboxUsed = 0;
  for (const r of diskUsage.named('disk')) {
    const used = r.scalar ?? 0;
    note.usedMb += used;
    const id = r.disk?.persistence?.id;
    if (id === undefined) {
      sandboxUsed += used;
      continue;
    }
    const volume = note.volumes.get(id);
    if (volume !== undefined && used > volume.sizeMb) {
      return {
        message: `persistent volume ${id}${volume.containerPath === undefined ? '' : ` (${volume.containerPath})`} uses ${used} MB of its ${volume.sizeMb} MB`,
        resources: diskUsage.filter((x) => x === r),
        reason: 'REASON_CONTAINER_LIMITATION_DISK',
      };
    }
  }
  if (note.sandboxMb !== undefined && sandboxUsed > note.sandboxMb) {
    return { message: `the sandbox uses ${sandboxUsed} MB of its ${note.sandboxMb} MB disk`, reason: 'REASON_CONTAINER_LIMITATION_DISK' };
  }
  return undefined;
}

export default definePolicy({
  name: 'volume-quota',
  isolator: {
    prepare(containerId: ContainerIdView, request) {
      const volumes = volumesOf(request.resources);
      const sandbox = request.resources.named('disk').filter((r) => r.disk?.persistence === undefined).disk();
      containers.set(containerId.value, { volumes, sandboxMb: sandbox, usedMb: 0 });
      if (volumes.size > 0) console.info(`volume-quota: ${containerId.value} has ${[...volumes.values()].map((v) => `${v.id}:${v.sizeMb}MB`).join(', ')}`);
      return undefined; // nothing to add to the launch
    },
    watch(containerId, request) {
      const note = containers.get(containerId.value);
      return note === undefined ? undefined : overLimit(note, request.diskUsage);
    },
    usage(containerId) {
      const note = containers.get(containerId.value);
      if (note === undefined) return undefined;
      const limitMb = [...note.volumes.values()].reduce((sum, v) => sum + v.sizeMb, note.sandboxMb ?? 0);
      return { disk_used_bytes: note.usedMb * MB, disk_limit_bytes: limitMb * MB };
    },
    cleanup(containerId) {
      containers.delete(containerId.value);
    },
  },
});
