/** `QuotaConfig` and `WeightInfo` ⇄ the engine's Quota and WeightInfo. */
import type { Quota, WeightInfo } from '../../allocator/index.ts';
import type { wire } from '../protocol.ts';
import { CodecError } from './errors.ts';
import { list, opt } from './presence.ts';
import { scalarMapFromWire, scalarMapToWire } from './values.ts';

/** A role's guarantees and limits; both empty removes the quota (as Mesos's default QuotaConfig). */
export function quotaConfigFromWire(q: wire.IQuotaConfig | null | undefined, field: string): { role: string; quota: Quota } {
  const role = q === null || q === undefined ? undefined : opt(q, 'role');
  if (q === null || q === undefined || role === undefined) throw new CodecError(`${field}.role`, 'is required');
  const guarantees = scalarMapFromWire(q.guarantees, `${field}.guarantees`);
  const limits = scalarMapFromWire(q.limits, `${field}.limits`);
  return { role, quota: { ...(guarantees.size === 0 ? {} : { guarantees }), ...(limits.size === 0 ? {} : { limits }) } };
}

export function quotaConfigToWire(role: string, quota: Quota): wire.IQuotaConfig {
  return {
    role,
    ...(quota.guarantees === undefined ? {} : { guarantees: scalarMapToWire(quota.guarantees) }),
    ...(quota.limits === undefined ? {} : { limits: scalarMapToWire(quota.limits) }),
  };
}

export function quotasFromWire(quotas: readonly wire.IQuotaConfig[] | null | undefined, field: string): Map<string, Quota> {
  const out = new Map<string, Quota>();
  list(quotas).forEach((q, i) => {
    const { role, quota } = quotaConfigFromWire(q, `${field}[${i}]`);
    out.set(role, quota);
  });
  return out;
}

export function weightsFromWire(weights: readonly wire.IWeightInfo[] | null | undefined, field: string): WeightInfo[] {
  return list(weights).map((w, i) => {
    const role = opt(w, 'role');
    if (role === undefined) throw new CodecError(`${field}[${i}].role`, 'is required');
    const weight = w.weight ?? 0;
    if (!(weight > 0) || !Number.isFinite(weight)) throw new CodecError(`${field}[${i}].weight`, `must be a positive number, got ${weight}`);
    return { role, weight };
  });
}

export function weightsToWire(weights: readonly WeightInfo[]): wire.IWeightInfo[] {
  return weights.map((w) => ({ role: w.role, weight: w.weight }));
}
