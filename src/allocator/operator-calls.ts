/**
 * Operator calls: after each allocation cycle the policy may ask for operator-API operations
 * (RESERVE_RESOURCES, UNRESERVE_RESOURCES, CREATE_VOLUMES, DESTROY_VOLUMES) on agents' unallocated
 * resources. The engine only asks, checks and hands them out (`CycleResult.operatorCalls`): inside
 * the master the allocator module makes them over HTTP, offline `applyOperatorCalls` makes them
 * here. Either way their effect comes back as an operator's would, through `updateAvailable`, and
 * each outcome reaches the policy through `operatorCallResult`.
 */
import { applyOperation, operationConversions, ResourceError, Resources, type OfferOperation } from '../resources/index.ts';
import type { AgentMaintenance, FrameworkView, OperatorCall, OperatorCallResult, OperatorCallsContext, RescindedOffer } from '../policy/index.ts';
import type { AllocatorEngine } from './engine.ts';
import { agentView, frameworkView } from './offer-rules.ts';
import type { PolicyRunner } from './policy-runner.ts';
import type { AllocatorState } from './state.ts';

/** The stage names under which the policy's errors here are counted. */
export type OperatorCallStage = 'operatorCalls' | 'operatorCallResult';

/** The operation types the operator API can make (Offer.Operation → v1 master Call). */
export const OPERATOR_OPERATION_TYPES: ReadonlySet<string> = new Set(['RESERVE', 'UNRESERVE', 'CREATE', 'DESTROY']);

/** The master's answer when the allocator rejects an operator's operation (409 Conflict). */
export const HTTP_CONFLICT = 409;

export const NO_OPERATOR_CALLS: readonly OperatorCall[] = Object.freeze([]);

/** Why a call the policy returned cannot be made; the call is dropped. */
export class OperatorCallError extends Error {
  override readonly name = 'OperatorCallError';
}

/**
 * Counts a policy failure under its stage as the engine's other stages do (PolicyRunner `fail`:
 * errors map, lastError, onPolicyError). PolicyRunner's stage names do not include these yet.
 */
function reportPolicyError(runner: PolicyRunner, stage: OperatorCallStage, error: unknown): void {
  (runner as unknown as { fail(stage: string, error: unknown): void }).fail(stage, error);
}

/**
 * Active agents (their available resources live), every framework, and the agents scheduled for
 * maintenance with the inverse-offer answers (copies: the policy cannot change the engine's).
 */
export function operatorCallsContext(state: AllocatorState, now: number): OperatorCallsContext {
  const agents: OperatorCallsContext['agents'][number][] = [];
  const maintenance = new Map<string, AgentMaintenance>();
  state.agents.forEach((agent) => {
    if (agent.activated) agents.push(agentView(agent));
    const m = agent.maintenance;
    if (m !== undefined) {
      maintenance.set(agent.id, { unavailability: m.unavailability, inverseOfferStatuses: new Map(m.statuses), inverseOffersOutstanding: new Set(m.offersOutstanding) });
    }
  });
  const frameworks: OperatorCallsContext['frameworks'][number][] = [];
  state.frameworks.forEach((framework) => frameworks.push(snapshotView(frameworkView(state, framework))));
  return { now, agents, frameworks, maintenance };
}

/**
 * The framework's view with `allocation` and `used` read from the books once, when first asked:
 * nothing changes them while the stage runs, and each read walks every agent (a controller asks
 * for every framework, per instance).
 */
function snapshotView(view: FrameworkView): FrameworkView {
  let allocation: ReadonlyMap<string, Resources> | undefined;
  let used: ReadonlyMap<string, Resources> | undefined;
  return {
    id: view.id,
    ...(view.name === undefined ? {} : { name: view.name }),
    roles: view.roles,
    capabilities: view.capabilities,
    ...(view.principal === undefined ? {} : { principal: view.principal }),
    get allocation() {
      return (allocation ??= view.allocation);
    },
    get used() {
      return (used ??= view.used ?? new Map());
    },
  };
}

/**
 * Asks the policy for this cycle's operator calls; returns the valid ones (operations with their
 * resources as `Resources`). A throw or a non-array answer is one error; each invalid call is one
 * error and is dropped, the others are kept.
 */
