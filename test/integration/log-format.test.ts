/**
 * Log lines of the production entry point (`node dist/server/main.js` as a child process):
 * LOG_FORMAT=pretty writes pino-pretty lines (no JSON object per line), the default without a
 * terminal is one JSON object per line, and static assets (shell files, plugin bundles) served as
 * asked log at debug while API, auth and health requests, and a missing asset, log at info.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { bffEnv, ensureBuilt, MAIN } from './support/bff-process.js';
import { call, devLogin } from './support/client.js';
import { createFixture, type Fixture } from './support/fixture.js';
import { closedPortUrl } from './support/upstream.js';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(MAIN), '../..');

interface Child {
  port: number;
  /** stdout so far, split into lines. */
  lines(): string[];
}

const running: { child: ChildProcess; fixture: Fixture }[] = [];
afterEach(async () => {
  for (const { child, fixture } of running.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    await fixture.remove();
  }
});

/** Starts the BFF with `env` and waits for its "BFF listening" line, in whichever format. */
async function start(env: Record<string, string>): Promise<Child> {
  ensureBuilt();
  const down = await closedPortUrl();
  const fixture = await createFixture({ downUrl: down });
  // No plugin call is made: the upstream is a closed loopback port.
  const child = spawn(process.execPath, [MAIN], { cwd: ROOT, env: bffEnv(fixture, { UPSTREAM_URL: down, ...env }), stdio: ['ignore', 'pipe', 'pipe'] });
  running.push({ child, fixture });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "BFF listening" line within 30 s:\n${out}\n${err}`)), 30_000);
    const check = () => {
      const line = out.split('\n').find((l) => l.includes('BFF listening'));
      const port = line?.match(/"port":(\d+)/)?.[1];
      if (port) {
        clearTimeout(timer);
        resolve(Number(port));
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => reject(new Error(`the BFF exited (${code}):\n${out}\n${err}`)));
  });
  return { port, lines: () => out.split('\n').filter(Boolean) };
}

/**
 * The requests of one page load and its API use: static ones and the rest. On a keep-alive
 * connection, as a browser's: with `Connection: close` the client may close the socket before
 * the server sees its response finish, and a cut response is logged at info by design.
 */
async function traffic(port: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const cookie = await devLogin(port);
    const answers = [];
    for (const [p, headers] of [
      ['/', {}],
      ['/assets/app-1a2b3c.js', {}],
      ['/assets/missing-000000.js', {}],
      ['/api/plugins/bundle?entry=hello@1.0.0&id=hello', { cookie }],
      ['/api/plugins/manifests', { cookie }],
      ['/healthz', {}],
    ] as const) {
      answers.push(await call(port, { path: p, headers, agent }));
    }
    expect(answers.map((a) => a.status)).toEqual([200, 200, 404, 200, 200, 200]);
  } finally {
    agent.destroy();
  }
}

/** Waits until `count` request lines are out (lines are written when the response closes). */
async function requestLines(child: Child, count: number, isRequest: (line: string) => boolean): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  while (child.lines().filter(isRequest).length < count) {
    if (Date.now() > deadline) throw new Error(`only ${child.lines().filter(isRequest).length} of ${count} request lines:\n${child.lines().join('\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return child.lines().filter(isRequest);
}

const PRETTY = /^\[\d\d:\d\d:\d\d\.\d{3}\] (DEBUG|INFO|WARN|ERROR): (.+?)(?: (\{.*\}))?$/;

describe('log format and request log levels (node dist/server/main.js)', () => {
  it('LOG_FORMAT=pretty: pino-pretty lines, static assets at DEBUG, the rest at INFO', async () => {
    const child = await start({ LOG_FORMAT: 'pretty', LOG_LEVEL: 'debug' });
    await traffic(child.port);
    const lines = await requestLines(child, 7, (l) => / request \{/.test(l));
    // Every line of the process is a pretty one, none a JSON object.
    for (const line of child.lines()) {
      expect(line, line).toMatch(PRETTY);
      expect(() => JSON.parse(line)).toThrow();
    }
    const levels = Object.fromEntries(
      lines.map((l) => {
        const [, level, , fields] = PRETTY.exec(l) ?? [];
        const { path: p, status } = JSON.parse(fields ?? '{}') as { path: string; status: number };
        return [`${p} ${status}`, level];
      }),
    );
    expect(levels).toEqual({
      '/auth/dev/login 204': 'INFO',
      '/ 200': 'DEBUG',
      '/assets/app-1a2b3c.js 200': 'DEBUG',
      '/assets/missing-000000.js 404': 'INFO',
      '/api/plugins/bundle 200': 'DEBUG',
      '/api/plugins/manifests 200': 'INFO',
      '/healthz 200': 'INFO',
    });
    // Redaction holds in the pretty format too: the session cookie is never printed.
    expect(child.lines().join('\n')).not.toMatch(/experience_session=|cookie":"[^[]/);
  });

  it('by default without a terminal (development too): one JSON object per line; LOG_LEVEL=info leaves static assets out', async () => {
    const child = await start({ NODE_ENV: 'development', LOG_FORMAT: '', LOG_LEVEL: 'info' });
    await traffic(child.port);
    // A last request once the others are answered: its line out means theirs are out (lines are written in order).
    expect((await call(child.port, { path: '/readyz' })).status).toBe(200);
    await requestLines(child, 5, (l) => l.includes('"msg":"request"'));
    const parsed = child.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.every((l) => typeof l.level === 'string' && typeof l.time === 'number')).toBe(true);
    const requests = parsed.filter((l) => l.msg === 'request');
    expect(requests.map((l) => `${String(l.path)} ${String(l.status)} ${String(l.level)}`).sort()).toEqual([
      '/api/plugins/manifests 200 info',
      '/assets/missing-000000.js 404 info',
      '/auth/dev/login 204 info',
      '/healthz 200 info',
      '/readyz 200 info',
    ]);
  });

  it('JSON at LOG_LEVEL=debug: the static asset lines are there, at "debug"', async () => {
    const child = await start({ LOG_LEVEL: 'debug' });
    await traffic(child.port);
    const lines = await requestLines(child, 7, (l) => l.includes('"msg":"request"'));
    const levels = lines.map((l) => JSON.parse(l) as Record<string, unknown>).map((l) => `${String(l.route)} ${String(l.status)} ${l.route === 'login' ? '' : `${String(l.outcome)} `}${String(l.level)}`);
    expect(levels.sort()).toEqual([
      'bundle 200 completed debug',
      'healthz 200 completed info',
      'login 204 info',
      'manifests 200 completed info',
      'web 200 completed debug',
      'web 200 completed debug',
      'web 404 completed info',
    ]);
  });
});
