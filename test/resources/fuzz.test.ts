// Fuzzing the parsers: whatever the input, parseResources and parseAttributes either succeed or
// throw a ResourceError (ResourceParseError extends it): never a TypeError, a RangeError or a hang.
// What does parse must format back to text that parses to an equal value.
import { test, type TestContext } from 'node:test';
import { Worker } from 'node:worker_threads';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ResourceError, attributesEqual, formatAttributes, formatResources, parseAttributes, parseResources,
  type Attribute, type ParseResourcesOptions, type Resources,
} from '../../src/resources/index.ts';

const RUNS = { numRuns: 1000 };

/** Runs `parse`; a typed error is an accepted outcome (undefined), anything else fails the test. */
function parseOrTypedError<T>(parse: () => T, input: string): T | undefined {
  try {
    return parse();
  } catch (e) {
    if (e instanceof ResourceError) return undefined;
    assert.fail(`${e instanceof Error ? e.name : typeof e} (not a ResourceError) for ${JSON.stringify(input.slice(0, 300))}: ${String(e).slice(0, 300)}`);
  }
}

function checkResources(input: string, options?: ParseResourcesOptions): void {
  const parsed = parseOrTypedError(() => parseResources(input, options), input);
  if (parsed === undefined) return;
  const text = formatResources(parsed);
  let again: Resources;
  try {
    again = parseResources(text, { commandLine: false });
  } catch (e) {
    assert.fail(`${JSON.stringify(input)} parses to ${parsed}, whose formatted text ${JSON.stringify(text)} does not parse back: ${String(e)}`);
  }
  assert.ok(again.equals(parsed), `${JSON.stringify(input)} parses to ${parsed}, but its formatted text parses to ${again}`);
}

function checkAttributes(input: string): void {
  const parsed = parseOrTypedError(() => parseAttributes(input), input);
  if (parsed === undefined) return;
  const text = formatAttributes(parsed);
  let again: Attribute[];
  try {
    again = parseAttributes(text);
  } catch (e) {
    assert.fail(`${JSON.stringify(input)} parses, but its formatted text ${JSON.stringify(text)} does not parse back: ${String(e)}`);
  }
  assert.equal(again.length, parsed.length, `attribute count changed: ${JSON.stringify(input)} -> ${JSON.stringify(text)}`);
  parsed.forEach((a, i) => assert.ok(attributesEqual(a, again[i]!), `attribute ${i} of ${JSON.stringify(input)} changed: ${JSON.stringify(a)} -> ${JSON.stringify(again[i])}`));
}

// ---- Inputs --------------------------------------------------------------------------------

const DIGITS = '0123456789'.split('');
// The syntax of --resources and --attributes, plus numbers at the edges of what is exact.
const SYNTAX = ['(', ')', '[', ']', '{', '}', ':', ';', ',', '-', '.', '*', '/', 'e', '+', ' ', '\n', ...DIGITS];
const NAMES = ['cpus', 'mem', 'disk', 'ports', 'bugs', 'rack', 'zone'];
const NUMBERS = ['1125899906842.624', '1125899906842.625', '1125899906842', '9007199254740', '9007199254740.999', '9007199254741', '9007199254740991', '9007199254740992', '1e400', '0.0005', '0.0004', '1.5123'];
const ROLE_WORDS = ['a', 'prod', 'a/b', '*', '.', '..', '-a', 'a b'];

/** Strings over the syntax alphabet, tokens rather than characters so that names and numbers appear. */
const syntaxString = fc.string({ unit: fc.constantFrom(...SYNTAX, ...NAMES, ...NUMBERS, ...ROLE_WORDS), maxLength: 40 });

