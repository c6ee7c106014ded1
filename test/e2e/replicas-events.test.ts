/**
 * The shell in Chromium through HAProxy in front of three BFF replicas on one Redis (`make
 * run-cluster`): the orders page keeps receiving live events while the replica its stream is on
 * is killed (the SDK reconnects with Last-Event-ID, the load balancer sends it to another
 * replica, which replays from Redis: no event missed, none twice), and the SPA routing rule holds
 * through the load balancer (BFF paths never get the shell, client routes do).
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchedPage, type Watched } from './support/browser.js';
import { PUBLISH_TOKEN, startCluster, type ClusterReplica, type RunningCluster } from './support/cluster.js';

let cluster: RunningCluster;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  [cluster, browser] = await Promise.all([startCluster(), launchChromium()]);
  context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  // One sign-in, through the load balancer: the session is in Redis, so whichever replica the
  // load balancer picks knows this browser.
  const res = await context.request.post(`${cluster.url}/auth/dev/login`, {
    data: { user: 'alice', roles: ['member', 'dashboard-user'] },
    headers: { 'X-Experience-Csrf': '1' },
  });
  expect(res.status(), 'sign-in through the load balancer').toBe(204);
  // The browser's cookie for localhost goes to every port: each replica, asked directly, knows the session.
  for (const r of cluster.replicas) {
    const session = await context.request.get(`http://localhost:${r.port}/auth/session`);
    expect(session.status(), `the session on ${r.name}`).toBe(200);
  }
});

afterAll(async () => {
  await browser?.close();
  await cluster?.stop();
});

async function publish(orderId: string): Promise<void> {
  // Through the load balancer, as a service would: any live replica takes it.
  const res = await fetch(`${cluster.url}/events/publish`, {
    method: 'POST',
    headers: { authorization: `Bearer ${PUBLISH_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: 'localhost', topic: 'orders.updated', data: { orderId, status: 'shipped' } }),
  });
  expect(res.status, `publish ${orderId}: ${await res.clone().text()}`).toBe(202);
}

/** The replicas holding an open `orders` stream, from their metrics listeners. */
async function streamsOn(replicas: ClusterReplica[]): Promise<string[]> {
  const holding: string[] = [];
  for (const r of replicas) {
    const text = await fetch(`http://127.0.0.1:${r.metricsPort}/metrics`).then((res) => res.text(), () => '');
    const open = /^experience_sse_streams_open\{tenant="localhost",plugin="orders"\} (\d+)$/m.exec(text)?.[1];
    if (Number(open ?? 0) > 0) holding.push(r.name);
  }
  return holding;
}

/** Every live event the page added, in order (a driver-side observer: no CSP exception needed). */
const OBSERVE = () => {
  const seen: string[] = [];
  (window as unknown as { __live: string[] }).__live = seen;
  new MutationObserver((records) => {
    for (const r of records) {
      for (const node of r.addedNodes) {
        if (node instanceof HTMLElement && node.dataset.testid === 'orders-live-event') seen.push(node.textContent ?? '');
      }
    }
  }).observe(document, { childList: true, subtree: true });
};

describe('several replicas behind the load balancer', () => {
  let w: Watched;
  // In publication order (the feed shows the newest first, several at once when they arrive together); duplicates kept.
  const live = async () => {
    const texts = await w.page.evaluate(() => (window as unknown as { __live: string[] }).__live);
    const ids = texts.flatMap((t) => /order e2e-(\d+) /.exec(t)?.[1] ?? []).map(Number);
    return ids.sort((a, b) => a - b).map((n) => `e2e-${n}`);
  };

  it('the orders page keeps receiving every event while the replica its stream is on is killed', async () => {
    w = await watchedPage(context);
    const streamRequests: Array<string | undefined> = [];
    // Once the replica is killed, the reconnect waits here until the test let it go: what was
    // published meanwhile can reach the page only through the replay from Redis.
    let hold: Promise<void> | undefined;
    let release = () => {};
    await w.page.route('**/events/stream?*', async (route) => {
      streamRequests.push(route.request().headers()['last-event-id']);
      if (hold) await hold;
      await route.continue();
    });
    await w.page.addInitScript(OBSERVE);
    await w.page.goto(`${cluster.url}/orders`);
    await w.page.getByTestId('orders-page').waitFor();
    await expect.poll(() => w.page.getByTestId('orders-live-state').textContent(), { timeout: 15_000 }).toBe('live');
    await expect.poll(() => streamsOn(cluster.replicas), { timeout: 10_000 }).toHaveLength(1);
    const [holder] = await streamsOn(cluster.replicas);
    const victim = cluster.replicas.find((r) => r.name === holder) as ClusterReplica;

    const sent: string[] = [];
    for (let n = 1; n <= 3; n++) {
      sent.push(`e2e-${n}`);
      await publish(`e2e-${n}`);
    }
    await expect.poll(live, { timeout: 10_000 }).toEqual(sent);

    hold = new Promise<void>((resolve) => (release = resolve));
    process.kill(victim.pid, 'SIGKILL');
    await expect.poll(() => streamRequests.length, { timeout: 15_000 }).toBe(2);
    // Published while no stream is open. Four at most: the feed keeps the latest five, so even
    // arriving in one replay, each is shown.
    for (let n = 4; n <= 7; n++) {
      sent.push(`e2e-${n}`);
      await publish(`e2e-${n}`);
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(await live()).toEqual(sent.slice(0, 3));
    release();
    await expect.poll(live, { timeout: 20_000 }).toEqual(sent);
    // One reconnect, naming the last event it had.
    expect(streamRequests[0]).toBeUndefined();
    expect(streamRequests[1]).toMatch(/^\d+-\d+$/);
    const survivors = cluster.replicas.filter((r) => r !== victim);
    expect(await streamsOn(survivors)).toHaveLength(1);
    expect(await w.page.getByTestId('orders-live-state').textContent()).toBe('live');
    // Still live on the new replica.
    sent.push('e2e-8');
    await publish('e2e-8');
    await expect.poll(live, { timeout: 10_000 }).toEqual(sent);
    expect(w.cspViolations).toEqual([]);
    expect(w.pageErrors).toEqual([]);
  });

  it('keeps the SPA routing rule: BFF paths never get the shell, client routes do', async () => {
    const isShell = async (path: string) => {
      const res = await context.request.get(`${cluster.url}${path}`, { maxRedirects: 0 });
      const body = await res.text();
      return { status: res.status(), shell: /<div id="root"><\/div>/.test(body) && /text\/html/.test(res.headers()['content-type'] ?? '') };
    };
    for (const path of ['/api/nope', '/api/plugins/manifests', '/auth/session', '/auth/nope', '/events/nope', '/events/stream', '/configs/stream', '/stream/x', '/healthz', '/readyz', '/metrics', '/metrics/x', '/readyz/x']) {
      expect((await isShell(path)).shell, path).toBe(false);
    }
    expect((await isShell('/metrics')).status).toBe(404);
    for (const path of ['/', '/orders', '/hello', '/orders/1001', '/metrics-board']) {
      expect(await isShell(path), path).toEqual({ status: 200, shell: true });
    }
    // A deep link renders its page in the browser.
    const page = await context.newPage();
    await page.goto(`${cluster.url}/hello`);
    await page.getByTestId('hello-page').waitFor();
    await page.close();
  });
});
