// Refuse-filter duration clamping and superset matching (hierarchical.cpp recoverResources, §4.7).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { refuseFilterDurationMs, filtersOffer, MAX_REFUSE_SECONDS } from '../../src/allocator/refuse-filter.ts';
import { parseResources } from '../../src/resources/index.ts';

test('refuse_seconds clamping: > 365 days, negative, NaN, zero, below the allocation interval', () => {
  const interval = 1000;
  assert.equal(refuseFilterDurationMs(10, interval), 10_000);
  assert.equal(refuseFilterDurationMs(undefined, interval), 5_000, 'Filters without refuse_seconds: 5 s');
  assert.equal(refuseFilterDurationMs(MAX_REFUSE_SECONDS * 2, interval), MAX_REFUSE_SECONDS * 1000);
  assert.equal(refuseFilterDurationMs(Number.POSITIVE_INFINITY, interval), MAX_REFUSE_SECONDS * 1000);
  assert.equal(refuseFilterDurationMs(-1, interval), 5_000);
  assert.equal(refuseFilterDurationMs(Number.NaN, interval), 5_000);
  assert.equal(refuseFilterDurationMs(0, interval), undefined, '0 installs no filter');
  assert.equal(refuseFilterDurationMs(0.1, interval), 1000, 'at least one allocation interval (MESOS-4302)');
  assert.equal(refuseFilterDurationMs(2, 5000), 5000);
});

test('a filter hides an offer only when the refused resources contain it', () => {
  const filter = { resources: parseResources("cpus:4;mem:1024"), createdAt: 0, expiresAt: 5000, stretched: false };
  assert.ok(filtersOffer(filter, parseResources('cpus:4;mem:1024')));
  assert.ok(filtersOffer(filter, parseResources('cpus:2')));
  assert.ok(!filtersOffer(filter, parseResources('cpus:5;mem:1024')), 'a bigger offer gets through');
  assert.ok(!filtersOffer(filter, parseResources('cpus:1;disk:10')), 'a different offer gets through');
});
