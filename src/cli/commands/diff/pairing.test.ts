/**
 * Which old entry a new one is paired with: a prefix narrowed to templates is one entry narrowed,
 * never "removed" plus "added", and never paired with an entry that sat beside it unchanged.
 */
import { describe, expect, it } from 'vitest';
import { runDiff, squeeze } from '../../../../test/cli/diff-support.js';
import { pluginEntry, pluginsYaml } from '../../../../test/cli/support.js';

type Api = [string, string][];
const yaml = (api: Api, sse: string[] = []) => pluginsYaml({ localhost: [pluginEntry({ id: 'orders', api, sse })] });
const ORDERS: [string, string] = ['GET', '/api/orders'];

/** old and new allow-lists (api, sse); the findings without their positions; the exit code. */
type Row = [string, [Api, string[]], [Api, string[]], string[], number];

describe('diff: pairing old and new entries', () => {
  it.each<Row>([
    ['a prefix narrowed to a template beside an entry kept', [[ORDERS, ['GET', '/api/orders/**']], []], [[ORDERS, ['GET', '/api/orders/{id}']], []], ['- api narrowed GET /api/orders/** -> GET /api/orders/{id}'], 0],
    ['the same, the kept entry listed after', [[['GET', '/api/orders/**'], ORDERS], []], [[['GET', '/api/orders/{id}'], ORDERS], []], ['- api narrowed GET /api/orders/** -> GET /api/orders/{id}'], 0],
    ['a prefix narrowed to two templates', [[['GET', '/api/orders/**']], []], [[['GET', '/api/orders/{id}'], ['GET', '/api/orders/{id}/items']], []], ['- api narrowed GET /api/orders/** -> GET /api/orders/{id}, GET /api/orders/{id}/items'], 0],
    ['a prefix narrowed to a longer prefix', [[['GET', '/api/orders/**']], []], [[['GET', '/api/orders/{id}/**']], []], ['- api narrowed GET /api/orders/** -> GET /api/orders/{id}/**'], 0],
    ['a prefix narrowed to an exact path', [[['GET', '/api/**']], []], [[['GET', '/api/orders/7']], []], ['- api narrowed GET /api/** -> GET /api/orders/7'], 0],
    ['a prefix dropped beside an entry it covered: removed, not narrowed to it', [[['GET', '/api/orders/**'], ORDERS], []], [[ORDERS], []], ['- api removed GET /api/orders/**'], 0],
    ['a prefix added beside an entry it covers: added, not widened from it', [[['GET', '/api/orders/{id}']], []], [[['GET', '/api/orders/{id}'], ['GET', '/api/**']], []], ['+ api added GET /api/**'], 2],
    ['a template widened to a prefix beside an entry kept', [[ORDERS, ['GET', '/api/orders/{id}']], []], [[ORDERS, ['GET', '/api/orders/**']], []], ['+ api widened GET /api/orders/{id} -> GET /api/orders/** a parameter template became a prefix: every path below /api/orders is allowed'], 2],
    ['another method is no pair', [[['GET', '/api/orders/**']], []], [[['POST', '/api/orders/{id}']], []], ['+ api added POST /api/orders/{id}', '- api removed GET /api/orders/**'], 2],
    ['reordered entries are no change', [[ORDERS, ['GET', '/api/orders/{id}']], []], [[['GET', '/api/orders/{id}'], ORDERS], []], [], 0],
    ['a topic prefix narrowed to two topics', [[], ['orders']], [[], ['orders.created', 'orders.shipped']], ['- sse narrowed orders -> orders.created, orders.shipped'], 0],
    ['a topic prefix dropped beside a topic it covered', [[], ['orders', 'orders.created']], [[], ['orders.created']], ['- sse removed orders'], 0],
    ['a topic prefix shortened beside a topic kept', [[], ['orders.created', 'audit']], [[], ['orders', 'audit']], ['+ sse widened orders.created -> orders prefix shortened: more topics are allowed'], 2],
  ])('%s', async (_, [oldApi, oldSse], [newApi, newSse], findings, code) => {
    const { code: exit, lines } = await runDiff({ 'old.yaml': yaml(oldApi, oldSse), 'new.yaml': yaml(newApi, newSse) });
    expect(exit).toBe(code);
    if (findings.length === 0) return expect(lines).toEqual(['no permission changes']);
    expect(lines.slice(0, -1).map((l) => squeeze(l).replace(/ (old|new)\.yaml:\d+:\d+/, ''))).toEqual(['localhost / orders', ...findings]);
  });

  it('points a narrowing at the new entry it narrowed to', async () => {
    const after = yaml([ORDERS, ['GET', '/api/orders/{id}']]);
    const { lines } = await runDiff({ 'old.yaml': yaml([ORDERS, ['GET', '/api/orders/**']]), 'new.yaml': after });
    const line = after.split('\n').findIndex((l) => l.includes('/api/orders/{id}')) + 1;
    // The entry's value node is the map under "- ", at the method key.
    expect(lines[1]).toMatch(new RegExp(` new\\.yaml:${line - 1}:13$`));
  });
});
