/**
 * The kill switch end to end, through a real reload: `experience-plugins disable` edits the
 * running BFF's plugins.yaml while a stream of the plugin is open; the file watcher swaps the
 * snapshot; then the manifests, the bundle (both URL forms), an API call (body, header, log line,
 * metric label), a new stream and the open stream all answer for the disabled plugin, and the
 * operator's reason is in /readyz and the log but in no response a browser gets. `enable` brings it back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { captureIo } from '../cli/support.js';
import { run } from '../../src/cli/program.js';
import { PUBLISH_TOKEN, eventually, login, startBff, type TestBff } from './support/bff.js';
import { openSse, payload, type SseClient } from './support/sse.js';

const REASON = 'INC-4711: leaks order data, off until 2.1.1';
const BUNDLE_FORMS = ['/api/plugins/bundle?entry=orders%402.1.0&id=orders', '/api/plugins/bundle?entry=orders&id=orders'];
/** Plugin API calls of orders: its allow-list admits every one, so only the kill switch refuses them. */
const CALLS: Array<['get' | 'post' | 'delete', string]> = [['get', '/api/orders'], ['get', '/api/orders/7'], ['post', '/api/orders/7/notes'], ['delete', '/api/orders/7'], ['get', '/api/catalog/a/b']];

let bff: TestBff | undefined;
const streams: SseClient[] = [];
afterEach(async () => {
  for (const s of streams.splice(0)) s.close();
  await bff?.close();
  bff = undefined;
});

interface Readyz {
  revision: { id: number };
  lastReload: { ok: boolean };
  notices: Array<Record<string, unknown>>;
}

async function cli(b: TestBff, ...args: string[]): Promise<string> {
  const io = captureIo(b.fixture.dir);
  const code = await run([...args, '--config', b.fixture.pluginsFile], io);
  expect(code, io.err()).toBe(0);
  return io.out();
}

