import { describe, expect, it } from 'vitest';
import type { ReloadStatus, SnapshotSource } from '../../engine/state.js';
import { testSnapshot } from '../testing/context.js';
import { createMetrics } from './index.js';

const BASE: ReloadStatus = {
  revision: { id: 1, policy: 'aaaaaaaaaaaa', data: 'bbbbbbbbbbbb', config: 'cccccccccccc', identity: 'none', loadedAt: '2026-01-01T00:00:00.000Z' },
  last: { at: '2026-01-01T00:00:00.000Z', ok: true, trigger: 'startup' },
  failures: 0,
};

function sourceOf(status: () => ReloadStatus): SnapshotSource {
  return { status, current: () => testSnapshot(), subscribe: () => () => undefined };
}

const series = (text: string, name: string) => text.split('\n').filter((l) => l.startsWith(name));

describe('policy bundle metrics', () => {
  it('no series without a bundle', async () => {
    const text = await createMetrics(sourceOf(() => BASE), { defaultMetrics: false }).registry.metrics();
    expect(series(text, 'experience_policy_bundle_')).toEqual([]);
  });

  it('refusals by code and the last success, read at each scrape', async () => {
    let status: ReloadStatus = { ...BASE, bundle: { source: 'file', signed: true, refused: {} } };
    const metrics = createMetrics(sourceOf(() => status), { defaultMetrics: false });
    expect(series(await metrics.registry.metrics(), 'experience_policy_bundle_')).toEqual([]);
    status = {
      ...BASE,
      bundle: { source: 'file', signed: true, lastSuccessAt: '2026-01-01T00:00:10.000Z', refused: { policy_bundle_unsigned: 2, policy_bundle_file_mismatch: 1 } },
    };
    const text = await metrics.registry.metrics();
    expect(series(text, 'experience_policy_bundle_refused_total')).toEqual([
      'experience_policy_bundle_refused_total{code="policy_bundle_unsigned"} 2',
      'experience_policy_bundle_refused_total{code="policy_bundle_file_mismatch"} 1',
    ]);
    expect(series(text, 'experience_policy_bundle_last_success_timestamp_seconds')).toEqual([
      `experience_policy_bundle_last_success_timestamp_seconds{source="file"} ${Date.parse('2026-01-01T00:00:10.000Z') / 1000}`,
    ]);
  });
});
