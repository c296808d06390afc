/**
 * A v1 HTTP scheduler for the end-to-end tests: SUBSCRIBE (a new framework, or one failing over to
 * its id), the event stream read as it comes (RecordIO: "<bytes>\n<json>"), and calls on the
 * subscription's stream id. Enough to take an offer, make operations on it and follow its tasks.
 */
import { userInfo } from 'node:os';
import type { MesosMaster, V1Resource } from './mesos-cluster.ts';

export interface V1Offer {
  readonly id: { readonly value: string };
  readonly agent_id: { readonly value: string };
  readonly resources: V1Resource[];
}

export interface V1TaskStatus {
  readonly task_id: { readonly value: string };
  readonly agent_id?: { readonly value: string };
  readonly state: string;
  readonly message?: string;
  readonly uuid?: string;
}

export interface SchedulerOptions {
  readonly name: string;
  readonly roles: readonly string[];
  readonly capabilities: readonly string[];
  /** Fail over to this framework (its tasks and its id outlive the subscription). */
  readonly frameworkId?: string;
  /** Checkpointing and a failover timeout: the framework's tasks survive an agent restart and a master failover. */
  readonly durable?: boolean;
}

export interface Scheduler {
  readonly frameworkId: string;
  /** The first event of `type` not yet taken (in arrival order), waiting up to `timeoutMs` for it. */
  next(type: string, timeoutMs?: number): Promise<Record<string, any>>;
  /** The offers of the next OFFERS event. */
  offers(timeoutMs?: number): Promise<V1Offer[]>;
  /** One call (framework_id filled in); the master answers 202 Accepted. */
  call(call: { readonly type: string } & Record<string, unknown>): Promise<void>;
  /** The next task status update, acknowledged when it asks to be. */
  update(timeoutMs?: number): Promise<V1TaskStatus>;
  /** Ends the subscription: the framework disconnects. */
  close(): void;
}

export async function subscribe(master: MesosMaster, options: SchedulerOptions): Promise<Scheduler> {
  const abort = new AbortController();
  const id = options.frameworkId === undefined ? {} : { id: { value: options.frameworkId } };
  const response = await fetch(`${master.url}/api/v1/scheduler`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({
      type: 'SUBSCRIBE',
      ...(options.frameworkId === undefined ? {} : { framework_id: { value: options.frameworkId } }),
      subscribe: {
        framework_info: {
          ...id,
          user: userInfo().username,
          name: options.name,
          roles: options.roles,
          capabilities: options.capabilities.map((type) => ({ type })),
          ...(options.durable === true ? { checkpoint: true, failover_timeout: 3600 } : {}),
        },
      },
    }),
    signal: abort.signal,
  });
  if (!response.ok || response.body === null) throw new Error(`SUBSCRIBE: HTTP ${response.status} ${await response.text()}`);
  const streamId = response.headers.get('mesos-stream-id') ?? '';
  const events: Array<Record<string, any>> = [];
  let ended: Error | undefined;
  const wake: Array<() => void> = [];
  const reader = response.body.getReader();
  void (async () => {
    let buffer = Buffer.alloc(0);
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) throw new Error('the subscription ended');
        buffer = Buffer.concat([buffer, value]);
        for (let newline = buffer.indexOf(10); newline >= 0; newline = buffer.indexOf(10)) {
          const length = Number(buffer.subarray(0, newline).toString());
          if (buffer.length < newline + 1 + length) break;
          events.push(JSON.parse(buffer.subarray(newline + 1, newline + 1 + length).toString()) as Record<string, any>);
          buffer = buffer.subarray(newline + 1 + length);
        }
        wake.splice(0).forEach((w) => w());
      }
    } catch (e) {
      ended = e instanceof Error ? e : new Error(String(e));
    } finally {
      wake.splice(0).forEach((w) => w());
    }
  })();
  // Resolves on the next event or the end, whichever first; wakes every 500 ms regardless.
  const changed = (): Promise<void> => new Promise((resolve) => {
    wake.push(resolve);
    setTimeout(resolve, 500);
  });
  const next = async (type: string, timeoutMs = 30_000): Promise<Record<string, any>> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = events.findIndex((e) => e.type === type);
      if (at >= 0) return events.splice(at, 1)[0]!;
      if (ended !== undefined && !abort.signal.aborted) throw new Error(`no ${type} event: ${ended.message}`);
      if (Date.now() > deadline) throw new Error(`no ${type} event within ${timeoutMs} ms (seen: ${events.map((e) => e.type).join(', ') || 'none'})`);
      await changed();
    }
  };
  const frameworkId = ((await next('SUBSCRIBED')).subscribed as { framework_id: { value: string } }).framework_id.value;
  const call = async (body: { readonly type: string } & Record<string, unknown>): Promise<void> => {
    const r = await fetch(`${master.url}/api/v1/scheduler`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Mesos-Stream-Id': streamId },
      body: JSON.stringify({ framework_id: { value: frameworkId }, ...body }),
    });
    if (r.status !== 202) throw new Error(`${body.type}: HTTP ${r.status} ${await r.text()}`);
  };
  return {
    frameworkId,
    next,
    call,
    async offers(timeoutMs = 30_000) {
      return ((await next('OFFERS', timeoutMs)).offers as { offers?: V1Offer[] }).offers ?? [];
    },
    async update(timeoutMs = 30_000) {
      const status = ((await next('UPDATE', timeoutMs)).update as { status: V1TaskStatus }).status;
      if (status.uuid !== undefined && status.agent_id !== undefined) {
        await call({ type: 'ACKNOWLEDGE', acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid } });
      }
      return status;
    },
    close() {
      abort.abort();
      void reader.cancel().catch(() => {});
    },
  };
}
