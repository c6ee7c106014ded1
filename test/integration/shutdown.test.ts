/**
 * Graceful stop of the production server (`node dist/server/main.js` as a child process) on
 * SIGTERM: in-flight plugin calls finish, nothing new is accepted, SSE clients see an orderly
 * end with a `retry:`, keep-alive connections are closed as soon as they are idle, and the
 * process exits once the last request is done, not at the end of SHUTDOWN_TIMEOUT_MS. What
 * is still running at the timeout is cut, and counted in the log.
 */
import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBffProcess, type BffProcess } from './support/bff-process.js';
import { call, connects, devLogin, openRawStream, type Answer } from './support/client.js';
import { LARGE, pattern, startScriptedUpstream, type ScriptedUpstream } from './support/scripted-upstream.js';
import { startBff, login } from './support/bff.js';

// Far longer than any test may take: exiting before it proves the drain did not wait for it.
const LONG_TIMEOUT_MS = '40000';

let upstream: ScriptedUpstream;
let bff: BffProcess | undefined;
const agents: http.Agent[] = [];

beforeEach(async () => {
  upstream = await startScriptedUpstream();
});
afterEach(async () => {
  for (const agent of agents.splice(0)) agent.destroy();
  await bff?.cleanup();
  bff = undefined;
  await upstream.close();
});

function keepAliveAgent(): http.Agent {
  const agent = new http.Agent({ keepAlive: true });
  agents.push(agent);
  return agent;
}

/** Counts the sockets of an agent that the server closed. */
function watchSockets(agent: http.Agent): { opened: number; closed: number } {
  const seen = { opened: 0, closed: 0 };
  const original = agent.createConnection.bind(agent);
  agent.createConnection = ((options: never, callback: never) => {
    const socket = original(options, callback);
    seen.opened += 1;
    socket?.once('close', () => (seen.closed += 1));
    return socket;
  }) as typeof agent.createConnection;
  return seen;
}

const requestLines = (p: BffProcess) => p.logs().filter((l) => l.msg === 'request' && String(l.path).startsWith('/api/catalog/'));

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('SIGTERM on node dist/server/main.js', () => {
  it('lets every in-flight call finish with 200, refuses new connections, ends SSE cleanly and exits once done', async () => {
    bff = await startBffProcess({ UPSTREAM_URL: upstream.url, SHUTDOWN_TIMEOUT_MS: LONG_TIMEOUT_MS, UPSTREAM_TIMEOUT_MS: '60000' });
    const { port } = bff;
    const cookie = await devLogin(port);
    const headers = { cookie, 'x-plugin-id': 'orders' };

    // Keep-alive clients that are idle when the signal comes: closed at once.
    const idleAgent = keepAliveAgent();
    const idle = watchSockets(idleAgent);
    const warmUp = await Promise.all(Array.from({ length: 4 }, () => call(port, { path: '/healthz', agent: idleAgent })));
    expect(warmUp.map((a) => a.status)).toEqual([200, 200, 200, 200]);

    // SSE clients on keep-alive connections.
    const streams = await Promise.all(
      [0, 1].map(() => openRawStream(port, '/events/stream?topics=orders', { cookie, 'X-Plugin-Id': 'orders' })),
    );
    for (const s of streams) expect(s.text()).toMatch(/^HTTP\/1\.1 200 /);

    // In flight: calls whose head is not sent yet (held upstream) and streamed answers whose head is.
    const busyAgent = keepAliveAgent();
    const small = Array.from({ length: 80 }, (_, i) => call(port, { path: `/api/catalog/held/small/${i}`, headers, agent: busyAgent }));
    const large = Array.from({ length: 20 }, (_, i) => call(port, { path: `/api/catalog/held/large/${i}`, headers, agent: busyAgent }));
    await upstream.arrived(100);

    bff.signal('SIGTERM');
    const draining = await bff.waitForLog((l) => String(l.msg).startsWith('shutting down'), 'the start of the drain');
    expect(draining.inFlight).toBeGreaterThanOrEqual(100);

    // Nothing new is accepted; idle keep-alive connections are closed without waiting.
    expect(await connects(port)).toBe(false);
    await until(() => idle.closed === idle.opened, 'the idle keep-alive connections to close');

    // SSE clients get a last frame the SDK understands (retry + comment) and an orderly end.
    for (const s of streams) {
      await s.closed;
      expect(s.text()).toMatch(/retry: 2000\n: shutdown\n\n/);
      expect(s.endedCleanly()).toBe(true);
    }

    // The in-flight calls are still running: the process waits for them.
    expect(bff.logs().some((l) => l.msg === 'stopped')).toBe(false);
    upstream.release();
    const answers: Answer[] = await Promise.all([...small, ...large]);
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(answers.every((a) => a.complete)).toBe(true);
    const smallAnswers = answers.slice(0, 80);
    smallAnswers.forEach((a, i) => expect(JSON.parse(a.body.toString())).toEqual({ id: String(i) }));
    // Heads written during the drain say the connection closes.
    expect(smallAnswers.every((a) => a.headers.connection === 'close')).toBe(true);
    for (const a of answers.slice(80)) expect(a.body.equals(pattern(LARGE))).toBe(true);

    const exit = await bff.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    // The drain ended because every connection was gone (the large answers' heads had said
    // keep-alive), not because the timeout ran out.
    const logs = bff.logs();
    expect(logs.some((l) => String(l.msg).startsWith('shutdown timeout'))).toBe(false);
    const stopped = logs.find((l) => l.msg === 'stopped');
    expect(stopped).toBeDefined();
    expect(Number(stopped?.ms)).toBeLessThan(Number(LONG_TIMEOUT_MS));
    const calls = requestLines(bff);
    expect(calls).toHaveLength(100);
    expect(calls.every((l) => l.status === 200 && l.outcome === 'completed')).toBe(true);
  }, 60_000);

  it('with only idle keep-alive clients connected, exits at once', async () => {
    bff = await startBffProcess({ UPSTREAM_URL: upstream.url, SHUTDOWN_TIMEOUT_MS: LONG_TIMEOUT_MS });
    const { port } = bff;
    const cookie = await devLogin(port);
    const agent = keepAliveAgent();
    const sockets = watchSockets(agent);
    upstream.release();
    const answers = await Promise.all(
      Array.from({ length: 16 }, (_, i) => call(port, { path: `/api/catalog/held/small/${i}`, headers: { cookie, 'x-plugin-id': 'orders' }, agent })),
    );
    expect(answers.every((a) => a.status === 200 && a.headers.connection === 'keep-alive')).toBe(true);
    expect(sockets.closed).toBe(0);

    bff.signal('SIGTERM');
    expect(await bff.exited).toEqual({ code: 0, signal: null });
    const stopped = bff.logs().find((l) => l.msg === 'stopped');
    expect(Number(stopped?.ms)).toBeLessThan(Number(LONG_TIMEOUT_MS));
    expect(bff.logs().some((l) => String(l.msg).startsWith('shutdown timeout'))).toBe(false);
  }, 60_000);

  it('cuts what still runs at SHUTDOWN_TIMEOUT_MS, logs how many, and exits', async () => {
    bff = await startBffProcess({ UPSTREAM_URL: upstream.url, SHUTDOWN_TIMEOUT_MS: '1500', UPSTREAM_TIMEOUT_MS: '60000' });
    const { port } = bff;
    const cookie = await devLogin(port);
    const headers = { cookie, 'x-plugin-id': 'orders' };
    const agent = keepAliveAgent();
    const settled = [
      ...Array.from({ length: 7 }, (_, i) => call(port, { path: `/api/catalog/held/small/${i}`, headers, agent })),
      ...Array.from({ length: 3 }, (_, i) => call(port, { path: `/api/catalog/held/large/${i}`, headers, agent })),
    ].map((p) => p.then((a) => ({ cut: !a.complete, status: a.status }), () => ({ cut: true, status: 0 })));
    await upstream.arrived(10);
    bff.signal('SIGTERM');
    expect(await bff.exited).toEqual({ code: 0, signal: null });

    const results = await Promise.all(settled);
    // No head yet: the connection is reset; head sent (streamed): the body is cut.
    expect(results).toEqual([...Array.from({ length: 7 }, () => ({ cut: true, status: 0 })), ...Array.from({ length: 3 }, () => ({ cut: true, status: 200 }))]);
    const logs = bff.logs();
    const warning = logs.find((l) => String(l.msg).startsWith('shutdown timeout'));
    expect(warning).toMatchObject({ level: 'warn', cut: 10, timeoutMs: 1500 });
    const calls = requestLines(bff);
    expect(calls).toHaveLength(10);
    expect(calls.filter((l) => l.outcome === 'shutdown' && l.status === 0)).toHaveLength(7);
    expect(calls.filter((l) => l.outcome === 'shutdown' && l.status === 200)).toHaveLength(3);
  }, 60_000);
});

