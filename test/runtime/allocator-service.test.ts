// The allocator behind the bridge decides exactly as the engine driven directly: each scenario
// runs once on AllocatorEngine and once through encoded Requests (serve(policy).handle), and
// everything the two decided (offers, inverse offers, next cycle times, rejections, statuses)
// must be identical.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Policy } from '../../src/policy/index.ts';
import { operationConversions, parseAttributes, parseResourceLimits, parseResourceQuantities, parseResources, Resources, type ResourceInput } from '../../src/resources/index.ts';
import { describeOffers, DirectDriver, WireDriver, type AllocateResult, type Driver } from './fixtures/drivers.ts';

type Log = (line: string) => void;
type Scenario = (d: Driver, log: Log) => void | Promise<void>;

const CAPS = ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT'] as const;
const SEED_AGENT = 'cpus(prod):8; cpus(stage):2; mem(*):15360; disk(*):710534; ports(*):[31000-32000]';

async function compare(scenario: Scenario, policy?: () => Policy): Promise<string[]> {
  const run = async (d: Driver): Promise<string[]> => {
    const lines: string[] = [];
    await scenario(d, (line) => lines.push(line));
    return lines;
  };
  const direct = await run(new DirectDriver(policy?.()));
  const wire = await run(new WireDriver(policy?.() ?? {}));
  assert.deepEqual(wire, direct);
  return direct;
}

function allocate(d: Driver, now: number, log: Log): AllocateResult {
  const result = d.allocate(now);
  for (const line of describeOffers(result)) log(`@${now} ${line}`);
  log(`@${now} next cycle at ${d.nextCycleAt()}`);
  return result;
}

function declineAll(d: Driver, now: number, result: AllocateResult, refuseSeconds: number | undefined): void {
  for (const o of result.offers) d.recoverResources(now, o.frameworkId, o.agentId, o.resources, refuseSeconds === undefined ? {} : { refuseSeconds });
}

function countOffers(lines: readonly string[]): number {
  return lines.filter((l) => / [a-z0-9*/-]+ [a-z0-9-]+: /.test(l) && !l.includes('inverse') && !l.includes('next cycle')).length;
}

test('reservations: reserved resources reach only their roles, the same way through the bridge', async () => {
  const lines = await compare((d, log) => {
    d.initialize(0, { seed: 3 });
    d.addAgent(0, 'a1', { hostname: 'h1', attributes: parseAttributes('rack:r1') }, CAPS, undefined, parseResources(SEED_AGENT), new Map());
    d.addAgent(0, 'a2', { hostname: 'h2' }, CAPS, undefined, Resources.of([
      { name: 'cpus', scalar: 4, reservations: [{ type: 'DYNAMIC', role: 'prod', principal: 'ops', labels: [{ key: 'owner', value: 'kafka' }] }] },
      { name: 'disk', scalar: 100, reservations: [{ type: 'DYNAMIC', role: 'prod' }], disk: { persistence: { id: 'data-1' }, volume: { containerPath: 'data', mode: 'RW' } } },
      { name: 'mem', scalar: 4096 },
    ]), new Map());
    for (let i = 3; i <= 6; i++) d.addAgent(0, `a${i}`, { hostname: `h${i}` }, CAPS, undefined, parseResources(`cpus:${i};mem:${i * 512};ports:[${i}000-${i}010]`), new Map());
    d.addFramework(0, 'prod-fw', { roles: ['prod'], capabilities: ['MULTI_ROLE', 'RESERVATION_REFINEMENT'] }, new Map(), true);
    d.addFramework(0, 'stage-fw', { roles: ['stage'], capabilities: ['MULTI_ROLE'] }, new Map(), true);
    d.addFramework(0, 'any-fw', { role: '*' }, new Map(), true);
    for (let round = 1; round <= 8; round++) {
      const now = round * 1000;
      const r = allocate(d, now, log);
      declineAll(d, now, r, round % 2 === 0 ? 0 : 2);
    }
  });
  assert.ok(countOffers(lines) > 10, lines.join('\n'));
});

