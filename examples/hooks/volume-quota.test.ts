// volume-quota: prepare notes the volumes, watch raises REASON_CONTAINER_LIMITATION_DISK for the
// volume over its size, cleanup forgets; directly and through serve() with IsolatorCalls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseResources, Resources } from '../../src/index.ts';
import { protocol } from '../../src/runtime/protocol.ts';
import { decodeResponse, encodeRequest, toWire } from '../../src/runtime/requests.ts';
import { serve } from '../../src/runtime/serve.ts';
import policy, { volumesOf } from './volume-quota.ts';

/** A persistent volume of `mb` MB with id `id`, reserved to `role` (as a data service gets it). */
function volume(id: string, mb: number, role = 'kafka', path = 'data'): Resources {
  return Resources.of([{
    name: 'disk', scalar: mb, reservations: [{ type: 'DYNAMIC', role }], disk: { persistence: { id }, volume: { containerPath: path, mode: 'RW' } },
  }]);
}
const TASK_RESOURCES = parseResources('cpus:1;mem:512;disk:100').plus(volume('log-1', 1000));
const isolator = policy.isolator;

test('volumesOf: persistent volumes by id with their size and path', () => {
  assert.deepEqual([...volumesOf(TASK_RESOURCES).values()], [{ id: 'log-1', containerPath: 'data', sizeMb: 1000 }]);
});

test('watch: nothing within the sizes; a limitation for the volume over its size; the sandbox too', async () => {
  const c = { value: 'c1' };
  await isolator.prepare(c, { resources: TASK_RESOURCES });
  assert.equal(await isolator.watch(c, { diskUsage: volume('log-1', 900).plus(parseResources('disk:50')) }), undefined);
  const over = await isolator.watch(c, { diskUsage: volume('log-1', 1200) });
  assert.equal(over?.reason, 'REASON_CONTAINER_LIMITATION_DISK');
  assert.match(over!.message, /persistent volume log-1 \(data\) uses 1200 MB of its 1000 MB/);
  assert.equal(over!.resources!.disk(), 1200);
  const sandbox = await isolator.watch(c, { diskUsage: parseResources('disk:150') });
  assert.match(sandbox!.message, /sandbox uses 150 MB of its 100 MB/);
  assert.deepEqual(await isolator.usage(c), { disk_used_bytes: 150 * 1024 * 1024, disk_limit_bytes: 1100 * 1024 * 1024 });
  await isolator.cleanup(c);
  assert.equal(await isolator.watch(c, { diskUsage: volume('log-1', 5000) }), undefined, 'a container it does not know: nothing');
});

test('through serve(): IsolatorPrepare, then IsolatorWatch answers the limitation with its reason', async () => {
  const bundle = serve(policy);
  const call = async (isolatorCall: Parameters<typeof encodeRequest>[0]['isolator']) =>
    decodeResponse(await bundle.handle('isolator', encodeRequest({ isolator: isolatorCall })));
  const containerId = { value: 'c2' };
  const prepared = await call({ prepare: { containerId, resources: toWire.resources(TASK_RESOURCES), directory: '/sandbox' } });
  assert.equal(protocol.IsolatorReply.encode(prepared.isolator!).finish().length, 0, 'prepare adds nothing to the launch');
  const fine = await call({ watch: { containerId, diskUsage: toWire.resources(volume('log-1', 10)) } });
  assert.equal(fine.isolator!.limitation, null);
  const over = (await call({ watch: { containerId, diskUsage: toWire.resources(volume('log-1', 1001)) } })).isolator!.limitation!;
  assert.equal(over.reason, protocol.TaskStatus.Reason.REASON_CONTAINER_LIMITATION_DISK);
  assert.match(over.message, /log-1/);
});
