// Marathon's constraint semantics, table-driven from its ConstraintsTest.scala (Marathon 1.10,
// mesosphere/marathon src/test/scala/mesosphere/mesos/ConstraintsTest.scala) and the examples of
// docs/docs/constraints.md. Each row: constraint, offer, placed instances, expected verdict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { instance, meets, offer } from './marathon-helpers.ts';

type Row = readonly [name: string, triple: readonly string[], agent: ReturnType<typeof offer>, placed: ReturnType<typeof offer>[], expected: boolean, target?: number];

function table(title: string, rows: readonly Row[]): void {
  test(title, () => {
    for (const [name, triple, agent, placed, expected, target] of rows) {
      assert.equal(meets(triple, agent, placed, target), expected, `${name}: ${JSON.stringify(triple)}`);
    }
  });
}

const host1 = instance('', 'host1');
const host2 = instance('', 'host2');
const host3 = instance('', 'host3');

table('UniqueHostConstraint (ConstraintsTest)', [
  ['CLUSTER without value, nothing placed', ['@hostname', 'CLUSTER'], offer('foohost'), [], true],
  ['CLUSTER with another hostname', ['@hostname', 'CLUSTER', 'right.com'], offer('wrong.com'), [], false],
  ['UNIQUE, first placement', ['@hostname', 'UNIQUE'], offer('host2'), [], true],
  ['UNIQUE, fresh host', ['@hostname', 'UNIQUE'], offer('host4'), [host1, host2, host3], true],
  ['UNIQUE, used host', ['@hostname', 'UNIQUE'], offer('host2'), [host1, host2, host3], false],
  ['"hostname" is the same field as "@hostname"', ['hostname', 'UNIQUE'], offer('host2'), [host1, host2], false],
]);

{
  const rack1 = instance('rackid:rack-1');
  const rack2 = instance('rackid:rack-2');
  const offerRack1 = offer('foohost', 'foo:bar;rackid:rack-1');
  const offerRack2 = offer('foohost', 'foo:bar;rackid:rack-2');
  const offerRack3 = offer('foohost', 'foo:bar;rackid:rack-3');
  table('Generic property constraints (ConstraintsTest)', [
    ['CLUSTER in a fresh rack', ['rackid', 'CLUSTER'], offerRack1, [], true],
    ['CLUSTER along with the same rack', ['rackid', 'CLUSTER'], offerRack1, [rack1, rack1], true],
    ['CLUSTER: rack2 cannot join rack1 placements', ['rackid', 'CLUSTER'], offerRack2, [rack1, rack1], false],
    ['CLUSTER: offer lacking the attribute, nothing placed', ['rackid', 'CLUSTER'], offer('foohost'), [], false],
    ['UNIQUE in a fresh rack', ['rackid', 'UNIQUE'], offerRack1, [], true],
    ['UNIQUE in a third rack', ['rackid', 'UNIQUE'], offerRack3, [rack1, rack2], true],
    ['UNIQUE in a used rack', ['rackid', 'UNIQUE'], offerRack1, [rack1, rack2], false],
    ['UNIQUE: offer lacking the attribute, nothing placed', ['rackid', 'UNIQUE'], offer('foohost'), [], false],
  ]);
}

table('AttributesLikeByConstraints and AttributesUnlikeByConstraints (ConstraintsTest)', [
  ['LIKE 7 on jdk:6', ['jdk', 'LIKE', '7'], offer('foohost', 'jdk:6'), [], false],
  ['LIKE 7 on jdk:7', ['jdk', 'LIKE', '7'], offer('foohost', 'jdk:7'), [], true],
  ['LIKE on a missing attribute', ['jdk', 'LIKE', '7'], offer('foohost'), [], false],
  ['UNLIKE 7 on jdk:6', ['jdk', 'UNLIKE', '7'], offer('foohost', 'jdk:6'), [], true],
  ['UNLIKE 7 on jdk:7', ['jdk', 'UNLIKE', '7'], offer('foohost', 'jdk:7'), [], false],
  ['UNLIKE on a missing attribute', ['jdk', 'UNLIKE', '7'], offer('foohost'), [], true],
]);

