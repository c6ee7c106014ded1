/**
 * The public /readyz answers anyone, on any tenant's Host: it must say nothing about any tenant
 * or the operator's config. With two tenants, a plugin of tenant B disabled with a reason, a
 * refused (unsigned) policy bundle, a failed reload (a config error of tenant B) and the shared
 * store: the operators' listener shows all of it; the public /readyz, on A's Host, B's, an
 * unknown one or none, shows none of it (checked in the raw body text, not only its keys), only
 * ready, the revision and whether the last reload worked. The operators' /readyz wants the token.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProjectBundle, devKey, keysYaml } from '../support/opa-bundle.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { eventually, startBff, type TestBff } from './support/bff.js';
import { rawRequest } from './support/raw.js';

const TOKEN = 'readyz-exposure-token-0123456789abcdef';
const AUTH = `Bearer ${TOKEN}`;

const TENANT_B = 'acme.localhost';
const REASON = 'INC-5150 payroll export leaks rows to acme';
/** In a route path of tenant B that the config check refuses (its message quotes the path). */
const MARKER = 'zz-operator-note-7731';

interface OpsReadyz {
  ready: boolean;
  revision: Record<string, unknown>;
  lastReload: { ok: boolean; at: string; trigger: string; issues?: Array<{ code: string; file: string; path: string; message: string }> };
  reloadFailures: number;
  policyBundle?: { refused: Record<string, number>; lastRefusal?: { code: string } };
  stores?: { redis?: { state: string; since: string } };
  notices: Array<{ code: string; tenant: string; plugin: string; version: string; reason: string }>;
}

let redis: RedisServer;
let bff: TestBff;
let bundleFile = '';
let unsigned: Buffer;
let pluginIds: string[] = [];
/** plugins.yaml as the BFF started with it. */
let original = '';

const ops = async () => {
  const res = await bff.metricsHttp().get('/readyz').set('Authorization', AUTH);
  expect(res.status).toBe(200);
  return res.body as OpsReadyz;
};

beforeAll(async () => {
  const key = await devKey('RS256');
  const build = (sign: boolean) =>
    buildProjectBundle({ revision: 'rev-1', ...(sign ? { sign: key } : {}) });
  const [signed, plain] = await Promise.all([build(true), build(false)]);
  unsigned = plain;
  redis = await startRedis();
  bff = await startBff(
    async (f) => {
      bundleFile = path.join(path.dirname(f.policyFile), 'bundle.tar.gz');
      await writeFile(bundleFile, signed);
      const keysFile = path.join(f.dir, 'bundle-keys.yaml');
      await writeFile(keysFile, keysYaml({ dev: { key } }));
      return { POLICY_BUNDLE: bundleFile, POLICY_BUNDLE_KEYS: keysFile, REDIS_URL: redis.url, METRICS_TOKEN: TOKEN };
    },
    {},
    {
      plugins: (text) => {
        const from = `  ${TENANT_B}:\n    - id: hello\n`;
        if (!text.includes(from)) throw new Error(`the fixture changed: no ${JSON.stringify(from)}`);
        return text.replace(from, `${from}      disabled: { reason: "${REASON}" }\n`);
      },
    },
  );
  original = await readFile(bff.fixture.pluginsFile, 'utf8');
  pluginIds = [...new Set([...original.matchAll(/^ +- id: (\S+)$/gm)].map((m) => m[1]!))];
}, 120_000);

afterAll(async () => {
  await bff?.close();
  await redis?.close();
});

/** Every Host a client may send (A's, B's, unknown, an address), and none at all (HTTP/1.0). */
async function publicAnswers(): Promise<Array<{ how: string; status: number; text: string; headers: Record<string, unknown> }>> {
  const answers = [];
  for (const host of ['localhost', TENANT_B, `${TENANT_B}:8080`, 'unknown.example', '10.0.0.7']) {
    for (const target of ['/readyz', '/readyz?details=1']) {
      const res = await bff.http().get(target).set('Host', host).set('Authorization', AUTH);
      answers.push({ how: `${target} on Host ${host}`, status: res.status, text: res.text, headers: res.headers });
    }
  }
  const raw = await rawRequest(bff.port, 'GET /readyz HTTP/1.0');
  answers.push({ how: '/readyz with no Host', status: raw.status, text: raw.body, headers: raw.headers });
  return answers;
}

/** What the operators' view holds that the public one must not: the words themselves, and the fields' names. */
function secretsOf(status: OpsReadyz): string[] {
  const words = [
    TENANT_B,
    REASON,
    ...pluginIds,
    ...status.notices.flatMap((n) => [n.tenant, n.plugin, n.reason]),
    ...(status.lastReload.issues ?? []).flatMap((i) => [i.code, i.file, i.path, i.message, i.message.slice(0, 40)]),
    ...Object.keys(status.policyBundle?.refused ?? {}),
    ...(status.policyBundle?.lastRefusal ? [status.policyBundle.lastRefusal.code] : []),
    'policy_bundle_',
    'bundle.tar.gz',
    'plugins.yaml',
  ];
  // The trigger's value ("policy") is a field of the revision: its name is checked, not its value.
  const fields = ['"trigger"', '"issues"', '"moreIssues"', '"policyRefused"', '"reloadFailures"', '"policyBundle"', '"stores"', '"redis"', '"state"', '"notices"', '"moreNotices"', '"tenant"', '"reason"'];
  return [...new Set([...words, ...fields])].filter((s) => s !== '');
}

