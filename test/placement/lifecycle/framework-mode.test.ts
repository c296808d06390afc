// Framework mode (dcos-commons style): the framework reserves and creates out of its offers
// itself; the allocator only steers. Same outcomes as operator mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceSimulation } from '../../../src/sim/service-simulation.ts';
import type { SimOperation } from '../../../src/sim/service-framework.ts';
import { kinds, run, scenario, where } from './helpers.ts';

function collect(sim: ServiceSimulation, cycles: number): { ops: SimOperation[]; events: ReturnType<typeof run> } {
  const ops: SimOperation[] = [];
  const events = [];
  for (let i = 0; i < cycles; i++) {
    const c = sim.step();
    ops.push(...c.operations);
    events.push(...c.events);
  }
  return { ops, events };
}

test('framework mode: deploy through offers, sticky relaunch, replace and garbage collection by ACCEPT', () => {
  const sim = new ServiceSimulation(scenario({ service: { mode: 'framework' } }));
  let { ops } = collect(sim, 3);
  assert.equal(ops.length, 3);
  assert.ok(ops.every((o) => o.via === 'framework' && o.ok && o.kind === 'reserve'));
  assert.ok(sim.controller('db').status().every((s) => s.phase === 'running'));
  const before = where(sim);

  const agent = before.get('node-0')!.agent;
  sim.apply({ cycle: 0, kind: 'removeAgent', agentId: agent });
  collect(sim, 2);
  sim.apply({ cycle: 0, kind: 'addAgent', agentId: agent });
  const back = collect(sim, 2);
  assert.deepEqual(kinds(back.events, 'relaunched').map((e) => e.agentId), [agent]);
  assert.deepEqual(where(sim), before);

  sim.apply({ cycle: 0, kind: 'replace', service: 'db', podInstance: 'node-1' });
  ({ ops } = collect(sim, 3));
  assert.deepEqual(ops.map((o) => [o.kind, o.reason, o.via]), [['reserve', 'replace', 'framework']]);
  sim.apply({ cycle: 0, kind: 'advance', ms: 30_000 });
  const gc = collect(sim, 2);
  assert.deepEqual(gc.ops.map((o) => [o.kind, o.reason, o.operations.join(',')]), [['release', 'gc', 'DESTROY,UNRESERVE']]);
  assert.equal(kinds(gc.events, 'volume-destroyed').length, 1);
  assert.ok(sim.ledger.reconcile(sim.book.totals).consistent);
});