{
  // Builders.newAppDefinition.command(appId, instances = 5)
  const rack = (n: number) => instance(`rackid:rack-${n}`);
  const offerRack = (n: number) => offer('foohost', `foo:bar;rackid:rack-${n}`);
  table('RackGroupedByConstraints, app of 5 instances (ConstraintsTest)', [
    ['initial placement when no placements yet', ['rackid', 'GROUP_BY', '2'], offerRack(1), [], true, 5],
    ['remainder may go to a group at its target (2 groups)', ['rackid', 'GROUP_BY', '2'], offerRack(1), [rack(1), rack(1)], true, 5],
    ['remainder may go to a group at its target (4 groups)', ['rackid', 'GROUP_BY', '4'], offerRack(1), [rack(1)], true, 5],
    ['no more than one remainder per group (2 groups)', ['rackid', 'GROUP_BY', '2'], offerRack(1), [rack(1), rack(1), rack(1)], false, 5],
    ['no more than one remainder per group (4 groups)', ['rackid', 'GROUP_BY', '4'], offerRack(1), [rack(1), rack(1)], false, 5],
    ['second placement', ['rackid', 'GROUP_BY', '2'], offerRack(2), [rack(1)], true, 5],
    ['only remainder-many groups get an extra', ['rackid', 'GROUP_BY', '4'], offerRack(2), [rack(1), rack(1), rack(2)], false, 5],
    ['final placement', ['rackid', 'GROUP_BY', '2'], offerRack(2), [rack(1), rack(1), rack(1), rack(2)], true, 5],
    ['additional racks rejected once n racks are used', ['rackid', 'GROUP_BY', '2'], offerRack(3), [rack(1), rack(2)], false, 5],
    ['offer lacking the attribute', ['rackid', 'GROUP_BY', '2'], offer('foohost'), [], false, 5],
  ]);

  // 'groupBy works with scalar values': the instances are on TEXT rack-n.0, the offers on rack-n,
  // so every offer value is new to the grouping.
  const scalarRack = (n: number) => instance(`rackid:rack-${n}.0`);
  table('groupBy works with scalar values (ConstraintsTest)', [
    ['rack-1, nothing placed', ['rackid', 'GROUP_BY', '3'], offerRack(1), [], true, 5],
    ['rack-2', ['rackid', 'GROUP_BY', '3'], offerRack(2), [scalarRack(1)], true, 5],
    ['rack-3', ['rackid', 'GROUP_BY', '3'], offerRack(3), [scalarRack(1), scalarRack(2)], true, 5],
    ['rack-1 again', ['rackid', 'GROUP_BY', '3'], offerRack(1), [scalarRack(1)], true, 5],
  ]);

  const host = (n: number) => instance('', `host-${n}`);
  const offerHost = (n: number) => offer(`host-${n}`);
  table('GROUP_BY works for the host attribute (ConstraintsTest)', [
    ['host-1, nothing placed', ['@hostname', 'GROUP_BY', '3'], offerHost(1), [], true, 5],
    ['host-2', ['@hostname', 'GROUP_BY', '3'], offerHost(2), [host(1)], true, 5],
    ['host-3', ['@hostname', 'GROUP_BY', '3'], offerHost(3), [host(1), host(2)], true, 5],
    ['host-1 again (5 over 3 leaves a remainder of 2)', ['@hostname', 'GROUP_BY', '3'], offerHost(1), [host(1)], true, 5],
  ]);
}

