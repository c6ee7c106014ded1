/**
 * A reload applies every field of plugins.yaml and grants.yaml, not only what is compiled into
 * data.registry: one case per field (support/reload-field-cases.ts), each changed alone through a
 * running BFF, checking that the NEW value serves and that the revision changed; and edits that
 * change no field (comments, layout, quoting) leaving the revision as it was. Cases marked
 * `inData: false` are the ones a reload used to drop as "nothing changed".
 */
import { writeFile } from 'node:fs/promises';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/bff.js';
import { HELLO_JS, ORDERS_JS } from './support/fixture.js';
import { DEV_A, DEV_B, FIELDS, NEXT_JS, NOOPS, OTHER_PIN, REBUILT_JS } from './support/reload-field-cases.js';
import {
  bundle, devServer, expectBundle, hashWrite, manifests, metricLine, plugins, reload, revision, sha256, startCtx, type Ctx,
} from './support/reload-kit.js';

let devA: http.Server;
let devB: http.Server;
const devUrl = (server: http.Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/src/index.js`;

beforeAll(async () => {
  [devA, devB] = await Promise.all([devServer(DEV_A), devServer(DEV_B)]);
});
afterAll(async () => {
  for (const server of [devA, devB]) {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

let open: { close(): Promise<void> } | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

async function start(env: Record<string, string> = {}): Promise<Ctx> {
  const c = await startCtx({ a: devUrl(devA), b: devUrl(devB) }, env);
  open = c;
  return c;
}

describe('a reload applies every config field, each changed alone', () => {
  it.each(FIELDS.map((f) => [f.name, f] as const))('%s', async (_name, field) => {
    const c = await start(field.env);
    await field.setup?.(c);
    const before = await revision(c.b);
    const manifestBefore = (await manifests(c)).body.revision;
    await field.before(c);

    await field.edit(c);
    await reload(c);

    const after = await revision(c.b);
    expect(after.id).toBe(before.id + 1);
    expect(after.config).not.toBe(before.config);
    expect(after.policy).toBe(before.policy);
    // The compiled data moves only for the fields it holds: the others are what was dropped.
    if (field.inData) expect(after.data).not.toBe(before.data);
    else expect(after.data).toBe(before.data);
    expect(await metricLine(c.b, 'experience_config_revision')).toBe(`experience_config_revision ${after.id}`);
    expect((await manifests(c)).body.revision).not.toBe(manifestBefore);
    expect(c.b.logs().some((l) => l.msg === 'reload: new policy/config serving')).toBe(true);
    await field.after(c);
  });
});

describe('a reload of an edit that changes no field keeps the revision', () => {
  it.each(NOOPS.map((n) => [n.name, n] as const))('%s', async (_name, noop) => {
    const c = await start();
    const before = await revision(c.b);
    const snapshot = c.b.running.reloader.current();
    await noop.edit(c);
    await reload(c);
    expect(await revision(c.b)).toEqual(before);
    expect(c.b.running.reloader.current()).toBe(snapshot);
    expect(c.b.logs().some((l) => l.msg === 'reload: nothing changed')).toBe(true);
    expect(await metricLine(c.b, 'experience_config_revision')).toBe('experience_config_revision 1');
    await expectBundle(c, 'hello', '1.0.0', HELLO_JS);
  });
});

describe('through the file watcher, with no explicit reload', () => {
  const watched = () => start({ CONFIG_WATCH: 'true' });

  it('`hash --write` after a rebuild: 409 becomes 200', async () => {
    const c = await watched();
    await writeFile(path.join(c.b.fixture.pluginsRoot, 'hello', '1.0.0', 'index.esm.js'), REBUILT_JS);
    expect((await bundle(c, 'hello', '1.0.0')).status).toBe(409);
    expect((await hashWrite(c, '/app/plugins/hello/1.0.0/index.esm.js')).code).toBe(0);
    await eventually(async () => expect((await bundle(c, 'hello', '1.0.0')).status).toBe(200), 'the re-pinned bundle');
    await expectBundle(c, 'hello', '1.0.0', REBUILT_JS);
    expect((await revision(c.b)).id).toBe(2);
  });

  it('a tightened pin: 200 becomes 409', async () => {
    const c = await watched();
    await expectBundle(c, 'hello', '1.0.0', HELLO_JS);
    await plugins(c, sha256(HELLO_JS), OTHER_PIN);
    await eventually(async () => expect((await bundle(c, 'hello', '1.0.0')).status).toBe(409), 'the tightened pin');
  });

  it('a comment-only edit is reloaded and keeps the revision', async () => {
    const c = await watched();
    const before = await revision(c.b);
    const last = c.b.running.reloader.status().last;
    await plugins(c, 'tenants:\n', '# a note\ntenants:\n');
    await eventually(() => expect(c.b.running.reloader.status().last).not.toBe(last), 'the watcher to reload');
    expect(c.b.running.reloader.status().last).toMatchObject({ ok: true, trigger: 'plugins' });
    expect(await revision(c.b)).toEqual(before);
  });
});

// Not a config change: the bundle files are read per request (cached by inode, size and mtime),
// so replaced bytes serve from the next request and the revision stays; a pin keeps guarding.
describe('bundle bytes replaced on disk, config unchanged', () => {
  it('an unpinned bundle serves the new bytes at once; a pinned one is refused until re-pinned', async () => {
    const c = await start();
    const before = await revision(c.b);
    await expectBundle(c, 'orders', '2.1.0', ORDERS_JS);
    await expectBundle(c, 'hello', '1.0.0', HELLO_JS);
    await writeFile(path.join(c.b.fixture.pluginsRoot, 'orders', '2.1.0', 'index.esm.js'), NEXT_JS);
    await writeFile(path.join(c.b.fixture.pluginsRoot, 'hello', '1.0.0', 'index.esm.js'), REBUILT_JS);
    await expectBundle(c, 'orders', '2.1.0', NEXT_JS);
    expect((await bundle(c, 'hello', '1.0.0')).status).toBe(409);
    expect(await revision(c.b)).toEqual(before);
  });
});