describe('kill switch: disable and enable a plugin with an open stream', () => {
  it('refuses everything of the plugin after the reload, closes its stream, and brings it back', async () => {
    bff = await startBff();
    const b = bff;
    const cookie = await login(b);
    // The operators' /readyz: the public one lists no notices.
    const readyz = async () => (await b.metricsHttp().get('/readyz')).body as Readyz;
    const manifestIds = async () => ((await b.http().get('/api/plugins/manifests').set('Cookie', cookie)).body as { plugins: { id: string }[] }).plugins.map((p) => p.id);
    const call = (method: 'get' | 'post' | 'delete', url: string) => {
      const req = b.http()[method](url).set('Cookie', cookie).set('X-Plugin-Id', 'orders');
      return method === 'post' ? req.send({ note: 'x' }) : req;
    };
    const stream = async (topics: string) => {
      const s = await openSse(`${b.url}/events/stream?topics=${topics}`, { cookie, 'x-plugin-id': 'orders', 'x-experience-csrf': '1' });
      streams.push(s);
      return s;
    };
    const publish = (topic: string, data: unknown) => b.http().post('/events/publish').set('Authorization', `Bearer ${PUBLISH_TOKEN}`).send({ tenant: 'localhost', topic, data });
    const metrics = async () => (await b.metricsHttp().get('/metrics')).text;

    // Before: orders is listed, served, callable, and streams.
    expect(await manifestIds()).toContain('orders');
    for (const url of BUNDLE_FORMS) expect((await b.http().get(url).set('Cookie', cookie)).status).toBe(200);
    expect((await call('get', '/api/orders')).status).toBe(200);
    const open = await stream('orders');
    const other = await stream('orders.created');
    expect([open.status, other.status]).toEqual([200, 200]);
    await publish('orders.created', { n: 1 });
    expect(payload(await open.next((f) => f.event === 'message')).data).toEqual({ n: 1 });
    expect((await readyz()).notices).toEqual([]);

    // The operator pulls the switch.
    const said = await cli(b, 'disable', 'orders', '--tenant', 'localhost', '--reason', REASON);
    expect(said).toContain('disabled plugin orders of tenant localhost');
    await eventually(async () => expect((await readyz()).revision.id).toBe(2), 'the reload that disables orders');

    // The open streams end, their last frame saying why in the stream's own terms.
    await open.ended();
    await other.ended();
    expect(open.frames.at(-1)?.comment).toBe('revoked');
    expect(b.logs().filter((l) => l['msg'] === 'sse stream closed: no longer allowed').map((l) => [l['plugin'], l['reason']])).toEqual([['orders', 'plugin_disabled'], ['orders', 'plugin_disabled']]);

    // Gone from the manifests, for every user; the other plugins are unaffected.
    const ids = await manifestIds();
    expect(ids).not.toContain('orders');
    expect(ids).toContain('hello');
    const carol = await login(b, 'carol', ['member', 'dashboard-user']);
    expect(((await b.http().get('/api/plugins/manifests').set('Cookie', carol)).body as { plugins: { id: string }[] }).plugins.map((p) => p.id)).not.toContain('orders');

    // Its bundle answers 404 in both URL forms.
    for (const url of BUNDLE_FORMS) {
      const res = await b.http().get(url).set('Cookie', cookie);
      expect([res.status, res.body.code], url).toEqual([404, 'bundle_not_found']);
    }

    // Every API call is refused by the policy's reason, from its catalogue, and never reaches the upstream.
    b.upstream.clear();
    for (const [method, url] of CALLS) {
      const res = await call(method, url);
      expect([res.status, res.body], `${method} ${url}`).toEqual([403, { code: 'plugin_disabled', message: 'This plugin is turned off for this site' }]);
      // Not an allow-list violation: the SDK must not report it as one.
      expect(res.headers['x-allowlist-violation']).toBeUndefined();
      expect(res.headers['cache-control']).toBe('no-store');
    }
    expect(b.upstream.received).toEqual([]);
    const refused = b.logs().filter((l) => l['reason'] === 'plugin_disabled' && l['route'] === 'plugin_call');
    expect(refused).toHaveLength(CALLS.length);
    expect(refused[0]).toMatchObject({ plugin: 'orders', decision: 'deny', status: 403 });
    expect(await metrics()).toContain(`experience_plugin_requests_total{tenant="localhost",plugin="orders",decision="denied",reason="plugin_disabled"} ${CALLS.length}`);
    // The other plugin still calls as before.
    expect((await b.http().get('/api/hello').set('Cookie', cookie).set('X-Plugin-Id', 'hello')).status).toBe(200);

    // A new stream is refused before any byte, with the same code.
    const again = await stream('orders');
    expect(again.status).toBe(403);
    expect(JSON.parse(again.text ?? '')).toEqual({ code: 'plugin_disabled', message: 'This plugin is turned off for this site' });

    // The operator sees why: /readyz (informational, still ready) and one log line at the reload.
    const status = await readyz();
    expect(status.lastReload.ok).toBe(true);
    expect(status.notices).toEqual([{ code: 'plugin_disabled', tenant: 'localhost', plugin: 'orders', version: '2.1.0', reason: REASON }]);
    const reloadLines = b.logs().filter((l) => String(l['msg']).startsWith('plugin disabled'));
    expect(reloadLines.map((l) => [l['tenant'], l['plugin'], l['reason'], l['revision']])).toEqual([['localhost', 'orders', REASON, 2]]);

    // The reason never reaches a browser: no manifest, bundle, call, stream or public /readyz answer carries it.
    const answers = [
      await b.http().get('/readyz'),
      await b.http().get('/api/plugins/manifests').set('Cookie', cookie),
      ...(await Promise.all(BUNDLE_FORMS.map((u) => b.http().get(u).set('Cookie', cookie)))),
      await call('get', '/api/orders'),
    ];
    for (const res of answers) expect(JSON.stringify({ headers: res.headers, body: res.text })).not.toContain('INC-4711');
    expect(again.text).not.toContain('INC-4711');

    // Enabled again: everything comes back at the next reload.
    await cli(b, 'enable', 'orders', '--tenant', 'localhost');
    await eventually(async () => expect((await readyz()).revision.id).toBe(3), 'the reload that enables orders');
    expect(await manifestIds()).toContain('orders');
    for (const url of BUNDLE_FORMS) expect((await b.http().get(url).set('Cookie', cookie)).status).toBe(200);
    for (const [method, url] of CALLS) expect((await call(method, url)).status, `${method} ${url}`).toBe(200);
    const back = await stream('orders');
    expect(back.status).toBe(200);
    await publish('orders.created', { n: 2 });
    expect(payload(await back.next((f) => f.event === 'message')).data).toEqual({ n: 2 });
    expect((await readyz()).notices).toEqual([]);
    expect(b.logs().filter((l) => l['msg'] === 'plugin enabled again').map((l) => [l['tenant'], l['plugin'], l['revision']])).toEqual([['localhost', 'orders', 3]]);
  });

  it('starts with a plugin already disabled: refused from the first request, reported at start-up', async () => {
    bff = await startBff({}, {}, { plugins: (t) => t.replace('    - id: orders\n', `    - id: orders\n      disabled: { reason: "${REASON}" }\n`) });
    const b = bff;
    const cookie = await login(b);
    const res = await b.http().get('/api/orders').set('Cookie', cookie).set('X-Plugin-Id', 'orders');
    expect([res.status, res.body.code]).toEqual([403, 'plugin_disabled']);
    expect(b.logs().filter((l) => String(l['msg']).startsWith('plugin disabled')).map((l) => [l['tenant'], l['plugin'], l['revision']])).toEqual([['localhost', 'orders', 1]]);
    expect(((await b.metricsHttp().get('/readyz')).body as Readyz).notices).toHaveLength(1);
  });

  it('disables per tenant: the same plugin of another tenant stays on', async () => {
    bff = await startBff();
    const b = bff;
    await cli(b, 'disable', 'hello', '--tenant', 'acme.localhost', '--reason', 'acme asked');
    await eventually(async () => expect(((await b.http().get('/readyz')).body as Readyz).revision.id).toBe(2), 'the reload');
    const local = await login(b);
    const acme = await login(b, 'alice', ['member'], 'acme.localhost');
    const hello = (host: string, cookie: string) => b.http().get('/api/hello').set('Host', host).set('Cookie', cookie).set('X-Plugin-Id', 'hello');
    expect((await hello('localhost', local)).status).toBe(200);
    const off = await hello('acme.localhost', acme);
    expect([off.status, off.body.code]).toEqual([403, 'plugin_disabled']);
  });
});