export function askOperatorCalls(state: AllocatorState, runner: PolicyRunner, now: number): readonly OperatorCall[] {
  const policy = runner.policy;
  if (policy.operatorCalls === undefined) return NO_OPERATOR_CALLS;
  let answer: unknown;
  try {
    answer = policy.operatorCalls(operatorCallsContext(state, now));
    if (answer === undefined) return NO_OPERATOR_CALLS;
    if (!Array.isArray(answer)) throw new OperatorCallError(`operatorCalls returned ${describe(answer)}; expected an array of { id, agentId, operations }`);
  } catch (e) {
    reportPolicyError(runner, 'operatorCalls', e);
    return NO_OPERATOR_CALLS;
  }
  if (answer.length === 0) return NO_OPERATOR_CALLS;
  const valid: OperatorCall[] = [];
  const ids = new Set<string>();
  answer.forEach((call: unknown, index: number) => {
    try {
      const checked = checkOperatorCall(call, index, (agentId) => state.agents.has(agentId));
      if (ids.has(checked.id)) throw new OperatorCallError(`operatorCalls[${index}]: id '${checked.id}' is already used by an earlier call of this cycle`);
      ids.add(checked.id);
      valid.push(checked);
    } catch (e) {
      reportPolicyError(runner, 'operatorCalls', e);
    }
  });
  return valid;
}

/**
 * One call as the policy returned it → the call to make: a non-empty string id, a known agent,
 * at least one RESERVE / UNRESERVE / CREATE / DESTROY whose resources parse. Throws
 * OperatorCallError naming the call (by index and id) and what is wrong.
 */
export function checkOperatorCall(call: unknown, index: number, isKnownAgent: (agentId: string) => boolean): OperatorCall {
  const at = `operatorCalls[${index}]`;
  if (typeof call !== 'object' || call === null) throw new OperatorCallError(`${at} is ${describe(call)}; expected { id, agentId, operations }`);
  const { id, agentId, operations } = call as { id?: unknown; agentId?: unknown; operations?: unknown };
  if (typeof id !== 'string' || id === '') throw new OperatorCallError(`${at}.id must be a non-empty string, got ${describe(id)}`);
  const where = `${at} (id '${id}')`;
  if (typeof agentId !== 'string' || !isKnownAgent(agentId)) throw new OperatorCallError(`${where}: agentId ${describe(agentId)} is not a known agent`);
  if (!Array.isArray(operations) || operations.length === 0) throw new OperatorCallError(`${where}: operations must be a non-empty array, got ${describe(operations)}`);
  return Object.freeze({ id, agentId, operations: Object.freeze(operations.map((op: unknown, i: number) => checkOperation(op, `${where}.operations[${i}]`))) });
}

function checkOperation(op: unknown, at: string): OfferOperation {
  if (typeof op !== 'object' || op === null) throw new OperatorCallError(`${at} is ${describe(op)}; expected an operation`);
  const type = (op as { type?: unknown }).type;
  if (typeof type !== 'string' || !OPERATOR_OPERATION_TYPES.has(type)) {
    throw new OperatorCallError(`${at}: type ${describe(type)} is not one the operator API makes (RESERVE, UNRESERVE, CREATE, DESTROY)`);
  }
  switch (type) {
    case 'RESERVE': {
      const { resources, source } = op as { resources?: unknown; source?: unknown };
      return Object.freeze({
        type,
        resources: parsed(resources, `${at}.resources`),
        ...(source === undefined ? {} : { source: parsed(source, `${at}.source`) }),
      });
    }
    case 'UNRESERVE':
      return Object.freeze({ type, resources: parsed((op as { resources?: unknown }).resources, `${at}.resources`) });
    case 'CREATE':
      return Object.freeze({ type, volumes: parsed((op as { volumes?: unknown }).volumes, `${at}.volumes`) });
    default:
      return Object.freeze({ type: 'DESTROY', volumes: parsed((op as { volumes?: unknown }).volumes, `${at}.volumes`) });
  }
}

function parsed(value: unknown, at: string): Resources {
  const resources = toResources(value, at);
  if (resources.isEmpty()) throw new OperatorCallError(`${at} is empty`);
  // The operator API takes unallocated resources (the master refuses allocated ones).
  for (const item of resources.itemsView()) {
    const role = item.meta.allocationRole;
    if (role !== undefined) throw new OperatorCallError(`${at} are allocated (to role '${role}'); the operator API takes unallocated resources (Resources.unallocate())`);
  }
  return resources;
}

