// Property tests for the resource algebra, stated as Mesos's Resources arithmetic behaves
// (src/common/resources.cpp; ../shared/reference/resources-facts.md). A small vocabulary of
// names, roles, ranges and set items makes objects collide, combine and subtract often.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  Resources, applyOperation, formatResources, parseResources,
  type Label, type OfferOperation, type Range, type ReservationInfo, type ResourceInput,
} from '../../src/resources/index.ts';
import { OperationError } from '../../src/resources/errors.ts';

const RUNS = { numRuns: 1000 };

// ---- Arbitraries ---------------------------------------------------------------------------

const ROLES = ['a', 'b', 'a/x', 'a/x/y'];
const SCALAR_NAMES = ['cpus', 'mem', 'disk', 'gpus'];
const SET_ITEMS = ['p', 'q', 'r', 's', 't'];
// Two labels whose naive `String([key, value])` forms collide ('a,b,'): label order must still not matter.
const LABELS: Label[] = [{ key: 'team', value: 'x' }, { key: 'env' }, { key: 'a,b' }, { key: 'a', value: 'b,' }];
// A refinement goes from a role to a strict subrole.
const REFINEMENTS: Array<[string, string]> = [['a', 'a/x'], ['a', 'a/x/y'], ['a/x', 'a/x/y']];

/** Exact scalars: integer thousandths, 0.001..10000. */
const amount = fc.integer({ min: 1, max: 10_000_000 }).map((n) => n / 1000);
const role = fc.constantFrom(...ROLES);
const principal = fc.option(fc.constantFrom('p', 'q'), { nil: undefined });
const labels = fc.option(fc.subarray(LABELS), { nil: undefined });
const rarely = fc.integer({ min: 0, max: 4 }).map((n) => n === 0);
/** Allocated (offered) resources now and then; most are not. */
const allocation = fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: role, weight: 1 });

function entry(type: 'STATIC' | 'DYNAMIC', r: string, p?: string, l?: readonly Label[]): ReservationInfo {
  return { type, role: r, ...(p === undefined ? {} : { principal: p }), ...(l === undefined ? {} : { labels: l }) };
}

const dynamicEntry = fc.tuple(role, principal, labels).map(([r, p, l]) => entry('DYNAMIC', r, p, l));
/** [STATIC|DYNAMIC parent, DYNAMIC strict subrole]. */
const refinedStack = fc
  .tuple(fc.constantFrom(...REFINEMENTS), fc.boolean(), principal, dynamicEntry)
  .map(([[parent, child], isStatic, p, e]): ReservationInfo[] => [
    isStatic ? entry('STATIC', parent) : entry('DYNAMIC', parent, p),
    { ...e, role: child },
  ]);
const dynamicStack = fc.oneof(dynamicEntry.map((e) => [e]), refinedStack);
const reservedStack = fc.oneof(role.map((r) => [entry('STATIC', r)]), dynamicStack);
const stack: fc.Arbitrary<ReservationInfo[]> = fc.oneof({ arbitrary: fc.constant<ReservationInfo[]>([]), weight: 2 }, { arbitrary: reservedStack, weight: 3 });

const isDynamic = (s: readonly ReservationInfo[]): boolean => s.length > 0 && s[s.length - 1]!.type === 'DYNAMIC';

/** Reservations, allocation role and revocability (never on dynamically reserved resources). */
const extras = fc.record({ stack, alloc: allocation, revocable: rarely }).map(({ stack: s, alloc, revocable }) => ({
  ...(s.length === 0 ? {} : { reservations: s }),
  ...(alloc === undefined ? {} : { allocationRole: alloc }),
  ...(revocable && !isDynamic(s) ? { revocable: true } : {}),
}));

/** Disjoint, sorted ranges inside 0..200 (a single input may not overlap itself). */
const ranges = fc.uniqueArray(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 6 }).map((bounds) => {
  const s = bounds.sort((x, y) => x - y);
  const out: Range[] = [];
  for (let i = 0; i < s.length; i += 2) out.push({ begin: s[i]!, end: s[i + 1] ?? s[i]! });
  return out;
});