test('quota: guarantees first, limits respected, removal restores fair sharing', async () => {
  const lines = await compare((d, log) => {
    d.initialize(0, { seed: 5, allocationIntervalMs: 1000 });
    for (let i = 0; i < 6; i++) d.addAgent(0, `a${i}`, { hostname: `h${i}` }, CAPS, undefined, parseResources('cpus:4;mem:2048;disk:1000'), new Map());
    d.updateQuota(0, 'q1', { guarantees: parseResourceQuantities('cpus:6;mem:1024') });
    d.updateQuota(0, 'q2', { limits: parseResourceLimits('cpus:2;mem:4096') });
    for (const [id, role] of [['f1', 'q1'], ['f2', 'q2'], ['f3', 'other'], ['f4', 'other']] as const) d.addFramework(0, id, { roles: [role], capabilities: ['MULTI_ROLE'] }, new Map(), true);
    d.updateWeights(0, [{ role: 'other', weight: 2 }]);
    for (let round = 1; round <= 4; round++) declineAll(d, round * 1000, allocate(d, round * 1000, log), 0);
    d.updateQuota(4000, 'q1', {});
    for (let round = 5; round <= 7; round++) declineAll(d, round * 1000, allocate(d, round * 1000, log), 0);
  });
  assert.ok(countOffers(lines) > 10);
});

test('filters from recoverResources: refuse_seconds given, default (Filters without it) and none', async () => {
  const lines = await compare((d, log) => {
    d.initialize(0, { seed: 1 });
    for (let i = 0; i < 3; i++) d.addAgent(0, `a${i}`, { hostname: `h${i}` }, CAPS, undefined, parseResources('cpus:4;mem:1024'), new Map());
    d.addFramework(0, 'f1', { roles: ['r'], capabilities: ['MULTI_ROLE'] }, new Map(), true);
    d.addFramework(0, 'f2', { roles: ['r'], capabilities: ['MULTI_ROLE'] }, new Map(), true);
    const first = allocate(d, 1000, log);
    first.offers.forEach((o, i) => d.recoverResources(1000, o.frameworkId, o.agentId, o.resources, [{ refuseSeconds: 10 }, {}, undefined][i % 3]));
    log(`next after declines: ${d.nextCycleAt()}`);
    for (let t = 2000; t <= 13000; t += 1000) declineAll(d, t, allocate(d, t, log), 0.5);
  });
  assert.ok(countOffers(lines) > 5);
});

test('suppress and revive, per role of a multi-role framework', async () => {
  await compare((d, log) => {
    d.initialize(0, { seed: 2 });
    for (let i = 0; i < 4; i++) d.addAgent(0, `a${i}`, { hostname: `h${i}` }, CAPS, undefined, parseResources('cpus:2;mem:1024'), new Map());
    d.addFramework(0, 'multi', { roles: ['x', 'y'], capabilities: ['MULTI_ROLE'] }, new Map(), true, { suppressedRoles: ['y'] });
    d.addFramework(0, 'single', { roles: ['z'], capabilities: ['MULTI_ROLE'] }, new Map(), true);
    let r = allocate(d, 1000, log);
    declineAll(d, 1000, r, 3600);
    d.suppressOffers(1000, 'single');
    r = allocate(d, 2000, log);
    d.reviveOffers(2000, 'multi', ['y']);
    log(`next after revive: ${d.nextCycleAt()}`);
    r = allocate(d, 2000, log);
    declineAll(d, 2000, r, 0);
    d.reviveOffers(2500, 'single');
    allocate(d, 2500, log);
    allocate(d, 3000, log);
  });
});

