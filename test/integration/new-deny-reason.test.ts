/**
 * A policy author adds a deny reason as the README's "How to change a policy" says, in a copy of
 * policy/ (Rego and its test only, no TypeScript change), builds it as the Makefile does, and the
 * BFF serving it reports the new reason everywhere: the response body and status, the
 * X-Allowlist-Violation header the SDK keys on, the request log, the metric label and `explain`.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/index.js';
import { AllowlistViolationError, errorFromResponse } from '../../src/sdk/errors/index.js';
import { captureIo } from '../cli/support.js';
import { buildPolicyCopy } from '../support/opa.js';
import { login, startBff, type TestBff } from './support/bff.js';

/** Inserts `text` after the first line matching `after` (the edit fails loudly if the policy changed shape). */
function insertAfter(source: string, after: RegExp, text: string, file: string): string {
  const lines = source.split('\n');
  const at = lines.findIndex((line) => after.test(line));
  if (at === -1) throw new Error(`${file}: no line matches ${after}`);
  lines.splice(at + 1, 0, text);
  return lines.join('\n');
}

/** Step 1 of "How to change a policy": the rule, its METADATA, its place in the precedence, its catalogue entry. */
async function addQuarantine(policyDir: string): Promise<void> {
  const api = path.join(policyDir, 'experience/api/api.rego');
  let rego = await readFile(api, 'utf8');
  rego = insertAfter(rego, /^#\s+- incompatible_plugin$/, '#     - plugin_quarantined', 'api.rego');
  // The rule head as the policy writes its other reason rules (whatever the value built from the METADATA is).
  const head = /^(_applicable contains .+) if not _matched$/m.exec(rego)?.[1];
  if (!head) throw new Error('api.rego: no reason rule to copy the form of');
  rego += `
# METADATA
# title: Plugin quarantined
# description: The plugin is installed but quarantined by the security team; none of its calls are served.
# custom:
#   reason: plugin_quarantined
${head} if registry.plugin_id in _quarantined

_quarantined := {"hello"}
`;
  await writeFile(api, rego);

  const catalogue = path.join(policyDir, 'experience/api/catalogue.rego');
  await writeFile(
    catalogue,
    insertAfter(
      await readFile(catalogue, 'utf8'),
      /^#\s+reasons:$/,
      ['#     plugin_quarantined:', '#       http_status: 403', '#       violation: allowlist', '#       plugin_recognised: true', '#       message: This plugin is quarantined'].join('\n'),
      'catalogue.rego',
    ),
  );

  // Step 2: its test, beside it.
  await writeFile(
    path.join(policyDir, 'experience/api/quarantine_test.rego'),
    `package experience.api_test

import data.experience.api

_quarantine_registry := {"tenants": {"t": {"plugins": {"hello": {"id": "hello", "version": "1.0.0", "compatible": true, "api": []}}}}}

test_quarantined_plugin if {
	d := api.decision with input as {"tenant": "t", "plugin_id": "hello", "method": "GET", "path": "/api/x"}
		with data.registry as _quarantine_registry
	d.reason == "plugin_quarantined"
}
`,
  );
}

let dir: string;
let wasmFile: string;
let bff: TestBff;
let cookie: string;

beforeAll(async () => {
  // Steps 1-2 on a copy of policy/; then its tests (`opa test`, step 3) and the build, as the Makefile does.
  const { wasm } = await buildPolicyCopy(addQuarantine);
  dir = await mkdtemp(path.join(tmpdir(), 'xp-new-reason-'));
  wasmFile = path.join(dir, 'policy.wasm');
  await writeFile(wasmFile, wasm);
  bff = await startBff(async (fixture) => {
    await writeFile(fixture.policyFile, wasm);
    return {};
  });
  cookie = await login(bff);
}, 120_000);

afterAll(async () => {
  await bff?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const call = (plugin: string, path: string) => bff.http().get(path).set('Host', 'localhost').set('Cookie', cookie).set('X-Plugin-Id', plugin);

describe('a deny reason added in Rego alone', () => {
  it('is the body code and status the catalogue declares, with X-Allowlist-Violation, and nothing reaches the upstream', async () => {
    bff.upstream.clear();
    const res = await call('hello', '/api/hello');
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ code: 'plugin_quarantined', message: 'This plugin is quarantined' });
    expect(res.headers['x-allowlist-violation']).toBe('1');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(bff.upstream.received).toEqual([]);
  });

  it('is what the SDK reports: an AllowlistViolationError carrying the reason', async () => {
    const res = await call('hello', '/api/hello');
    const error = await errorFromResponse(new Response(JSON.stringify(res.body), { status: res.status, headers: { 'x-allowlist-violation': res.headers['x-allowlist-violation'] as string } }), {
      pluginId: 'hello',
      method: 'GET',
      url: '/api/hello',
    });
    expect(error).toBeInstanceOf(AllowlistViolationError);
    expect(error).toMatchObject({ status: 403, serverCode: 'plugin_quarantined', code: 'allowlist_violation', pluginId: 'hello' });
  });

  it('is the reason in the request log, with the plugin the policy recognised', async () => {
    await call('hello', '/api/hello');
    const line = bff.logs().filter((l) => l.msg === 'request' && l.path === '/api/hello').at(-1);
    expect(line).toMatchObject({ route: 'plugin_call', status: 403, tenant: 'localhost', plugin: 'hello', decision: 'deny', reason: 'plugin_quarantined' });
  });

  it('is the metric\'s reason label, with the plugin id as a label (the catalogue says it was recognised)', async () => {
    const text = (await bff.metricsHttp().get('/metrics')).text;
    expect(text).toMatch(/^experience_plugin_requests_total\{tenant="localhost",plugin="hello",decision="denied",reason="plugin_quarantined"\} [1-9]\d*$/m);
  });

  it('is what explain --json reports for the same request', async () => {
    const io = captureIo();
    const { fixture } = bff;
    const code = await run(['explain', '--tenant', 'localhost', '--plugin', 'hello', '--path', '/api/hello', '--json', '--config', fixture.pluginsFile,
      '--grants', fixture.grantsFile, '--policy', wasmFile, '--host-version', '1.4.0'], io);
    expect(code).toBe(1);
    expect(JSON.parse(io.out())).toMatchObject({ decision: { allow: false, reason: 'plugin_quarantined', plugin_id: 'hello' } });
  });

  it('leaves every other plugin as it was', async () => {
    const res = await call('orders', '/api/orders');
    expect(res.status).toBe(200);
    const refused = await call('orders', '/api/nothing');
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('allowlist_violation');
  });
});
