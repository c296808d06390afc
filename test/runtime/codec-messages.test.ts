// The codec of the other messages: attributes, FrameworkInfo, AgentInfo, maintenance, quota,
// filters, operations, conversions and offer constraints, each through real bytes and back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseOfferConstraints, type FrameworkInfo } from '../../src/allocator/index.ts';
import { parseAttributes, parseResourceQuantities, parseResources, Resources, type Attribute } from '../../src/resources/index.ts';
import {
  agentCapabilitiesFromWire, agentInfoFromWire, attributesFromWire, CodecError, conversionsFromWire, filtersFromWire, frameworkInfoFromWire,
  initializeFromWire, inverseOfferStatusFromWire, offerConstraintsFromWire, operationsFromWire, quotaConfigFromWire, unavailabilityFromWire, weightsFromWire,
} from '../../src/runtime/codec/index.ts';
import { protocol, type wire } from '../../src/runtime/protocol.ts';
import { decodeRequest, encodeRequest, toWire } from '../../src/runtime/requests.ts';

/** One AllocatorCall through bytes. */
function through(call: wire.IAllocatorCall): wire.AllocatorCall {
  return decodeRequest(encodeRequest({ allocator: call })).allocator as wire.AllocatorCall;
}

const attribute: fc.Arbitrary<Attribute> = fc.oneof(
  fc.record({ name: fc.constantFrom('rack', 'zone', 'ssd'), text: fc.string({ minLength: 1, maxLength: 5 }) }).map(({ name, text }) => ({ name, type: 'TEXT' as const, text })),
  fc.record({ name: fc.constantFrom('level', 'cores'), scalar: fc.integer({ min: 0, max: 100000 }).map((n) => n / 1000) }).map(({ name, scalar }) => ({ name, type: 'SCALAR' as const, scalar })),
  fc.record({ name: fc.constant('ids'), begin: fc.nat(1000), length: fc.nat(10) }).map(({ name, begin, length }) => ({ name, type: 'RANGES' as const, ranges: [{ begin, end: begin + length }] })),
);

test('property: attributes → wire → model', () => {
  fc.assert(fc.property(fc.array(attribute, { maxLength: 6 }), (attributes) => {
    const m = through({ addAgent: { agentId: 'a', agentInfo: { hostname: 'h', attributes: toWire.attributes(attributes) } } });
    assert.deepEqual(attributesFromWire(m.addAgent!.agentInfo!.attributes, 'x'), attributes);
  }));
});

test('attributes from --attributes text; a SET attribute is refused', () => {
  const attributes = parseAttributes('rack:r1;level:3;ids:[1-4]');
  const m = through({ addAgent: { agentId: 'a', agentInfo: { hostname: 'h', attributes: toWire.attributes(attributes) } } });
  assert.deepEqual(agentInfoFromWire(m.addAgent!.agentInfo, 'add_agent.agent_info'), { hostname: 'h', attributes });
  assert.throws(() => attributesFromWire([{ name: 's', type: protocol.Value.Type.SET, set: { item: ['a'] } }], 'agent_info.attributes'), /agent_info\.attributes\[0\].*SET/);
});

test('AgentInfo: hostname required, domain needs region and zone', () => {
  assert.throws(() => agentInfoFromWire({ attributes: [] }, 'add_agent.agent_info'), (e: unknown) => e instanceof CodecError && e.field === 'add_agent.agent_info.hostname');
  const info = { hostname: 'h', domain: { region: 'eu', zone: 'eu-1' } };
  assert.deepEqual(agentInfoFromWire(through({ addAgent: { agentId: 'a', agentInfo: toWire.agentInfo(info) } }).addAgent!.agentInfo, 'x'), { ...info, attributes: [] });
  assert.equal(agentInfoFromWire({ hostname: 'h', domain: { faultDomain: { region: { name: 'eu' } } } }, 'x').domain, undefined);
});

test('capabilities: enum numbers → names; UNKNOWN and numbers from a newer Mesos are dropped', () => {
  assert.deepEqual(agentCapabilitiesFromWire([{ type: 1 }, { type: 0 }, { type: 99 as wire.AgentInfo.Capability.Type }, { type: 3 }]), ['MULTI_ROLE', 'RESERVATION_REFINEMENT']);
  const info: FrameworkInfo = { name: 'kafka', roles: ['a', 'b'], principal: 'p', capabilities: ['MULTI_ROLE', 'GPU_RESOURCES', 'REGION_AWARE'] };
  const back = frameworkInfoFromWire(through({ addFramework: { frameworkId: 'f', frameworkInfo: toWire.frameworkInfo(info) } }).addFramework!.frameworkInfo, 'x');
  assert.deepEqual(back, info);
});