function toResources(value: unknown, at: string): Resources {
  if (value instanceof Resources) return value;
  if (typeof value !== 'object' || value === null || typeof (value as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new OperatorCallError(`${at} must be Resources or a list of resources, got ${describe(value)}`);
  }
  try {
    return Resources.of(value as Iterable<never>);
  } catch (e) {
    if (e instanceof ResourceError) throw new OperatorCallError(`${at} do not parse: ${e.message}`);
    throw e;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object' && value !== null) {
    if (value instanceof Resources) return `Resources ${String(value)}`;
    // Stages answer synchronously: the cycle does not wait.
    return typeof (value as { then?: unknown }).then === 'function' ? 'a Promise (stages answer synchronously)' : 'an object';
  }
  return String(value);
}

/** Hands the outcome of one call to the policy; a throw there is counted, nothing else happens. */
export function deliverOperatorCallResult(runner: PolicyRunner, result: OperatorCallResult): void {
  const policy = runner.policy;
  if (policy.operatorCallResult === undefined) return;
  try {
    policy.operatorCallResult(result);
  } catch (e) {
    reportPolicyError(runner, 'operatorCallResult', e);
  }
}

/**
 * Offline, what the master does with each call: its operations one at a time (one operator HTTP
 * call each, Master::Http::_operation): outstanding offers on the agent rescinded until the
 * operation's resources are free (`rescindFor`), then `updateAvailable`, stopping at the first
 * that does not apply (409, with the OperationError's message). Calls in order; every result
 * goes to `engine.operatorCallResult` and is returned; rescinded offers are in `rescinded` and
 * gone from the last cycle's offers.
 */
export function applyOperatorCalls(engine: AllocatorEngine, calls: readonly OperatorCall[]): OperatorCallResult[] {
  const results: OperatorCallResult[] = [];
  for (const call of calls) {
    const result = applyOperatorCall(engine, call);
    results.push(result);
    engine.operatorCallResult(result);
  }
  return results;
}

function applyOperatorCall(engine: AllocatorEngine, call: OperatorCall): OperatorCallResult {
  let applied = 0;
  const rescinded: RescindedOffer[] = [];
  const withRescinded = () => (rescinded.length === 0 ? {} : { rescinded: Object.freeze(rescinded) });
  for (const operation of call.operations) {
    rescinded.push(...rescindFor(engine, call.agentId, operation));
    try {
      engine.applyAvailable(call.agentId, [operation]);
    } catch (e) {
      // OperationError (a ResourceError): the operation does not apply; anything else is a bug.
      if (!(e instanceof ResourceError)) throw e;
      return Object.freeze({ id: call.id, ok: false, applied, httpStatus: HTTP_CONFLICT, message: e.message, ...withRescinded() });
    }
    applied++;
  }
  return Object.freeze({ id: call.id, ok: true, applied, ...withRescinded() });
}

/** Mesos `Filters()`: the master's rescind for an operator call installs the default 5 s refuse filter. */
const RESCIND_FILTERS = Object.freeze({});

/**
 * Master::Http::_operation's rescinds: the resources the operation consumes are `required`; each
 * outstanding offer on the agent that holds some of them is rescinded (one framework's offer in
 * one role; in the order the frameworks came to hold resources there, where the master walks a
 * hash set), until what was rescinded alone would let the operation apply. An operation that is
 * not valid rescinds nothing (the master answers 400 before; here `updateAvailable` refuses it).
 */
export function rescindFor(engine: AllocatorEngine, agentId: string, operation: OfferOperation): RescindedOffer[] {
  const agent = engine.state.agents.get(agentId);
  if (agent === undefined) return [];
  let required = Resources.EMPTY;
  try {
    for (const c of operationConversions(operation, agent.total, { checkpointed: agent.total })) required = required.plus(c.consumed);
  } catch (e) {
    if (e instanceof ResourceError) return [];
    throw e;
  }
  const rescinded: RescindedOffer[] = [];
  let recoveredTotal = Resources.EMPTY;
  for (const frameworkId of [...agent.offeredOrAllocated().keys()]) {
    for (const [role, offered] of agent.offeredTo(frameworkId).allocations()) {
      const recovered = offered.unallocate();
      if (required.equals(required.minus(recovered))) continue; // contributes nothing
      const resources = engine.rescindOffer(frameworkId, agentId, role, RESCIND_FILTERS);
      if (resources.isEmpty()) continue;
      rescinded.push(Object.freeze({ frameworkId, agentId, role, resources }));
      recoveredTotal = recoveredTotal.plus(recovered);
      required = required.minus(recovered);
      if (applies(recoveredTotal, operation)) return rescinded;
    }
  }
  return rescinded;
}

function applies(resources: Resources, operation: OfferOperation): boolean {
  try {
    applyOperation(resources, operation);
    return true;
  } catch (e) {
    if (e instanceof ResourceError) return false;
    throw e;
  }
}
