// Verdicts with reasons, topology spread (maxSkew), soft constraints, AND/OR/NOT and Marathon's
// local-region rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compileConstraints, evaluate, explain, parseConstraints, type ConstraintResult, type PlacementAgent,
} from '../../../src/placement/constraints/index.ts';
import { agent } from './helpers.ts';

function failure(result: ConstraintResult): { code: string; reason: string } {
  assert.equal(result.ok, false, 'expected a refusal');
  if (result.ok) throw new Error('unreachable');
  return { code: result.code, reason: result.reason };
}

test('refusals name the rule and the counts', () => {
  const r1 = agent('a', 'rack:r1');
  const rows: Array<[string, PlacementAgent, PlacementAgent[], string, string, number?]> = [
    ['rack=maxPer:2', r1, [r1, r1], 'MAX_PER', 'rack=r1 already holds 2 instances (MAX_PER 2)'],
    ['rack=unique', r1, [r1], 'UNIQUE', 'rack=r1 already holds 1 instance (UNIQUE)'],
    ['rack=cluster:r2', r1, [], 'CLUSTER', 'rack=r1 is not r2 (CLUSTER r2)'],
    ['rack=cluster', r1, [agent('b', 'rack:r2')], 'CLUSTER', 'rack=r1, but the first placed instance is on rack=r2 (CLUSTER)'],
    ['rack=cluster', r1, [agent('b', '')], 'CLUSTER', "the first placed instance's agent lacks attribute rack, so no agent can join it (CLUSTER)"],
    ['rack=like:r[2-3]', r1, [], 'LIKE', 'rack=r1 does not match r[2-3] (LIKE r[2-3])'],
    ['rack=unlike:r.*', r1, [], 'UNLIKE', 'rack=r1 matches r.* (UNLIKE r.*)'],
    ['rack=is:r2', r1, [], 'IS', 'rack=r1 is not r2 (IS r2)'],
    ['gpu=like:.*', r1, [], 'LIKE', `agent ${r1.id} lacks attribute gpu (LIKE .* needs it)`],
    ['@zone=unique', r1, [], 'UNIQUE', `agent ${r1.id} has no fault domain (UNIQUE needs it)`],
    ['rack=groupBy:2', agent('c', 'rack:r3'), [r1, agent('b', 'rack:r2')], 'GROUP_BY', 'rack=r3 would be a new group, but 2 of 2 groups are in use (GROUP_BY 2)'],
    ['rack=groupBy:2', r1, [r1, r1, r1, agent('b', 'rack:r2')], 'GROUP_BY',
      'rack=r1 already holds 3 instances; 5 instances over 2 groups allow 2 per group and 1 extra, 1 of them used (GROUP_BY 2)', 5],
  ];
  for (const [text, candidate, placed, code, reason, targetInstances] of rows) {
    const result = evaluate(parseConstraints(text), candidate, { placed, ...(targetInstances === undefined ? {} : { targetInstances }) });
    assert.deepEqual(failure(result), { code, reason }, text);
  }
});

test('LIKE reads Java patterns: whole value, a leading (?i) ignores case', () => {
  const a = agent('a', 'rack:Rack-12');
  assert.equal(evaluate(parseConstraints([['rack', 'LIKE', '(?i)rack-1\\d']]), a).ok, true);
  assert.equal(evaluate(parseConstraints([['rack', 'LIKE', 'rack-1\\d']]), a).ok, false);
  assert.equal(evaluate(parseConstraints([['rack', 'LIKE', 'Rack-1']]), a).ok, false, 'a prefix is not a match');
  assert.equal(evaluate(parseConstraints([['rack', 'LIKE', 'Rack-1|Rack-12']]), a).ok, true, 'alternatives are anchored as a whole');
});

test('GROUP_BY without a count refuses a group that is ahead of the smallest', () => {
  const r1 = agent('a', 'rack:r1');
  const r2 = agent('b', 'rack:r2');
  const result = evaluate(parseConstraints('rack=groupBy'), r1, { placed: [r1, r1, r2] });
  assert.match(failure(result).reason, /rack=r1 already holds 2 instances, more than the smallest group \(1 instance\)/);
});

