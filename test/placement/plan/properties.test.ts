// Properties over random clusters: every plan applies, constraints hold, failure domains are not
// shared while there are enough, and the ledger after apply equals the cluster's reservations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  clusterReservations, executeOperations, executePlan, parseServiceSpec, planService, ReservationLedger, type ClusterAgent, type PodSpecInput, type ServiceSpec,
} from '../../../src/placement/index.ts';
import { Resources, type ResourceInput } from '../../../src/resources/index.ts';
import { resourcesOf, withResources } from './helpers.ts';

const ROLE = 'pre/svc';

const agentArb = fc.record({
  cpus: fc.integer({ min: 0, max: 16 }).map((n) => n / 2),
  mem: fc.integer({ min: 0, max: 16 }).map((n) => n * 1024),
  disk: fc.integer({ min: 0, max: 20 }).map((n) => n * 1000),
  mounts: fc.array(fc.integer({ min: 1, max: 6 }).map((n) => n * 1000), { maxLength: 2 }),
  preCpus: fc.integer({ min: 0, max: 4 }),
  roleMem: fc.integer({ min: 0, max: 2 }).map((n) => n * 1024),
  otherCpus: fc.integer({ min: 0, max: 4 }),
  ownedMem: fc.integer({ min: 0, max: 1 }).map((n) => n * 512),
  rack: fc.option(fc.constantFrom('r0', 'r1', 'r2', 'r3'), { nil: undefined, freq: 8 }),
  zone: fc.option(fc.constantFrom('z0', 'z1', 'z2'), { nil: undefined, freq: 8 }),
  host: fc.integer({ min: 0, max: 40 }),
});

type AgentShape = typeof agentArb extends fc.Arbitrary<infer T> ? T : never;

function toAgent(shape: AgentShape, i: number): ClusterAgent {
  const items: ResourceInput[] = [];
  const add = (name: string, scalar: number, extra: Partial<ResourceInput> = {}) => {
    if (scalar > 0) items.push({ name, scalar, ...extra });
  };
  add('cpus', shape.cpus);
  add('mem', shape.mem);
  add('disk', shape.disk);
  shape.mounts.forEach((size, m) => add('disk', size, { disk: { source: { type: 'MOUNT', root: `/mnt/${m}` } } }));
  add('cpus', shape.preCpus, { reservations: [{ type: 'STATIC', role: 'pre' }] });
  add('mem', shape.roleMem, { reservations: [{ type: 'STATIC', role: 'pre' }, { type: 'DYNAMIC', role: ROLE, principal: 'ops' }] });
  add('cpus', shape.otherCpus, { reservations: [{ type: 'STATIC', role: 'other' }] });
  add('mem', shape.ownedMem, { reservations: [{ type: 'DYNAMIC', role: ROLE, principal: 'p', labels: [{ key: 'service', value: 'zk' }, { key: 'resource_id', value: `zk-${i}` }] }] });
  const attributes = shape.rack === undefined ? [] : [{ name: 'rack', type: 'TEXT' as const, text: shape.rack }];
  // Hostnames are unique most of the time; sometimes two agent ids share one (an agent that re-registered).
  return { id: `agent-${i}`, hostname: `host-${shape.host % 37}`, attributes, ...(shape.zone === undefined ? {} : { domain: { region: 'r', zone: shape.zone } }), resources: Resources.of(items) };
}

const podArb = fc.record({
  count: fc.integer({ min: 0, max: 6 }),
  cpus: fc.integer({ min: 1, max: 4 }).map((n) => n / 2),
  mem: fc.integer({ min: 1, max: 8 }).map((n) => n * 512),
  root: fc.option(fc.integer({ min: 1, max: 5 }).map((n) => n * 500), { nil: undefined }),
  mount: fc.option(fc.integer({ min: 1, max: 5 }).map((n) => n * 800), { nil: undefined }),
});

type PodShape = typeof podArb extends fc.Arbitrary<infer T> ? T : never;

function pod(type: string, shape: PodShape, constraints: unknown): PodSpecInput {
  const volumes = [
    ...(shape.root === undefined ? [] : [{ containerPath: 'data', sizeMb: shape.root }]),
    ...(shape.mount === undefined ? [] : [{ containerPath: 'journal', sizeMb: shape.mount, disk: 'MOUNT' as const }]),
  ];
  return { type, count: shape.count, resources: `cpus:${shape.cpus};mem:${shape.mem}`, volumes, constraints };
}

const scenarioArb = fc.record({
  agents: fc.array(agentArb, { minLength: 1, maxLength: 12 }),
  unique: podArb,
  racked: podArb,
  zoned: podArb,
  seed: fc.integer({ min: 0, max: 1000 }),
  growBy: fc.integer({ min: 0, max: 3 }),
});

function serviceSpec(s: { unique: PodShape; racked: PodShape; zoned: PodShape }, racks: number, grow = 0): ServiceSpec {
  const bump = (p: PodShape) => ({ ...p, count: p.count + grow });
  return parseServiceSpec({
    name: 'svc',
    role: ROLE,
    principal: 'svc-principal',
    pods: [
      pod('node', bump(s.unique), [['hostname', 'UNIQUE']]),
      pod('replica', bump(s.racked), racks > 0 ? [['rack', 'GROUP_BY', String(racks)], ['hostname', 'UNIQUE']] : [['hostname', 'UNIQUE']]),
      pod('zoned', bump(s.zoned), '@zone=spread:1'),
    ],
  });
}