{
  const h1 = instance('', 'host1');
  const h2 = instance('', 'host2');
  table('HostnameMaxPerConstraints (ConstraintsTest)', [
    ['fresh host', ['@hostname', 'MAX_PER', '2'], offer('host1'), [], true],
    ['second on host1', ['@hostname', 'MAX_PER', '2'], offer('host1'), [h1], true],
    ['host2', ['@hostname', 'MAX_PER', '2'], offer('host2'), [h1, h1], true],
    ['third on host1', ['@hostname', 'MAX_PER', '2'], offer('host1'), [h1, h1, h2], false],
    ['host3', ['@hostname', 'MAX_PER', '2'], offer('host3'), [h1, h1, h2, h1], true],
  ]);
  // Instances on SCALAR 1.0 / 2.0, offers on 1 / 2: both print as "1" / "2".
  const r1 = instance('rackid:1.0');
  const r2 = instance('rackid:2.0');
  table('RackMaxPerConstraints (ConstraintsTest)', [
    ['fresh rack 1', ['rackid', 'MAX_PER', '2'], offer('foohost', 'foo:bar;rackid:1'), [], true],
    ['fresh rack 2', ['rackid', 'MAX_PER', '2'], offer('foohost', 'foo:bar;rackid:2'), [r1], true],
    ['rack 1 again', ['rackid', 'MAX_PER', '2'], offer('foohost', 'foo:bar;rackid:1'), [r1, r2], true],
    ['rack 1 full', ['rackid', 'MAX_PER', '2'], offer('foohost', 'foo:bar;rackid:1'), [r1, r2, r1], false],
  ]);
}

{
  const fresh = [instance('foo:bar'), instance('jdk:7'), instance('jdk:[6-7]'), instance('gpu:{0,1}')];
  table('AttributesTypes: TEXT, SCALAR, RANGES and SET (ConstraintsTest)', [
    ['LIKE 7 on jdk:6', ['jdk', 'LIKE', '7'], offer('foohost', 'jdk:6'), fresh, false],
    ['LIKE 7 on jdk:7', ['jdk', 'LIKE', '7'], offer('foohost', 'jdk:7'), fresh, true],
    ['CLUSTER 7 on jdk:6', ['jdk', 'CLUSTER', '7'], offer('foohost', 'jdk:6'), [fresh[1]!], false],
    ['CLUSTER 7 on jdk:7', ['jdk', 'CLUSTER', '7'], offer('foohost', 'jdk:7'), [fresh[1]!], true],
    ['LIKE on no attribute', ['jdk', 'LIKE', '7'], offer('foohost'), fresh, false],
    ['UNLIKE 7 on jdk:7', ['jdk', 'UNLIKE', '7'], offer('foohost', 'jdk:7'), fresh, false],
    ['UNLIKE 7 on jdk:6', ['jdk', 'UNLIKE', '7'], offer('foohost', 'jdk:6'), fresh, true],
    ['UNLIKE on no attribute', ['jdk', 'UNLIKE', '7'], offer('foohost'), fresh, true],
    ['LIKE range on [5-7]', ['jdk', 'LIKE', '\\[6-7\\]'], offer('foohost', 'jdk:[5-7]'), fresh, false],
    ['LIKE range on [6-7]', ['jdk', 'LIKE', '\\[6-7\\]'], offer('foohost', 'jdk:[6-7]'), fresh, true],
    ['CLUSTER range on [5-7]', ['jdk', 'CLUSTER', '[6-7]'], offer('foohost', 'jdk:[5-7]'), [fresh[2]!], false],
    ['CLUSTER range on [6-7]', ['jdk', 'CLUSTER', '[6-7]'], offer('foohost', 'jdk:[6-7]'), [fresh[2]!], true],
    ['LIKE range on no attribute', ['jdk', 'LIKE', '\\[6-7\\]'], offer('foohost'), fresh, false],
    ['UNLIKE range on [6-7]', ['jdk', 'UNLIKE', '\\[6-7\\]'], offer('foohost', 'jdk:[6-7]'), fresh, false],
    ['UNLIKE range on TEXT 5-7', ['jdk', 'UNLIKE', '\\[6-7\\]'], offer('foohost', 'jdk:5-7'), fresh, true],
    ['UNLIKE range on no attribute', ['jdk', 'UNLIKE', '\\[6-7\\]'], offer('foohost'), fresh, true],
    ['LIKE set on {2,1}', ['gpu', 'LIKE', '\\{0,1\\}'], offer('foohost', 'gpu:{2,1}'), fresh, false],
    ['LIKE set on {1,0} (items sorted)', ['gpu', 'LIKE', '\\{0,1\\}'], offer('foohost', 'gpu:{1,0}'), fresh, true],
    ['CLUSTER set, offer lacks gpu', ['gpu', 'CLUSTER', '{0,1}'], offer('foohost', 'jdk:{2,1}'), [fresh[3]!], false],
    ['CLUSTER set on {0,1}', ['gpu', 'CLUSTER', '{0,1}'], offer('foohost', 'gpu:{0,1}'), [fresh[3]!], true],
    ['LIKE set on no attribute', ['gpu', 'LIKE', '\\{0,1\\}'], offer('foohost'), fresh, false],
    ['UNLIKE set on {0,1}', ['gpu', 'UNLIKE', '\\{0,1\\}'], offer('foohost', 'gpu:{0,1}'), fresh, false],
    ['UNLIKE set on {1,2}', ['gpu', 'UNLIKE', '\\{0,1\\}'], offer('foohost', 'gpu:{1,2}'), fresh, true],
    ['UNLIKE set on no attribute', ['gpu', 'UNLIKE', '\\{0,1\\}'], offer('foohost'), fresh, true],
  ]);
}