test('maintenance: inverse offers, answers with filters, statuses', async () => {
  await compare(async (d, log) => {
    d.initialize(0, { seed: 4 });
    d.addAgent(0, 'a1', { hostname: 'h1' }, CAPS, { start: 50_000, durationMs: 3_600_000 }, parseResources('cpus:4;mem:1024'), new Map());
    d.addAgent(0, 'a2', { hostname: 'h2' }, CAPS, undefined, parseResources('cpus:4;mem:1024'), new Map());
    d.addFramework(0, 'f1', { roles: ['r'], capabilities: ['MULTI_ROLE'] }, new Map(), true);
    d.addFramework(0, 'f2', { roles: ['r'], capabilities: ['MULTI_ROLE'] }, new Map(), true);
    const r = allocate(d, 1000, log);
    d.updateUnavailability(1000, 'a2', { start: 70_000 });
    allocate(d, 1000, log);
    for (const io of r.inverseOffers) d.updateInverseOffer(1500, io.agentId, io.frameworkId, { status: io.frameworkId === 'f1' ? 'ACCEPT' : 'DECLINE', frameworkId: io.frameworkId, timestamp: 1500 }, { refuseSeconds: 3 });
    const statuses = await d.getInverseOfferStatuses(1500);
    log(`statuses: ${JSON.stringify([...statuses].map(([a, m]) => [a, [...m.values()]]))}`);
    for (let t = 2000; t <= 6000; t += 1000) allocate(d, t, log);
    d.updateUnavailability(6000, 'a1', undefined);
    allocate(d, 6000, log);
  });
});

test('updateAvailable: an operation that does not apply is rejected and changes nothing; one that applies does', async () => {
  const lines = await compare((d, log) => {
    d.initialize(0, { seed: 6 });
    d.addAgent(0, 'a1', { hostname: 'h1' }, CAPS, undefined, parseResources('cpus:4;mem:1024;disk:100'), new Map());
    d.addFramework(0, 'f1', { roles: ['r'], capabilities: ['MULTI_ROLE'] }, new Map(), true);
    const dyn = (name: string, scalar: number): ResourceInput => ({ name, scalar, reservations: [{ type: 'DYNAMIC', role: 'r', principal: 'ops' }] });
    log(`unreserve unreserved: ${d.updateAvailable(0, 'a1', [{ type: 'UNRESERVE', resources: Resources.of([dyn('cpus', 1)]) }])}`);
    log(`reserve too much: ${d.updateAvailable(0, 'a1', [{ type: 'RESERVE', resources: Resources.of([dyn('cpus', 1)]) }, { type: 'RESERVE', resources: Resources.of([dyn('cpus', 10)]) }])}`);
    allocate(d, 1000, log);
    d.recoverResources(1000, 'f1', 'a1', parseResources('cpus:4;mem:1024;disk:100').allocate('r'), { refuseSeconds: 0 });
    log(`reserve: ${d.updateAvailable(1000, 'a1', [{ type: 'RESERVE', resources: Resources.of([dyn('cpus', 2)]) }])}`);
    allocate(d, 2000, log);
  });
  assert.ok(lines.some((l) => l.startsWith('unreserve unreserved: ') && !l.endsWith('undefined')), lines.join('\n'));
  assert.ok(lines.includes('reserve: undefined'));
});

