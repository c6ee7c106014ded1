import { copyFile, mkdtemp, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/index.js';
import { EngineLoadError, type Snapshot } from '../../src/engine/index.js';
import { createReloader, type Reloader } from '../../src/snapshots/index.js';

let dir: string;
let files: { pluginsFile: string; grantsFile: string; policyFile: string };
let reloader: Reloader | undefined;
const logs: { level: string; obj: object; msg?: string }[] = [];
const logger = {
  info: (obj: object, msg?: string) => logs.push({ level: 'info', obj, msg }),
  warn: (obj: object, msg?: string) => logs.push({ level: 'warn', obj, msg }),
  error: (obj: object, msg?: string) => logs.push({ level: 'error', obj, msg }),
};

const hello = { tenant: 'localhost', plugin_id: 'hello', method: 'GET', path: '/api/hello' };
const helloExtra = { ...hello, path: '/api/hello/extra' };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xp-reload-'));
  files = { pluginsFile: join(dir, 'plugins.yaml'), grantsFile: join(dir, 'grants.yaml'), policyFile: join(dir, 'policy.wasm') };
  await copyFile('config/plugins.yaml', files.pluginsFile);
  await copyFile('config/grants.yaml', files.grantsFile);
  await copyFile('build/policy.wasm', files.policyFile);
  logs.length = 0;
});

afterEach(async () => {
  await reloader?.close();
  reloader = undefined;
});

async function start(watch = false): Promise<Reloader> {
  reloader = await createReloader({ ...files, mode: 'production', hostVersion: '1.4.0', watch, debounceMs: 50, logger });
  return reloader;
}

/** Adds `GET /api/hello/extra` to hello's allow-list in every tenant (a real edit an operator makes). */
async function widenHello(): Promise<void> {
  const text = await readFile(files.pluginsFile, 'utf8');
  const widened = text.replaceAll('path: /api/hello\n', 'path: /api/hello\n          - method: GET\n            path: /api/hello/extra\n');
  expect(widened).not.toBe(text);
  await writeFile(files.pluginsFile, widened);
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (predicate()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('createReloader', () => {
  it('serves the first snapshot with revision 1', async () => {
    const r = await start();
    expect(r.current().revision.id).toBe(1);
    expect(r.current().engine.api(hello).allow).toBe(true);
    expect(r.status()).toMatchObject({ failures: 0, last: { ok: true, trigger: 'startup' } });
  });

  it('applies a good change atomically and tells subscribers', async () => {
    const r = await start();
    const before = r.current();
    const seen: Snapshot[] = [];
    r.subscribe((s) => seen.push(s));
    expect(before.engine.api(helloExtra).allow).toBe(false);
    await widenHello();
    const outcome = await r.reload('plugins');
    expect(outcome).toMatchObject({ ok: true, trigger: 'plugins' });
    expect(r.current().revision.id).toBe(2);
    expect(r.current().engine.api(helloExtra).allow).toBe(true);
    expect(seen).toEqual([r.current()]);
    // A request that took the old snapshot keeps a consistent (old) view.
    expect(before.engine.api(helloExtra).allow).toBe(false);
  });

  it('refuses a bad config, keeps the old one serving, and reports file and line', async () => {
    const r = await start();
    await writeFile(files.pluginsFile, `${await readFile(files.pluginsFile, 'utf8')}\n  bad: [unclosed\n`);
    const outcome = await r.reload('plugins');
    expect(outcome.ok).toBe(false);
    expect(outcome.issues?.[0]).toMatchObject({ file: files.pluginsFile });
    expect(outcome.issues?.[0]?.line).toBeGreaterThan(0);
    expect(r.current().revision.id).toBe(1);
    expect(r.current().engine.api(hello).allow).toBe(true);
    expect(r.status()).toMatchObject({ failures: 1, last: { ok: false, trigger: 'plugins' } });
    const logged = logs.find((l) => l.level === 'error');
    expect(logged?.msg).toMatch(/previous policy\/config keeps serving/);
    expect(JSON.stringify(logged?.obj)).toContain(`${files.pluginsFile}:`);
  });

  it('refuses a broken policy module and keeps the old engine', async () => {
    const r = await start();
    await writeFile(files.policyFile, 'not wasm');
    const outcome = await r.reload('policy');
    expect(outcome).toMatchObject({
      ok: false,
      error: `${files.policyFile}  not a WebAssembly module: it does not start with the Wasm magic bytes "\\0asm"`,
      issues: [{ code: 'policy_not_wasm', file: files.policyFile, line: 0, col: 0, path: '', message: expect.stringMatching(/^not a WebAssembly module/) }],
    });
    expect(r.current().engine.api(hello).allow).toBe(true);
  });

  it('does not swap when nothing changed', async () => {
    const r = await start();
    const seen: Snapshot[] = [];
    r.subscribe((s) => seen.push(s));
    expect((await r.reload('plugins')).ok).toBe(true);
    expect(r.current().revision.id).toBe(1);
    expect(seen).toEqual([]);
  });

  it('runs concurrent reloads one after another, ending on the latest files', async () => {
    const r = await start();
    await widenHello();
    const outcomes = await Promise.all([r.reload('a'), r.reload('b'), r.reload('c')]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true]);
    expect(r.current().revision.id).toBe(2);
    expect(r.current().engine.api(helloExtra).allow).toBe(true);
  });

  it('picks up a changed file by watching, including a replace-by-rename', async () => {
    const r = await start(true);
    const staged = join(dir, 'plugins.yaml.new');
    await copyFile(files.pluginsFile, staged);
    const original = files.pluginsFile;
    files.pluginsFile = staged;
    await widenHello();
    files.pluginsFile = original;
    await rename(staged, original);
    await until(() => r.current().revision.id === 2, 'the watcher to reload');
    expect(r.current().engine.api(helloExtra).allow).toBe(true);
    expect(r.status().last.trigger).toBe('plugins');
  });

  it('rejects at start-up with every config issue when the first load fails', async () => {
    await writeFile(files.grantsFile, 'tenants: [');
    await expect(start()).rejects.toBeInstanceOf(ConfigError);
  });

  it('rejects at start-up when the policy module is missing', async () => {
    await writeFile(files.policyFile, '');
    await expect(start()).rejects.toBeInstanceOf(EngineLoadError);
    files.policyFile = join(dir, 'absent.wasm');
    await expect(start()).rejects.toThrow(/make policy/);
  });
});