// Agents advertise whole GPUs (operations refuse fractional ones).
const scalarInput = fc
  .tuple(fc.constantFrom(...SCALAR_NAMES), amount, fc.integer({ min: 1, max: 8 }), extras)
  .map(([name, v, n, e]): ResourceInput => ({ name, scalar: name === 'gpus' ? n : v, ...e }));
const portsInput = fc.tuple(ranges, extras).map(([r, e]): ResourceInput => ({ name: 'ports', ranges: r, ...e }));
const bugsInput = fc.tuple(fc.subarray(SET_ITEMS, { minLength: 1 }), extras).map(([s, e]): ResourceInput => ({ name: 'bugs', set: s, ...e }));
const volume = { containerPath: 'data', mode: 'RW' } as const;
/** Small sizes repeat, so equal volumes (which stay separate objects) occur. */
const diskSize = fc.oneof(fc.constantFrom(1, 2, 5), amount);
const volumeInput = fc
  .record({ s: reservedStack, id: fc.constantFrom('v1', 'v2'), size: diskSize, shared: rarely, mount: fc.option(fc.constantFrom('/mnt/1', '/mnt/2'), { nil: undefined, freq: 2 }), p: principal, alloc: allocation })
  .map(({ s, id, size, shared, mount, p, alloc }): ResourceInput => ({
    name: 'disk', scalar: size, reservations: s,
    disk: { persistence: p === undefined ? { id } : { id, principal: p }, volume, ...(mount === undefined ? {} : { source: { type: 'MOUNT', root: mount } }) },
    ...(shared ? { shared: true } : {}),
    ...(alloc === undefined ? {} : { allocationRole: alloc }),
  }));
const mountInput = fc
  .tuple(fc.constantFrom('/mnt/1', '/mnt/2'), diskSize, extras)
  .map(([root, size, e]): ResourceInput => ({ name: 'disk', scalar: size, disk: { source: { type: 'MOUNT', root } }, ...e }));

const resourceInput = fc.oneof(
  { arbitrary: scalarInput, weight: 4 },
  { arbitrary: portsInput, weight: 2 },
  { arbitrary: bugsInput, weight: 2 },
  { arbitrary: volumeInput, weight: 1 },
  { arbitrary: mountInput, weight: 1 },
);
const inputs = fc.array(resourceInput, { maxLength: 8 });
const resources = inputs.map((i) => Resources.of(i));

/**
 * An agent's resources as Mesos can hold them: persistence IDs are unique per role on an agent
 * (the master refuses a CREATE that would break that), so later volumes reusing an ID go.
 */