test('the first failing hard constraint is reported; passes carry the soft score', () => {
  const constraints = parseConstraints([['rack', 'LIKE', 'r.*'], ['hostname', 'UNIQUE'], { soft: ['ssd', 'IS', 'true'], weight: 3 }, { soft: ['@zone', 'IS', 'a'] }]);
  const a = agent('a', 'rack:r1;ssd:true', { region: 'us', zone: 'b' });
  assert.deepEqual(evaluate(constraints, a, { placed: [] }), { ok: true, score: 3, maxScore: 4 });
  const refused = evaluate(constraints, a, { placed: [a] });
  assert.equal(failure(refused).code, 'UNIQUE');
  assert.deepEqual(!refused.ok && refused.constraint, { type: 'UNIQUE', field: 'hostname' });
  // a soft constraint never refuses, even on a missing field
  assert.deepEqual(evaluate(constraints, agent('b', 'rack:r1'), {}), { ok: true, score: 0, maxScore: 4 });
  // without soft constraints the score is 0
  assert.deepEqual(evaluate(parseConstraints('rack=like:r.*'), a, {}), { ok: true, score: 0, maxScore: 0 });
});

test('explain lists every constraint, hard and soft, with reasons for the failing ones', () => {
  const constraints = parseConstraints([['rack', 'IS', 'r2'], ['hostname', 'UNIQUE'], { soft: ['rack', 'IS', 'r9'], weight: 2 }]);
  const a = agent('a', 'rack:r1');
  assert.deepEqual(explain(constraints, a, { placed: [] }), [
    { constraint: constraints[0], soft: false, ok: false, reason: 'rack=r1 is not r2 (IS r2)' },
    { constraint: constraints[1], soft: false, ok: true },
    { constraint: constraints[2], soft: true, ok: false, reason: 'rack=r1 is not r9 (IS r9)' },
  ]);
});

test('AND, OR and NOT compose, with reasons quoting the inner rules', () => {
  const a = agent('a', 'rack:r1', { region: 'us', zone: 'z1' });
  const or = parseConstraints([{ or: [['rack', 'IS', 'r2'], ['@zone', 'IS', 'z2']] }]);
  assert.deepEqual(failure(evaluate(or, a)), {
    code: 'OR',
    reason: 'none of 2 alternatives holds (OR): rack=r1 is not r2 (IS r2); @zone=z1 is not z2 (IS z2)',
  });
  assert.equal(evaluate(or, agent('b', 'rack:r2')).ok, true);
  const and = parseConstraints([{ and: [['rack', 'LIKE', 'r.*'], ['rack', 'MAX_PER', '1']] }]);
  assert.deepEqual(failure(evaluate(and, a, { placed: [a] })), { code: 'AND', reason: 'AND: rack=r1 already holds 1 instance (MAX_PER 1)' });
  const not = parseConstraints([{ not: ['rack', 'IS', 'r1'] }]);
  assert.deepEqual(failure(evaluate(not, a)), { code: 'NOT', reason: `rack IS r1 holds on agent ${a.id} (NOT)` });
  assert.equal(evaluate(not, agent('c', '')).ok, true, 'NOT of a constraint that fails on a missing field holds');
  // anti-affinity to a rack OR at most 2 per rack
  const mixed = parseConstraints([{ or: [{ not: ['rack', 'LIKE', 'r1|r2'] }, ['rack', 'MAX_PER', '2']] }]);
  assert.equal(evaluate(mixed, a, { placed: [a] }).ok, true);
  assert.equal(evaluate(mixed, a, { placed: [a, a] }).ok, false);
  assert.equal(evaluate(mixed, agent('d', 'rack:r3'), { placed: [agent('d', 'rack:r3'), agent('d', 'rack:r3')] }).ok, true);
});

function zoneAgent(zone: string): PlacementAgent {
  return agent(`h-${zone}`, '', { region: 'us', zone });
}

