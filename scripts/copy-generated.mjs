// tsc compiles only TypeScript: the generated protocol code (plain JS + its .d.ts) is copied into dist.
import { cpSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
cpSync(`${root}src/runtime/generated`, `${root}dist/runtime/generated`, { recursive: true });