// Near-valid text: `name(role):value` tokens, mostly well-formed so that parsing often succeeds
// and the round trip is exercised; each part is sometimes wrong or followed by syntax noise.
const sometimes = fc.integer({ min: 0, max: 7 }).map((n) => n === 0);
const noise = fc.string({ unit: fc.constantFrom(...SYNTAX), minLength: 1, maxLength: 3 });
const roleText = fc.oneof({ arbitrary: fc.constantFrom('a', 'prod', 'a/b', '*', ' a '), weight: 6 }, { arbitrary: fc.constantFrom(...ROLE_WORDS, '', 'a//b'), weight: 1 });
const scalarText = fc.oneof(
  fc.nat(100_000).map(String),
  fc.integer({ min: 0, max: 10_000_000 }).map((n) => String(n / 1000)),
  fc.double({ min: 0.001, max: 1e6, noNaN: true }).map(String),
  fc.constantFrom(...NUMBERS),
);
const rangesText = fc.oneof(
  { arbitrary: fc.uniqueArray(fc.nat(300), { maxLength: 6 }).map((b) => b.sort((x, y) => x - y)), weight: 4 },
  { arbitrary: fc.array(fc.nat(300), { maxLength: 6 }), weight: 1 }, // unsorted: overlaps, begin > end
).map((b) => `[${b.flatMap((x, i) => (i % 2 === 0 ? [`${x}-${b[i + 1] ?? x}`] : [])).join(',')}]`);
const setText = fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'x y', 'é', '-', ''), { maxLength: 4 }).map((s) => `{${s.join(',')}}`);
const token = fc
  .record({ name: fc.constantFrom(...NAMES), role: fc.option(roleText, { nil: undefined, freq: 2 }), scalar: scalarText, ranges: rangesText, set: setText, other: fc.nat(7), dirty: sometimes, junk: noise })
  .map(({ name, role: r, scalar, ranges, set, other, dirty, junk }) => {
    // Mostly the value type that goes with the name (one type per name on the command line).
    const kind = other < 6 ? (name === 'ports' ? 1 : name === 'bugs' ? 2 : 0) : other - 5;
    const v = [scalar, ranges, set][kind] ?? junk;
    return `${name}${r === undefined ? '' : `(${r})`}:${v}${dirty ? junk : ''}`;
  });
const nearValid = fc.tuple(fc.array(token, { maxLength: 6 }), fc.constantFrom(';', '; ', ';;', ' ;\n')).map(([t, sep]) => t.join(sep));

const unicode = fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 30 }));

