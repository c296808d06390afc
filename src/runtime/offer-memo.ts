/**
 * The offers of the last few allocate replies, so that resources coming back (a decline's
 * RecoverResources) can be recognised as exactly what was offered and handed to the engine as the
 * very `Resources` object it offered. The engine's own fast paths (`contains` on identity, the
 * allocate/unallocate memos) then apply as they do offline; through the wire they would otherwise
 * meet a fresh, equal copy each time.
 *
 * Only a structurally identical match is accepted (the same identity, reservations, disk and value,
 * item for item, in order), so the answer is indistinguishable from decoding. Bounded: the offer
 * maps of the last `KEPT_CYCLES` cycles are referenced, nothing is copied.
 */
import type { CycleResult, Offers } from '../allocator/index.ts';
import type { Item, ItemMeta } from '../resources/item.ts';
import type { Resources } from '../resources/index.ts';
import { rememberItem } from './codec/resource-cache.ts';
import type { wire } from './protocol.ts';

/** Offers held longer than this many allocate replies are decoded as any other resources. */
export const KEPT_CYCLES = 8;

/** Everything `ItemMeta.key` leaves out (label order, volume, persistence principal) compared too. */
function sameMeta(a: ItemMeta, b: ItemMeta): boolean {
  if (a === b) return true;
  if (a.key !== b.key) return false;
  if (a.reservations.length > 0 && JSON.stringify(a.reservations) !== JSON.stringify(b.reservations)) return false;
  return a.disk === b.disk || JSON.stringify(a.disk) === JSON.stringify(b.disk);
}

function sameItem(decoded: Item, offered: Item): boolean {
  return decoded === offered || (sameMeta(decoded.meta, offered.meta) && decoded.valueEquals(offered));
}

/**
 * The decoded messages that last matched an offered `Resources`, when all came from the decode
 * cache (frozen, shared): the same messages again match it without the structural compare, since
 * neither side can have changed. Identical agents share one cached message per resource, which
 * can be bound to one agent's item only (rememberItem), so for them the item identity check
 * never hits; this one, keyed by each agent's own offered object, does.
 */
const matchedBy = new WeakMap<Resources, readonly wire.IResource[]>();

function sameMessages(known: readonly wire.IResource[] | undefined, messages: readonly wire.IResource[]): boolean {
  if (known === undefined || known.length !== messages.length) return false;
  for (let i = 0; i < messages.length; i++) if (known[i] !== messages[i]) return false;
  return true;
}

export class OfferMemo {
  /** Newest first. */
  private readonly recent: Offers[] = [];

  /** Called with the cycles of each allocate reply. */
  record(cycles: readonly CycleResult[]): void {
    for (const cycle of cycles) {
      if (cycle.offers.size === 0) continue;
      this.recent.unshift(cycle.offers);
      if (this.recent.length > KEPT_CYCLES) this.recent.pop();
    }
  }

  /**
   * The offered `Resources` these decoded items are exactly (wire resource i decoded to items[i]),
   * else undefined. On a match the messages are rebound to the offered items, so the next decode of
   * the same bytes gives them directly.
   */
  match(frameworkId: string, agentId: string, items: readonly Item[], messages: readonly wire.IResource[]): Resources | undefined {
    if (items.length === 0) return undefined;
    const role = items[0]!.meta.allocationRole;
    if (role === undefined) return undefined;
    for (const offers of this.recent) {
      const offered = offers.get(frameworkId)?.get(role)?.get(agentId);
      if (offered === undefined) continue;
      if (sameMessages(matchedBy.get(offered), messages)) return offered;
      if (this.same(offered, items)) {
        const offeredItems = offered.itemsView();
        // Only when the identity differs: rebinding to an equal item of the same identity gains nothing and costs a WeakMap write.
        for (let i = 0; i < items.length; i++) if (items[i]!.meta !== offeredItems[i]!.meta) rememberItem(messages[i]!, offeredItems[i]!);
        if (messages.every((m) => Object.isFrozen(m))) matchedBy.set(offered, messages);
        return offered;
      }
    }
    return undefined;
  }

  private same(offered: Resources, items: readonly Item[]): boolean {
    const offeredItems = offered.itemsView();
    if (offeredItems.length !== items.length) return false;
    for (let i = 0; i < items.length; i++) {
      const o = offeredItems[i]!;
      // A shared resource held N times is listed N times: one item per listing never matches it (and is rare).
      if (o.meta.shared || !sameItem(items[i]!, o)) return false;
    }
    return true;
  }
}
