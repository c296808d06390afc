/**
 * Where the end-to-end test finds a Mesos: MESOS_ROOT (an install prefix), else /opt/mesos when
 * the module library is already built. Everything missing is named, so a skipped run says why.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { nativeBinary } from '../native/build-dir.ts';

export interface MesosEnv {
  readonly root: string;
  readonly master: string;
  readonly agent: string;
  readonly execute: string;
  readonly library: string;
}


/** The environment, or why the test cannot run. */
export function findMesos(): MesosEnv | { readonly missing: string } {
  const library = resolve(process.env.MESOS_POLICY_LIBRARY ?? nativeBinary('libmesos_policy.so'));
  const explicit = process.env.MESOS_ROOT;
  const root = explicit ?? '/opt/mesos';
  if (explicit === undefined && !(existsSync(library) && existsSync(join(root, 'sbin/mesos-master')))) {
    return { missing: `MESOS_ROOT is not set and there is no ${existsSync(library) ? '/opt/mesos/sbin/mesos-master' : library} (build it: cmake -S . -B build/native -DMESOS_ROOT=<prefix> && cmake --build build/native --target mesos_policy)` };
  }
  const env = {
    root,
    master: join(root, 'sbin/mesos-master'),
    agent: join(root, 'sbin/mesos-agent'),
    execute: join(root, 'bin/mesos-execute'),
    library,
  };
  const absent = [env.master, env.agent, env.execute, env.library].filter((path) => !existsSync(path));
  return absent.length === 0 ? env : { missing: `missing ${absent.join(', ')}` };
}