// Resource-shaped JSON: a valid Resource message (value, reservation, disk...) that is
// sometimes broken by replacing or adding one field with an arbitrary JSON value.
const anyJson = fc.jsonValue({ maxDepth: 3 });
const rolePick = fc.oneof({ arbitrary: fc.constantFrom('a', 'a/b'), weight: 6 }, { arbitrary: fc.constantFrom(...ROLE_WORDS), weight: 1 });
const labelsJson = fc.option(fc.uniqueArray(fc.record({ key: fc.constantFrom('k', 'a,b', 'a'), value: fc.constantFrom('v', '', 'b,') }, { requiredKeys: ['key'] }), { maxLength: 2, selector: (l) => l.key }), { nil: undefined });
const reservationsJson = fc.oneof(
  fc.constant(undefined),
  rolePick.map((role) => [{ type: 'STATIC', role }]),
  fc.tuple(rolePick, fc.option(fc.constantFrom('p', ''), { nil: undefined }), labelsJson).map(([role, principal, labels]) => [
    { type: 'DYNAMIC', role, ...(principal === undefined ? {} : { principal }), ...(labels === undefined ? {} : { labels: { labels } }) },
  ]),
  fc.constantFrom('STATIC', 'DYNAMIC').map((type) => [{ type, role: 'a' }, { type: 'DYNAMIC', role: 'a/b' }]),
);
const sourceJson = fc.oneof(fc.constantFrom('/mnt/1', '/mnt/2').map((root) => ({ type: 'MOUNT', mount: { root } })), fc.constant({ type: 'PATH', path: { root: '/p' } }), fc.constant({ type: 'RAW', id: 'i', vendor: 'v' }));
const diskJson = fc.oneof(
  // A persistent volume (valid when reserved), a bare MOUNT/PATH/RAW disk, or a doubtful mix.
  fc.record({ persistence: fc.record({ id: fc.constantFrom('v1', 'v2'), principal: fc.constant('p') }, { requiredKeys: ['id'] }), volume: fc.constant({ container_path: 'data', mode: 'RW' }), source: sourceJson }, { requiredKeys: ['persistence', 'volume'] }),
  sourceJson.map((source) => ({ source })),
  fc.record(
    {
      persistence: fc.record({ id: fc.constantFrom('v1', '', '.', 'a/b'), principal: fc.constantFrom('p') }, { requiredKeys: ['id'] }),
      volume: fc.record({ container_path: fc.constantFrom('data', ''), mode: fc.constantFrom('RW', 'RO') }, { requiredKeys: ['container_path'] }),
      source: sourceJson,
    },
    { requiredKeys: [] },
  ),
);
const resourceJson = fc
  .record({
    kind: fc.constantFrom('SCALAR', 'RANGES', 'SET'),
    name: fc.constantFrom(...NAMES),
    scalar: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 10_000_000 }).map((n) => n / 1000), weight: 6 }, { arbitrary: fc.constantFrom(9007199254740, 0.0005, 1e-4, -1), weight: 1 }),
    ranges: fc.uniqueArray(fc.nat(300), { maxLength: 6 }).map((b) => b.sort((x, y) => x - y)),
    set: fc.uniqueArray(fc.constantFrom('a', 'b', '', 'x y', '('), { maxLength: 3 }),
    reservations: reservationsJson,
    legacyRole: fc.tuple(sometimes, rolePick).map(([on, r]) => (on ? r : undefined)),
    disk: fc.tuple(fc.boolean(), diskJson).map(([on, d]) => (on ? d : undefined)),
    flags: fc.tuple(sometimes, sometimes, sometimes, sometimes).map((on) => ['revocable', 'shared', 'provider_id', 'allocation_info'].filter((_, i) => on[i])),
    broken: fc.tuple(sometimes, fc.constantFrom('name', 'type', 'scalar', 'ranges', 'set', 'role', 'reservation', 'reservations', 'disk', 'shared', 'extra'), anyJson)
      .map(([on, field, v]) => (on ? ([field, v] as const) : undefined)),
  })
  .map(({ kind, name, scalar, ranges, set, reservations, legacyRole, disk, flags, broken }) => {
    const r: Record<string, unknown> = { name: disk === undefined ? name : 'disk', type: disk === undefined ? kind : 'SCALAR' };
    if (r.type === 'SCALAR') r.scalar = { value: scalar };
    else if (kind === 'RANGES') r.ranges = { range: ranges.flatMap((x, i) => (i % 2 === 0 ? [{ begin: x, end: ranges[i + 1] ?? x }] : [])) };
    else r.set = { item: set };
    if (reservations !== undefined) r.reservations = reservations;
    if (legacyRole !== undefined) r.role = legacyRole;
    if (disk !== undefined) r.disk = disk;
    for (const f of flags) r[f] = f === 'provider_id' ? { value: 'rp' } : f === 'allocation_info' ? { role: 'a' } : {};
    if (broken !== undefined) r[broken[0]] = broken[1];
    return r;
  });
const jsonText = fc.oneof(
  { arbitrary: fc.array(resourceJson, { maxLength: 3 }).map((a) => JSON.stringify(a)), weight: 4 },
  { arbitrary: fc.array(fc.oneof(resourceJson, anyJson), { maxLength: 4 }).map((a) => JSON.stringify(a)), weight: 1 },
  { arbitrary: fc.array(fc.anything(), { maxLength: 3 }).map((a) => JSON.stringify(a)), weight: 1 },
  { arbitrary: anyJson.map((v) => JSON.stringify(v)), weight: 1 },
);

// ---- Properties ----------------------------------------------------------------------------

test('parseResources: random syntax-biased text succeeds or throws ResourceError; results round-trip', () => {
  fc.assert(fc.property(syntaxString, (s) => checkResources(s)), RUNS);
  fc.assert(fc.property(nearValid, (s) => checkResources(s)), RUNS);
  fc.assert(fc.property(nearValid, fc.constantFrom('*', 'a', 'a/b'), (s, defaultRole) => checkResources(s, { defaultRole, commandLine: false })), RUNS);
});