{
  const onRegion1 = instance('', '@hostname', { region: 'region1', zone: 'zone1' });
  const onZone1 = instance('', '@hostname', { region: 'region', zone: 'zone1' });
  table('DomainInfo: @region and @zone (ConstraintsTest)', [
    ['@region UNIQUE, same region', ['@region', 'UNIQUE'], offer('h', '', { region: 'region1', zone: 'zone' }), [onRegion1], false],
    ['@region UNIQUE, other region', ['@region', 'UNIQUE'], offer('h', '', { region: 'region2', zone: 'zone' }), [onRegion1], true],
    ['@zone UNIQUE, same zone', ['@zone', 'UNIQUE'], offer('h', '', { region: 'region', zone: 'zone1' }), [onZone1], false],
    ['@zone UNIQUE, other zone', ['@zone', 'UNIQUE'], offer('h', '', { region: 'region', zone: 'zone2' }), [onZone1], true],
    ['@zone on an agent without a domain', ['@zone', 'UNIQUE'], offer('h'), [], false],
    ['@zone UNLIKE on an agent without a domain', ['@zone', 'UNLIKE', 'zone1'], offer('h'), [], true],
  ]);
}

table('IS operator (ConstraintsTest)', [
  ['text equality', ['@hostname', 'IS', 'righthost.com'], offer('righthost.com'), [], true],
  ['text inequality', ['@hostname', 'IS', 'righthost.com'], offer('wronghost.com'), [], false],
  ['1 IS 1.0', ['number', 'IS', '1.0'], offer('host', 'number:1'), [], true],
  ['1.0 IS 1', ['number', 'IS', '1'], offer('host', 'number:1.0'), [], true],
  ['1.0 IS 1.0001', ['number', 'IS', '1.0001'], offer('host', 'number:1.0'), [], true],
  ['1.0 IS 1.0005 (half-even on the double 1.000499…)', ['number', 'IS', '1.0005'], offer('host', 'number:1.0'), [], true],
  ['1.0 IS NOT 1.00051', ['number', 'IS', '1.00051'], offer('host', 'number:1.0'), [], false],
  ['1.0 IS NOT 1.001', ['number', 'IS', '1.001'], offer('host', 'number:1.0'), [], false],
]);

