// Conformance: framework offer constraints (Mesos 1.11 `OfferConstraintsFilter`,
// offer_constraints_filter.cpp; applied first for every (framework, role, agent) in both stages of
// `__generateOffers`; reference §2.2 and §4.14 "Offer constraints"). Tests are named after
// src/tests/master/offer_constraints_filter_tests.cpp and update_framework_tests.cpp.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCluster, assertOffered, assertNotOffered } from '../../../src/testing/index.ts';
import { AllocatorError } from '../../../src/allocator/errors.ts';
import { assertNoOffers, nextPeriodic } from './support.ts';

type Predicate = Record<string, object>;

function attr(name: string, predicate: Predicate): object {
  return { selector: { attributeName: name }, predicate };
}
function pseudo(type: 'HOSTNAME' | 'REGION' | 'ZONE', predicate: Predicate): object {
  return { selector: { pseudoattributeType: type }, predicate };
}
const exists = { exists: {} };
const notExists = { notExists: {} };
const equals = (value: string): Predicate => ({ textEquals: { value } });
const notEquals = (value: string): Predicate => ({ textNotEquals: { value } });
const matches = (regex: string): Predicate => ({ textMatches: { regex } });
const notMatches = (regex: string): Predicate => ({ textNotMatches: { regex } });

/** OfferConstraints: role → groups (ORed) of constraints (ANDed). */
function constraints(byRole: Record<string, object[][]>): object {
  return {
    roleConstraints: Object.fromEntries(Object.entries(byRole).map(([role, groups]) => [role, { groups: groups.map((g) => ({ attributeConstraints: g })) }])),
  };
}

/** Which of the agents f1 is offered in one cycle, with those constraints for role r. */
function offeredAgents(agents: Array<{ id: string; attributes?: string; hostname?: string; domain?: { region: string; zone: string } }>, groups: object[][]): string[] {
  const cluster = buildCluster({
    agents: agents.map((a) => ({ ...a, resources: 'cpus:1;mem:64' })),
    frameworks: [{ id: 'f1', roles: ['r'], offerConstraints: constraints({ r: groups }) }],
  });
  return [...new Set(cluster.runCycle().entries().map((e) => e.agentId))].sort();
}

test('NamedAttributeExists / NamedAttributeNotExists', () => {
  const agents = [{ id: 'with', attributes: 'foo:bar' }, { id: 'without', attributes: 'baz:1' }, { id: 'none' }];
  assert.deepEqual(offeredAgents(agents, [[attr('foo', exists)]]), ['with']);
  assert.deepEqual(offeredAgents(agents, [[attr('foo', notExists)]]), ['none', 'without']);
});

test('NamedAttributeTextEquals / NamedAttributeTextNotEquals (an absent attribute satisfies only the negation)', () => {
  const agents = [{ id: 'bar', attributes: 'foo:bar' }, { id: 'baz', attributes: 'foo:baz' }, { id: 'none' }];
  assert.deepEqual(offeredAgents(agents, [[attr('foo', equals('bar'))]]), ['bar']);
  assert.deepEqual(offeredAgents(agents, [[attr('foo', notEquals('bar'))]]), ['baz', 'none']);
});

test('NamedAttributeTextMatches / NamedAttributeTextNotMatches: RE2 full match', () => {
  const agents = [{ id: 'rack1', attributes: 'rack:rack-1' }, { id: 'rack12', attributes: 'rack:rack-12' }, { id: 'xrack1', attributes: 'rack:xrack-1' }, { id: 'none' }];
  assert.deepEqual(offeredAgents(agents, [[attr('rack', matches('rack-[0-9]'))]]), ['rack1'], 'full match, not a search');
  assert.deepEqual(offeredAgents(agents, [[attr('rack', notMatches('rack-[0-9]'))]]), ['none', 'rack12', 'xrack1']);
});

test('§4.14: a non-TEXT attribute (scalar, ranges) satisfies every text predicate, positive and negated alike', () => {
  const agents = [{ id: 'scalar', attributes: 'bar:123' }, { id: 'ranges', attributes: 'bar:[1-17]' }, { id: 'text', attributes: 'bar:abc' }];
  assert.deepEqual(offeredAgents(agents, [[attr('bar', equals('nothing-like-it'))]]), ['ranges', 'scalar']);
  assert.deepEqual(offeredAgents(agents, [[attr('bar', notEquals('123'))]]), ['ranges', 'scalar', 'text']);
  assert.deepEqual(offeredAgents(agents, [[attr('bar', matches('z+'))]]), ['ranges', 'scalar']);
  assert.deepEqual(offeredAgents(agents, [[attr('bar', notMatches('.*'))]]), ['ranges', 'scalar']);
});

test('TwoAttributesWithTheSameName: only the first attribute of a name is looked at', () => {
  const agents = [{ id: 'a1', attributes: 'foo:first;foo:second' }];
  assert.deepEqual(offeredAgents(agents, [[attr('foo', equals('second'))]]), []);
  assert.deepEqual(offeredAgents(agents, [[attr('foo', equals('first'))]]), ['a1']);
});

test('TwoConstraintsInGroup / TwoGroups: constraints in a group are ANDed, groups are ORed', () => {
  const agents = [
    { id: 'r1-ssd', attributes: 'rack:r1;ssd:true' },
    { id: 'r1-hdd', attributes: 'rack:r1' },
    { id: 'r2-ssd', attributes: 'rack:r2;ssd:true' },
    { id: 'zone-b', attributes: 'rack:r9', domain: { region: 'eu', zone: 'b' } },
  ];
  const rackAndSsd = [attr('rack', equals('r1')), attr('ssd', exists)];
  assert.deepEqual(offeredAgents(agents, [rackAndSsd]), ['r1-ssd']);
  assert.deepEqual(offeredAgents(agents, [rackAndSsd, [pseudo('ZONE', equals('b'))]]), ['r1-ssd', 'zone-b']);
});