test('parseResources: random unicode succeeds or throws ResourceError; results round-trip', () => {
  fc.assert(fc.property(unicode, (s) => checkResources(s)), RUNS);
  // Unicode in names, roles and set items of otherwise valid text.
  fc.assert(fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }), (u, v) => {
    checkResources(`${u}:1; cpus(${v}):2; bugs:{${u},${v}}`);
    checkResources(`${u}(a):[1-2]`);
  }), RUNS);
});

test('parseResources: random JSON succeeds or throws ResourceError; results round-trip', () => {
  fc.assert(fc.property(jsonText, (s) => checkResources(s)), RUNS);
  fc.assert(fc.property(jsonText, (s) => checkResources(s, { commandLine: false })), RUNS);
});

test('parseAttributes: random text succeeds or throws ResourceError; results round-trip', () => {
  fc.assert(fc.property(syntaxString, (s) => checkAttributes(s)), RUNS);
  fc.assert(fc.property(nearValid, (s) => checkAttributes(s)), RUNS);
  fc.assert(fc.property(unicode, (s) => checkAttributes(s)), RUNS);
});

// Inputs the random generators reach only rarely, checked every time.
const EDGES = [
  'cpus:9007199254740;cpus:1',
  'cpus:1125899906842.624;cpus:0.001', // a sum above the largest exact scalar
  'cpus:1125899906842;cpus:0.624',
  'cpus:9007199254740.999',
  'ports:[0-9007199254740991];ports:[9007199254740991-9007199254740991]',
  'ports:[0-9007199254740992]',
  'bugs:{a,,b}',
  '[]',
  '[{"name":"cpus","scalar":{"value":1},"role":"prod","reservations":[]}]',
  '[{"name":"disk","scalar":{"value":1},"reservations":[{"type":"DYNAMIC","role":"a"}],"disk":{"persistence":{"id":"v"},"volume":{"container_path":"d","mode":"RW"}},"shared":{}},{"name":"disk","scalar":{"value":1},"reservations":[{"type":"DYNAMIC","role":"a"}],"disk":{"persistence":{"id":"v"},"volume":{"container_path":"d","mode":"RW"}},"shared":{}}]',
];

for (const input of EDGES) {
  test(`parseResources: edge input ${input.length > 70 ? `${input.slice(0, 67)}...` : input}`, () => {
    checkResources(input);
    checkResources(input, { commandLine: false });
  });
}

test('parseAttributes: edge inputs', () => {
  for (const input of ['rack:9007199254740.999', 'r:[0-9007199254740991]', ' :1', 'a:b:c', 'a:[]', 'a: ', 'a:x(y)', 'a:{x}', 'x']) checkAttributes(input);
});

test('deeply nested JSON is a typed error, not a stack overflow', () => {
  // JSON.parse copes with any depth; nothing after it may recurse on the parsed value.
  const depth = 10_000;
  checkResources(`[${'['.repeat(depth)}${']'.repeat(depth)}]`);
  checkResources(`[${'{"name":'.repeat(depth)}1${'}'.repeat(depth)}]`);
});

// ---- Long inputs ---------------------------------------------------------------------------
// node:test's timeout cannot interrupt synchronous code: a quadratic parse on the test's own
// thread would just block the runner. So the parsing runs in a worker thread; the test awaits
// it, its timeout can fire, and the worker is then terminated. No timing assertions.

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.tsx)
  .then((tsx) => { tsx.register(); return import(workerData.index); })
  .then((m) => {
    parentPort.on('message', ({ which, input }) => {
      try {
        const r = which === 'resources' ? m.parseResources(input) : m.parseAttributes(input);
        parentPort.postMessage({ ok: true, size: which === 'resources' ? r.size : r.length, text: String(r).slice(0, 100) });
      } catch (e) {
        parentPort.postMessage({ ok: false, typed: e instanceof m.ResourceError, error: String(e).slice(0, 300) });
      }
    });
    parentPort.postMessage({ ready: true });
  });
