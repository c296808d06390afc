/**
 * What hook and isolator policies return, checked and written to the wire. The policy is user
 * code: anything it returns is validated here, so a wrong shape is a POLICY_FAILED reply naming
 * the problem and never reaches the encoder (or the host) half-formed.
 */
import { Resources, type Attribute, type Label, type ResourceInput } from '../resources/index.ts';
import type { EnvironmentVariables, LaunchInfo, Limitation } from '../policy/index.ts';
import { attributeToWire, environmentToWire, resourcesToWire } from './codec/index.ts';
import { CallError, ErrorCode } from './errors.ts';
import { protocol, type wire } from './protocol.ts';

function invalid(what: string, problem: string): never {
  throw new CallError(ErrorCode.POLICY_FAILED, `${what} returned ${problem}`);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The labels as the wire's Labels: each read once and copied (labelsToWire's shape), so nothing the policy does later changes them. */
export function labelsResult(what: string, x: unknown): wire.ILabels {
  if (!Array.isArray(x)) invalid(what, `${typeof x}; expected an array of { key, value? } labels or undefined`);
  const labels: Label[] = [];
  for (let i = 0; i < x.length; i++) {
    const l: unknown = x[i];
    if (!isRecord(l)) invalid(what, `a label #${i} without a string key`);
    const key = l.key;
    const value = l.value;
    if (typeof key !== 'string') invalid(what, `a label #${i} without a string key`);
    if (value !== undefined && typeof value !== 'string') invalid(what, `label '${key}' with a non-string value`);
    labels.push(value === undefined ? { key } : { key, value });
  }
  return { labels };
}

export function resourcesResult(what: string, x: unknown): Resources {
  if (x instanceof Resources) return x;
  try {
    return Resources.of(x as Iterable<ResourceInput>);
  } catch (e) {
    return invalid(what, `resources that are not valid: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function resourcesResultToWire(what: string, x: unknown): wire.IResource[] {
  return resourcesToWire(resourcesResult(what, x));
}

function validAttribute(what: string, a: unknown, i: number): Attribute {
  if (!isRecord(a) || typeof a.name !== 'string' || a.name === '') invalid(what, `attribute #${i} without a name`);
  const bad = (): never => invalid(what, `attribute '${a.name}' with an invalid value (SCALAR: scalar number, RANGES: ranges [{begin, end}], TEXT: text string)`);
  switch (a.type) {
    case 'SCALAR':
      if (typeof a.scalar !== 'number' || !Number.isFinite(a.scalar)) bad();
      return { name: a.name, type: 'SCALAR', scalar: a.scalar as number };
    case 'RANGES': {
      if (!Array.isArray(a.ranges)) bad();
      const ranges = (a.ranges as unknown[]).map((r) => {
        if (!isRecord(r) || !Number.isSafeInteger(r.begin) || !Number.isSafeInteger(r.end) || (r.begin as number) < 0 || (r.begin as number) > (r.end as number)) bad();
        return { begin: (r as { begin: number }).begin, end: (r as { end: number }).end };
      });
      return { name: a.name, type: 'RANGES', ranges };
    }
    case 'TEXT':
      if (typeof a.text !== 'string') bad();
      return { name: a.name, type: 'TEXT', text: a.text as string };
    default:
      return invalid(what, `attribute '${a.name}' of type ${JSON.stringify(a.type)} (expected SCALAR, RANGES or TEXT)`);
  }
}

export function attributesResult(what: string, x: unknown): wire.IAttribute[] {
  if (!Array.isArray(x)) invalid(what, `${typeof x}; expected an array of attributes or undefined`);
  return x.map((a, i) => attributeToWire(validAttribute(what, a, i)));
}

function environment(what: string, x: unknown): EnvironmentVariables {
  if (!isRecord(x)) invalid(what, `${typeof x}; expected environment variables as { name: value }`);
  for (const [name, value] of Object.entries(x)) {
    if (name === '') invalid(what, 'an environment variable with an empty name');
    if (typeof value !== 'string') invalid(what, `environment variable '${name}' with a ${typeof value} value (values are strings)`);
  }
  return x as EnvironmentVariables;
}

export function environmentResult(what: string, x: unknown): wire.IEnvironment {
  return environmentToWire(environment(what, x));
}

export function launchInfoResult(what: string, x: unknown): wire.IsolatorReply.ILaunchInfo {
  if (!isRecord(x)) invalid(what, `${typeof x}; expected { environment?, preExecCommands? } or undefined`);
  const info = x as LaunchInfo;
  const out: wire.IsolatorReply.ILaunchInfo = {};
  if (info.environment !== undefined) out.environment = environmentToWire(environment(what, info.environment));
  if (info.preExecCommands !== undefined) {
    if (!Array.isArray(info.preExecCommands) || !info.preExecCommands.every((c) => typeof c === 'string')) invalid(what, 'preExecCommands that are not an array of strings');
    out.preExecCommands = [...info.preExecCommands];
  }
  return out;
}

const LIMITATION_REASONS = protocol.TaskStatus.Reason;

export function limitationResult(what: string, x: unknown): wire.IsolatorReply.ILimitation {
  if (!isRecord(x) || typeof x.message !== 'string') invalid(what, `${typeof x}; expected { message, resources?, reason? } or undefined`);
  const limitation = x as unknown as Limitation;
  const reason = limitation.reason ?? 'REASON_CONTAINER_LIMITATION';
  const number = LIMITATION_REASONS[reason];
  if (typeof number !== 'number') invalid(what, `an unknown limitation reason ${JSON.stringify(reason)}`);
  return {
    message: limitation.message,
    reason: number,
    ...(limitation.resources === undefined ? {} : { resources: resourcesResultToWire(what, limitation.resources) }),
  };
}

export function statisticsResult(what: string, x: unknown): { [name: string]: number } {
  if (!isRecord(x)) invalid(what, `${typeof x}; expected statistics as { name: number } or undefined`);
  const out: { [name: string]: number } = {};
  for (const [name, value] of Object.entries(x)) {
    if (typeof value !== 'number' || Number.isNaN(value)) invalid(what, `statistic '${name}' = ${String(value)} (values are numbers)`);
    out[name] = value;
  }
  return out;
}