table('docs: IS compares scalars at the thousandth', [
  ['level:0.8 IS 0.8', ['level', 'IS', '0.8'], offer('h', 'level:0.8'), [], true],
  ['level:0.8 IS 0.80', ['level', 'IS', '0.80'], offer('h', 'level:0.8'), [], true],
  ['level:0.8 IS 0.8001', ['level', 'IS', '0.8001'], offer('h', 'level:0.8'), [], true],
  ['level:0.8 IS 0.9', ['level', 'IS', '0.9'], offer('h', 'level:0.8'), [], false],
  ['TEXT 0.80 is text: IS 0.8 compares "0.80" with "0.8"', ['level', 'IS', '0.8'], offer('h', 'level:v0.80'), [], false],
]);

{
  const r = (n: number) => offer(`h${n}`, `rack_id:rack-${n}`);
  table('docs: CLUSTER, LIKE, UNLIKE, MAX_PER and UNIQUE examples', [
    ['CLUSTER rack-1 on rack-1', ['rack_id', 'CLUSTER', 'rack-1'], r(1), [], true],
    ['CLUSTER rack-1 on rack-2', ['rack_id', 'CLUSTER', 'rack-1'], r(2), [], false],
    ['CLUSTER: the first instance picks the rack', ['rack_id', 'CLUSTER'], r(2), [], true],
    ['CLUSTER: later ones follow it', ['rack_id', 'CLUSTER'], r(2), [r(2)], true],
    ['CLUSTER: and nowhere else', ['rack_id', 'CLUSTER'], r(1), [r(2), r(2)], false],
    ['hostname CLUSTER a.specific.node.com', ['hostname', 'CLUSTER', 'a.specific.node.com'], offer('a.specific.node.com'), [], true],
    ['hostname CLUSTER: all on the first one\'s node', ['hostname', 'CLUSTER'], offer('n2'), [offer('n1')], false],
    ['LIKE rack-[1-3] on rack-1', ['rack_id', 'LIKE', 'rack-[1-3]'], r(1), [], true],
    ['LIKE rack-[1-3] on rack-4', ['rack_id', 'LIKE', 'rack-[1-3]'], r(4), [], false],
    ['LIKE matches the whole value: rack-[1-3] on rack-12', ['rack_id', 'LIKE', 'rack-[1-3]'], r(12), [], false],
    ['LIKE .* matches any value', ['rack_id', 'LIKE', '.*'], r(12), [], true],
    ['UNLIKE rack-[7-9] on rack-7', ['rack_id', 'UNLIKE', 'rack-[7-9]'], r(7), [], false],
    ['UNLIKE rack-[7-9] on rack-1', ['rack_id', 'UNLIKE', 'rack-[7-9]'], r(1), [], true],
    ['MAX_PER 2, two on the rack', ['rack_id', 'MAX_PER', '2'], r(1), [r(1), r(1)], false],
    ['MAX_PER 2, one on the rack', ['rack_id', 'MAX_PER', '2'], r(1), [r(1), r(2)], true],
    ['MAX_PER 0 acts as UNIQUE (Marathon accepts an unused value for any n)', ['rack_id', 'MAX_PER', '0'], r(1), [r(2)], true],
    ['MAX_PER 0 on a used value', ['rack_id', 'MAX_PER', '0'], r(1), [r(1)], false],
    ['UNIQUE hostname', ['hostname', 'UNIQUE'], offer('a'), [offer('a')], false],
  ]);
}

test('a missing attribute fails every operator except UNLIKE (checkConstraint, None branch)', () => {
  const bare = offer('foohost', 'other:x');
  const placed = [instance('rack:r1')];
  const rows: Array<[readonly string[], boolean]> = [
    [['rack', 'UNIQUE'], false],
    [['rack', 'CLUSTER'], false],
    [['rack', 'CLUSTER', 'r1'], false],
    [['rack', 'GROUP_BY'], false],
    [['rack', 'GROUP_BY', '2'], false],
    [['rack', 'MAX_PER', '5'], false],
    [['rack', 'LIKE', '.*'], false],
    [['rack', 'IS', 'r1'], false],
    [['rack', 'UNLIKE', 'r1'], true],
    [['rack', 'UNLIKE', '.*'], true],
  ];
  for (const [triple, expected] of rows) {
    assert.equal(meets(triple, bare, placed), expected, JSON.stringify(triple));
    assert.equal(meets(triple, bare, []), expected, `${JSON.stringify(triple)}, nothing placed`);
  }
});

