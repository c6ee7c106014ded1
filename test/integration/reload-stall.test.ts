/**
 * A reload never stalls serving: reading, parsing, validating and compiling the config happen in
 * a child process, and the Wasm data loads a shard per event-loop turn. Checked structurally (the
 * main thread never parses a reload's config) and by what a client sees: /healthz keeps answering
 * while a large generated config reloads, none of its answers waiting anything like as long as
 * the reload itself (a parse on the main thread would hold one for most of it).
 */
import { Agent, get } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfigFiles } from '../../src/config/index.js';
import { pluginId, scalePluginsYaml, tenantHost, writeScaleConfig, type ScaleShape } from '../support/scale-config.js';
import { startBff, type TestBff } from './support/bff.js';

// Counts the loads in this process; the build process has modules of its own, unmocked.
vi.mock('../../src/config/load-files.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/config/load-files.js')>();
  return { ...real, loadConfigFiles: vi.fn(real.loadConfigFiles) };
});

const SHAPE: ScaleShape = { tenants: 300, plugins: 5, entries: 10 };
let bff: TestBff | undefined;

afterEach(async () => {
  await bff?.close();
  bff = undefined;
});

function healthz(agent: Agent, port: number): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/healthz', agent, headers: { host: 'localhost' } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - t0) : reject(new Error(`healthz ${res.statusCode}`))));
    }).on('error', reject);
  });
}

describe('a reload of a large config', () => {
  it('is parsed off the main thread while /healthz keeps answering', async () => {
    const files = await writeScaleConfig(SHAPE);
    bff = await startBff({ PLUGINS_CONFIG: files.pluginsFile, GRANTS_CONFIG: files.grantsFile, CONFIG_WATCH: 'false' });
    const { reloader } = bff.running;
    const load = vi.mocked(loadConfigFiles);
    // The first load, before listening, is the main thread's own.
    expect(load).toHaveBeenCalledTimes(1);
    const last = { tenant: tenantHost(SHAPE.tenants - 1), plugin_id: pluginId(0), method: 'POST', path: `/api/${pluginId(0)}/r0x1` };
    expect(reloader.current().engine.api(last).allow).toBe(false);

    await writeFile(files.pluginsFile, scalePluginsYaml(SHAPE, 1));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const latencies: number[] = [];
    const t0 = performance.now();
    let done = false;
    const reload = reloader.reload('plugins').finally(() => (done = true));
    while (!done) latencies.push(await healthz(agent, bff.port));
    const took = performance.now() - t0;
    agent.destroy();

    expect(await reload).toMatchObject({ ok: true });
    expect(reloader.current().revision.id).toBe(2);
    expect(reloader.current().engine.api(last)).toMatchObject({ allow: true, matched: `POST /api/${pluginId(0)}/r0x1` });
    const swapped = bff.logs().find((l) => l['msg'] === 'reload: new policy/config serving');
    const shards = swapped?.['shards'] as { total: number; loaded: number };
    expect(shards.total).toBeGreaterThan(1);
    // The edit of one tenant: its shard is loaded again, the others are kept.
    expect(shards.loaded).toBeGreaterThanOrEqual(1);
    expect(shards.loaded).toBeLessThan(shards.total);
    // Structural: the reload read, parsed and compiled nothing on this thread.
    expect(load).toHaveBeenCalledTimes(1);
    // What a client sees, with generous bounds: it kept being answered all along, never made to
    // wait for anything like the whole reload.
    expect(latencies.length).toBeGreaterThan(10);
    // (reduce, not Math.max(...): a long reload on a busy machine gathers more probes than a call takes arguments)
    expect(latencies.reduce((a, b) => Math.max(a, b), 0)).toBeLessThan(took / 2);
  }, 120_000);
});