test('updateAllocation: a framework reserves and creates a volume on its offer; the agent keeps them', async () => {
  await compare((d, log) => {
    d.initialize(0, { seed: 7 });
    d.addAgent(0, 'a1', { hostname: 'h1' }, CAPS, undefined, parseResources('cpus:4;mem:1024;disk:1000'), new Map());
    d.addFramework(0, 'kafka', { roles: ['data'], principal: 'kafka', capabilities: ['MULTI_ROLE', 'RESERVATION_REFINEMENT'] }, new Map(), true);
    const r = allocate(d, 1000, log);
    const offered = r.offers[0]!.resources;
    const reserved = Resources.of([{ name: 'disk', scalar: 200, reservations: [{ type: 'DYNAMIC', role: 'data', principal: 'kafka' }] }]).allocate('data');
    const volume = Resources.of([{ name: 'disk', scalar: 200, reservations: [{ type: 'DYNAMIC', role: 'data', principal: 'kafka' }], disk: { persistence: { id: 'broker-0', principal: 'kafka' }, volume: { containerPath: 'data', mode: 'RW' } } }]).allocate('data');
    const ctx = { principal: 'kafka', frameworkRoles: ['data'] };
    const conversions = [...operationConversions({ type: 'RESERVE', resources: reserved }, offered, ctx)];
    const afterReserve = offered.minus(conversions[0]!.consumed).plus(conversions[0]!.converted);
    conversions.push(...operationConversions({ type: 'CREATE', volumes: volume }, afterReserve, ctx));
    d.updateAllocation(1000, 'kafka', 'a1', offered, conversions);
    let held = offered;
    for (const c of conversions) held = held.minus(c.consumed).plus(c.converted);
    d.recoverResources(1000, 'kafka', 'a1', held, { refuseSeconds: 0 });
    allocate(d, 2000, log);
  });
});

test('lifecycle: used resources, agent and framework updates, whitelist, weights, pause/resume, removal', async () => {
  await compare((d, log) => {
    d.initialize(0, { seed: 8, allocationIntervalMs: 500 });
    const used = parseResources('cpus:1;mem:128').allocate('r1');
    d.addAgent(0, 'a1', { hostname: 'h1', attributes: parseAttributes('rack:r1') }, CAPS, undefined, parseResources('cpus:4;mem:1024'), new Map([['f1', used]]));
    d.addAgent(0, 'a2', { hostname: 'h2', attributes: parseAttributes('rack:r2') }, CAPS, undefined, parseResources('cpus:4;mem:1024'), new Map());
    d.addFramework(0, 'f1', { roles: ['r1'], capabilities: ['MULTI_ROLE'] }, new Map([['a1', used]]), true);
    d.addFramework(0, 'f2', { roles: ['r2'], capabilities: ['MULTI_ROLE'] }, new Map(), false);
    allocate(d, 500, log);
    d.activateFramework(600, 'f2');
    d.updateWhitelist(600, ['h2']);
    declineAll(d, 600, allocate(d, 600, log), 0);
    d.updateWhitelist(700, undefined);
    d.updateAgent(700, 'a2', { hostname: 'h2', attributes: parseAttributes('rack:r3') }, parseResources('cpus:8;mem:2048'), ['MULTI_ROLE']);
    d.deactivateAgent(700, 'a1');
    declineAll(d, 1000, allocate(d, 1000, log), 0);
    d.activateAgent(1000, 'a1');
    d.updateFramework(1000, 'f2', { roles: ['r2', 'r3'], capabilities: ['MULTI_ROLE'] }, { offerConstraints: { roleConstraints: { r3: { groups: [{ attributeConstraints: [{ selector: { attributeName: 'rack' }, predicate: { textEquals: { value: 'r1' } } }] }] } } } });
    d.pause(1000);
    allocate(d, 1500, log);
    d.resume(1500);
    d.reviveOffers(1500, 'f2');
    declineAll(d, 1500, allocate(d, 1500, log), 0);
    d.deactivateFramework(1600, 'f1');
    d.removeAgent(1600, 'a2');
    allocate(d, 2000, log);
    d.removeFramework(2000, 'f1');
    d.addAgent(2100, 'a3', { hostname: 'h3', domain: { region: 'eu', zone: 'z' } }, CAPS, undefined, parseResources('cpus:2;mem:256'), new Map());
    allocate(d, 2100, log);
    allocate(d, 2500, log);
  });
});

