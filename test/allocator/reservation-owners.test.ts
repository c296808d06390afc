// The `reservationOwners` policy stage (reservation-owners.ts): a reserved resource the policy names
// an owner for is offered only to its owners, before any other stage looks; a framework that would
// get nothing but other owners' reservations is passed over with the reason, and where everything a
// role may get on an agent is owned, a visit asks only the owners (the owners' plan). Without the
// stage every framework of the role gets a role's reservations, as in Mesos.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AllocatorEngine } from '../../src/allocator/engine.ts';
import { definePolicy, type FrameworkView, type OfferContext, type Policy, type ReservationOwners } from '../../src/policy/index.ts';
import { parseResources, type Resource, type Resources } from '../../src/resources/index.ts';
import { buildCluster } from '../../src/testing/index.ts';

const CAPABILITIES = ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT'] as const;

/** A dynamic reservation to role `data` labelled with its owner. */
function owned(owner: string, cpus: number): string {
  return JSON.stringify([{
    name: 'cpus', type: 'SCALAR', scalar: { value: cpus },
    reservations: [{ type: 'DYNAMIC', role: 'data', principal: 'p', labels: { labels: [{ key: 'owner', value: owner }] } }],
  }]);
}

function labelOwner(r: Resource): string | undefined {
  return r.reservations.at(-1)?.labels?.find((l) => l.key === 'owner')?.value;
}

const BY_NAME: ReservationOwners = { owner: labelOwner, owns: (f: FrameworkView, owner: string) => f.name === owner };

/**
 * A policy with the stage and a filter that counts who it is asked about and notes any other
 * owner's reservation it is shown (noted, not asserted there: the engine catches what a stage throws).
 */
function counted(stage: ReservationOwners = BY_NAME) {
  const asked = new Map<string, number>();
  const foreignSeen: string[] = [];
  const policy = definePolicy({
    name: 'owners',
    reservationOwners: stage,
    filter: (ctx: OfferContext) => {
      asked.set(ctx.framework.id, (asked.get(ctx.framework.id) ?? 0) + 1);
      for (const r of ctx.offer) if (labelOwner(r) !== undefined && labelOwner(r) !== ctx.framework.name) foreignSeen.push(`${ctx.framework.id} saw ${String(r)}`);
      return true;
    },
  });
  return { asked, foreignSeen, policy };
}

/** The owner's reservation of 2 cpus and 4 unreserved cpus. */
const agentResources = (owner: string) => JSON.stringify([...JSON.parse(owned(owner, 2)), { name: 'cpus', type: 'SCALAR', scalar: { value: 4 } }]);

test('the owner is offered its reservation; another framework of the role only the rest; without the stage, Mesos offers the role\'s reservation to either', () => {
  for (const withStage of [true, false]) {
    const steered = counted();
    const policy = withStage ? steered.policy : definePolicy({ name: 'mesos' });
    const cluster = buildCluster({ policy, agents: [{ id: 'a', resources: agentResources('kafka') }], frameworks: [{ id: 'other', name: 'other', roles: ['data'] }] });
    const cycle = cluster.runCycle();
    const offered = cycle.offered('other', 'a')!;
    assert.equal(offered.cpus(), withStage ? 4 : 6);
    assert.equal(offered.reserved().size, withStage ? 0 : 1);
    cluster.declineAll(cycle, 1e6);
    // The owner arrives: it gets the reservation either way (with the stage, the rest stays under other's refuse filter).
    cluster.engine.addFramework('kafka', { name: 'kafka', roles: ['data'], capabilities: ['MULTI_ROLE'] }, new Map(), true);
    cluster.clock.advance(1000);
    const next = cluster.runCycle();
    assert.equal(next.offered('kafka', 'a')?.reserved().size, 1);
    assert.deepEqual(steered.foreignSeen, [], 'the filter never sees another owner\'s reservation');
  }
});

test('an agent holding only another owner\'s reservation: passed over with the reason, without asking the policy, remembered until the agent changes', () => {
  const { asked, foreignSeen, policy } = counted();
  const cluster = buildCluster({ policy, agents: [{ id: 'a', resources: owned('kafka', 2) }], frameworks: [{ id: 'other', name: 'other', roles: ['data'] }] });
  for (let i = 0; i < 3; i++) {
    const cycle = cluster.runCycle();
    assert.equal(cycle.offered('other', 'a'), undefined);
    cluster.clock.advance(1000);
  }
  assert.equal(asked.get('other'), undefined, 'the filter is not asked');
  const reasons = cluster.engine.explain('other', 'a').reasons;
  assert.ok(reasons.some((r) => r.code === 'policy' && r.message.includes('policy stage reservationOwners') && r.message.includes('reserved-for-another-owner:kafka')), JSON.stringify(reasons));
  // Unreserved cpus appear: offered them, never the reservation.
  const agent = cluster.engine.state.agents.get('a')!;
  cluster.engine.updateAgent('a', agent.info, agent.total.plus(parseResources('cpus:3')));
  cluster.clock.advance(1000);
  const after = cluster.runCycle();
  assert.equal(after.offered('other', 'a')?.cpus(), 3);
  assert.equal(after.offered('other', 'a')?.reserved().size, 0);
  assert.deepEqual(foreignSeen, []);
});

