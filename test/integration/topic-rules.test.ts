/**
 * docs/contracts.md, "Topic rules", walked through both layers. Every example of every row, sent
 * as `GET /events/stream?<example>` for `orders` (allowed the prefixes `orders` and `stock.levels`):
 *   - the HTTP layer (request-target.ts, then parseTopicsQuery) refuses it exactly when the row says so;
 *   - the policy, asked entry by entry as the topic guard and `explain --topic` ask it, refuses it
 *     with `malformed_topic` exactly when the row says so, and explain names the same reason;
 *   - the BFF answers the row's status and code, the request log's reason is that code, and the
 *     metric counts the policy's refusals by that reason; what no rule refuses gets the decision's answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/index.js';
import type { SseDecision } from '../../src/engine/index.js';
import { parseTopicsQuery } from '../../src/server/events/topics.js';
import { targetProblem } from '../../src/server/request-target.js';
import { captureIo } from '../cli/support.js';
import { topicRules, type PathRuleExample } from '../support/path-rules.js';
import { login, startBff, type TestBff } from './support/bff.js';
import { rawRequest } from './support/raw.js';
import { openSse } from './support/sse.js';

const RULES = topicRules();
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

/** The HTTP layer's answer: request-target.ts on the whole target, then the query's framing. */
function httpLayer(query: string): string | undefined {
  if (targetProblem(`/events/stream?${query}`) !== undefined) return 'malformed_request';
  const parsed = parseTopicsQuery(query);
  return parsed.ok ? undefined : parsed.code;
}

/** The topic guard's verdict: every entry judged as sent, the first denied one decides. */
function verdict(query: string): SseDecision & { topic: string } {
  const parsed = parseTopicsQuery(query);
  if (!parsed.ok) throw new Error(`not a list: ${query}`);
  const { engine } = bff.running.reloader.current();
  const judged = parsed.topics.map((topic) => ({ topic, ...engine.sse({ tenant: 'localhost', plugin_id: 'orders', topic }) }));
  return judged.find((d) => !d.allow) ?? judged[0]!;
}

async function explainReason(topic: string): Promise<string> {
  const io = captureIo();
  const { fixture } = bff;
  await run(['explain', '--tenant', 'localhost', '--plugin', 'orders', '--topic', topic, '--json', '--config', fixture.pluginsFile,
    '--grants', fixture.grantsFile, '--policy', fixture.policyFile, '--host-version', '1.4.0'], io);
  return (JSON.parse(io.out()) as { decision: { reason: string } }).decision.reason;
}

function send(example: PathRuleExample) {
  const head = Buffer.concat([
    Buffer.from('GET /events/stream?'),
    example.bytes,
    Buffer.from(` HTTP/1.1\r\nHost: localhost\r\nCookie: ${cookie}\r\nX-Plugin-Id: orders`),
  ]);
  return rawRequest(bff.port, head);
}

describe('the documented topic rules', () => {
  it('are a table with rules for both layers and examples that no rule refuses', () => {
    expect([...new Set(RULES.map((r) => r.layer))].sort()).toEqual(['http', 'neither', 'policy']);
    for (const rule of RULES) expect(rule.code === undefined, rule.rule).toBe(rule.layer === 'neither');
    for (const rule of RULES.filter((r) => r.layer === 'policy')) expect(rule.code).toBe('malformed_topic');
  });

  it.each(cases)('HTTP layer: $name', ({ rule, example }) => {
    expect(httpLayer(example.target)).toBe(rule.layer === 'http' ? rule.code : undefined);
  });

  it.each(cases.filter((c) => c.rule.layer !== 'http'))('policy, as explain asks it: $name', async ({ rule, example }) => {
    const decision = verdict(example.target);
    if (rule.layer === 'policy') expect(decision).toMatchObject({ allow: false, reason: 'malformed_topic' });
    else expect(decision.reason).not.toBe('malformed_topic');
    expect(await explainReason(decision.topic)).toBe(decision.reason);
  });

  it.each(cases)('through the BFF: $name', async ({ rule, example }) => {
    const before = bff.logs().length;
    if (rule.layer === 'neither') {
      const decision = verdict(example.target);
      const client = await openSse(`${bff.url}/events/stream?${example.target}`, { cookie, 'x-plugin-id': 'orders' });
      client.close();
      if (decision.allow) expect(client.status).toBe(200);
      else expect([client.status, JSON.parse(client.text ?? '{}').code]).toEqual([403, decision.reason]);
      return;
    }
    const res = await send(example);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ code: rule.code, message: expect.any(String) });
    expect(bff.running.bff.streams.size, 'no stream registered').toBe(0);
    const line = bff.logs().slice(before).find((l) => l.msg === 'request');
    if (line === undefined) {
      // Node's parser refused it before the app: only a byte no target may hold.
      expect(rule.code).toBe('malformed_request');
      expect(example.bytes.some((b) => b < 0x21 || b > 0x7e)).toBe(true);
      return;
    }
    expect(line).toMatchObject({ status: 400, reason: rule.code, route: 'events_stream' });
    if (rule.layer === 'policy') expect(line).toMatchObject({ plugin: 'orders', decision: 'deny' });
  });

  it('the metric counts every policy refusal by the reason the client saw', async () => {
    const refusals = RULES.filter((r) => r.layer === 'policy').reduce((n, r) => n + r.examples.length, 0);
    const text = (await bff.metricsHttp().get('/metrics')).text;
    const counted = text.match(/^experience_sse_denied_total\{tenant="localhost",plugin="orders",reason="malformed_topic"\} (\d+)$/m);
    expect(Number(counted?.[1])).toBe(refusals);
    expect(text).not.toMatch(/experience_sse_denied_total\{[^}]*reason="invalid_topics"/);
  });
});
