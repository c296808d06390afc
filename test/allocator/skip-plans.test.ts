// Skip plans (role-visit.ts, remembered-rejections.ts): when most frameworks of a role are
// remembered-rejected on an agent, a visit asks only the others instead of walking past every
// remembered one. It must change no decision: the same offers, the same skips in explain, the
// policy asked again as soon as the agent's content, the framework (update, revive, deactivation),
// the role's frameworks or the policy change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AllocatorEngine } from '../../src/allocator/engine.ts';
import { definePolicy, type OfferContext, type Policy, type Rejection } from '../../src/policy/index.ts';
import { parseResources, type Resources } from '../../src/resources/index.ts';
import { buildCluster } from '../../src/testing/index.ts';

const CAPABILITIES = ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT'] as const;

/** Rejects every framework but `yes` on every agent, remembered; counts the questions per framework. */
function allButYes() {
  const asked = new Map<string, number>();
  const policy = definePolicy({
    name: 'all-but-yes',
    filter(ctx: OfferContext): true | Rejection {
      asked.set(ctx.framework.id, (asked.get(ctx.framework.id) ?? 0) + 1);
      return ctx.framework.id === 'yes' ? true : { reason: 'not-you', until: 'agent-changes' };
    },
  });
  return { asked, policy };
}

const FRAMEWORKS = ['f1', 'f2', 'f3', 'f4', 'f5', 'yes'];

/** One agent, six frameworks in role r; `yes` declines with a long filter, so nothing changes the agent. */
function steadyCluster(policy: Policy) {
  const cluster = buildCluster({ policy, agents: [{ id: 'a', resources: 'cpus:4;mem:1024' }], frameworks: FRAMEWORKS.map((id) => ({ id, roles: ['r'] })) });
  const cycle = () => {
    const result = cluster.runCycle();
    cluster.declineAll(result, 1e6);
    cluster.clock.advance(1000);
    return result;
  };
  return { cluster, cycle };
}

function runsOn(cluster: ReturnType<typeof buildCluster>, agentId: string): number {
  return cluster.engine.lastCycleRecord?.skips.get(agentId)?.runs?.length ?? 0;
}

test('a visit with most of the role remembered asks only the others, notes the skipped at once, and explain still gives the reason', () => {
  const { asked, policy } = allButYes();
  const { cluster, cycle } = steadyCluster(policy);
  cycle(); // every framework asked; yes offered and declines with a filter
  cycle(); // the whole order walked without an offer: the plan is made
  cycle(); // planned
  assert.equal(runsOn(cluster, 'a'), 1);
  for (const id of ['f1', 'f2', 'f3', 'f4', 'f5']) assert.equal(asked.get(id), 1, id);
  const reasons = cluster.engine.explain('f3', 'a').reasons;
  assert.deepEqual(reasons.map((r) => r.code), ['policy']);
  assert.match(reasons[0]!.message, /not-you.*remembered since/);
  assert.deepEqual(cluster.engine.explain('yes', 'a').reasons.map((r) => r.code), ['filtered']);
});

test('a plan stops applying when the framework is updated, revives or is deactivated, or the role gains a framework', () => {
  const { asked, policy } = allButYes();
  const { cluster, cycle } = steadyCluster(policy);
  for (let i = 0; i < 3; i++) cycle();
  assert.equal(runsOn(cluster, 'a'), 1);

  cluster.engine.updateFramework('f3', { roles: ['r'], capabilities: ['MULTI_ROLE', 'GPU_RESOURCES'] });
  cycle();
  assert.equal(asked.get('f3'), 2);
  cluster.engine.reviveOffers('f2');
  cycle();
  assert.equal(asked.get('f2'), 2);
  cluster.engine.deactivateFramework('f1');
  cluster.engine.activateFramework('f1');
  cycle();
  assert.equal(asked.get('f1'), 2);
  cluster.addFramework({ id: 'f6', roles: ['r'] });
  cycle();
  assert.equal(asked.get('f6'), 1);
  // Nobody else was asked again, and the plan is back.
  cycle();
  assert.deepEqual(['f1', 'f2', 'f3', 'f4', 'f5', 'f6'].map((id) => asked.get(id)), [2, 2, 2, 1, 1, 1]);
  assert.equal(runsOn(cluster, 'a'), 1);
});

