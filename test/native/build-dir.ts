// Where the native build is: build/native, or MESOS_POLICY_NATIVE_BUILD (a second build tree, e.g.
// a sanitizer or work-in-progress build, run by the same tests and benchmarks).
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export const nativeBuildDir: string = resolve(process.env.MESOS_POLICY_NATIVE_BUILD ?? join(root, 'build', 'native'));

export const nativeBinary = (name: string): string => join(nativeBuildDir, name);