test('FrameworkInfo: legacy role, and offer_filters → per-role min allocatable quantities (set but empty: no minimum)', () => {
  const info: FrameworkInfo = {
    role: 'old',
    capabilities: [],
    minAllocatableResources: { old: [parseResourceQuantities('cpus:1;mem:1024'), parseResourceQuantities('disk:100')], other: [] },
  };
  const back = frameworkInfoFromWire(through({ addFramework: { frameworkId: 'f', frameworkInfo: toWire.frameworkInfo(info) } }).addFramework!.frameworkInfo, 'x');
  assert.deepEqual(back, info);
  const zero = frameworkInfoFromWire({ offerFilters: { r: { minAllocatableResources: { quantities: [{ quantities: { cpus: { value: 0 }, mem: { value: 1 } } }] } } } }, 'x');
  assert.deepEqual(zero.minAllocatableResources, { r: [new Map([['mem', 1]])] });
  assert.throws(() => frameworkInfoFromWire({ offerFilters: { r: { minAllocatableResources: { quantities: [{ quantities: { cpus: { value: -1 } } }] } } } }, 'add_framework.framework_info'), /offer_filters\["r"\].*non-negative/);
});

test('Unavailability: nanoseconds ⇄ milliseconds; start required', () => {
  const u = { start: 1_700_000_000_000, durationMs: 3_600_000 };
  assert.deepEqual(unavailabilityFromWire(through({ updateUnavailability: { agentId: 'a', unavailability: toWire.unavailability(u) } }).updateUnavailability!.unavailability, 'x'), u);
  assert.deepEqual(unavailabilityFromWire({ start: { nanoseconds: 5e6 } }, 'x'), { start: 5 });
  assert.throws(() => unavailabilityFromWire({ duration: { nanoseconds: 1 } }, 'u'), /u\.start: is required/);
});

test('InverseOfferStatus and Filters', () => {
  const status = { status: 'ACCEPT' as const, frameworkId: 'f', timestamp: 1234 };
  const m = through({ updateInverseOffer: { agentId: 'a', frameworkId: 'f', status: toWire.inverseOfferStatus(status), filters: {} } }).updateInverseOffer!;
  assert.deepEqual(inverseOfferStatusFromWire(m.status, 'x'), status);
  assert.deepEqual(filtersFromWire(m.filters), {}, 'Filters without refuse_seconds: Mesos default (5 s)');
  assert.equal(filtersFromWire(through({ updateInverseOffer: { agentId: 'a', frameworkId: 'f' } }).updateInverseOffer!.filters), undefined, 'no Filters: no filter');
  assert.deepEqual(filtersFromWire(through({ recoverResources: { filters: { refuseSeconds: 0 } } }).recoverResources!.filters), { refuseSeconds: 0 });
});

test('QuotaConfig and WeightInfo', () => {
  const quota = { guarantees: new Map([['cpus', 2]]), limits: new Map([['cpus', 4], ['mem', 0]]) };
  assert.deepEqual(quotaConfigFromWire(through({ updateQuota: { quota: toWire.quota('r', quota) } }).updateQuota!.quota, 'q'), { role: 'r', quota });
  assert.deepEqual(quotaConfigFromWire({ role: 'r' }, 'q'), { role: 'r', quota: {} }, 'empty config removes the quota');
  assert.throws(() => quotaConfigFromWire({ guarantees: {} }, 'update_quota.quota'), /update_quota\.quota\.role: is required/);
  assert.throws(() => quotaConfigFromWire({ role: 'r', limits: { cpus: { value: -1 } } }, 'q'), /q\.limits\["cpus"\]/);
  assert.deepEqual(weightsFromWire(toWire.weights([{ role: 'a', weight: 2.5 }]), 'w'), [{ role: 'a', weight: 2.5 }]);
  assert.throws(() => weightsFromWire([{ role: 'a', weight: 0 }], 'w'), /w\[0\]\.weight/);
});

test('Offer.Operation: every speculative type, through bytes', () => {
  const reserved = Resources.of([{ name: 'cpus', scalar: 2, reservations: [{ type: 'DYNAMIC', role: 'r', principal: 'p' }] }]).allocate('r');
  const volume = Resources.of([{ name: 'disk', scalar: 10, reservations: [{ type: 'DYNAMIC', role: 'r' }], disk: { persistence: { id: 'v' }, volume: { containerPath: 'd', mode: 'RW' } } }]);
  const ops = [
    { type: 'RESERVE' as const, resources: reserved },
    { type: 'RESERVE' as const, resources: reserved, source: parseResources('cpus:2').allocate('r') },
    { type: 'UNRESERVE' as const, resources: reserved },
    { type: 'CREATE' as const, volumes: volume },
    { type: 'DESTROY' as const, volumes: volume },
    { type: 'GROW_VOLUME' as const, volume: volume.toArray()[0]!, addition: { name: 'disk', scalar: 5, reservations: [{ type: 'DYNAMIC' as const, role: 'r' }] } },
    { type: 'SHRINK_VOLUME' as const, volume: volume.toArray()[0]!, subtract: 4 },
  ];
  const back = operationsFromWire(through({ updateAvailable: { agentId: 'a', operations: ops.map(toWire.operation) } }).updateAvailable!.operations, 'ops');
  assert.deepEqual(back.map((o) => o.type), ops.map((o) => o.type));
  assert.ok((back[0] as { resources: Resources }).resources.equals(reserved));
  assert.ok((back[1] as { source: Resources }).source.equals(parseResources('cpus:2').allocate('r')));
  assert.equal((back[6] as { subtract: number }).subtract, 4);
  assert.deepEqual(Resources.of([(back[5] as { addition: { name: string } }).addition as never]).toArray(), Resources.of([ops[5]!.addition as never]).toArray());
});