test('pseudoattributes HOSTNAME, REGION and ZONE (an agent without a domain has no region or zone)', () => {
  const agents = [
    { id: 'a1', hostname: 'web-1.example', domain: { region: 'eu', zone: 'eu-1' } },
    { id: 'a2', hostname: 'db-1.example', domain: { region: 'us', zone: 'us-1' } },
    { id: 'a3', hostname: 'web-2.example' },
  ];
  assert.deepEqual(offeredAgents(agents, [[pseudo('HOSTNAME', matches('web-.*'))]]), ['a1', 'a3']);
  assert.deepEqual(offeredAgents(agents, [[pseudo('REGION', equals('us'))]]), ['a2']);
  assert.deepEqual(offeredAgents(agents, [[pseudo('ZONE', notEquals('eu-1'))]]), ['a2', 'a3']);
  assert.deepEqual(offeredAgents(agents, [[pseudo('REGION', exists)]]), ['a1', 'a2']);
});

test('TwoRoles / DefaultOfferConstraints: constraints are per role; a role without constraints excludes nothing', () => {
  const cluster = buildCluster({
    agents: [{ id: 'a1', resources: 'cpus:1;mem:64', attributes: 'rack:r2' }],
    frameworks: [{ id: 'f1', roles: ['constrained', 'free'], offerConstraints: constraints({ constrained: [[attr('rack', equals('r1'))]] }) }],
  });
  const cycle = cluster.runCycle();
  assert.equal(cycle.offered('f1', 'a1', 'constrained'), undefined);
  assertOffered(cycle, 'f1', 'a1', { role: 'free' }, cluster);
});

test('a framework whose constraints exclude the agent is skipped; the next framework of the role gets it', () => {
  const cluster = buildCluster({
    agents: [{ id: 'a1', resources: 'cpus:1;mem:64', attributes: 'rack:r2' }],
    frameworks: [
      { id: 'a-constrained', roles: ['r'], offerConstraints: constraints({ r: [[attr('rack', equals('r1'))]] }) },
      { id: 'b-free', roles: ['r'] },
    ],
  });
  const cycle = cluster.runCycle();
  assertNotOffered(cycle, 'a-constrained', 'a1');
  assertOffered(cycle, 'b-free', 'a1', {}, cluster);
});

test('UpdateFrameworkTest.OfferConstraints: new constraints from updateFramework apply from the next periodic cycle (no cycle is triggered)', () => {
  const cluster = buildCluster({
    agents: [{ id: 'a1', resources: 'cpus:1;mem:64' }],
    frameworks: [{ id: 'f1', roles: ['r'], offerConstraints: constraints({ r: [[attr('foo', exists)]] }) }],
  });
  assertNoOffers(cluster.runCycle());
  assertNoOffers(nextPeriodic(cluster));
  cluster.clock.advance(100);
  cluster.engine.updateFramework('f1', { roles: ['r'], capabilities: ['MULTI_ROLE'] }, { offerConstraints: constraints({ r: [[attr('foo', notExists)]] }) });
  assert.notEqual(cluster.engine.nextCycleAt(), cluster.clock.now());
  const offered = nextPeriodic(cluster);
  assertOffered(offered, 'f1', 'a1', {}, cluster);
  cluster.declineAll(offered);
  // And updateFramework without offer constraints removes them all.
  cluster.engine.updateFramework('f1', { roles: ['r'], capabilities: ['MULTI_ROLE'] }, { offerConstraints: constraints({ r: [[attr('foo', exists)]] }) });
  assertNoOffers(nextPeriodic(cluster));
  cluster.engine.updateFramework('f1', { roles: ['r'], capabilities: ['MULTI_ROLE'] }, {});
  assertOffered(nextPeriodic(cluster), 'f1', 'a1', {}, cluster);
});

test('constraints are evaluated against the agent\'s current attributes (updateAgent)', () => {
  const cluster = buildCluster({
    agents: [{ id: 'a1', resources: 'cpus:1;mem:64', attributes: 'rack:r2' }],
    frameworks: [{ id: 'f1', roles: ['r'], offerConstraints: constraints({ r: [[attr('rack', equals('r1'))]] }) }],
  });
  assertNoOffers(cluster.runCycle());
  cluster.engine.updateAgent('a1', { hostname: 'a1', attributes: [{ name: 'rack', type: 'TEXT', text: 'r1' }] });
  assertOffered(cluster.runCycle(), 'f1', 'a1', {}, cluster);
});

test('OfferConstraintsForUnsubscribedRole: constraints for a role the framework is not subscribed to are rejected and change nothing', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:1;mem:64' }] });
  assert.throws(
    () => cluster.addFramework({ id: 'bad', roles: ['r'], offerConstraints: constraints({ other: [[attr('foo', exists)]] }) }),
    AllocatorError,
  );
  assert.equal(cluster.engine.state.frameworks.has('bad'), false);
  cluster.addFramework({ id: 'f1', roles: ['r'], offerConstraints: constraints({ r: [[attr('foo', exists)]] }) });
  assert.throws(
    () => cluster.engine.updateFramework('f1', { roles: ['r'], capabilities: ['MULTI_ROLE'] }, { offerConstraints: constraints({ other: [[attr('foo', notExists)]] }) }),
    AllocatorError,
  );
  assertNoOffers(cluster.runCycle(), 'the old constraints (foo exists) still apply');
});
