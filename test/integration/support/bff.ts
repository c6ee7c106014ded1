/**
 * Starts the real BFF (startServer: reloader + app + HTTP server) on a loopback port against
 * a fixture, with logs captured as parsed JSON lines.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import request from 'supertest';
import { expect } from 'vitest';
import { createLogger, loadSettings, startServer, type RunningServer, type StartOptions } from '../../../src/server/index.js';
import { createFixture, type Fixture } from './fixture.js';
import { closedPortUrl, startRecordingUpstream, type RecordingUpstream } from './upstream.js';

export const PUBLISH_TOKEN = 'test-publish-token-0123456789';
export const SESSION_KEY = 'integration-test-session-key-0123456789abcdef';

export interface TestBff {
  url: string;
  port: number;
  running: RunningServer;
  upstream: RecordingUpstream;
  fixture: Fixture;
  /** Every log line written so far, parsed. */
  logs(): Array<Record<string, unknown>>;
  /** The raw log text (to assert what never appears in it). */
  logText(): string;
  /**
   * supertest against the listening server, as the shell's own code calls it: every request
   * carries `X-Experience-Csrf: 1` (the CSRF rule's header). CSRF tests use `rawHttp()`.
   */
  http(): ReturnType<typeof request>;
  /** supertest agent against the operators' metrics listener (METRICS_PORT=0 picks its port). */
  metricsHttp(): ReturnType<typeof request>;
  /** supertest with nothing added. */
  rawHttp(): ReturnType<typeof request>;
  close(): Promise<void>;
}

/** Settings over the defaults below; a function sees the fixture first (to name its files, or change them). */
export type BffEnv = Record<string, string> | ((fixture: Fixture) => Promise<Record<string, string>>);

/** A provider on a closed loopback port (https, so production accepts it): enough for a production start-up. */
export async function unreachableProviderYaml(tenant = 'localhost'): Promise<string> {
  const port = new URL(await closedPortUrl()).port;
  return `tenants:\n  ${tenant}:\n    name: Test IdP\n    issuer: https://127.0.0.1:${port}\n    clientId: experience\n    clientSecret: { env: TEST_IDP_SECRET }\n`;
}

export interface StartBffOptions {
  /** identity.yaml for the fixture (default: no provider). */
  identity?: string;
  /** Edits the fixture's plugins.yaml before start-up (the recording upstream's URL given). */
  plugins?: (text: string, upstreamUrl: string) => string;
}

export async function startBff(envOrSetup: BffEnv = {}, extra: Partial<StartOptions> = {}, options: StartBffOptions = {}): Promise<TestBff> {
  const upstream = await startRecordingUpstream();
  const fixture = await createFixture({ downUrl: await closedPortUrl() });
  if (options.identity !== undefined) await writeFile(fixture.identityFile, options.identity);
  if (options.plugins) {
    const edit = options.plugins;
    await writeFile(fixture.pluginsFile, edit(await readFile(fixture.pluginsFile, 'utf8'), upstream.url));
  }
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  let running: RunningServer;
  try {
    const env = typeof envOrSetup === 'function' ? await envOrSetup(fixture) : envOrSetup;
    const settings = loadSettings({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      METRICS_PORT: '0',
      PLUGINS_CONFIG: fixture.pluginsFile,
      GRANTS_CONFIG: fixture.grantsFile,
      IDENTITY_CONFIG: fixture.identityFile,
      POLICY_WASM: fixture.policyFile,
      PLUGINS_ROOT: fixture.pluginsRoot,
      WEB_ROOT: fixture.webRoot,
      UPSTREAM_URL: upstream.url,
      UPSTREAM_TIMEOUT_MS: '400',
      EXPERIENCE_VERSION: '1.4.0',
      SESSION_KEYS: SESSION_KEY,
      DEV_LOGIN: 'true',
      PUBLISH_TOKEN,
      CONFIG_WATCH: 'true',
      RELOAD_DEBOUNCE_MS: '30',
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: '500',
      ...env,
    });
    const logger = createLogger({ level: settings.logLevel, destination });
    running = await startServer({ defaultMetrics: false, ...extra, settings, logger });
  } catch (error) {
    // A start that fails (the start-up error tests) leaves nothing behind either.
    await upstream.close();
    await fixture.remove();
    throw error;
  }
  const url = `http://localhost:${running.port}`;
  return {
    url,
    port: running.port,
    running,
    upstream,
    fixture,
    logs: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    logText: () => lines.join('\n'),
    http: () => withCsrfHeader(request(url)),
    rawHttp: () => request(url),
    metricsHttp: () => {
      if (running.metricsPort === undefined) throw new Error('this BFF runs without a metrics listener (METRICS_PORT=off)');
      return request(`http://127.0.0.1:${running.metricsPort}`);
    },
    async close() {
      await running.stop();
      await upstream.close();
      await fixture.remove();
    },
  };
}

const CALLS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;

/** Adds the shell's CSRF header to every request the agent starts. */
function withCsrfHeader(agent: ReturnType<typeof request>): ReturnType<typeof request> {
  const wrapped = Object.create(agent) as Record<string, unknown>;
  for (const method of CALLS) {
    const original = (agent as unknown as Record<string, (url: string) => { set(name: string, value: string): unknown }>)[method]!;
    wrapped[method] = (url: string) => original.call(agent, url).set('X-Experience-Csrf', '1');
  }
  return wrapped as unknown as ReturnType<typeof request>;
}

/** Signs in through the development provider; returns the Cookie header value. */
export async function login(bff: TestBff, user = 'alice', roles = ['member', 'dashboard-user'], host = 'localhost'): Promise<string> {
  const res = await bff.http().post('/auth/dev/login').set('Host', host).set('X-Experience-Csrf', '1').send({ user, roles });
  expect(res.status).toBe(204);
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return cookies.map((c) => c.split(';')[0]).join('; ');
}

/** The headers every response carries, whatever its status. */
export function expectSecurityHeaders(res: { headers: Record<string, unknown> }): void {
  const csp = String(res.headers['content-security-policy'] ?? '');
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).not.toContain('unsafe-eval');
  expect(csp).toContain("object-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
}

/** The CSP on every proxied answer: nothing loads, nothing runs, no framing, an opaque origin. */
export const PROXIED_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";

/**
 * The headers on a proxied answer, whatever the upstream sent: the BFF's own, exactly once
 * (a repeated header would arrive joined with ", "), with the sandboxing CSP instead of the page's.
 */
export function expectProxiedSecurityHeaders(res: { headers: Record<string, unknown> }): void {
  expect(res.headers['content-security-policy']).toBe(PROXIED_CSP);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
}

/** Polls until `check` passes (file-watch reloads have no event to await). Bounded. */
export async function eventually<T>(check: () => Promise<T> | T, what: string, attempts = 200): Promise<T> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await check();
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}: ${last instanceof Error ? last.message : String(last)}`);
}
