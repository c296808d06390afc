// The simulators make the policy's operator calls right after each cycle, as the master's operator
// API would: a reservation made on the first cycle is offered to its role on the next.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OperatorCallResult, Policy } from '../../src/policy/index.ts';
import type { ResourceInput } from '../../src/resources/index.ts';
import { parseScenario } from '../../src/sim/scenario.ts';
import { ServiceSimulation } from '../../src/sim/service-simulation.ts';
import { formatReport, simulate } from '../../src/sim/simulator.ts';

const RESERVED: ResourceInput = { name: 'cpus', scalar: 1, reservations: [{ type: 'DYNAMIC', role: 'data', principal: 'ops' }] };

const scenario = parseScenario({
  options: { allocationIntervalMs: 1000, seed: 1 },
  agents: [{ id: 'a1', resources: 'cpus:4;mem:1024' }],
  frameworks: [{ id: 'kafka', roles: ['data'], capabilities: ['MULTI_ROLE', 'RESERVATION_REFINEMENT'], demand: { tasks: 0, resources: 'cpus:1' }, refuseSeconds: 0 }],
  cycles: 3,
});

/** Offers role `data` only reserved resources; reserves a cpu (and asks for too much) on the first cycle. */
function reservingPolicy(results: OperatorCallResult[]): Policy {
  return {
    filter: (ctx) => !ctx.agent.available.reserved('data').isEmpty(),
    operatorCalls: (ctx) => ctx.now > 0 ? [] : [
      { id: 'reserve', agentId: 'a1', operations: [{ type: 'RESERVE', resources: [RESERVED] }] },
      { id: 'too-big', agentId: 'a1', operations: [{ type: 'RESERVE', resources: [{ ...RESERVED, scalar: 10 }] }] },
    ],
    operatorCallResult: (r) => results.push(r),
  };
}

test('simulate: calls made after the first cycle, the reservation offered to its role on the next; the report shows both calls', () => {
  const results: OperatorCallResult[] = [];
  const report = simulate(scenario, reservingPolicy(results));
  const [first, second] = report.cycles;
  assert.equal(first!.offers.length, 0);
  assert.deepEqual(first!.operatorCalls.map((c) => [c.id, c.ok, c.applied, c.httpStatus]), [['reserve', true, 1, undefined], ['too-big', false, 0, 409]]);
  assert.deepEqual(results.map((r) => [r.id, r.ok]), [['reserve', true], ['too-big', false]]);
  assert.equal(second!.offers.length, 1);
  assert.equal(second!.offers[0]!.role, 'data');
  assert.match(second!.offers[0]!.resources, /cpus\(reservations: \[\(DYNAMIC,data,ops\)\]\):1/);
  assert.deepEqual(second!.operatorCalls, []);
  assert.deepEqual(report.policyErrors, {});
  const text = formatReport(report);
  assert.match(text, /operator call reserve on a1: RESERVE cpus\(reservations: \[\(DYNAMIC,data,ops\)\]\):1 → applied/);
  assert.match(text, /operator call too-big on a1: RESERVE .* → failed after 0 of 1 \(409\): RESERVE: .* does not contain /);
});

test('simulate: invalid calls are policy errors in the report', () => {
  const report = simulate(scenario, { operatorCalls: () => [{ id: 'x', agentId: 'nowhere', operations: [] }] }, 1);
  assert.deepEqual(report.cycles[0]!.operatorCalls, []);
  assert.deepEqual(report.policyErrors, { operatorCalls: 1 });
});

test('the data-service simulation makes the calls right after its allocation run too', () => {
  const results: OperatorCallResult[] = [];
  const sim = new ServiceSimulation(scenario, reservingPolicy(results));
  const first = sim.step();
  assert.deepEqual(first.operatorCalls.map((c) => [c.id, c.ok]), [['reserve', true], ['too-big', false]]);
  assert.equal(first.offers, 0);
  const second = sim.step();
  assert.equal(second.offers, 1);
  assert.deepEqual(results.map((r) => r.id), ['reserve', 'too-big']);
});

test('simulate: a call on offered resources rescinds the offer first (as the master), the report says so, and the framework never answers it', () => {
  const plain = parseScenario({
    options: { allocationIntervalMs: 1000, seed: 1 },
    agents: [{ id: 'a1', resources: 'cpus:4;mem:1024' }],
    frameworks: [{ id: 'web', roles: ['web'], demand: { tasks: 1, resources: 'cpus:1' }, refuseSeconds: 0 }],
    cycles: 2,
  });
  const policy: Policy = { operatorCalls: (ctx) => ctx.now > 0 ? [] : [{ id: 'reserve', agentId: 'a1', operations: [{ type: 'RESERVE', resources: [RESERVED] }] }] };
  const report = simulate(plain, policy);
  const [first, second] = report.cycles;
  assert.deepEqual(first!.operatorCalls.map((c) => [c.id, c.ok, c.rescinded]), [['reserve', true, ['web [web] on a1: cpus:4; mem:1024']]]);
  assert.equal(first!.offers.length, 0, 'rescinded before the framework answered');
  assert.match(formatReport(report), /→ applied \(rescinded web \[web\] on a1: cpus:4; mem:1024\)/);
  // After the rescind's 5 s filter nothing is offered to web on a1 in the next cycle either.
  assert.equal(second!.offers.length, 0);
  assert.equal(second!.tasksRunning['web'], 0);
});