test('Offer.Operation: LAUNCH and missing parts are invalid requests', () => {
  assert.throws(() => operationsFromWire([{ type: protocol.Offer.Operation.Type.LAUNCH }], 'update_available.operations'), /update_available\.operations\[0\]\.type: unsupported operation LAUNCH/);
  assert.throws(() => operationsFromWire([{ type: protocol.Offer.Operation.Type.CREATE }], 'ops'), /ops\[0\]\.create: is required/);
  assert.throws(() => operationsFromWire([{}], 'ops'), /unsupported operation UNKNOWN/);
});

test('ResourceConversion', () => {
  const c = { consumed: parseResources('cpus:1').allocate('r'), converted: parseResources('cpus(r):1').allocate('r') };
  const [back] = conversionsFromWire(through({ updateAllocation: { conversions: [toWire.conversion(c)] } }).updateAllocation!.conversions, 'c');
  assert.ok(back!.consumed.equals(c.consumed) && back!.converted.equals(c.converted));
});

test('OfferConstraints: wire → the JSON the engine parses, and invalid ones named', () => {
  const json = {
    roleConstraints: {
      r: { groups: [
        { attributeConstraints: [{ selector: { pseudoattributeType: 'HOSTNAME' }, predicate: { textMatches: { regex: 'host-[0-9]+' } } }, { selector: { attributeName: 'rack' }, predicate: { exists: {} } }] },
        { attributeConstraints: [{ selector: { pseudoattributeType: 'ZONE' }, predicate: { textNotEquals: { value: 'z1' } } }] },
      ] },
    },
  };
  const m = through({ addFramework: { frameworkId: 'f', options: { offerConstraints: toWire.offerConstraints(json) } } });
  assert.deepEqual(offerConstraintsFromWire(m.addFramework!.options!.offerConstraints!, 'x'), parseOfferConstraints(json));
  assert.throws(() => offerConstraintsFromWire({ roleConstraints: { r: { groups: [] } } }, 'add_framework.options.offer_constraints'), (e: unknown) => e instanceof CodecError && /add_framework\.options\.offer_constraints: .*groups/.test(e.message));
  assert.throws(() => offerConstraintsFromWire({ roleConstraints: { r: { groups: [{ attributeConstraints: [{ selector: { pseudoattributeType: 0 }, predicate: { exists: {} } }] }] } } }, 'x'), /UNKNOWN/);
  // proto2: an unset text_equals.value reads as "" in Mesos.
  const empty = offerConstraintsFromWire({ roleConstraints: { r: { groups: [{ attributeConstraints: [{ selector: { attributeName: 'a' }, predicate: { textEquals: {} } }] }] } } }, 'x');
  assert.deepEqual(empty.roleConstraints['r']!.groups[0]!.attributeConstraints[0]!.predicate, { textEquals: { value: '' } });
});

test('Initialize: options, defaults left to the engine, invalid values named', () => {
  const m = through({ initialize: { allocationIntervalMs: 500, fairnessExcludeResourceNames: ['gpus'], filterGpuResources: false, domain: toWire.domain({ region: 'eu', zone: 'a' }), minAllocatableResources: [{ quantities: { cpus: { value: 0.01 } } }], recoveryTimeoutMs: 1000, agentRecoveryFactor: 0.5, sorter: 'random', seed: 7 } }).initialize!;
  assert.deepEqual(initializeFromWire(m, 'initialize'), {
    allocationIntervalMs: 500, fairnessExcludeResourceNames: ['gpus'], filterGpuResources: false, domain: { region: 'eu', zone: 'a' },
    minAllocatableResources: [new Map([['cpus', 0.01]])], recoveryTimeoutMs: 1000, agentRecoveryFactor: 0.5, sorter: 'random', seed: 7,
  });
  assert.deepEqual(initializeFromWire(through({ initialize: {} }).initialize!, 'initialize'), { minAllocatableResources: [] });
  assert.throws(() => initializeFromWire({ allocationIntervalMs: 0 }, 'initialize'), /initialize\.allocation_interval_ms/);
  assert.throws(() => initializeFromWire({ sorter: 'fair' }, 'initialize'), /initialize\.sorter/);
  assert.throws(() => initializeFromWire({ agentRecoveryFactor: 2 }, 'initialize'), /agent_recovery_factor/);
});
