/**
 * A reload of an edited many-tenant config loads only the data shards (Wasm instances) and the
 * tenants' models that changed, and keeps the rest from the serving snapshot; a policy change
 * loads every shard. Whatever it kept, the new snapshot decides and serves exactly as one built
 * from scratch on the same files.
 */
import { copyFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigFiles } from '../../src/config/index.js';
import type { Snapshot, WasmEngine } from '../../src/engine/index.js';
import { createReloader, type Reloader } from '../../src/snapshots/index.js';
import { apiRequests } from '../support/requests.js';
import { buildPolicyCopy } from '../support/opa.js';
import { pluginId, scalePluginsYaml, tenantHost, writeScaleConfig, type ScaleShape } from '../support/scale-config.js';

const SHAPE: ScaleShape = { tenants: 60, plugins: 3, entries: 4 };
const MAX_SHARD_BYTES = 8 * 1024;
const open: Reloader[] = [];

afterEach(async () => {
  for (const r of open.splice(0)) await r.close();
});

async function start(files: { pluginsFile: string; grantsFile: string; policyFile: string }): Promise<Reloader> {
  const reloader = await createReloader({ ...files, mode: 'production', hostVersion: '1.4.0', maxShardBytes: MAX_SHARD_BYTES });
  open.push(reloader);
  return reloader;
}

const engineOf = (s: Snapshot) => s.engine as WasmEngine;

/** The same decisions, contributions and model as a snapshot built from scratch on the same files. */
async function expectSameAsFresh(snapshot: Snapshot, files: { pluginsFile: string; grantsFile: string; policyFile: string }): Promise<void> {
  const fresh = (await start(files)).current();
  expect(snapshot.config).toEqual(fresh.config);
  expect(snapshot.revision).toMatchObject({ data: fresh.revision.data, config: fresh.revision.config, policy: fresh.revision.policy });
  const hosts = [...Object.keys(fresh.config.tenants), 'unknown.example'];
  const { registry } = await loadConfigFiles({ ...files, mode: 'production', hostVersion: '1.4.0' });
  const requests = fc.sample(apiRequests(registry), { numRuns: 600, seed: 7 });
  expect(requests.map((r) => snapshot.engine.api(r))).toEqual(requests.map((r) => fresh.engine.api(r)));
  for (const tenant of hosts) {
    const user = { id: 'u0', roles: ['member'] };
    expect(snapshot.engine.contributions({ tenant, user })).toEqual(fresh.engine.contributions({ tenant, user }));
  }
}

describe('a reload keeps what did not change', () => {
  it('an edit of one tenant loads its shard (and at most the next), not the others, and serves as a fresh build', async () => {
    const files = { ...(await writeScaleConfig(SHAPE)), policyFile: 'build/policy.wasm' };
    const reloader = await start(files);
    const before = reloader.current();
    expect(engineOf(before).shards).toBeGreaterThan(4);
    await writeFile(files.pluginsFile, scalePluginsYaml(SHAPE, 1));
    expect((await reloader.reload('plugins')).ok).toBe(true);
    const after = reloader.current();
    expect(after.revision.id).toBe(2);
    expect(engineOf(after).shards).toBe(engineOf(before).shards);
    expect(engineOf(after).loadedShards).toBeGreaterThanOrEqual(1);
    expect(engineOf(after).loadedShards).toBeLessThanOrEqual(2);
    // The unchanged tenants' models are the serving snapshot's objects; the edited one is new.
    const edited = tenantHost(SHAPE.tenants - 1);
    expect(after.config.tenants[edited]).not.toBe(before.config.tenants[edited]);
    expect(after.config.tenants[tenantHost(0)]).toBe(before.config.tenants[tenantHost(0)]);
    // The edit took: the new path is allowed where the old one was.
    const decide = (s: Snapshot, suffix: string) => s.engine.api({ tenant: edited, plugin_id: pluginId(0), method: 'POST', path: `/api/${pluginId(0)}/r0${suffix}` }).allow;
    expect([decide(before, ''), decide(before, 'x1'), decide(after, ''), decide(after, 'x1')]).toEqual([true, false, false, true]);
    await expectSameAsFresh(after, files);
  }, 180_000);

  it('a policy change loads every shard again', async () => {
    const config = await writeScaleConfig({ ...SHAPE, tenants: 20 });
    const policyFile = path.join(config.dir, 'policy.wasm');
    await copyFile('build/policy.wasm', policyFile);
    const files = { ...config, policyFile };
    const reloader = await start(files);
    // Another module (one more package), the same decisions.
    const other = await buildPolicyCopy((dir) => writeFile(path.join(dir, 'experience', 'marker.rego'), 'package experience.marker\n\nx := 1\n'), { test: false });
    await writeFile(policyFile, other.wasm);
    expect((await reloader.reload('policy')).ok).toBe(true);
    const after = reloader.current();
    expect(after.revision.policy).not.toBe((await start({ ...files, policyFile: 'build/policy.wasm' })).current().revision.policy);
    expect(engineOf(after).loadedShards).toBe(engineOf(after).shards);
    await expectSameAsFresh(after, files);
  }, 300_000);
});
