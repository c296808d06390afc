/**
 * Resources back to text: the `--resources` form (`cpus(prod):8; ports:[31000-32000]`) when
 * every object can be written in it, else the JSON form; and Mesos's own log rendering.
 */
import { ResourceError } from './errors.ts';
import type { Item } from './item.ts';
import { encodeItem } from './json.ts';
import type { Resources } from './resources.ts';
import type { DiskInfo, Label, ReservationInfo } from './types.ts';

// Characters that the --resources text form uses as syntax.
const TEXT_SYNTAX = /[;:(){}[\],\s]/;

function textExpressible(item: Item): boolean {
  const m = item.meta;
  if (m.allocationRole !== undefined || m.disk !== undefined || m.revocable || m.shared || m.providerId !== undefined) return false;
  if (m.reservations.length > 1) return false;
  const r = m.reservations[0];
  if (r !== undefined && (r.type !== 'STATIC' || r.principal !== undefined || r.labels !== undefined || TEXT_SYNTAX.test(r.role))) return false;
  if (TEXT_SYNTAX.test(m.name)) return false;
  if (m.type === 'SET' && item.setValue!.some((s) => s.length === 0 || TEXT_SYNTAX.test(s))) return false;
  return true;
}

function formatText(item: Item): string {
  const role = item.meta.reservationRole;
  return `${item.meta.name}${role === undefined ? '' : `(${role})`}:${item.formatValue(',', ',')}`;
}

export type ResourcesFormat = 'auto' | 'text' | 'json';

/**
 * Text that `parseResources` reads back to an equal value: the `--resources` text form when
 * possible (`form: 'auto'`, the default), otherwise the JSON form. Resources that only exist
 * after offer operations (dynamic reservations, volumes) need `parseResources(.., { commandLine: false })`.
 */
export function formatResources(resources: Resources, options: { form?: ResourcesFormat } = {}): string {
  const form = options.form ?? 'auto';
  const items = resources.itemsView();
  const text = form === 'text' || (form === 'auto' && items.every(textExpressible));
  if (text) {
    const bad = items.find((i) => !textExpressible(i));
    if (bad !== undefined) throw new ResourceError(`resource ${formatMesosItem(bad)} cannot be written in the --resources text form`);
    return items.map(formatText).join('; ');
  }
  const json: unknown[] = [];
  for (const item of items) {
    const encoded = encodeItem(item);
    const copies = item.meta.shared ? item.sharedCount : 1;
    for (let i = 0; i < copies; i++) json.push(encoded);
  }
  return JSON.stringify(json);
}

function formatLabels(labels: readonly Label[]): string {
  return `{${labels.map((l) => (l.value === undefined ? l.key : `${l.key}: ${l.value}`)).join(', ')}}`;
}

function formatReservation(r: ReservationInfo): string {
  let s = `${r.type},${r.role}`;
  if (r.principal !== undefined) s += `,${r.principal}`;
  if (r.labels !== undefined) s += `,${formatLabels(r.labels)}`;
  return `(${s})`;
}

function formatDisk(d: DiskInfo): string {
  let s = '';
  const source = d.source;
  if (source !== undefined) {
    const csi = source.id !== undefined || source.profile !== undefined ? `(${source.vendor ?? ''},${source.id ?? ''},${source.profile ?? ''})` : undefined;
    const root = (source.type === 'MOUNT' || source.type === 'PATH') && source.root !== undefined ? `:${source.root}` : '';
    s += source.type + (csi ?? root);
  }
  if (d.persistence !== undefined) s += (source !== undefined ? ',' : '') + d.persistence.id;
  if (d.volume !== undefined) s += `:${d.volume.containerPath}`;
  return s;
}

/** One object as Mesos logs it: `disk(allocated: r)(reservations: [(DYNAMIC,r,p)])[MOUNT:/mnt,id:data]<SHARED>:1024`. */
export function formatMesosItem(item: Item): string {
  const m = item.meta;
  let s = m.name;
  if (m.allocationRole !== undefined) s += `(allocated: ${m.allocationRole})`;
  if (m.reservations.length > 0) s += `(reservations: [${m.reservations.map(formatReservation).join(',')}])`;
  if (m.disk !== undefined) s += `[${formatDisk(m.disk)}]`;
  if (m.revocable) s += '{REV}';
  if (m.shared) s += '<SHARED>';
  s += `:${item.formatValue()}`;
  if (m.shared) s += `<${item.sharedCount}>`;
  return s;
}

/** Mesos's rendering of a whole `Resources` (`{}` when empty). */
export function formatMesos(resources: Resources): string {
  const items = resources.itemsView();
  return items.length === 0 ? '{}' : items.map(formatMesosItem).join('; ');
}