test('SPREAD: count(d) + 1 - min over eligible domains <= maxSkew (Kubernetes maxSkew)', () => {
  const [a, b, c] = [zoneAgent('a'), zoneAgent('b'), zoneAgent('c')];
  const spread1 = parseConstraints('@zone=spread:1');
  const candidates = [a, b, c];
  // placed a, a, b: a holds 2, b 1, c 0 → min 0
  const placed = [a, a, b];
  assert.equal(evaluate(spread1, c, { placed, candidates }).ok, true);
  assert.equal(evaluate(spread1, b, { placed, candidates }).ok, false);
  assert.deepEqual(failure(evaluate(spread1, a, { placed, candidates })), {
    code: 'SPREAD',
    reason: '@zone=a would hold 3 instances against 0 in the emptiest of 3 domains: skew 3 > 1 (SPREAD 1)',
  });
  // maxSkew 2 lets b take one more, not a
  const spread2 = parseConstraints('@zone=spread:2');
  assert.equal(evaluate(spread2, b, { placed, candidates }).ok, true);
  assert.equal(evaluate(spread2, a, { placed, candidates }).ok, false);
});

test('SPREAD: eligible domains come from the candidates; without candidates, from the placed instances', () => {
  const [a, b, c] = [zoneAgent('a'), zoneAgent('b'), zoneAgent('c')];
  const spread = parseConstraints('@zone=spread:1');
  // only zones a and b are candidates: c's emptiness does not count
  assert.equal(evaluate(spread, a, { placed: [a, b], candidates: [a, b] }).ok, true);
  assert.equal(evaluate(spread, a, { placed: [a, b], candidates: [a, b, c] }).ok, false);
  // without candidates: the placed zones a and b are the domains
  assert.equal(evaluate(spread, a, { placed: [a, b] }).ok, true);
  assert.equal(evaluate(spread, a, { placed: [a, a, b] }).ok, false);
  // a domain new to the placed instances is always fine
  assert.equal(evaluate(spread, c, { placed: [a, a, b] }).ok, true);
  // candidates lacking the key are not eligible and cannot take an instance
  const bare = agent('bare', '');
  assert.equal(evaluate(spread, a, { placed: [a, b], candidates: [a, b, bare] }).ok, true);
  assert.match(failure(evaluate(spread, bare, { placed: [], candidates: [bare] })).reason, /has no fault domain \(SPREAD 1 needs it\)/);
});

test("Marathon's local-region rule: remote agents only for apps that name @region or @zone", () => {
  const remote = agent('r', 'rack:r1', { region: 'eu', zone: 'eu-1' });
  const local = agent('l', 'rack:r1', { region: 'us', zone: 'us-1' });
  const noDomain = agent('n', 'rack:r1');
  const plain = parseConstraints('rack=like:r.*');
  assert.equal(evaluate(plain, remote, {}).ok, true, 'without localRegion the rule is off');
  const refused = failure(evaluate(plain, remote, { localRegion: 'us' }));
  assert.equal(refused.code, 'REGION');
  assert.match(refused.reason, /region eu, not the local region us/);
  assert.equal(evaluate(plain, local, { localRegion: 'us' }).ok, true);
  assert.equal(evaluate(plain, noDomain, { localRegion: 'us' }).ok, true, 'an agent without a region counts as local');
  assert.equal(evaluate(parseConstraints('@region=groupBy:2'), remote, { localRegion: 'us' }).ok, true);
  assert.equal(compileConstraints(plain).accepts(remote, compileConstraints(plain).tally(), { localRegion: 'us' }), false);
});

test('compiled constraints with a kept tally agree with one-shot evaluation', () => {
  const compiled = compileConstraints(parseConstraints('hostname=unique,rack=groupBy:2'));
  const tally = compiled.tally();
  const agents = ['r1', 'r2', 'r1', 'r2', 'r1'].map((r, i) => agent(`h${i}`, `rack:${r}`));
  const placed: PlacementAgent[] = [];
  for (const a of agents) {
    const kept = compiled.evaluate(a, tally, { targetInstances: 4 });
    assert.deepEqual(kept, evaluate(compiled, a, { placed, targetInstances: 4 }));
    assert.equal(compiled.accepts(a, tally, { targetInstances: 4 }), kept.ok);
    if (kept.ok) {
      tally.add(a);
      placed.push(a);
    }
  }
  assert.equal(placed.length, 4);
  assert.throws(() => compileConstraints([{ type: 'LIKE', field: 'x', pattern: '(' }]), /not a valid regular expression/);
});