/** Whether one more instance of the zoned pod would fit on the agent. */
function hasRoom(agent: ClusterAgent, spec: ServiceSpec): boolean {
  const zoned = spec.pods[2]!;
  const alone: ServiceSpec = { ...spec, pods: [{ ...zoned, count: 1, constraints: [] }] };
  return planService(alone, [agent]).placements.length === 1;
}

/** Per agent, quantities without reservations: reserving and creating volumes must not change them. */
function totals(resources: Resources): string {
  return [...resources.toUnreserved().quantities()].sort().map(([n, q]) => `${n}:${q}`).join(';');
}

function domainOf(a: ClusterAgent | undefined, field: 'rack' | 'zone'): string | undefined {
  if (field === 'zone') return a?.domain?.zone;
  const r = a?.attributes.find((x) => x.name === 'rack');
  return r?.type === 'TEXT' ? r.text : undefined;
}

test('random clusters: plans apply, UNIQUE and failure domains hold, the ledger equals the cluster, releases give everything back', () => {
  fc.assert(
    fc.property(scenarioArb, (s) => {
      const agents = s.agents.map(toAgent);
      const byId = new Map(agents.map((a) => [a.id, a]));
      const racks = new Set(agents.map((a) => domainOf(a, 'rack')).filter((r) => r !== undefined)).size;
      const ledger = new ReservationLedger({ clock: () => 0 });
      let view = agents;
      let cluster = resourcesOf(agents);
      for (const grow of [0, s.growBy]) {
        const spec = serviceSpec(s, racks, grow);
        const plan = planService(spec, view, { ledger, seed: s.seed });
        assert.deepEqual(planService(spec, view, { ledger, seed: s.seed }), plan, 'deterministic');
        const next = executePlan(cluster, plan); // throws if any operation does not apply
        for (const [id, r] of next) assert.equal(totals(r), totals(cluster.get(id)!), `agent ${id}: nothing created or lost`);
        ledger.apply(plan);
        cluster = next;
        view = withResources(view, cluster);
        const report = ledger.reconcile(cluster, { services: ['svc'] });
        assert.ok(report.consistent, JSON.stringify({ leaked: report.leaked.length, missing: report.missing.length, mismatched: report.mismatched.map((m) => m.problem) }));
        // Nothing double-booked: each agent's svc reservations are exactly the ledger's, and no resource_id twice.
        const found = clusterReservations(cluster, new Set(['svc']));
        assert.equal(new Set(found.map((f) => f.resourceId)).size, found.length);
        assert.equal(found.length, ledger.byService('svc').length);
        // Kept instances stayed where they were.
        for (const k of plan.kept) assert.equal(ledger.agentOf('svc', k.podInstance)!.id, k.agent.id);

        const instances = ledger.instances('svc');
        const of = (type: string) => instances.filter((i) => i.podType === type).map((i) => byId.get(i.agent.id));
        for (const type of ['node', 'replica']) {
          const hosts = of(type).map((a) => a!.hostname);
          assert.equal(new Set(hosts).size, hosts.length, `${type}: two instances share a host`);
        }
        const replicaCount = spec.pods[1]!.count;
        if (racks > 0 && replicaCount <= racks) {
          const used = of('replica').map((a) => domainOf(a, 'rack'));
          assert.equal(new Set(used).size, used.length, `replicas share a rack: ${used.join(',')}`);
        }
        // SPREAD counts the zones where the pod could go; a zone with room left after the plan had room throughout.
        const zones = new Set(view.filter((a) => hasRoom(a, spec)).map((a) => domainOf(a, 'zone')).filter((z) => z !== undefined)).size;
        if (spec.pods[2]!.count <= zones) {
          const used = of('zoned').map((a) => domainOf(a, 'zone'));
          assert.equal(new Set(used).size, used.length, `zoned instances share a zone: ${used.join(',')}`);
        }
        // Every instance is placed, kept or reported.
        const wanted = spec.pods.reduce((n, p) => n + p.count, 0);
        assert.equal(plan.kept.length + plan.placements.length + plan.unplaced.length, wanted);
        for (const u of plan.unplaced) assert.match(u.summary, /^no agent: \d+ agents? /);
      }
      // Decommissioning everything gives every reservation and volume back.
      const all = ledger.instances('svc').map((i) => i.podInstance);
      if (all.length > 0) {
        const release = ledger.planRelease('svc', all);
        const released = executeOperations(cluster, release.steps);
        ledger.release(release);
        assert.equal(ledger.size, 0);
        assert.equal(clusterReservations(released, new Set(['svc'])).length, 0);
        assert.ok(ledger.reconcile(released).leaked.every((l) => l.service === 'zk'), 'only the other service\'s reservations remain');
        for (const [id, r] of released) {
          assert.equal(totals(r), totals(resourcesOf(agents).get(id)!), `agent ${id}: quantities unchanged`);
          assert.equal(r.persistentVolumes().size, 0);
        }
      }
    }),
    { numRuns: 300 },
  );
});
