import { describe, expect, it } from 'vitest';
import { at, runDiff, squeeze } from '../../../../test/cli/diff-support.js';
import { pluginEntry, pluginsYaml } from '../../../../test/cli/support.js';

type P = Parameters<typeof pluginEntry>[0];
const yaml = (extra: Partial<P>) => pluginsYaml({ localhost: [pluginEntry({ id: 'orders', api: [['GET', '/api/orders']], ...extra })] });
const H1 = `sha256:${'a'.repeat(64)}`;
const H2 = `sha256:${'b'.repeat(64)}`;

/** old, new, then the expected finding: sign, kind, change, what, the file and text it points at, note; the exit code. */
type Row = [Partial<P>, Partial<P>, string | null, 'old' | 'new', string, number];

async function check([before, after, finding, side, needle, code]: Row) {
  const files = { 'old.yaml': yaml(before), 'new.yaml': yaml(after) };
  const { code: exit, lines } = await runDiff(files);
  expect(exit).toBe(code);
  if (finding === null) {
    expect(lines).toEqual(['no permission changes']);
    return;
  }
  const [head, note] = finding.split(' | ');
  const where = `${side}.yaml:${at(files[`${side}.yaml`], needle)}`;
  expect(lines.map(squeeze)).toEqual(['localhost / orders', `${head} ${where}${note ? ` ${note}` : ''}`, expect.stringMatching(code === 2 ? /^1 widening, 0 other changes \(exit 2\)$/ : /^0 widenings, 1 other change$/)]);
}

describe('diff: rateLimit', () => {
  it.each<Row>([
    [{ rateLimit: [20, 40] }, { rateLimit: [30, 40] }, '+ rateLimit widened 20/s burst 40 -> 30/s burst 40 | requestsPerSecond raised: more calls reach the upstream', 'new', 'requestsPerSecond', 2],
    [{ rateLimit: [20, 40] }, { rateLimit: [20, 80] }, '+ rateLimit widened 20/s burst 40 -> 20/s burst 80 | burst raised: more calls reach the upstream', 'new', 'requestsPerSecond', 2],
    [{ rateLimit: [20, 40] }, { rateLimit: [30, 10] }, '+ rateLimit widened 20/s burst 40 -> 30/s burst 10 | requestsPerSecond raised: more calls reach the upstream', 'new', 'requestsPerSecond', 2],
    [{ rateLimit: [20, 40] }, { rateLimit: [25, 50] }, '+ rateLimit widened 20/s burst 40 -> 25/s burst 50 | requestsPerSecond and burst raised: more calls reach the upstream', 'new', 'requestsPerSecond', 2],
    [{ rateLimit: [20, 40] }, {}, '+ rateLimit removed 20/s burst 40 -> server default | the server default (RATE_LIMIT_RPS, RATE_LIMIT_BURST) applies: the file no longer bounds it', 'old', 'requestsPerSecond', 2],
    [{}, { rateLimit: [5, 5] }, "+ rateLimit changed server default -> 5/s burst 5 | replaces the server default (RATE_LIMIT_RPS, RATE_LIMIT_BURST): compare it with the deployment's", 'new', 'requestsPerSecond', 2],
    [{ rateLimit: [20, 40] }, { rateLimit: [10, 40] }, '- rateLimit narrowed 20/s burst 40 -> 10/s burst 40', 'new', 'requestsPerSecond', 0],
    [{ rateLimit: [20, 40] }, { rateLimit: [20, 40] }, null, 'new', '', 0],
  ])('%j -> %j: %s', async (...row) => check(row));
});

describe('diff: bundle.integrity', () => {
  it.each<Row>([
    [{ integrity: H1 }, { integrity: 'none' }, `+ integrity removed ${H1} -> none | the bundle is served unverified: whatever bytes are at its path run in every user's browser`, 'new', '"none"', 2],
    [{ integrity: H1 }, {}, `+ integrity removed ${H1} -> unpinned | the bundle is served unverified: whatever bytes are at its path run in every user's browser`, 'old', `"${H1}"`, 2],
    [{}, { integrity: H1 }, `- integrity narrowed unpinned -> ${H1} | the bundle is now pinned`, 'new', `"${H1}"`, 0],
    [{ integrity: 'none' }, { integrity: H1 }, `- integrity narrowed none -> ${H1} | the bundle is now pinned`, 'new', `"${H1}"`, 0],
    [{ integrity: H1 }, { integrity: H2 }, `~ integrity changed ${H1} -> ${H2} | same version 1.0.0, other bytes`, 'new', `"${H2}"`, 0],
    [{ integrity: H1 }, { integrity: H2, version: '1.1.0' }, `~ integrity changed ${H1} -> ${H2} | version 1.0.0 -> 1.1.0`, 'new', `"${H2}"`, 0],
    [{ integrity: 'none' }, {}, null, 'new', '', 0],
    [{ integrity: H1 }, { integrity: H1 }, null, 'new', '', 0],
  ])('%j -> %j: %s', async (...row) => check(row));
});

describe('diff: disabled (the kill switch)', () => {
  it.each<Row>([
    [{ disabled: 'incident 42' }, {}, '+ plugin widened disabled (incident 42) -> enabled | enabled again: its bundle, calls, streams and contributions are served', 'old', 'reason', 2],
    [{}, { disabled: 'incident 42' }, '- plugin narrowed enabled -> disabled (incident 42)', 'new', 'reason', 0],
    [{ disabled: 'incident 42' }, { disabled: 'incident 43' }, null, 'new', '', 0],
  ])('%j -> %j: %s', async (...row) => check(row));
});
