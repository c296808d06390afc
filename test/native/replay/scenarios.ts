// Allocator scenarios written once against the runtime tests' `Driver`, so the same calls run on the
// pure engine (DirectDriver) and as bridge requests (WireDriver, recorded for bridge_replay). Each
// returns what every `allocate` decided, in order; later calls depend on earlier offers (declines,
// launches), so a divergence anywhere shows up in the comparison.
import type { AllocateResult, Driver } from '../../runtime/fixtures/drivers.ts';
import { operationConversions, parseAttributes, parseResources } from '../../../src/resources/index.ts';
import { seededRandom } from '../../../src/allocator/random.ts';

const AGENT_CAPABILITIES = ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT'] as const;
const SECOND = 1000;
/** What a Kafka broker reserves from an offer (the unreserved part; cpus(prod) are reserved statically). */
const BROKER = parseResources('mem:2048;disk:1024');

/** The seed's cluster: prod/stage reservations, racks, a data service that reserves and creates a volume. */
export async function seedCluster(d: Driver): Promise<AllocateResult[]> {
  const results: AllocateResult[] = [];
  let now = 1_700_000_000_000;
  d.initialize(now, { allocationIntervalMs: SECOND, seed: 7 });
  for (let i = 0; i < 12; i++) {
    const rack = `r${i % 3}`;
    d.addAgent(now, `agent-${i}`, { hostname: `host-${i}`, attributes: parseAttributes(`disks:sata;raid:jbod;dc:1;rack:${rack}`) }, AGENT_CAPABILITIES, undefined,
      parseResources('cpus(prod):8; cpus(stage):2; mem(*):15360; disk(*):710534; ports(*):[31000-32000]'), new Map());
  }
  d.addFramework(now, 'kafka', { name: 'kafka', roles: ['prod'], capabilities: ['MULTI_ROLE', 'RESERVATION_REFINEMENT'] }, new Map(), true);
  d.addFramework(now, 'cassandra', { name: 'cassandra', roles: ['prod'], capabilities: ['MULTI_ROLE'] }, new Map(), true);
  d.addFramework(now, 'batch', { name: 'batch', roles: ['stage'], capabilities: ['MULTI_ROLE'] }, new Map(), true);
  d.addFramework(now, 'any', { name: 'any', roles: ['*'] }, new Map(), true);
  d.updateWeights(now, [{ role: 'prod', weight: 3 }]);
  d.updateQuota(now, 'stage', { guarantees: new Map([['cpus', 4]]), limits: new Map([['cpus', 10], ['mem', 20480]]) });

  const kept = new Set<string>(); // agents where Kafka holds an allocation
  for (let round = 0; round < 6; round++) {
    now += SECOND;
    const result = d.allocate(now);
    results.push(result);
    // Kafka keeps one offer a round (a broker launched after reserving its memory and disk), declines the rest
    // for 3 s; the others decline everything with Mesos's default 5 s filter.
    let launched = false;
    for (const offer of result.offers) {
      if (offer.frameworkId === 'kafka' && !launched && offer.resources.contains(BROKER.allocate('prod'))) {
        launched = true;
        kept.add(offer.agentId);
        const reservation = { type: 'DYNAMIC' as const, role: 'prod', principal: 'kafka', labels: [{ key: 'resource_id', value: `broker-${round}` }] };
        const reserve = { type: 'RESERVE' as const, resources: BROKER.pushReservation(reservation).allocate('prod') };
        d.updateAllocation(now, 'kafka', offer.agentId, offer.resources, operationConversions(reserve, offer.resources, { frameworkRoles: ['prod'], principal: 'kafka' }));
        continue;
      }
      d.recoverResources(now, offer.frameworkId, offer.agentId, offer.resources, { refuseSeconds: offer.frameworkId === 'kafka' ? 3 : 5 });
    }
    if (round === 2) {
      // An operator reserves disk on an agent with nothing allocated; unreserving more than is there is rejected.
      const agent = [...Array(12).keys()].map((i) => `agent-${i}`).find((a) => !kept.has(a))!;
      const reserve = { type: 'RESERVE' as const, resources: parseResources('disk(*):1000').pushReservation({ type: 'DYNAMIC', role: 'prod', principal: 'ops' }) };
      const ok = d.updateAvailable(now, agent, [reserve]);
      if (ok !== undefined) throw new Error(`RESERVE should apply on ${agent}: ${ok}`);
      const bad = d.updateAvailable(now, agent, [{ type: 'UNRESERVE', resources: parseResources('cpus(stage):99') }]);
      if (bad === undefined) throw new Error('UNRESERVE of 99 cpus should be rejected');
      d.suppressOffers(now, 'batch');
    }
    if (round === 3) {
      d.reviveOffers(now, 'batch');
      d.updateUnavailability(now, 'agent-5', { start: now + 60 * SECOND, durationMs: 3600 * SECOND });
    }
    if (round === 4) d.removeAgent(now, 'agent-11');
  }
  return results;
}

