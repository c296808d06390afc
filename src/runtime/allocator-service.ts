/**
 * The allocator behind the bridge: one AllocatorEngine, created by `initialize`, whose clock reads
 * the current request's `now_ms`. Every AllocatorCall goes to the engine method of the same Mesos
 * name (allocator-calls.ts); every reply carries when the engine wants its next cycle.
 *
 * Errors about one call are that call's AllocatorReply.error, so a batch answers every call and
 * a failing call does not stop the ones after it.
 */
import { AllocatorEngine } from '../allocator/index.ts';
import type { Policy } from '../policy/index.ts';
import { ALLOCATOR_CALLS, DONE, type AllocatorCallCase, type CallContext, type Outcome } from './allocator-calls.ts';
import { initializeFromWire } from './codec/index.ts';
import type { Counters } from './counters.ts';
import { OfferMemo } from './offer-memo.ts';
import { CallError, ErrorCode, errorFrom, isPromiseLike } from './errors.ts';
import type { wire } from './protocol.ts';
import type { AllocatorReplyOut } from './response-bytes.ts';

type Reply = AllocatorReplyOut;

export class AllocatorService {
  private engine: AllocatorEngine | undefined;
  private intervalMs = 1000;
  /** The offers of the current engine's last allocate replies; a new engine starts without. */
  private offers = new OfferMemo();
  private lastDone: Reply & { readonly nextCycleAtMs: number } | undefined;
  /** The engine's clock: the latest request's time, never moving backwards (the engine's books assume it does not). */
  private now = 0;

  constructor(
    private readonly policy: Policy,
    private readonly counters: Counters,
  ) {}

  get initialized(): boolean {
    return this.engine !== undefined;
  }

  /** Engine counters for Stats (allocation runs, offers made), when initialized. */
  get metrics(): Readonly<Record<string, number>> | undefined {
    return this.engine?.metrics;
  }

  /** Sets the clock for the calls of one request. */
  setNow(nowMs: number | undefined): void {
    if (nowMs !== undefined && Number.isFinite(nowMs) && nowMs > this.now) this.now = nowMs;
  }

  call(call: wire.AllocatorCall): Reply | Promise<Reply> {
    const kind = call.call;
    if (kind === undefined) return this.failed(new CallError(ErrorCode.UNSUPPORTED, 'an AllocatorCall with no call this runtime knows'));
    this.counters.incrementNamed('allocator/calls/', kind);
    try {
      if (kind === 'initialize') return this.initialize(call.initialize!);
      const engine = this.engine;
      if (engine === undefined) throw new CallError(ErrorCode.NOT_INITIALIZED, `allocator call '${kind}' before 'initialize'`);
      const ctx: CallContext = { engine, now: this.now, intervalMs: this.intervalMs, offers: this.offers, counters: this.counters };
      const handler = ALLOCATOR_CALLS[kind as Exclude<AllocatorCallCase, 'initialize'>] as (message: unknown, ctx: CallContext) => Outcome;
      const outcome = handler(call[kind], ctx);
      if (isPromiseLike<Reply>(outcome)) return Promise.resolve(outcome).then((reply) => this.done(reply), (e: unknown) => this.failed(e));
      return this.done(outcome);
    } catch (e) {
      return this.failed(e);
    }
  }

  /** Calls applied in order, one reply each; replies the engine answers later are awaited at the end. */
  batch(batch: wire.AllocatorBatch): { replies: Reply[] } | Promise<{ replies: Reply[] }> {
    const replies = batch.calls.map((c) => this.call(c as wire.AllocatorCall));
    if (!replies.some((r) => isPromiseLike(r))) return { replies: replies as Reply[] };
    return Promise.all(replies).then((all) => ({ replies: all }));
  }

  private initialize(message: wire.IInitialize): Reply {
    const options = initializeFromWire(message, 'initialize');
    const engine = new AllocatorEngine();
    engine.initialize({
      ...options,
      clock: () => this.now,
      policy: this.policy,
      onPolicyError: (report) => this.counters.increment(`allocator/policy_errors/${report.stage}`),
    });
    // Only a fully initialized engine replaces the previous one.
    this.engine = engine;
    this.offers = new OfferMemo();
    this.intervalMs = options.allocationIntervalMs ?? 1000;
    return this.done({ done: {} });
  }

  private done(reply: Reply): Reply {
    if (this.engine === undefined) return reply;
    const nextCycleAtMs = this.engine.nextCycleAt();
    if (reply !== DONE) return { ...reply, nextCycleAtMs };
    // A batch of thousands of calls answers them alike: one (frozen) reply per next-cycle time.
    if (this.lastDone?.nextCycleAtMs !== nextCycleAtMs) this.lastDone = Object.freeze({ done: {}, nextCycleAtMs });
    return this.lastDone;
  }

  private failed(e: unknown): Reply {
    return this.done({ error: errorFrom(this.counters, e) });
  }
}