function uniqueVolumeIds(list: readonly ResourceInput[]): ResourceInput[] {
  const seen = new Set<string>();
  return list.filter((r) => {
    const id = r.disk?.persistence?.id;
    if (id === undefined) return true;
    const key = JSON.stringify([r.reservations?.[r.reservations.length - 1]?.role, id]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
/**
 * A port or set item exists once on an agent. (Held by two objects, e.g. reserved and
 * unreserved, an UNRESERVE would coalesce the two and the element would be counted once.)
 */
function distinctElements(list: readonly ResourceInput[]): ResourceInput[] {
  const out: ResourceInput[] = [];
  for (const r of list) out.push(...disjointFrom([r], out));
  return out;
}
const agentInputs = inputs.map((list) => distinctElements(uniqueVolumeIds(list)));
/** For random operations: also unallocated volumes and reserved disk to operate on. */
const richAgentInputs = fc
  .tuple(inputs, fc.array(volumeInput, { maxLength: 2 }), fc.array(fc.tuple(reservedStack, diskSize), { maxLength: 2 }))
  .map(([list, volumes, disks]) =>
    distinctElements(uniqueVolumeIds([
      ...list,
      ...volumes.map(({ allocationRole: _, ...v }) => v),
      ...disks.map(([s, size]): ResourceInput => ({ name: 'disk', scalar: size, reservations: s })),
    ])),
  );

/** Unreserved or STATIC-reserved scalars/ranges/sets, no labels: what `--resources` text can say. */
const plainExtras = fc.option(role, { nil: undefined }).map((r) => (r === undefined ? {} : { reservations: [entry('STATIC', r)] }));
const plainResources = fc
  .array(
    fc.oneof(
      fc.tuple(fc.constantFrom(...SCALAR_NAMES), amount, plainExtras).map(([name, v, e]): ResourceInput => ({ name, scalar: v, ...e })),
      fc.tuple(ranges, plainExtras).map(([r, e]): ResourceInput => ({ name: 'ports', ranges: r, ...e })),
      fc.tuple(fc.subarray(SET_ITEMS, { minLength: 1 }), plainExtras).map(([s, e]): ResourceInput => ({ name: 'bugs', set: s, ...e })),
    ),
    { maxLength: 8 },
  )
  .map((i) => Resources.of(i));

/** `b` without any port or set item that appears anywhere in `a` (stricter than "same identity"). */
function disjointFrom(b: readonly ResourceInput[], a: readonly ResourceInput[]): ResourceInput[] {
  const ports = new Set<number>();
  const items = new Set<string>();
  for (const r of a) {
    for (const x of r.ranges ?? []) for (let p = x.begin; p <= x.end; p++) ports.add(p);
    for (const s of r.set ?? []) items.add(s);
  }
  return b.map((r) => {
    if (r.set !== undefined) return { ...r, set: r.set.filter((s) => !items.has(s)) };
    if (r.ranges === undefined) return r;
    const kept: Range[] = [];
    for (const x of r.ranges) for (let p = x.begin; p <= x.end; p++) if (!ports.has(p)) kept.push({ begin: p, end: p });
    return { ...r, ranges: kept };
  });
}

// ---- Helpers -------------------------------------------------------------------------------

/** Quantities in integer thousandths, so sums compare exactly. */
function milliQuantities(r: Resources): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, q] of r.quantities()) out.set(name, Math.round(q * 1000));
  return out;
}

function assertSameQuantities(actual: Resources, expected: Resources, what: string): void {
  const sorted = (r: Resources): Array<[string, number]> => [...milliQuantities(r)].sort(([x], [y]) => (x < y ? -1 : 1));
  assert.deepEqual(sorted(actual), sorted(expected), `${what}: ${expected} -> ${actual}`);
}

function assertSameResources(actual: Resources, expected: Resources, what: string): void {
  assert.ok(actual.equals(expected), `${what}:\n  got      ${actual}\n  expected ${expected}`);
}

function assertNormalisedRanges(r: Resources): void {
  for (const res of r) {
    const rs = res.ranges ?? [];
    rs.forEach((x, i) => {
      assert.ok(x.begin <= x.end, `begin > end in ${r}`);
      if (i > 0) assert.ok(x.begin > rs[i - 1]!.end + 1, `ranges unsorted, overlapping or adjacent in ${r}`);
    });
  }
}

// ---- Arithmetic ----------------------------------------------------------------------------

test('(a+b)-b equals a when b shares no range element or set item with a', () => {
  // Overlapping ranges and sets coalesce, so an element in both a and b would be removed
  // entirely by the subtraction; disjointFrom removes those from b. Exclusive objects need no
  // precondition: subtraction removes one *equal* copy (subtractable requires an equal value for
  // persistent volumes, MOUNT disks and shared copies), and equal copies are interchangeable, so
  // whether b's copy or a's goes, what remains equals a.
  fc.assert(fc.property(inputs, inputs, (ai, bi) => {
    const a = Resources.of(ai);
    const bd = disjointFrom(bi, ai);
    const b = Resources.of(bd);
    assertSameResources(a.plus(b).minus(b), a, `(${a} + ${b}) - b`);
    // Building from a list is adding one object at a time.
    assertSameResources(Resources.of([...ai, ...bd]), a.plus(b), 'Resources.of of both lists');
  }), RUNS);
});

test('containment: reflexive, a+b contains both summands, equality is mutual containment', () => {
  fc.assert(fc.property(inputs, inputs, fc.boolean(), (ai, bi, permute) => {
    const a = Resources.of(ai);
    // Half the time b is a in another order, so equality is often true.
    const b = Resources.of(permute ? [...ai].reverse() : bi);
    assert.ok(a.contains(a), `${a} does not contain itself`);
    const sum = a.plus(b);
    assert.ok(sum.contains(a) && sum.contains(b), `${sum} does not contain ${a} and ${b}`);
    assert.equal(a.equals(b), a.contains(b) && b.contains(a));
    if (permute) assertSameResources(b, a, 'the same resources in another order');
  }), RUNS);
});

test('containment is transitive; what a contains can be taken out and put back', () => {
  fc.assert(fc.property(resources, resources, resources, fc.subarray(['cpus', 'mem', 'disk', 'gpus', 'ports', 'bugs']), (a, x, y, keep) => {
    const b = a.minus(x);
    const c = b.minus(y).filter((r) => keep.includes(r.name));
    assert.ok(a.contains(b), `${a} does not contain ${b}`);
    assert.ok(b.contains(c), `${b} does not contain ${c}`);
    assert.ok(a.contains(c), `${a} contains ${b} which contains ${c}, but not ${c}`);
    // b and c are obtained from a, so no MOUNT disk is asked for more often than a holds it.
    assertSameResources(a.minus(c).plus(c), a, `(${a} - ${c}) + c`);
  }), RUNS);
});

test('reservation labels compare without regard to order (Mesos Labels ==)', () => {
  fc.assert(fc.property(fc.shuffledSubarray(LABELS), role, amount, (l, r, v) => {
    const one = Resources.of([{ name: 'cpus', scalar: v, reservations: [entry('DYNAMIC', r, 'p', l)] }]);
    const other = Resources.of([{ name: 'cpus', scalar: v, reservations: [entry('DYNAMIC', r, 'p', [...l].reverse())] }]);
    assertSameResources(other, one, 'labels reversed');
    assertSameResources(one.plus(other), Resources.of([{ name: 'cpus', scalar: 2 * v, reservations: [entry('DYNAMIC', r, 'p', l)] }]), 'labels reversed add up');
  }), RUNS);
});

test('subtraction never goes below zero: a-b is contained in a, quantities stay within 0..a', () => {
  fc.assert(fc.property(resources, resources, (a, b) => {
    const d = a.minus(b);
    assert.ok(a.contains(d), `${a} does not contain ${a} - ${b} = ${d}`);
    const qa = milliQuantities(a);
    for (const [name, q] of milliQuantities(d)) {
      assert.ok(q > 0, `quantity of ${name} is ${q / 1000} in ${d}`);
      assert.ok(q <= (qa.get(name) ?? 0), `${name} grew by subtraction: ${d}`);
    }
    for (const res of d) if (res.scalar !== undefined) assert.ok(res.scalar > 0, `non-positive scalar in ${d}`);
  }), RUNS);
});

test('quantities: scalars add exactly; ranges and sets add up to at most the sum (elements coalesce)', () => {
  fc.assert(fc.property(resources, resources, (a, b) => {
    const qa = milliQuantities(a);
    const qb = milliQuantities(b);
    const qs = milliQuantities(a.plus(b));
    for (const name of new Set([...qa.keys(), ...qb.keys(), ...qs.keys()])) {
      const x = qa.get(name) ?? 0;
      const y = qb.get(name) ?? 0;
      const s = qs.get(name) ?? 0;
      if (SCALAR_NAMES.includes(name)) assert.equal(s, x + y, `${name}: ${a} + ${b}`);
      else assert.ok(s <= x + y && s >= Math.max(x, y), `${name}: ${s} not within [max, sum] of ${x}, ${y}`);
    }
  }), RUNS);
});

// ---- Normalisation and text ----------------------------------------------------------------

test('ranges are sorted, disjoint and non-adjacent in every result; format∘parse is a fixed point', () => {
  fc.assert(fc.property(resources, resources, (a, b) => {
    for (const r of [a, b, a.plus(b), a.minus(b)]) assertNormalisedRanges(r);
    const once = formatResources(a);
    const reparsed = parseResources(once, { commandLine: false });
    assertNormalisedRanges(reparsed);
    assert.equal(formatResources(reparsed), once);
  }), RUNS);
});

test('parse∘format round-trips every generated value (JSON form, master rules)', () => {
  fc.assert(fc.property(resources, (r) => {
    assertSameResources(parseResources(formatResources(r), { commandLine: false }), r, `round trip of ${formatResources(r)}`);
  }), RUNS);
});

test('plain unreserved/STATIC resources use the --resources text form and round-trip on the command line', () => {
  fc.assert(fc.property(plainResources, (r) => {
    const text = formatResources(r);
    assert.ok(!text.trimStart().startsWith('['), `not the text form: ${text}`);
    assertSameResources(parseResources(text), r, `round trip of ${text}`);
  }), RUNS);
});

// ---- Operations ----------------------------------------------------------------------------

function applyBoth(agent: Resources, first: OfferOperation, inverse: OfferOperation): void {
  const before = formatResources(agent);
  const middle = applyOperation(agent, first);
  assertSameQuantities(middle, agent, `${first.type} changed quantities`);
  const back = applyOperation(middle, inverse);
  assertSameResources(back, agent, `${first.type} then ${inverse.type}`);
  assert.equal(formatResources(agent), before, 'the input changed');
}

test('RESERVE then UNRESERVE restores the agent (plain and refined reservations)', () => {
  fc.assert(fc.property(agentInputs, amount, amount, fc.oneof(dynamicEntry.map((e) => ({ parent: [] as ReservationInfo[], e })), refinedStack.map((s) => ({ parent: s.slice(0, 1), e: s[1]! }))), fc.integer({ min: 150, max: 190 }), (rest, v, extra, { parent, e }, port) => {
    const base = parent.length === 0 ? {} : { reservations: parent };
    const ports: ResourceInput = { name: 'ports', ranges: [{ begin: 150, end: 200 }], ...base };
    const agent = Resources.of([...disjointFrom(rest, [ports]), { name: 'cpus', scalar: v + extra, ...base }, ports]);
    const reserved: ResourceInput[] = [
      { name: 'cpus', scalar: v, reservations: [...parent, e] },
      { name: 'ports', ranges: [{ begin: port, end: port + 10 }], reservations: [...parent, e] },
    ];
    applyBoth(agent, { type: 'RESERVE', resources: reserved }, { type: 'UNRESERVE', resources: reserved });
  }), RUNS);
});

test('RESERVE with source (re-reservation between roles) and back restores the agent', () => {
  fc.assert(fc.property(agentInputs, amount, amount, dynamicEntry, dynamicEntry, (rest, v, extra, from, to) => {
    const agent = Resources.of([...rest, { name: 'cpus', scalar: v + extra, reservations: [from] }]);
    const src: ResourceInput[] = [{ name: 'cpus', scalar: v, reservations: [from] }];
    const dst: ResourceInput[] = [{ name: 'cpus', scalar: v, reservations: [to] }];
    applyBoth(agent, { type: 'RESERVE', resources: dst, source: src }, { type: 'RESERVE', resources: src, source: dst });
  }), RUNS);
});

test('CREATE then DESTROY restores the agent (root and MOUNT disks, shared or not)', () => {
  fc.assert(fc.property(agentInputs, diskSize, amount, dynamicStack, fc.boolean(), rarely, principal, (rest, size, extra, s, mount, shared, p) => {
    const source = mount ? { source: { type: 'MOUNT' as const, root: '/mnt/9' } } : {};
    // A MOUNT disk is consumed whole: the volume takes all of it.
    const disk: ResourceInput = { name: 'disk', scalar: mount ? size : size + extra, reservations: s, ...(mount ? { disk: source } : {}) };
    const pv: ResourceInput = {
      name: 'disk', scalar: size, reservations: s,
      disk: { persistence: p === undefined ? { id: 'created' } : { id: 'created', principal: p }, volume, ...source },
      ...(shared ? { shared: true } : {}),
    };
    applyBoth(Resources.of([...rest, disk]), { type: 'CREATE', volumes: [pv] }, { type: 'DESTROY', volumes: [pv] });
  }), RUNS);
});

test('GROW_VOLUME then SHRINK_VOLUME by the same amount restores the agent', () => {
  fc.assert(fc.property(agentInputs, diskSize, amount, amount, reservedStack, (rest, size, grow, extra, s) => {
    const pv = (v: number): ResourceInput => ({ name: 'disk', scalar: v, reservations: s, disk: { persistence: { id: 'grown' }, volume } });
    const agent = Resources.of([...rest, pv(size), { name: 'disk', scalar: grow + extra, reservations: s }]);
    applyBoth(
      agent,
      { type: 'GROW_VOLUME', volume: pv(size), addition: { name: 'disk', scalar: grow, reservations: s } },
      { type: 'SHRINK_VOLUME', volume: pv(size + grow), subtract: grow },
    );
  }), RUNS);
});

/**
 * An operation over objects the agent holds, picked by `mask` among those the operation could
 * apply to, and transformed towards a valid operation (a reservation pushed, a persistence
 * added...); sometimes random objects are mixed in. Many apply, many fail for varied reasons.
 */
const randomOperation = fc.record({
  type: fc.constantFrom('RESERVE', 'UNRESERVE', 'CREATE', 'DESTROY', 'GROW_VOLUME', 'SHRINK_VOLUME'),
  mask: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  withJunk: rarely,
  junk: fc.array(resourceInput, { minLength: 1, maxLength: 2 }),
  reservation: dynamicEntry,
  size: fc.oneof(fc.constantFrom(0.5, 1, 2), amount),
  // Mostly a fraction of the volume, sometimes any double (NaN, negative, huge...).
  subtract: fc.oneof(fc.integer({ min: 0, max: 1100 }).map((n) => ({ fraction: n / 1000 })), fc.double().map((d) => ({ absolute: d }))),
});
type RandomOperation = typeof randomOperation extends fc.Arbitrary<infer T> ? T : never;

function buildOperation(agent: readonly ResourceInput[], o: RandomOperation): OfferOperation {
  const free = (r: ResourceInput): boolean => r.allocationRole === undefined && r.revocable !== true;
  const isVolume = (r: ResourceInput): boolean => r.disk?.persistence !== undefined;
  const pick = (fits: (r: ResourceInput) => boolean): ResourceInput[] => [
    ...agent.filter(fits).filter((_, i) => o.mask[i] !== false),
    ...(o.withJunk ? o.junk : []),
  ];
  const pv = pick((r) => free(r) && isVolume(r) && r.shared !== true)[0] ?? o.junk[0]!;
  switch (o.type) {
    case 'RESERVE': {
      // Any role onto unreserved objects, a strict subrole (when the vocabulary has one) onto reserved ones.
      const pushed = pick((r) => free(r) && !isVolume(r)).map((r) => {
        const last = r.reservations?.[r.reservations.length - 1]?.role;
        const child = last === undefined ? o.reservation.role : ROLES.find((x) => x.startsWith(`${last}/`)) ?? o.reservation.role;
        return { ...r, reservations: [...(r.reservations ?? []), { ...o.reservation, role: child }] };
      });
      return { type: 'RESERVE', resources: pushed };
    }
    case 'UNRESERVE':
      return { type: 'UNRESERVE', resources: pick((r) => free(r) && !isVolume(r) && isDynamic(r.reservations ?? [])) };
    case 'CREATE': {
      const disks = pick((r) => free(r) && r.name === 'disk' && !isVolume(r) && r.reservations !== undefined);
      return { type: 'CREATE', volumes: disks.map((r) => ({ ...r, disk: { ...r.disk, persistence: { id: 'n' }, volume } })) };
    }
    case 'DESTROY':
      return { type: 'DESTROY', volumes: pick((r) => r.allocationRole === undefined && isVolume(r)) };
    case 'GROW_VOLUME':
      return { type: 'GROW_VOLUME', volume: pv, addition: { name: 'disk', scalar: o.size, ...(pv.reservations === undefined ? {} : { reservations: pv.reservations }) } };
    case 'SHRINK_VOLUME':
      return { type: 'SHRINK_VOLUME', volume: pv, subtract: 'fraction' in o.subtract ? Math.round((pv.scalar ?? 1) * o.subtract.fraction * 1000) / 1000 : o.subtract.absolute };
  }
}

test('applyOperation keeps total quantities, or throws OperationError and changes nothing', () => {
  fc.assert(fc.property(richAgentInputs, randomOperation, (list, o) => {
    const agent = Resources.of(list);
    const before = formatResources(agent);
    const op = buildOperation(list, o);
    let result: Resources;
    try {
      result = applyOperation(agent, op);
    } catch (e) {
      assert.ok(e instanceof OperationError, `${op.type} threw ${String(e)} (not an OperationError)`);
      assert.equal(formatResources(agent), before, 'a failing operation changed its input');
      return;
    }
    assertSameQuantities(result, agent, `${op.type} changed quantities`);
    assert.equal(formatResources(agent), before, 'the input changed');
  }), RUNS);
});