test('a policy with stages decides the same through the bridge', async () => {
  const policy = (): Policy => {
    const racks = new Map<string, string>();
    return {
      name: 'test-stages',
      onAgentAdded(agent) {
        const rack = agent.attributes.find((a) => a.name === 'rack');
        racks.set(agent.id, rack?.type === 'TEXT' ? rack.text : '?');
      },
      score: (ctx) => (ctx.agent.available.cpus() ?? 0) - (ctx.framework.id === 'f2' ? 1 : 0),
      filter: (ctx) => (racks.get(ctx.agent.id) === 'r2' && ctx.framework.id === 'f1' ? { reason: 'not on r2' } : true),
      size: (ctx) => ctx.offer.filter((r) => r.name !== 'ports'),
      sortFrameworks: (ctx) => [...ctx.frameworks].reverse(),
    };
  };
  const lines = await compare((d, log) => {
    d.initialize(0, { seed: 9 });
    for (let i = 0; i < 5; i++) d.addAgent(0, `a${i}`, { hostname: `h${i}`, attributes: parseAttributes(`rack:r${i % 3}`) }, CAPS, undefined, parseResources(`cpus:${i + 1};mem:1024;ports:[1-10]`), new Map());
    for (const f of ['f1', 'f2', 'f3']) d.addFramework(0, f, { roles: ['r'], capabilities: ['MULTI_ROLE'] }, new Map(), true);
    for (let t = 1000; t <= 4000; t += 1000) declineAll(d, t, allocate(d, t, log), 0);
  }, policy);
  assert.ok(lines.every((l) => !l.includes('ports')), 'the size stage dropped ports');
});

test('property: random event sequences decide the same directly and through the bridge', async () => {
  const step = fc.oneof(
    fc.record({ kind: fc.constant('agent' as const), cpus: fc.integer({ min: 1, max: 8 }), role: fc.constantFrom('*', 'a', 'b') }),
    fc.record({ kind: fc.constant('framework' as const), role: fc.constantFrom('a', 'b', 'c') }),
    fc.record({ kind: fc.constant('decline' as const), seconds: fc.constantFrom(0, 1, 5) }),
    fc.record({ kind: fc.constant('suppress' as const), index: fc.nat(5) }),
    fc.record({ kind: fc.constant('revive' as const), index: fc.nat(5) }),
    fc.record({ kind: fc.constant('removeAgent' as const), index: fc.nat(5) }),
    fc.record({ kind: fc.constant('quota' as const), role: fc.constantFrom('a', 'b'), cpus: fc.integer({ min: 0, max: 10 }) }),
    fc.record({ kind: fc.constant('tick' as const), ms: fc.constantFrom(250, 500, 1000) }),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 30 }), fc.nat(100), async (steps, seed) => {
      await compare((d, log) => {
        let now = 0;
        let agents = 0;
        let frameworks = 0;
        let last: AllocateResult | undefined;
        d.initialize(0, { seed });
        for (const s of steps) {
          switch (s.kind) {
            case 'agent':
              d.addAgent(now, `a${agents}`, { hostname: `h${agents}` }, CAPS, undefined, parseResources(s.role === '*' ? `cpus:${s.cpus};mem:1024` : `cpus(${s.role}):${s.cpus};mem:1024`), new Map());
              agents++;
              break;
            case 'framework':
              d.addFramework(now, `f${frameworks++}`, { roles: [s.role], capabilities: ['MULTI_ROLE'] }, new Map(), true);
              break;
            case 'decline':
              if (last !== undefined) declineAll(d, now, last, s.seconds);
              last = undefined;
              break;
            case 'suppress':
              d.suppressOffers(now, `f${s.index}`);
              break;
            case 'revive':
              d.reviveOffers(now, `f${s.index}`);
              break;
            case 'removeAgent':
              d.removeAgent(now, `a${s.index}`);
              last = undefined;
              break;
            case 'quota':
              d.updateQuota(now, s.role, s.cpus === 0 ? {} : { guarantees: new Map([['cpus', s.cpus]]) });
              break;
            case 'tick': {
              // On time, as the host's timer: at the next cycle when it comes first.
              now = Math.min(now + s.ms, Math.max(now, d.nextCycleAt()));
              last = allocate(d, now, log);
              break;
            }
          }
        }
      });
    }),
    { numRuns: 40 },
  );
});