test('a plan stops applying when one of the frameworks it asks is remembered in turn', () => {
  let yesAllowed = true;
  const asked = new Map<string, number>();
  const policy = definePolicy({
    filter(ctx: OfferContext): true | Rejection {
      asked.set(ctx.framework.id, (asked.get(ctx.framework.id) ?? 0) + 1);
      return ctx.framework.id === 'yes' && yesAllowed ? true : { reason: 'not-you', until: 'agent-changes' };
    },
  });
  const { cluster, cycle } = steadyCluster(policy);
  for (let i = 0; i < 3; i++) cycle();
  assert.equal(runsOn(cluster, 'a'), 1);
  yesAllowed = false;
  cluster.engine.reviveOffers('yes'); // its refuse filter goes; the policy now refuses it, remembered
  cycle();
  const askedYes = asked.get('yes');
  cycle();
  cycle();
  assert.equal(asked.get('yes'), askedYes);
  assert.match(cluster.engine.explain('yes', 'a').reasons[0]!.message, /remembered since/);
});

test('a plan stops applying when the agent changes', () => {
  const { asked, policy } = allButYes();
  const { cluster, cycle } = steadyCluster(policy);
  for (let i = 0; i < 3; i++) cycle();
  cluster.engine.updateAgent('a', cluster.engine.state.agents.get('a')!.info, parseResources('cpus:8;mem:1024'));
  cycle();
  assert.equal(asked.get('f4'), 2);
  // (Replacing the policy replaces its PolicyRunner, remembered rejections and plans included:
  // remembered-rejections.test.ts.)
});

test('an offer in the middle of a visit: the rest of the visit takes the plan of the content the offer leaves', () => {
  // The steering's pattern: the first framework is offered the cpus (its size stage cuts the
  // memory), the others are then remembered on the memory left.
  let asked = 0;
  const policy = definePolicy({
    name: 'cpus-only',
    filter(ctx: OfferContext): true | Rejection {
      asked++;
      return (ctx.offer.cpus() ?? 0) > 0 ? true : { reason: 'no-cpus', until: 'agent-changes' };
    },
    size: (ctx) => ctx.offer.filter((r) => r.name === 'cpus'),
  });
  const cluster = buildCluster({ policy, agents: [{ id: 'a', resources: 'cpus:4;mem:1024' }], frameworks: FRAMEWORKS.map((id) => ({ id, roles: ['r'] })) });
  const askedPerCycle: number[] = [];
  let last: string[] = [];
  for (let i = 0; i < 8; i++) {
    const before = asked;
    const result = cluster.runCycle();
    last = result.frameworksOn('a');
    askedPerCycle.push(asked - before);
    cluster.declineAll(result, 0); // declined without a filter: the cpus go round the role
    cluster.clock.advance(1000);
  }
  // Once each framework was rejected on the memory, only the one offered the cpus is asked.
  assert.deepEqual(askedPerCycle.slice(-3), [1, 1, 1]);
  assert.equal(runsOn(cluster, 'a'), 1);
  assert.equal(last.length, 1);
  const other = FRAMEWORKS.find((f) => f !== last[0])!;
  const reasons = cluster.engine.explain(other, 'a').reasons;
  assert.deepEqual(reasons.map((r) => r.code), ['policy']);
  assert.match(reasons[0]!.message, /no-cpus.*remembered since/);
});

test('an offer during a planned visit: the remembered frameworks before it are noted as the walk would have', () => {
  // late and yes are allowed, everyone else remembered; late's refuse filter expires after the plan is made.
  const allowed = new Set(['late', 'yes']);
  const policy = definePolicy({ filter: (ctx: OfferContext) => (allowed.has(ctx.framework.id) ? true : { reason: 'not-you', until: 'agent-changes' }) });
  const ids = ['f1', 'f2', 'f3', 'f4', 'f5', 'late', 'yes'];
  const cluster = buildCluster({ policy, agents: [{ id: 'a', resources: 'cpus:4;mem:1024' }], frameworks: ids.map((id) => ({ id, roles: ['r'] })) });
  const step = (refuseSeconds: number) => {
    const result = cluster.runCycle();
    cluster.declineAll(result, refuseSeconds);
    cluster.clock.advance(1000);
    return result.frameworksOn('a');
  };
  assert.deepEqual(step(2.5), ['late']); // f1…f5 rejected and remembered
  assert.deepEqual(step(1e6), ['yes']); // late filtered
  assert.deepEqual(step(1e6), []); // both filtered: the whole order walked, the plan made
  // late's filter has expired: the planned visit asks late and yes only, and late takes the agent.
  assert.deepEqual(step(1e6), ['late']);
  assert.equal(runsOn(cluster, 'a'), 0);
  for (const id of ['f1', 'f3', 'f5']) assert.deepEqual(cluster.engine.explain(id, 'a').reasons.map((r) => `${r.code}:${r.role}`), ['policy:r'], id);
});

