/**
 * Helpers for the reload tests (test/integration/reload-fields.test.ts): a started BFF with a
 * second upstream and a frozen rate-limit clock, file edits the way editors make them, and
 * one-line requests for bundles, plugin calls, manifests and the serving revision.
 */
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { expect } from 'vitest';
import type { Io } from '../../../src/cli/index.js';
import { run } from '../../../src/cli/program.js';
import { MemoryRateLimiter } from '../../../src/server/index.js';
import { login, startBff, type TestBff } from './bff.js';
import { startRecordingUpstream, type RecordingUpstream } from './upstream.js';

export const sha256 = (bytes: Buffer | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export interface Ctx {
  b: TestBff;
  cookie: string;
  /** A second upstream service, for routing changes. */
  second: RecordingUpstream;
  /** The rate limiter's clock (ms): frozen unless a case moves it, so token counts are exact. */
  clock: { now: number };
  /** What a case's `before` hands to its `after` (a cookie, an ETag). */
  memo: Record<string, string>;
  /** Two dev servers' bundle URLs (the bundle.url cases). */
  dev: { a: string; b: string };
}

export interface Revision {
  id: number;
  policy: string;
  data: string;
  config: string;
  loadedAt: string;
}

/** Replaces the first occurrence; an edit that matches nothing is a broken test, not a no-op. */
export function replaceFirst(text: string, from: string | RegExp, to: string): string {
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit did not apply: ${String(from)}`);
  return next;
}

/** Write then rename, as editors and config tools do. */
export async function rewrite(file: string, edit: (text: string) => string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const next = edit(text);
  if (next === text) throw new Error(`the edit changed nothing in ${path.basename(file)}`);
  await writeFile(`${file}.tmp`, next);
  await rename(`${file}.tmp`, file);
}

export const plugins = (c: Ctx, from: string | RegExp, to: string) => rewrite(c.b.fixture.pluginsFile, (t) => replaceFirst(t, from, to));
export const grants = (c: Ctx, from: string | RegExp, to: string) => rewrite(c.b.fixture.grantsFile, (t) => replaceFirst(t, from, to));

export async function revision(b: TestBff): Promise<Revision> {
  return (await b.http().get('/readyz')).body.revision as Revision;
}

export async function reload(c: Ctx): Promise<void> {
  expect(await c.b.running.reloader.reload('test')).toMatchObject({ ok: true, trigger: 'test' });
}

export async function bundle(c: Ctx, id: string, version: string, host = 'localhost', cookie = c.cookie) {
  const res = await c.b
    .http()
    .get(`/api/plugins/bundle?entry=${encodeURIComponent(`${id}@${version}`)}&id=${encodeURIComponent(id)}`)
    .set('Host', host)
    .set('Cookie', cookie)
    .buffer(true)
    .parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (chunk: Buffer) => chunks.push(chunk));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
  return { status: res.status, body: res.body as Buffer, etag: res.headers.etag as string | undefined };
}

export async function expectBundle(c: Ctx, id: string, version: string, bytes: Buffer | string): Promise<void> {
  const res = await bundle(c, id, version);
  expect(res.status).toBe(200);
  expect(res.body.toString('utf8')).toBe(bytes.toString());
}

export const call = (c: Ctx, plugin: string, apiPath: string, host = 'localhost', cookie = c.cookie) =>
  c.b.http().get(apiPath).set('Host', host).set('Cookie', cookie).set('X-Plugin-Id', plugin);

/** Statuses of `n` calls in a row. */
export async function burst(c: Ctx, plugin: string, apiPath: string, n: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push((await call(c, plugin, apiPath)).status);
  return statuses;
}

export interface Manifest {
  revision: string;
  plugins: Array<{ id: string; version: string; devUrl?: string; integrity?: string; contributions: { routes: Array<{ path: string }> } }>;
}

export async function manifests(c: Ctx, host = 'localhost', cookie = c.cookie): Promise<{ status: number; body: Manifest }> {
  const res = await c.b.http().get('/api/plugins/manifests').set('Host', host).set('Cookie', cookie);
  return { status: res.status, body: res.body as Manifest };
}

/** `experience-plugins hash --write <bundle>...` against the fixture, run as a function. */
export async function hashWrite(c: Ctx, ...bundles: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const io: Io = { stdout: (t) => void (out += t), stderr: (t) => void (out += t), env: {}, cwd: c.b.fixture.dir };
  const args = ['hash', '--write', '--config', c.b.fixture.pluginsFile, '--plugins-root', c.b.fixture.pluginsRoot, ...bundles];
  const code = await run(args, io);
  return { code, out };
}

export async function metricLine(b: TestBff, name: string): Promise<string | undefined> {
  return (await b.metricsHttp().get('/metrics')).text.split('\n').find((l) => l.startsWith(`${name} `));
}

/**
 * Starts the BFF with explicit reloads (unless `env` turns watching on), a frozen clock for the
 * rate limiter, a second upstream, and a signed-in user on localhost. `close` stops all of it.
 */
export async function startCtx(dev: Ctx['dev'], env: Record<string, string> = {}): Promise<Ctx & { close(): Promise<void> }> {
  const clock = { now: 0 };
  const second = await startRecordingUpstream();
  const b = await startBff({ CONFIG_WATCH: 'false', ...env }, { limiter: new MemoryRateLimiter({ now: () => clock.now }) });
  return {
    b,
    cookie: await login(b),
    second,
    clock,
    memo: {},
    dev,
    async close() {
      await b.close();
      await second.close();
    },
  };
}

/** A loopback server answering every request with `js` (a plugin author's dev server). */
export function devServer(js: string): Promise<http.Server> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/javascript' });
    res.end(js);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
