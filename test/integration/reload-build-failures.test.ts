/**
 * A reload whose build never finishes is a failed reload like any other: reported with a stable
 * code in the log and /readyz, the last good state serving on, the build process killed. The hang
 * is a real one: policy.wasm replaced by a FIFO nobody writes (a stalled file system looks the
 * same), so the build's read blocks for good.
 */
import { execFileSync } from 'node:child_process';
import { copyFile, rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createReloader, type Reloader } from '../../src/snapshots/index.js';
import { POLICY } from './support/fixture.js';
import { startBff, type TestBff } from './support/bff.js';

const hello = { tenant: 'localhost', plugin_id: 'hello', method: 'GET', path: '/api/hello' };
let bff: TestBff | undefined;
let reloader: Reloader | undefined;

/** Replaces `file` with a FIFO: reading it blocks until someone opens it for writing. */
async function stallFile(file: string): Promise<void> {
  await rm(file);
  execFileSync('mkfifo', [file]);
}

afterEach(async () => {
  await reloader?.close();
  reloader = undefined;
  await bff?.close();
  bff = undefined;
});

describe('a reload that does not finish', () => {
  it('times out: snapshot_build_timeout in the outcome and /readyz, the last good state serving', async () => {
    // Long enough for a build process's start from source on a busy machine (the reload after the hang must finish).
    bff = await startBff({ CONFIG_WATCH: 'false', RELOAD_TIMEOUT_MS: '5000' });
    const { reloader: source } = bff.running;
    await stallFile(bff.fixture.policyFile);
    const outcome = await source.reload('policy');
    expect(outcome).toMatchObject({
      ok: false,
      trigger: 'policy',
      error: 'building the snapshot took longer than 5000 ms: its process was stopped',
      issues: [{ code: 'snapshot_build_timeout', file: '', line: 0, col: 0, path: '' }],
    });
    expect(source.current().revision.id).toBe(1);
    expect(source.current().engine.api(hello).allow).toBe(true);
    const ready = await bff.metricsHttp().get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.lastReload).toMatchObject({ ok: false, issues: [{ code: 'snapshot_build_timeout', file: '' }] });
    const logged = bff.logs().find((l) => l['msg'] === 'reload failed: the previous policy/config keeps serving');
    expect(logged).toMatchObject({ trigger: 'policy', error: expect.stringMatching(/longer than 5000 ms/) });

    // Once the file is back the next reload succeeds (nothing changed: the same bytes as serving).
    await rm(bff.fixture.policyFile);
    await copyFile(POLICY, bff.fixture.policyFile);
    expect(await source.reload('policy')).toMatchObject({ ok: true });
    expect(source.status()).toMatchObject({ failures: 1, last: { ok: true } });
  }, 60_000);

  it('is cancelled by close(), which does not wait for it: snapshot_build_cancelled', async () => {
    bff = await startBff({ CONFIG_WATCH: 'false' });
    reloader = await createReloader({
      pluginsFile: bff.fixture.pluginsFile,
      grantsFile: bff.fixture.grantsFile,
      policyFile: bff.fixture.policyFile,
      mode: 'test',
      hostVersion: '1.4.0',
      // Far longer than the test: only close() can end this reload.
      timeoutMs: 600_000,
    });
    await stallFile(bff.fixture.policyFile);
    const pending = reloader.reload('policy');
    await reloader.close();
    expect(await pending).toMatchObject({ ok: false, issues: [{ code: 'snapshot_build_cancelled' }] });
    expect(reloader.current().engine.api(hello).allow).toBe(true);
    reloader = undefined;
  }, 60_000);
});
