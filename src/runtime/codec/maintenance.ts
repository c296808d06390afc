/**
 * Times, maintenance windows, inverse-offer answers and `Filters`. Mesos's TimeInfo and
 * DurationInfo count nanoseconds; the engine counts milliseconds.
 */
import type { InverseOfferStatus, InverseOfferStatusKind, OfferFilters, Unavailability } from '../../allocator/index.ts';
import { protocol, type wire } from '../protocol.ts';
import { CodecError } from './errors.ts';
import { opt } from './presence.ts';

const NS_PER_MS = 1e6;
const Status = protocol.InverseOfferStatus.Status;

export function nanosToMs(nanoseconds: number | null | undefined): number {
  return (nanoseconds ?? 0) / NS_PER_MS;
}

export function msToNanos(ms: number): number {
  return Math.round(ms * NS_PER_MS);
}

export function unavailabilityFromWire(u: wire.IUnavailability | null | undefined, field: string): Unavailability | undefined {
  if (u === null || u === undefined) return undefined;
  const start = opt(u, 'start');
  if (start === undefined) throw new CodecError(`${field}.start`, 'is required');
  const duration = opt(u, 'duration');
  const durationMs = duration === undefined ? undefined : nanosToMs(duration.nanoseconds);
  if (durationMs !== undefined && !(durationMs >= 0)) throw new CodecError(`${field}.duration`, `must not be negative, got ${durationMs} ms`);
  return { start: nanosToMs(start.nanoseconds), ...(durationMs === undefined ? {} : { durationMs }) };
}

export function unavailabilityToWire(u: Unavailability): wire.IUnavailability {
  return { start: { nanoseconds: msToNanos(u.start) }, ...(u.durationMs === undefined ? {} : { duration: { nanoseconds: msToNanos(u.durationMs) } }) };
}

const STATUS_NAMES: Readonly<Record<number, InverseOfferStatusKind>> = { [Status.UNKNOWN]: 'UNKNOWN', [Status.ACCEPT]: 'ACCEPT', [Status.DECLINE]: 'DECLINE' };

export function inverseOfferStatusFromWire(s: wire.IInverseOfferStatus | null | undefined, field: string): InverseOfferStatus | undefined {
  if (s === null || s === undefined) return undefined;
  const status = STATUS_NAMES[s.status ?? 0];
  if (status === undefined) throw new CodecError(`${field}.status`, `unknown InverseOfferStatus.Status ${s.status ?? 'none'}`);
  return { status, frameworkId: opt(s, 'frameworkId')?.value ?? '', timestamp: nanosToMs(opt(s, 'timestamp')?.nanoseconds) };
}

export function inverseOfferStatusToWire(s: InverseOfferStatus): wire.IInverseOfferStatus {
  return { status: Status[s.status], frameworkId: { value: s.frameworkId }, timestamp: { nanoseconds: msToNanos(s.timestamp) } };
}

/**
 * `Filters`: absent means no filter (undefined); present without `refuse_seconds` means Mesos's
 * default of 5 s (the engine's `refuseSeconds: undefined`).
 */
export function filtersFromWire(f: wire.IFilters | null | undefined): OfferFilters | undefined {
  if (f === null || f === undefined) return undefined;
  const refuseSeconds = opt(f, 'refuseSeconds');
  return refuseSeconds === undefined ? {} : { refuseSeconds };
}

export function filtersToWire(f: OfferFilters): wire.IFilters {
  return f.refuseSeconds === undefined ? {} : { refuseSeconds: f.refuseSeconds };
}