test('many frameworks in the role, agents holding only owned reservations: a visit asks the owner only and notes the rest at once, with the reason', () => {
  const names = Array.from({ length: 12 }, (_, i) => `svc${i}`);
  const { policy } = counted();
  const cluster = buildCluster({
    policy,
    agents: names.slice(0, 4).map((n, i) => ({ id: `a${i}`, resources: owned(n, 2) })),
    frameworks: names.map((n) => ({ id: n, name: n, roles: ['data'] })),
  });
  const first = cluster.runCycle();
  for (let i = 0; i < 4; i++) assert.deepEqual(first.frameworksOn(`a${i}`), [`svc${i}`]);
  // The owners decline for good: the next visits ask each owner (filtered) and skip the rest at once.
  cluster.declineAll(first, 1e6);
  cluster.clock.advance(1000);
  const second = cluster.runCycle();
  for (let i = 0; i < 4; i++) assert.deepEqual(second.frameworksOn(`a${i}`), []);
  const record = cluster.engine.lastCycleRecord!;
  for (let i = 0; i < 4; i++) assert.equal(record.skips.get(`a${i}`)?.runs?.length, 1, 'the owners\' plan was used');
  assert.equal(cluster.engine.policy.remembered.size, 0, 'nothing needed remembering');
  const reasons = cluster.engine.explain('svc5', 'a0').reasons;
  assert.deepEqual(reasons.map((r) => r.code), ['policy']);
  assert.match(reasons[0]!.message, /reservationOwners: reserved-for-another-owner:svc0/);
});

test('a framework that declined the rest of an agent with a filter is not offered it again (filter + size stages would: the filter is checked against the whole agent)', () => {
  const { foreignSeen, policy } = counted();
  const cluster = buildCluster({ policy, agents: [{ id: 'a', resources: agentResources('kafka') }], frameworks: [{ id: 'other', name: 'other', roles: ['data'] }] });
  const first = cluster.runCycle();
  assert.equal(first.offered('other', 'a')?.cpus(), 4);
  cluster.declineAll(first, 1e6);
  cluster.clock.advance(1000);
  const second = cluster.runCycle();
  assert.equal(second.offered('other', 'a'), undefined);
  assert.deepEqual(cluster.engine.explain('other', 'a').reasons.map((r) => r.code), ['filtered']);
  assert.deepEqual(foreignSeen, []);
});

test('ownership follows the framework\'s info: renamed to the owner, it is offered the reservation', () => {
  const { policy } = counted();
  const cluster = buildCluster({ policy, agents: [{ id: 'a', resources: owned('kafka', 2) }], frameworks: [{ id: 'f', name: 'other', roles: ['data'] }] });
  assert.equal(cluster.runCycle().offered('f', 'a'), undefined);
  cluster.engine.updateFramework('f', { name: 'kafka', roles: ['data'], capabilities: ['MULTI_ROLE'] });
  cluster.clock.advance(1000);
  assert.equal(cluster.runCycle().offered('f', 'a')?.reserved().size, 1);
});

test('a stage that throws, answers nonsense or is malformed counts an error of stage reservationOwners and leaves Mesos\'s rule', () => {
  const stages: Array<[string, unknown]> = [
    ['owner throws', { owner: () => { throw new Error('boom'); }, owns: () => false }],
    ['owns throws', { owner: labelOwner, owns: () => { throw new Error('boom'); } }],
    ['owner answers a number', { owner: () => 7, owns: () => false }],
    ['owns answers a string', { owner: labelOwner, owns: () => 'no' }],
    ['no owns', { owner: labelOwner }],
  ];
  for (const [name, stage] of stages) {
    const errors: string[] = [];
    const engine = new AllocatorEngine();
    engine.initialize({ clock: () => 0, seed: 1, policy: { name, reservationOwners: stage } as Policy, onPolicyError: (e) => errors.push(`${e.stage}: ${e.message}`) });
    engine.addFramework('other', { name: 'other', roles: ['data'], capabilities: ['MULTI_ROLE'] }, new Map(), true);
    engine.addAgent('a', { hostname: 'a' }, CAPABILITIES, undefined, parseResources(owned('kafka', 2), { commandLine: false }), new Map());
    const offered = engine.allocate(0).offers.get('other')?.get('data')?.get('a');
    assert.equal(offered?.reserved().size, 1, `${name}: the role's reservation goes to the role's framework, as in Mesos`);
    assert.ok(errors.length > 0 && errors.every((e) => e.startsWith('reservationOwners: ')), `${name}: ${JSON.stringify(errors)}`);
    assert.ok((engine.policy.errors.get('reservationOwners') ?? 0) > 0);
  }
});

// ---- the same decisions with and without the owners' plan ----

const FRAMEWORKS = ['svc0', 'svc1', 'svc2', 'svc3', 'f4', 'f5', 'f6', 'f7'];
const AGENTS = ['a0', 'a1', 'a2', 'a3'];

