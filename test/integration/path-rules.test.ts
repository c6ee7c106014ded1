/**
 * docs/contracts.md, "Path rules", walked through both layers. Every example of every row, sent
 * as a plugin call of `orders` (allowed `GET /api/catalog/**`, so only a rule can refuse it):
 *   - the HTTP layer (request-target.ts) refuses it exactly when the row says so;
 *   - the policy, asked as `explain` asks it, says `malformed_path` exactly when the row says so;
 *   - the BFF answers the row's status and code, the request log's reason is that code, and the
 *     metric counts the policy's refusals by that reason; what no rule refuses is forwarded as sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/index.js';
import { targetProblem } from '../../src/server/request-target.js';
import { captureIo } from '../cli/support.js';
import { pathRules, type PathRule, type PathRuleExample } from '../support/path-rules.js';
import { login, startBff, type TestBff } from './support/bff.js';
import { rawRequest } from './support/raw.js';

const RULES = pathRules();
const cases = RULES.flatMap((rule) => rule.examples.map((example) => ({ rule, example, name: `${rule.rule}: ${example.shown.slice(0, 60)}` })));

let bff: TestBff;
let cookie: string;

beforeAll(async () => {
  bff = await startBff();
  cookie = await login(bff);
});
afterAll(async () => {
  await bff?.close();
});

function send(example: PathRuleExample) {
  const head = Buffer.concat([
    Buffer.from('GET '),
    example.bytes,
    Buffer.from(` HTTP/1.1\r\nHost: localhost\r\nCookie: ${cookie}\r\nX-Plugin-Id: orders`),
  ]);
  return rawRequest(bff.port, head);
}

/** The path the policy judges: the target without its query. */
const pathOf = (target: string) => (target.includes('?') ? target.slice(0, target.indexOf('?')) : target);

async function explainReason(path: string): Promise<string> {
  const io = captureIo();
  const { fixture } = bff;
  await run(['explain', '--tenant', 'localhost', '--plugin', 'orders', '--path', path, '--json', '--config', fixture.pluginsFile,
    '--grants', fixture.grantsFile, '--policy', fixture.policyFile, '--host-version', '1.4.0'], io);
  return (JSON.parse(io.out()) as { decision: { reason: string } }).decision.reason;
}

describe('the documented path rules', () => {
  it('are a table with rules for both layers and examples that no rule refuses', () => {
    const layers = new Set(RULES.map((r) => r.layer));
    expect([...layers].sort()).toEqual(['http', 'neither', 'policy']);
    for (const rule of RULES) expect(rule.code === undefined, rule.rule).toBe(rule.layer === 'neither');
  });

  it.each(cases)('HTTP layer: $name', ({ rule, example }) => {
    const problem = targetProblem(example.target);
    if (rule.layer === 'http') expect(problem, 'request-target.ts refuses it').toBeDefined();
    else expect(problem, 'request-target.ts lets the policy decide').toBeUndefined();
  });

  it.each(cases.filter((c) => c.rule.layer !== 'http'))('policy, as explain asks it: $name', async ({ rule, example }) => {
    const path = pathOf(example.target);
    const decision = bff.running.reloader.current().engine.api({ tenant: 'localhost', plugin_id: 'orders', method: 'GET', path });
    if (rule.layer === 'policy') expect(decision.reason).toBe('malformed_path');
    else expect(decision).toMatchObject({ allow: true, matched: 'GET /api/catalog/**' });
    expect(await explainReason(path)).toBe(decision.reason);
  });

  it.each(cases)('through the BFF: $name', async ({ rule, example }) => {
    bff.upstream.clear();
    const before = bff.logs().length;
    const res = await send(example);
    if (rule.layer === 'neither') {
      expect(res.status).toBe(200);
      // forwarded exactly as sent: nothing decoded, normalised or dropped
      expect(bff.upstream.received.map((r) => r.url)).toEqual([example.target]);
      return;
    }
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ code: rule.code, message: expect.any(String) });
    expect(bff.upstream.received).toEqual([]);
    const line = bff.logs().slice(before).find((l) => l.msg === 'request');
    if (line === undefined) {
      // Node's parser refused it before the app: only a byte no target may hold.
      expect(rule.layer).toBe('http');
      expect(example.bytes.some((b) => b < 0x21 || b > 0x7e)).toBe(true);
      return;
    }
    expect(line).toMatchObject({ status: 400, reason: rule.code });
    if (rule.layer === 'policy') expect(line).toMatchObject({ route: 'plugin_call', plugin: 'orders', decision: 'deny' });
  });

  it('the metric counts every policy refusal by the reason the client saw', async () => {
    const refusals = (rules: PathRule[]) => rules.filter((r) => r.layer === 'policy').reduce((n, r) => n + r.examples.length, 0);
    const text = (await bff.metricsHttp().get('/metrics')).text;
    const counted = text.match(/^experience_plugin_requests_total\{tenant="localhost",plugin="orders",decision="denied",reason="malformed_path"\} (\d+)$/m);
    expect(Number(counted?.[1])).toBe(refusals(RULES));
    expect(text).not.toMatch(/reason="malformed_request"/);
  });
});
