// Property tests: the guarantees the operators promise, checked on random clusters, plus
// agreement of the incremental tally with direct transcriptions of Marathon's code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  compileConstraints, evaluate, fieldValue, formatConstraintsJson, formatConstraintsString, formatDecimal, parseConstraints,
  PlacementTally, selectInstancesToKill, type Constraint, type PlacedInstance, type PlacementAgent,
} from '../../../src/placement/constraints/index.ts';

const RUNS = { numRuns: 200 };

const RACKS = ['r1', 'r2', 'r3', 'r4', 'r5'];
const ZONES = ['a', 'b', 'c', 'd'];

/** Agents with a hostname, maybe a rack attribute and maybe a zone. */
const agentArb: fc.Arbitrary<PlacementAgent> = fc
  .record({
    host: fc.integer({ min: 0, max: 30 }),
    rack: fc.option(fc.constantFrom(...RACKS), { nil: undefined, freq: 5 }),
    zone: fc.option(fc.constantFrom(...ZONES), { nil: undefined, freq: 5 }),
  })
  .map(({ host, rack, zone }) => ({
    id: `agent-${host}`,
    hostname: `host-${host}`,
    attributes: rack === undefined ? [] : [{ name: 'rack', type: 'TEXT' as const, text: rack }],
    ...(zone === undefined ? {} : { domain: { region: 'us', zone } }),
  }));

const agentsArb = fc.array(agentArb, { minLength: 1, maxLength: 40 });
const fieldArb = fc.constantFrom('rack', '@zone', 'hostname');

/** Greedy placement: each round takes the first agent (in the given order) that accepts. */
function placeGreedily(constraints: readonly Constraint[], agents: readonly PlacementAgent[], count: number, targetInstances?: number): PlacementTally {
  const compiled = compileConstraints(constraints);
  const tally = compiled.tally();
  const options = { candidates: agents, ...(targetInstances === undefined ? {} : { targetInstances }) };
  for (let n = 0; n < count; n++) {
    const pick = agents.find((a) => compiled.accepts(a, tally, options));
    if (pick === undefined) break;
    tally.add(pick);
  }
  return tally;
}

test('UNIQUE never places two instances on the same value, nor on an agent lacking the field', () => {
  fc.assert(fc.property(agentsArb, fieldArb, fc.integer({ min: 1, max: 40 }), (agents, field, count) => {
    const tally = placeGreedily([{ type: 'UNIQUE', field }], agents, count);
    const values = tally.instances().map((i) => fieldValue(i.agent, field));
    assert.ok(values.every((v) => v !== undefined));
    assert.equal(new Set(values).size, values.length);
    // and it stops only when every value is taken
    const distinct = new Set(agents.map((a) => fieldValue(a, field)).filter((v) => v !== undefined));
    assert.equal(values.length, Math.min(count, distinct.size));
  }), RUNS);
});

test('MAX_PER n never puts more than n on a value', () => {
  fc.assert(fc.property(agentsArb, fieldArb, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 60 }), (agents, field, max, count) => {
    const tally = placeGreedily([{ type: 'MAX_PER', field, max }], agents, count);
    for (const [, c] of tally.field(field).entries()) assert.ok(c <= max);
  }), RUNS);
});

test('greedy SPREAD never exceeds maxSkew over the eligible domains, and never gets stuck', () => {
  fc.assert(fc.property(agentsArb, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 50 }), (agents, maxSkew, count) => {
    const compiled = compileConstraints([{ type: 'SPREAD', field: '@zone', maxSkew }]);
    const tally = compiled.tally();
    const domains = [...new Set(agents.map((a) => a.domain?.zone).filter((z) => z !== undefined))];
    for (let n = 0; n < count; n++) {
      const pick = agents.find((a) => compiled.accepts(a, tally, { candidates: agents }));
      if (domains.length > 0) assert.ok(pick !== undefined, 'a least-loaded domain always accepts');
      if (pick === undefined) return;
      tally.add(pick);
      const counts = domains.map((d) => tally.field('@zone').count(d));
      assert.ok(Math.max(...counts) - Math.min(...counts) <= maxSkew, `counts ${counts} exceed maxSkew ${maxSkew}`);
    }
  }), RUNS);
});

test('GROUP_BY n with T instances fills at most n groups to floor(T/n), remainder groups one more, and reaches T', () => {
  fc.assert(fc.property(agentsArb, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 30 }), (agents, groups, target) => {
    const tally = placeGreedily([{ type: 'GROUP_BY', field: 'rack', groups }], agents, target, target);
    const counts = [...tally.field('rack').entries()].map(([, c]) => c);
    const perGroup = Math.floor(target / groups);
    assert.ok(counts.length <= groups);
    assert.ok(counts.every((c) => c <= perGroup + 1));
    assert.ok(counts.filter((c) => c === perGroup + 1).length <= target % groups);
    const racks = new Set(agents.map((a) => fieldValue(a, 'rack')).filter((r) => r !== undefined));
    if (racks.size >= groups) assert.equal(tally.size, target);
  }), RUNS);
});

