// Properties over random histories of a small data service (agent loss and return, task
// failures, clock jumps, operator replaces, scaling, maintenance), in both execution modes:
// replicas never share a rack while enough racks exist, no volume is destroyed except by a
// guarded replace's garbage collection or a scale-down, a transiently failed instance comes back
// on its agent with its volume, and the ledger always equals the cluster's reservations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ServiceSimulation } from '../../../src/sim/service-simulation.ts';
import type { ScenarioEvent } from '../../../src/sim/service-scenario.ts';
import { rackOf, scenario, where } from './helpers.ts';

const TIMEOUT = 60_000;
const RACKS = 3;

const eventArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('taskFailure' as const), i: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('removeAgent' as const), i: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('addAgent' as const), i: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 90_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('replace' as const), i: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('scale' as const), count: fc.integer({ min: 1, max: RACKS }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('maintenance' as const), i: fc.nat() }) },
);
type RandomEvent = typeof eventArb extends fc.Arbitrary<infer T> ? T : never;

function resolve(sim: ServiceSimulation, e: RandomEvent, hosts: number): ScenarioEvent | undefined {
  const instances = sim.controller('db').status().filter((s) => s.intent !== 'decommission').map((s) => s.podInstance);
  const pick = <T>(list: readonly T[], i: number) => (list.length === 0 ? undefined : list[i % list.length]);
  const agents = Array.from({ length: hosts }, (_, n) => `h-${n}`);
  switch (e.kind) {
    case 'none':
      return undefined;
    case 'taskFailure':
    case 'replace': {
      const podInstance = pick(instances, e.i);
      return podInstance === undefined ? undefined : { cycle: 0, kind: e.kind, service: 'db', podInstance };
    }
    case 'removeAgent':
    case 'addAgent': {
      const agentId = pick(agents.filter((a) => sim.book.up.has(a) === (e.kind === 'removeAgent')), e.i);
      return agentId === undefined ? undefined : { cycle: 0, kind: e.kind, agentId };
    }
    case 'advance':
      return { cycle: 0, kind: 'advance', ms: e.ms };
    case 'scale':
      return { cycle: 0, kind: 'scale', service: 'db', pod: 'node', count: e.count };
    case 'maintenance':
      return { cycle: 0, kind: 'maintenance', agentId: pick(agents, e.i)!, startInMs: 600_000 };
  }
}

function history(mode: 'operator' | 'framework', runs: number): void {
  fc.assert(
    fc.property(fc.integer({ min: 6, max: 9 }), fc.integer({ min: 0, max: 1000 }), fc.array(eventArb, { minLength: 4, maxLength: 14 }), (hosts, seed, events) => {
      const sim = new ServiceSimulation(scenario({
        hosts, racks: RACKS,
        pods: [{ type: 'node', count: 3, resources: 'cpus:2;mem:2048', volumes: [{ containerPath: 'data', sizeMb: 10000 }], constraints: 'hostname=unique,rack=unique' }],
        service: { mode, seed, permanentFailureTimeoutMs: TIMEOUT },
      }));
      const retiredVolumes = new Set<string>();
      for (const raw of events) {
        const e = resolve(sim, raw, hosts);
        if (e !== undefined) sim.apply(e);
        const cycle = sim.step();
        for (const v of sim.ledger.entries({ service: 'db', retired: true })) if (v.persistenceId !== undefined) retiredVolumes.add(v.persistenceId);
        // Replicas (the instances the service wants; decommissioned ones only wait for their release) never share a rack.
        const wanted = new Set(sim.controller('db').status().filter((s) => s.intent !== 'decommission').map((s) => s.podInstance));
        const racks = [...where(sim)].filter(([i]) => wanted.has(i)).map(([, p]) => rackOf(p.agent, RACKS));
        assert.equal(new Set(racks).size, racks.length, `racks ${racks.join(',')}`);
        // Volumes go only through garbage collection of a retired reservation, or a scale-down.
        for (const op of cycle.operations) {
          if (op.kind !== 'release' || !op.ok) continue;
          assert.ok(op.reason === 'gc' || op.reason === 'scale-down', op.reason);
          if (op.reason === 'gc') for (const v of op.volumes) assert.ok(retiredVolumes.has(v), `gc destroyed ${v}, which was never retired`);
          else {
            const inst = sim.controller('db').instance(op.podInstance);
            assert.ok(inst === undefined || inst.intent === 'decommission', `${op.podInstance} released but still wanted`);
          }
        }
        // Automatic replaces only after the permanent-failure timeout.
        for (const ev of cycle.events) {
          const gone = /agent gone (\d+) ms/.exec(ev.detail ?? '');
          if (ev.kind === 'replace-due' && gone !== null) assert.ok(Number(gone[1]) >= TIMEOUT);
        }
        // The ledger equals the cluster: nothing leaked, missing or double-booked.
        const report = sim.ledger.reconcile(sim.book.totals);
        assert.ok(report.consistent, JSON.stringify({ leaked: report.leaked.length, missing: report.missing.length, mismatched: report.mismatched.map((m) => m.problem) }));
        assert.equal(sim.services.get('db')!.foreignOffered, 0);
      }
    }),
    { numRuns: runs },
  );
}