/** Random calls over a small cluster: agents come and go, frameworks decline, suppress and revive. */
export async function randomCalls(d: Driver, seed: number, steps: number): Promise<AllocateResult[]> {
  const random = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const results: AllocateResult[] = [];
  let now = 1_700_000_000_000;
  d.initialize(now, { allocationIntervalMs: SECOND, seed });
  const roles = ['prod', 'stage', 'dev', '*'];
  const agents = new Set<string>();
  const frameworks = new Map<string, string>();
  let nextAgent = 0;
  let nextFramework = 0;
  let last: AllocateResult | undefined;
  for (let step = 0; step < steps; step++) {
    const r = random();
    if (r < 0.15 || agents.size < 3) {
      const id = `a${nextAgent++}`;
      agents.add(id);
      const reserved = pick(['prod', 'stage', 'dev']);
      d.addAgent(now, id, { hostname: `h${id}`, attributes: parseAttributes(`rack:r${nextAgent % 4}`) }, AGENT_CAPABILITIES, undefined,
        parseResources(`cpus(${reserved}):${1 + Math.floor(random() * 4)};cpus:${2 + Math.floor(random() * 8)};mem:${1024 * (1 + Math.floor(random() * 16))};ports:[31000-31100]`), new Map());
    } else if (r < 0.25 || frameworks.size < 2) {
      const id = `f${nextFramework++}`;
      const role = pick(roles);
      frameworks.set(id, role);
      d.addFramework(now, id, { roles: [role], capabilities: ['MULTI_ROLE'] }, new Map(), true);
    } else if (r < 0.3 && agents.size > 3) {
      const id = pick([...agents]);
      agents.delete(id);
      d.removeAgent(now, id);
    } else if (r < 0.35) {
      const id = pick([...frameworks.keys()]);
      if (random() < 0.5) d.suppressOffers(now, id);
      else d.reviveOffers(now, id);
    } else if (r < 0.4) {
      d.updateQuota(now, pick(['prod', 'stage', 'dev']), { guarantees: new Map([['cpus', Math.floor(random() * 6)]]) });
    } else if (r < 0.45 && frameworks.size > 2) {
      const id = pick([...frameworks.keys()]);
      frameworks.delete(id);
      d.removeFramework(now, id);
    } else {
      now += Math.floor(random() * 2 * SECOND);
      last = d.allocate(now);
      results.push(last);
      for (const offer of last.offers) {
        if (!frameworks.has(offer.frameworkId) || !agents.has(offer.agentId)) continue;
        if (random() < 0.3) continue; // kept (launched)
        d.recoverResources(now, offer.frameworkId, offer.agentId, offer.resources, random() < 0.5 ? { refuseSeconds: random() * 4 } : undefined);
      }
    }
  }
  return results;
}