/** Marathon 1.10 Constraints.checkGroupBy, transcribed directly (O(placed)). */
function marathonCheckGroupBy(placed: ReadonlyArray<string | undefined>, offerValue: string, groups: number, instances: number): boolean {
  const desiredInstanceCount = placed.length === 0 ? 1 : instances;
  const current = new Map<string | undefined, number>();
  for (const v of placed) current.set(v, (current.get(v) ?? 0) + 1);
  const perGroup = Math.floor(desiredInstanceCount / groups);
  const remainder = desiredInstanceCount % groups;
  let consumed = 0;
  for (const c of current.values()) consumed += Math.max(0, c - perGroup);
  const count = current.get(offerValue);
  if (count !== undefined) return count < perGroup || (count === perGroup && remainder - consumed > 0);
  return current.size < groups;
}

test('GROUP_BY with a count agrees with a direct transcription of Marathon 1.10 checkGroupBy', () => {
  const value = fc.option(fc.constantFrom(...RACKS), { nil: undefined, freq: 4 });
  fc.assert(fc.property(fc.array(value, { maxLength: 25 }), fc.constantFrom(...RACKS), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 30 }),
    (placedValues, offerValue, groups, instances) => {
      const toAgent = (v: string | undefined, i: number): PlacementAgent => ({
        id: `p${i}`, hostname: `p${i}`, attributes: v === undefined ? [] : [{ name: 'rack', type: 'TEXT', text: v }],
      });
      const result = evaluate([{ type: 'GROUP_BY', field: 'rack', groups }], toAgent(offerValue, -1), { placed: placedValues.map(toAgent), targetInstances: instances });
      assert.equal(result.ok, marathonCheckGroupBy(placedValues, offerValue, groups, instances));
    }), { numRuns: 500 });
});

test('the tally kept through adds and removes agrees with a tally built from scratch', () => {
  const op = fc.oneof(agentArb.map((a) => ({ add: a })), fc.nat(40).map((i) => ({ remove: i })));
  fc.assert(fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
    const kept = new PlacementTally();
    for (const field of ['rack', '@zone']) kept.field(field); // counted incrementally from the start
    const ids: string[] = [];
    for (const o of ops) {
      if ('add' in o) ids.push(kept.add(o.add));
      else if (ids.length > 0) kept.remove(ids.splice(o.remove % ids.length, 1)[0]!);
      const fresh = new PlacementTally(kept.instances().map((i) => i.agent));
      for (const field of ['rack', '@zone']) {
        const [k, f] = [kept.field(field), fresh.field(field)];
        assert.deepEqual(new Map(k.entries()), new Map(f.entries()));
        assert.equal(k.missing, f.missing);
        assert.equal(k.groups, f.groups);
        assert.equal(k.minPresent(), f.minPresent());
        assert.equal(k.minGroup(), f.minGroup());
        for (let x = 0; x <= 3; x++) assert.equal(k.excessAbove(x), f.excessAbove(x));
      }
    }
  }), RUNS);
});

const leafArb: fc.Arbitrary<Constraint> = fc.oneof(
  fieldArb.map((field): Constraint => ({ type: 'UNIQUE', field })),
  fc.tuple(fieldArb, fc.option(fc.constantFrom(...RACKS, 'a b', 'x,y=z'), { nil: undefined })).map(([field, value]): Constraint => (value === undefined ? { type: 'CLUSTER', field } : { type: 'CLUSTER', field, value })),
  fc.tuple(fieldArb, fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined })).map(([field, groups]): Constraint => (groups === undefined ? { type: 'GROUP_BY', field } : { type: 'GROUP_BY', field, groups })),
  fc.tuple(fieldArb, fc.integer({ min: -2, max: 9 })).map(([field, max]): Constraint => ({ type: 'MAX_PER', field, max })),
  fc.tuple(fieldArb, fc.constantFrom('r.*', 'r[1-3]', 'a\\.b', 'x,y', '\\d+', 'a|b=c'), fc.boolean()).map(([field, pattern, like]): Constraint => ({ type: like ? 'LIKE' : 'UNLIKE', field, pattern })),
  fc.tuple(fieldArb, fc.constantFrom('r1', '0.8', '1.0005', 'us-east_1/a')).map(([field, value]): Constraint => ({ type: 'IS', field, value })),
  fc.tuple(fieldArb, fc.integer({ min: 1, max: 5 })).map(([field, maxSkew]): Constraint => ({ type: 'SPREAD', field, maxSkew })),
);

const { tree } = fc.letrec<{ tree: Constraint }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.array(tie('tree'), { minLength: 1, maxLength: 3 }).map((all): Constraint => ({ type: 'AND', all })),
    fc.array(tie('tree'), { minLength: 1, maxLength: 3 }).map((any): Constraint => ({ type: 'OR', any })),
    tie('tree').map((not): Constraint => ({ type: 'NOT', not })),
  ),
}));
const topArb: fc.Arbitrary<Constraint> = fc.oneof(
  { arbitrary: tree, weight: 3 },
  { arbitrary: fc.tuple(tree, fc.integer({ min: 1, max: 8 })).map(([constraint, weight]): Constraint => ({ type: 'SOFT', weight: weight / 2, constraint })), weight: 1 },
);