describe('a second signal during the drain', () => {
  it('exits at once with code 1, without waiting for the timeout', async () => {
    bff = await startBffProcess({ UPSTREAM_URL: upstream.url, SHUTDOWN_TIMEOUT_MS: LONG_TIMEOUT_MS, UPSTREAM_TIMEOUT_MS: '60000' });
    const cookie = await devLogin(bff.port);
    const pending = call(bff.port, { path: '/api/catalog/held/small/1', headers: { cookie, 'x-plugin-id': 'orders' } }).catch(() => 'cut');
    await upstream.arrived(1);
    bff.signal('SIGTERM');
    await bff.waitForLog((l) => String(l.msg).startsWith('shutting down'), 'the start of the drain');
    bff.signal('SIGINT');
    expect(await bff.exited).toEqual({ code: 1, signal: null });
    expect(await pending).toBe('cut');
    expect(bff.logs().find((l) => String(l.msg).startsWith('second signal'))).toMatchObject({ level: 'warn', signal: 'SIGINT' });
    expect(bff.logs().some((l) => l.msg === 'stopped')).toBe(false);
  }, 60_000);
});

describe('the drain, in process', () => {
  it('answers /readyz with 503 and ends streams opened during the drain with a retry', async () => {
    const inProcess = await startBff({ UPSTREAM_URL: upstream.url });
    try {
      const cookie = await login(inProcess);
      expect((await call(inProcess.port, { path: '/readyz' })).status).toBe(200);
      await inProcess.running.bff.drain();
      const ready = await call(inProcess.port, { path: '/readyz' });
      expect(ready.status).toBe(503);
      expect(JSON.parse(ready.body.toString())).toEqual({ ready: false, draining: true });
      // The operators' listener says the same (it stays open until the end of the stop).
      const ops = await inProcess.metricsHttp().get('/readyz');
      expect([ops.status, ops.body]).toEqual([503, { ready: false, draining: true }]);
      const late = await openRawStream(inProcess.port, '/events/stream?topics=orders', { cookie, 'X-Plugin-Id': 'orders' });
      await late.until(/\r\n0\r\n\r\n$/);
      expect(late.text()).toMatch(/^HTTP\/1\.1 200 /);
      expect(late.text()).toMatch(/retry: 2000\n: shutdown\n\n/);
      late.socket.destroy();
    } finally {
      await inProcess.close();
    }
  });
});