test('docs: GROUP_BY 3 with offers from two racks only (Marathon 1.10 code, not the docs sentence)', () => {
  // docs/docs/constraints.md says GROUP_BY 3 "will only place 2 tasks ... and then wait"; that was
  // the pre-1.10 rule. Marathon 1.10's checkGroupBy fills each rack up to 9/3 = 3 and then waits.
  const placed: ReturnType<typeof offer>[] = [];
  for (let i = 0; i < 20; i++) {
    const o = offer(`h${i}`, `rack_id:rack_${(i % 2) + 1}`);
    if (meets(['rack_id', 'GROUP_BY', '3'], o, placed, 9)) placed.push(o);
  }
  assert.equal(placed.length, 6);
  assert.equal(meets(['rack_id', 'GROUP_BY', '3'], offer('x', 'rack_id:rack_3'), placed, 9), true);
  // and a fourth rack is refused while three are in use (the docs' "5 racks" sentence is not what the code does)
  const withThird = [...placed, offer('x', 'rack_id:rack_3')];
  assert.equal(meets(['rack_id', 'GROUP_BY', '3'], offer('y', 'rack_id:rack_4'), withThird, 9), false);
});

test('docs: GROUP_BY without a value spreads over the racks seen so far, never rebalancing', () => {
  const placed: ReturnType<typeof offer>[] = [];
  for (let i = 0; i < 8; i++) {
    const o = offer(`h${i}`, `rack_id:rack_${(i % 2) + 1}`);
    assert.equal(meets(['rack_id', 'GROUP_BY'], o, placed, 9), true);
    placed.push(o);
  }
  // 4 + 4: a third rack is a new group and accepted, rack_1 must wait for rack_2 once ahead
  assert.equal(meets(['rack_id', 'GROUP_BY'], offer('r3', 'rack_id:rack_3'), placed, 9), true);
  placed.push(offer('r1', 'rack_id:rack_1'));
  assert.equal(meets(['rack_id', 'GROUP_BY'], offer('r1b', 'rack_id:rack_1'), placed, 9), false);
  assert.equal(meets(['rack_id', 'GROUP_BY'], offer('r2b', 'rack_id:rack_2'), placed, 9), true);
});

test('GROUP_BY counts instances lacking the field as one group (Scala groupBy on an Option)', () => {
  // Two instances predate the attribute; with 2 groups wanted, rack r1 + "missing" use both.
  const placed = [instance('', 'a'), instance('', 'b'), instance('rack:r1')];
  assert.equal(meets(['rack', 'GROUP_BY', '2'], offer('x', 'rack:r2'), placed, 4), false);
  assert.equal(meets(['rack', 'GROUP_BY', '2'], offer('x', 'rack:r1'), placed, 4), true);
  assert.equal(meets(['rack', 'GROUP_BY', '3'], offer('x', 'rack:r2'), placed, 4), true);
});

test('GROUP_BY target defaults to the placed instances plus the one being placed', () => {
  const r1 = instance('rack:r1');
  const r2 = instance('rack:r2');
  // 3 placed + 1 = 4 over 2 groups: 2 each; r1 holds 2 already
  assert.equal(meets(['rack', 'GROUP_BY', '2'], offer('x', 'rack:r1'), [r1, r1, r2]), false);
  assert.equal(meets(['rack', 'GROUP_BY', '2'], offer('x', 'rack:r2'), [r1, r1, r2]), true);
  // with the app scaled to 5, r1 may take the remainder
  assert.equal(meets(['rack', 'GROUP_BY', '2'], offer('x', 'rack:r1'), [r1, r1, r2], 5), true);
});