function expectNothingDisclosed(status: OpsReadyz, answers: Awaited<ReturnType<typeof publicAnswers>>): void {
  const secrets = secretsOf(status);
  for (const answer of answers) {
    expect(answer.status, answer.how).toBe(200);
    expect(answer.headers['cache-control'], answer.how).toBe('no-store');
    expect(JSON.parse(answer.text), answer.how).toEqual({ ready: true, revision: status.revision, lastReload: { ok: status.lastReload.ok, at: status.lastReload.at } });
    for (const secret of secrets) expect(answer.text, `${answer.how} shows ${JSON.stringify(secret)}`).not.toContain(secret);
  }
}

describe('the public /readyz discloses nothing of any tenant or the operator\'s config', () => {
  it('with a disabled plugin of tenant B and the shared store: the operators\' listener shows them, the public /readyz does not', async () => {
    const status = await ops();
    expect(status.notices).toEqual([{ code: 'plugin_disabled', tenant: TENANT_B, plugin: 'hello', version: '1.0.0', reason: REASON }]);
    expect(status.stores?.redis).toEqual({ state: 'up', since: expect.any(String) });
    expect(status.policyBundle).toMatchObject({ signed: true, revision: 'rev-1', refused: {} });
    expectNothingDisclosed(status, await publicAnswers());
  });

  it('after a refused policy bundle: its code on the operators\' listener only', async () => {
    const before = await ops();
    await writeFile(`${bundleFile}.next`, unsigned);
    await rename(`${bundleFile}.next`, bundleFile);
    await eventually(async () => {
      const now = await ops();
      expect(now.policyBundle?.refused['policy_bundle_unsigned']).toBeGreaterThan(0);
      expect(now.lastReload.at).not.toBe(before.lastReload.at);
    }, 'the refused bundle', 400);
    const status = await ops();
    expect(status.lastReload).toMatchObject({ ok: false, issues: [{ code: 'policy_bundle_unsigned', file: 'bundle.tar.gz' }] });
    expect(status.policyBundle?.lastRefusal?.code).toBe('policy_bundle_unsigned');
    expectNothingDisclosed(status, await publicAnswers());
  });

  it.each([
    ['a config error of tenant B (its message quotes the operator\'s text)', (text: string) => {
      const at = text.indexOf(`  ${TENANT_B}:\n`);
      return `${text.slice(0, at)}${text.slice(at).replace('path: /hello,', `path: /api/${MARKER},`)}`;
    }, 'reserved_route_path'],
    ['bad YAML', (text: string) => `${text}\n  ${TENANT_B}-${MARKER}: [\n`, 'yaml_syntax'],
  ])('after a reload refused for %s: the issue on the operators\' listener only', async (_what, edit, code) => {
    const failuresBefore = (await ops()).reloadFailures;
    // From the start-up text each time (renamed into place: the watcher never reads half of it).
    await writeFile(`${bff.fixture.pluginsFile}.next`, edit(original));
    await rename(`${bff.fixture.pluginsFile}.next`, bff.fixture.pluginsFile);
    await eventually(async () => expect((await ops()).reloadFailures).toBeGreaterThan(failuresBefore), 'the refused reload', 400);
    const status = await ops();
    expect(status.lastReload.ok).toBe(false);
    const issue = status.lastReload.issues?.find((i) => i.file === 'plugins.yaml' && i.code === code);
    expect(issue, JSON.stringify(status.lastReload.issues)).toBeDefined();
    if (code === 'reserved_route_path') {
      // The detailed view holds B's name (the issue's path) and the operator's own text (the message).
      expect(issue?.message).toContain(MARKER);
      expect(issue?.path).toContain(TENANT_B);
    }
    // Still the plugin notice, the refusal code and the store: the last good state serves.
    expect(status.notices).toHaveLength(1);
    expect(status.policyBundle?.refused['policy_bundle_unsigned']).toBeGreaterThan(0);
    expect(status.stores?.redis?.state).toBe('up');
    expectNothingDisclosed(status, await publicAnswers());
    for (const answer of await publicAnswers()) expect(answer.text, answer.how).not.toContain(MARKER);
  });

  it.each([
    ['no Authorization', undefined],
    ['a wrong token', `Bearer ${TOKEN.slice(0, -1)}X`],
    ['the token without the scheme', TOKEN],
  ])('the operators\' /readyz with METRICS_TOKEN set refuses %s: 401, and nothing of the status', async (_what, authorization) => {
    const req = bff.metricsHttp().get('/readyz');
    const res = await (authorization === undefined ? req : req.set('Authorization', authorization));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ code: 'invalid_token', message: 'A valid METRICS_TOKEN is required (the operators\' listener)' });
    for (const secret of [TENANT_B, REASON, '"ready"', '"revision"', '"notices"']) expect(res.text).not.toContain(secret);
  });
});