test('a framework passed before an offer is not also noted by the plan that applies after it', () => {
  // On cpus, f is allowed once and then refused without until; x1…x3 are allowed. On the memory
  // an offer leaves (the size stage keeps cpus only) everyone is refused and remembered.
  let fAllowed = 1;
  const policy = definePolicy({
    filter(ctx: OfferContext): true | Rejection {
      if ((ctx.offer.cpus() ?? 0) === 0) return { reason: 'no-cpus', until: 'agent-changes' };
      if (ctx.framework.id !== 'f') return true;
      return fAllowed-- > 0 ? true : { reason: 'not-now' };
    },
    size: (ctx) => ctx.offer.filter((r) => r.name === 'cpus'),
  });
  const cluster = buildCluster({ policy, agents: [{ id: 'a', resources: 'cpus:4;mem:1024' }], frameworks: ['f', 'x1', 'x2', 'x3'].map((id) => ({ id, roles: ['r'] })) });
  const step = () => {
    const result = cluster.runCycle();
    cluster.declineAll(result, 0);
    cluster.clock.advance(1000);
    return result.frameworksOn('a');
  };
  // The DRF order (nothing held; fewer offers first, then by name) decides who comes first.
  assert.deepEqual([step(), step(), step(), step()], [['f'], ['x1'], ['x2'], ['x3']]);
  // Now f comes first, is refused on cpus (asked: noted), x1 takes the cpus, and the plan for the
  // memory left holds f too: f must still be noted once.
  assert.deepEqual(step(), ['x1']);
  assert.equal(runsOn(cluster, 'a'), 1);
  const reasons = cluster.engine.explain('f', 'a').reasons;
  assert.deepEqual(reasons.map((r) => r.code), ['policy']);
  assert.match(reasons[0]!.message, /not-now/);
});

// ---- the same decisions with and without remembering --------------------------------------