test('random histories, operator mode: spread, volume safety, guarded replace, ledger = cluster (300 cases)', () => history('operator', 300));

test('random histories, framework mode: the same properties (200 cases)', () => history('framework', 200));

test('a transiently failed instance comes back on the same agent with the same volume id (300 cases)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: TIMEOUT - 2_000 }), fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 3 }), fc.constantFrom('operator' as const, 'framework' as const), fc.nat(100),
      (victim, downMs, failures, mode, seed) => {
        const sim = new ServiceSimulation(scenario({ service: { mode, seed, permanentFailureTimeoutMs: TIMEOUT } }));
        sim.step();
        sim.step();
        const before = where(sim);
        const name = `node-${victim}`;
        const agent = before.get(name)!.agent;
        for (const f of failures) sim.apply({ cycle: 0, kind: 'taskFailure', service: 'db', podInstance: `node-${f}` });
        sim.apply({ cycle: 0, kind: 'removeAgent', agentId: agent });
        sim.step();
        sim.apply({ cycle: 0, kind: 'advance', ms: downMs });
        sim.apply({ cycle: 0, kind: 'addAgent', agentId: agent });
        sim.step();
        assert.deepEqual(where(sim), before, 'every instance where it was, with its volume');
        assert.equal(sim.controller('db').instance(name)!.phase, 'running');
        assert.equal(sim.controller('db').instance(name)!.agentId, agent);
      },
    ),
    { numRuns: 300 },
  );
});

test('two services of one role: neither is ever offered the other\'s reservations (200 cases)', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ service: fc.constantFrom('db', 'db2'), i: fc.integer({ min: 0, max: 1 }) }), { minLength: 1, maxLength: 6 }), fc.nat(50), (failures, seed) => {
      const pod = { type: 'node', count: 2, resources: 'cpus:1;mem:1024', volumes: [{ containerPath: 'data', sizeMb: 2000 }], constraints: 'hostname=unique' };
      const sim = new ServiceSimulation(scenario({
        hosts: 3, resources: 'cpus:2;mem:2048;disk:10000',
        pods: [pod],
        service: { seed },
        extraServices: [{ spec: { name: 'db2', role: 'data', principal: 'db2', pods: [pod] }, seed }],
      }));
      sim.step();
      for (const f of failures) {
        sim.apply({ cycle: 0, kind: 'taskFailure', service: f.service, podInstance: `node-${f.i}` });
        sim.step();
      }
      sim.step();
      assert.equal(sim.services.get('db')!.foreignOffered + sim.services.get('db2')!.foreignOffered, 0);
      assert.ok(sim.ledger.reconcile(sim.book.totals).consistent);
    }),
    { numRuns: 200 },
  );
});