`;

type Outcome = { ok: true; size: number; text: string } | { ok: false; typed: boolean; error: string };

function parserThread(t: TestContext): (which: 'resources' | 'attributes', input: string) => Promise<Outcome> {
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { tsx: import.meta.resolve('tsx/esm/api'), index: new URL('../../src/resources/index.ts', import.meta.url).href },
  });
  t.signal.addEventListener('abort', () => void worker.terminate());
  t.after(() => worker.terminate());
  // Replies come in order: the first says the worker is ready, then one per input.
  const waiting: Array<{ resolve: (m: unknown) => void; reject: (e: unknown) => void }> = [];
  worker.on('message', (m) => waiting.shift()?.resolve(m));
  worker.on('error', (e) => waiting.splice(0).forEach((w) => w.reject(e)));
  const next = (): Promise<unknown> => new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  const ready = next();
  return async (which, input) => {
    await ready;
    const reply = next();
    worker.postMessage({ which, input });
    return (await reply) as Outcome;
  };
}

function assertParsed(outcome: Outcome, size: number, text?: string): void {
  assert.ok(outcome.ok, `expected a result, got ${outcome.ok ? '' : outcome.error}`);
  assert.equal(outcome.size, size);
  if (text !== undefined) assert.ok(outcome.text.startsWith(text), `${outcome.text} does not start with ${text}`);
}

function assertTypedError(outcome: Outcome): void {
  assert.ok(!outcome.ok, `expected a ResourceError, got ${outcome.ok ? outcome.text : ''}`);
  assert.ok(outcome.typed, `not a ResourceError: ${outcome.error}`);
}

test('very long inputs parse to a result or a typed error', { timeout: 60_000 }, async (t) => {
  const parse = parserThread(t);
  assertParsed(await parse('resources', 'cpus:1;'.repeat(200_000)), 1, 'cpus:200000');
  assertParsed(await parse('attributes', 'r:1;'.repeat(200_000)), 200_000);
  const digits = '1'.repeat(1_000_000);
  assertTypedError(await parse('resources', `cpus:${digits}`)); // too large to be a scalar
  assertTypedError(await parse('resources', `ports:[0-${digits}]`));
  assertParsed(await parse('resources', `cpus:0.${'0'.repeat(1_000_000)}1`), 0); // rounds to zero: dropped
  assertParsed(await parse('resources', `cpus:1.${'0'.repeat(1_000_000)}`), 1, 'cpus:1');
  const role = 'r'.repeat(1_000_000);
  assertParsed(await parse('resources', `cpus(${role}):1`), 1, 'cpus(reservations: [(STATIC,rrr');
  assertParsed(await parse('resources', `cpus(${'a/'.repeat(500_000)}b):1`), 1);
  assertTypedError(await parse('resources', `cpus(${role}`));
  assertTypedError(await parse('resources', `cpus(${role}/):1`));
  assertTypedError(await parse('resources', `bugs:{${'x,'.repeat(300_000)}x}`)); // duplicates
  assertParsed(await parse('resources', `ports:[${Array.from({ length: 200_000 }, (_, i) => `${2 * i}-${2 * i}`).join(',')}]`), 1);
  assertTypedError(await parse('resources', '['.repeat(1_000_000)));
  assertTypedError(await parse('resources', `${'('.repeat(500_000)}:1`));
  assertTypedError(await parse('attributes', `a:${'['.repeat(500_000)}`));
  assertParsed(await parse('attributes', `a:${'x'.repeat(1_000_000)}`), 1);
});

test('many distinct resource objects parse in linear time', { timeout: 60_000 }, async (t) => {
  // 200,000 objects that do not combine: distinct names, distinct roles, and ports/set tokens
  // that all merge into one object. Quadratic combining takes many minutes here.
  const parse = parserThread(t);
  const n = 200_000;
  assertParsed(await parse('resources', Array.from({ length: n }, (_, i) => `r${i}:1`).join(';')), n);
  assertParsed(await parse('resources', Array.from({ length: n }, (_, i) => `cpus(r${i}):1`).join(';')), n);
  assertParsed(await parse('resources', Array.from({ length: n }, (_, i) => `ports:[${2 * i}-${2 * i}]`).join(';')), 1);
  assertParsed(await parse('resources', Array.from({ length: n }, (_, i) => `bugs:{x${i}}`).join(';')), 1);
});