const ROLE_FRAMEWORKS = ['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'f9'];
const AGENTS = ['a0', 'a1', 'a2'];

function hash(s: string): number {
  let h = 7;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h;
}

/**
 * Rejects most frameworks, by the framework and the agent's available content only (so a
 * remembered rejection is truthful), with or without `until`; sizes some offers down to their cpus,
 * so that visits go on after an offer with the rest of the agent.
 */
function contentPolicy(remember: boolean, asked: { count: number }): Policy {
  return definePolicy({
    name: remember ? 'remembering' : 'asking',
    filter(ctx: OfferContext): true | Rejection {
      asked.count++;
      const available = ctx.agent.available;
      const key = hash(ctx.framework.id) + Math.round((available.cpus() ?? 0) * 2) + Math.round((available.mem() ?? 0) / 256);
      if (key % 4 === 0) return true;
      return remember ? { reason: `key-${key % 4}`, until: 'agent-changes' } : { reason: `key-${key % 4}` };
    },
    size: (ctx) => (hash(ctx.framework.id) % 2 === 0 ? ctx.offer.filter((r) => r.name === 'cpus') : ctx.offer),
  });
}

const event = fc.oneof(
  { weight: 6, arbitrary: fc.record({ t: fc.constant('cycle' as const), refuse: fc.constantFrom(0, 0, 1.5, 5, 1e6), keep: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('finish' as const), k: fc.nat(100) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('update' as const), f: fc.nat(9), gpu: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('revive' as const), f: fc.nat(9) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('suppress' as const), f: fc.nat(9) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('deactivate' as const), f: fc.nat(9) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('remove' as const), f: fc.nat(9) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('agent' as const), a: fc.nat(2), cpus: fc.integer({ min: 1, max: 6 }) }) },
);
type Event = typeof event extends fc.Arbitrary<infer T> ? T : never;

/** Plays the master for one engine: every cycle one offer becomes a task (held), the rest are declined. */
class Driver {
  readonly engine = new AllocatorEngine();
  readonly asked = { count: 0 };
  private now = 0;
  private held: Array<{ f: string; a: string; r: Resources }> = [];
  private readonly removed = new Set<string>();

  constructor(remember: boolean) {
    this.engine.initialize({ clock: () => this.now, seed: 3, policy: contentPolicy(remember, this.asked) });
    for (const [i, id] of ROLE_FRAMEWORKS.entries()) this.engine.addFramework(id, { roles: i < 8 ? ['r'] : ['r', 's'], capabilities: ['MULTI_ROLE'] }, new Map(), true);
    for (const [i, id] of AGENTS.entries()) this.engine.addAgent(id, { hostname: id }, CAPABILITIES, undefined, parseResources(`cpus:${2 + i};mem:1024;disk(s):100`), new Map());
  }

  /** What the event led to: the offers of a cycle, nothing otherwise. */
  apply(e: Event): string {
    const f = ROLE_FRAMEWORKS['f' in e ? e.f : 0]!;
    const live = !this.removed.has(f);
    switch (e.t) {
      case 'cycle': {
        const result = this.engine.allocate(this.now);
        const offers: Array<{ f: string; role: string; a: string; r: Resources }> = [];
        for (const [fid, byRole] of result.offers) for (const [role, byAgent] of byRole) for (const [a, r] of byAgent) offers.push({ f: fid, role, a, r });
        offers.forEach((o, i) => {
          if (i === e.keep) this.held.push(o);
          else this.engine.recoverResources(o.f, o.a, o.r, { refuseSeconds: e.refuse });
        });
        this.now += 1000;
        return offers.map((o) => `${o.f}|${o.role}|${o.a}|${o.r.toString()}`).sort().join('\n');
      }
      case 'finish': {
        const o = this.held[e.k % Math.max(this.held.length, 1)];
        if (o === undefined) return '';
        this.held = this.held.filter((h) => h !== o);
        this.engine.recoverResources(o.f, o.a, o.r, { refuseSeconds: 0 });
        return '';
      }
      case 'update':
        if (live) this.engine.updateFramework(f, { roles: this.engine.state.frameworks.get(f)!.info.roles ?? ['r'], capabilities: e.gpu ? ['MULTI_ROLE', 'GPU_RESOURCES'] : ['MULTI_ROLE'] });
        return '';
      case 'revive':
        if (live) this.engine.reviveOffers(f);
        return '';
      case 'suppress':
        if (live) this.engine.suppressOffers(f);
        return '';
      case 'deactivate':
        if (!live) return '';
        if (this.engine.state.frameworks.get(f)!.active) this.engine.deactivateFramework(f);
        else this.engine.activateFramework(f);
        return '';
      case 'remove':
        if (!live) return '';
        this.engine.removeFramework(f);
        this.removed.add(f);
        this.held = this.held.filter((h) => h.f !== f);
        return '';
      case 'agent': {
        const id = AGENTS[e.a]!;
        const agent = this.engine.state.agents.get(id)!;
        const total = parseResources(`cpus:${e.cpus};mem:1024;disk(s):100`);
        // The tasks on the agent must still fit.
        if (!total.contains(agent.total.minus(agent.available))) return '';
        this.engine.updateAgent(id, agent.info, total);
        return '';
      }
    }
  }

  explainAll(): string {
    return ROLE_FRAMEWORKS.filter((f) => !this.removed.has(f))
      .flatMap((f) => AGENTS.map((a) => `${f}@${a}: ${this.engine.explain(f, a).reasons.map((r) => `${r.code}/${r.role ?? ''}`).join(',')}`))
      .join('\n');
  }

  runs(): number {
    let n = 0;
    for (const skips of this.engine.lastCycleRecord?.skips.values() ?? []) n += skips.runs?.length ?? 0;
    return n;
  }
}

test('remembering and skip plans change no decision: the same offers and the same explanations as asking every time', () => {
  let planned = 0;
  let sparedQuestions = 0;
  fc.assert(
    fc.property(fc.array(event, { minLength: 5, maxLength: 60 }), (events) => {
      const remembering = new Driver(true);
      const asking = new Driver(false);
      for (const [i, e] of events.entries()) {
        assert.equal(remembering.apply(e), asking.apply(e), `offers after event ${i} (${JSON.stringify(e)})`);
        if (e.t === 'cycle') {
          assert.equal(remembering.explainAll(), asking.explainAll(), `explain after event ${i}`);
          planned += remembering.runs();
        }
      }
      sparedQuestions += asking.asked.count - remembering.asked.count;
    }),
    { numRuns: 150 },
  );
  // The property is about plans: make sure it went through them.
  assert.ok(planned > 0, 'no visit used a skip plan');
  assert.ok(sparedQuestions > 0);
});