test('parse(format(c)) gives c back: JSON form for everything, string form for field constraints', () => {
  fc.assert(fc.property(fc.array(topArb, { maxLength: 5 }), (cs) => {
    assert.deepEqual(parseConstraints(formatConstraintsJson(cs)), cs);
    assert.deepEqual(parseConstraints(cs), cs, 'the plain data validates as itself');
  }), RUNS);
  fc.assert(fc.property(fc.array(leafArb, { maxLength: 6 }), (cs) => {
    const text = formatConstraintsString(cs);
    assert.deepEqual(parseConstraints(text), cs, text);
  }), RUNS);
});

test('evaluation against a kept tally (with instances added and removed) equals one-shot evaluation from the placed list', () => {
  fc.assert(fc.property(fc.array(topArb, { maxLength: 4 }), agentsArb, agentsArb, agentArb, fc.integer({ min: 1, max: 50 }),
    (cs, placed, extra, candidate, target) => {
      const compiled = compileConstraints(cs);
      const tally = compiled.tally(placed);
      const extraIds = extra.map((a) => tally.add(a));
      for (const id of extraIds) tally.remove(id);
      const options = { targetInstances: target, candidates: [...placed, candidate] };
      assert.deepEqual(compiled.evaluate(candidate, tally, options), evaluate(cs, candidate, { placed, ...options }));
      assert.equal(compiled.accepts(candidate, tally, options), compiled.evaluate(candidate, tally, options).ok);
    }), RUNS);
});

/** DecimalFormat("0.###") HALF_EVEN on the exact binary value, with BigInt arithmetic. */
function referenceDecimal(x: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = exponent === 0 ? fraction : fraction | (1n << 52n);
  const e = (exponent === 0 ? 1 : exponent) - 1075; // |x| = mantissa · 2^e
  let milli: bigint;
  if (e >= 0) milli = (mantissa << BigInt(e)) * 1000n;
  else {
    const num = mantissa * 1000n;
    const den = 1n << BigInt(-e);
    const q = num / den;
    const r2 = (num % den) * 2n;
    milli = r2 > den || (r2 === den && q % 2n === 1n) ? q + 1n : q;
  }
  const int = (milli / 1000n).toString();
  const frac = (milli % 1000n).toString().padStart(3, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${int}${frac === '' ? '' : `.${frac}`}`;
}

test('formatDecimal equals HALF_EVEN rounding of the exact double', () => {
  const scaled = fc.integer({ min: -4_000_000, max: 4_000_000 }).map((n) => n / 16_000); // hits exact ties
  const anyDouble = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e25, max: 1e25 });
  fc.assert(fc.property(fc.oneof(scaled, anyDouble), (x) => {
    assert.equal(formatDecimal(x), referenceDecimal(x), String(x));
  }), { numRuns: 2000 });
});

test('scale-down never selects an instance twice, and leaves each GROUP_BY no less even than max(1, before)', () => {
  const spec = fc.array(fc.record({ rack: fc.option(fc.constantFrom('r1', 'r2', 'r3'), { nil: undefined, freq: 6 }), color: fc.constantFrom('blue', 'green') }), { minLength: 1, maxLength: 30 });
  fc.assert(fc.property(spec, fc.nat(), fc.boolean(), (rows, k, twoConstraints) => {
    const running: PlacedInstance[] = rows.map((r, i) => ({
      id: `i${i}`,
      agent: { id: `a${i}`, hostname: `h${i}`, attributes: [...(r.rack === undefined ? [] : [{ name: 'rack', type: 'TEXT' as const, text: r.rack }]), { name: 'color', type: 'TEXT' as const, text: r.color }] },
    }));
    const count = k % (running.length + 1);
    const constraints: Constraint[] = twoConstraints ? [{ type: 'GROUP_BY', field: 'rack' }, { type: 'GROUP_BY', field: 'color' }] : [{ type: 'GROUP_BY', field: 'rack' }];
    const killed = selectInstancesToKill(constraints, running, count);
    assert.ok(killed.length <= count);
    assert.equal(new Set(killed).size, killed.length);
    assert.ok(killed.every((i) => running.includes(i)));
    if (count === running.length) return;
    for (const c of constraints) {
      const field = (c as { field: string }).field;
      const groupsOf = (instances: readonly PlacedInstance[]) => {
        const m = new Map<string | undefined, number>();
        for (const i of running) m.set(fieldValue(i.agent, field), 0);
        for (const i of instances) m.set(fieldValue(i.agent, field), m.get(fieldValue(i.agent, field))! + 1);
        const sizes = [...m.values()];
        return Math.max(...sizes) - Math.min(...sizes);
      };
      const before = groupsOf(running);
      const after = groupsOf(running.filter((i) => !killed.includes(i)));
      assert.ok(after <= Math.max(1, before), `${field}: ${before} → ${after}`);
    }
  }), RUNS);
});