const event = fc.oneof(
  { weight: 6, arbitrary: fc.record({ t: fc.constant('cycle' as const), refuse: fc.constantFrom(0, 1.5, 5, 1e6), keep: fc.nat(12) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('finish' as const), k: fc.nat(100) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('rename' as const), f: fc.nat(7), to: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('revive' as const), f: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('deactivate' as const), f: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('agent' as const), a: fc.nat(3), owner: fc.nat(5), unreserved: fc.constantFrom(0, 0, 1, 3) }) },
);
type Event = typeof event extends fc.Arbitrary<infer T> ? T : never;

class Driver {
  readonly engine = new AllocatorEngine();
  private now = 0;
  private held: Array<{ f: string; a: string; r: Resources }> = [];

  constructor(policy: Policy) {
    this.engine.initialize({ clock: () => this.now, seed: 5, policy });
    for (const id of FRAMEWORKS) this.engine.addFramework(id, { name: id, roles: ['data'], capabilities: ['MULTI_ROLE'] }, new Map(), true);
    for (const [i, id] of AGENTS.entries()) this.engine.addAgent(id, { hostname: id }, CAPABILITIES, undefined, Driver.total(i, i % 2 === 0 ? 0 : 2), new Map());
  }

  /** Owner index 4 and 5 are nobody's framework names… 5 is no owner at all. */
  static total(owner: number, unreserved: number): Resources {
    const reserved = owner === 5 ? parseResources('cpus(data):2') : parseResources(owned(owner === 4 ? 'nobody' : `svc${owner}`, 2), { commandLine: false });
    return unreserved === 0 ? reserved.plus(parseResources('mem(data):512')) : reserved.plus(parseResources(`cpus:${unreserved};mem:512`));
  }

  apply(e: Event): string {
    const f = FRAMEWORKS['f' in e ? e.f : 0]!;
    switch (e.t) {
      case 'cycle': {
        const result = this.engine.allocate(this.now);
        const offers: Array<{ f: string; a: string; r: Resources }> = [];
        for (const [fid, byRole] of result.offers) for (const byAgent of byRole.values()) for (const [a, r] of byAgent) offers.push({ f: fid, a, r });
        offers.forEach((o, i) => {
          if (i === e.keep) this.held.push(o);
          else this.engine.recoverResources(o.f, o.a, o.r, { refuseSeconds: e.refuse });
        });
        this.now += 1000;
        return offers.map((o) => `${o.f}|${o.a}|${o.r.toString()}`).sort().join('\n');
      }
      case 'finish': {
        const o = this.held[e.k % Math.max(this.held.length, 1)];
        if (o === undefined) return '';
        this.held = this.held.filter((h) => h !== o);
        this.engine.recoverResources(o.f, o.a, o.r, { refuseSeconds: 0 });
        return '';
      }
      case 'rename':
        this.engine.updateFramework(f, { name: FRAMEWORKS[e.to]!, roles: ['data'], capabilities: ['MULTI_ROLE'] });
        return '';
      case 'revive':
        this.engine.reviveOffers(f);
        return '';
      case 'deactivate':
        if (this.engine.state.frameworks.get(f)!.active) this.engine.deactivateFramework(f);
        else this.engine.activateFramework(f);
        return '';
      case 'agent': {
        const id = AGENTS[e.a]!;
        const agent = this.engine.state.agents.get(id)!;
        if (!agent.available.equals(agent.total)) return ''; // only an idle agent is re-reserved
        this.engine.updateAgent(id, agent.info, Driver.total(e.owner, e.unreserved));
        return '';
      }
    }
  }

  explainCodes(): string {
    return FRAMEWORKS.flatMap((f) => AGENTS.map((a) => `${f}@${a}: ${this.engine.explain(f, a).reasons.map((r) => `${r.code}/${r.role ?? ''}`).join(',')}`)).join('\n');
  }

  runs(): number {
    let n = 0;
    for (const skips of this.engine.lastCycleRecord?.skips.values() ?? []) n += skips.runs?.length ?? 0;
    return n;
  }
}

test('the owners\' plan changes no decision: the same offers and explanations as walking every framework', () => {
  let planned = 0;
  fc.assert(
    fc.property(fc.array(event, { minLength: 5, maxLength: 50 }), (events) => {
      const withPlans = new Driver(definePolicy({ name: 'owners', reservationOwners: BY_NAME }));
      // A sortFrameworks stage (the sorter's own order) turns plans off: every framework is walked.
      const walking = new Driver(definePolicy({ name: 'owners-walking', reservationOwners: BY_NAME, sortFrameworks: (ctx) => ctx.frameworks }));
      for (const [i, e] of events.entries()) {
        const offers = withPlans.apply(e);
        assert.equal(walking.apply(e), offers, `walking, offers after event ${i} (${JSON.stringify(e)})`);
        if (e.t === 'cycle') {
          assert.equal(withPlans.explainCodes(), walking.explainCodes(), `explain after event ${i}`);
          planned += withPlans.runs();
        }
      }
    }),
    { numRuns: 150 },
  );
  assert.ok(planned > 0, 'no visit used the owners\' plan');
});
