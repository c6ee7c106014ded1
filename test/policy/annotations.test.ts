import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_ENTRYPOINTS } from '../../src/engine/index.js';

// The policies derive each reason from the `custom.reason` of the rule that applies, and pick the first in the
// entrypoint's `custom.reasons` (the precedence order). These tests hold that metadata to docs/contracts.md,
// through `opa inspect -a`, so a reason cannot be renamed, dropped or reordered in one place only.

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const opa = process.env.OPA ?? resolve(root, '.tools/bin/opa');

interface Annotation {
  path: { value: string }[];
  annotations: { scope: string; title?: string; description?: string; entrypoint?: boolean; custom?: Record<string, unknown> };
}

/** Precedence order of each yes/no decision, as docs/contracts.md states it. */
const contract: Record<string, string[]> = {
  api: ['missing_plugin_id', 'unknown_tenant', 'unknown_plugin', 'incompatible_plugin', 'malformed_path', 'not_allowed', 'allowed'],
  sse: ['missing_plugin_id', 'unknown_tenant', 'unknown_plugin', 'incompatible_plugin', 'malformed_topic', 'not_allowed', 'allowed'],
  authz: ['unknown_tenant', 'granted', 'not_granted'],
};

/** Packages whose reason rules a decision shares (data.experience.lib.registry.plugin_denials). */
const shared: Record<string, string[]> = { api: ['lib.registry'], sse: ['lib.registry'], authz: [] };

let annotations: Annotation[];

beforeAll(async () => {
  const { stdout } = await run(opa, ['inspect', '-a', '--format', 'json', resolve(root, 'policy')], { maxBuffer: 64 << 20 });
  annotations = (JSON.parse(stdout) as { annotations: Annotation[] }).annotations;
});

const pathOf = (a: Annotation) => a.path.map((p) => p.value).join('.');

/** `custom.reason` of every rule annotated in data.experience.<pkg>. */
function reasonsIn(pkg: string): string[] {
  const prefix = `data.experience.${pkg}.`;
  return annotations
    .filter((a) => pathOf(a).startsWith(prefix) && typeof a.annotations.custom?.reason === 'string')
    .map((a) => a.annotations.custom!.reason as string);
}

describe('decision metadata', () => {
  it.each(['api', 'sse', 'contributions', 'authz'])('%s/decision is an entrypoint with a title and description', (pkg) => {
    const decision = annotations.find((a) => pathOf(a) === `data.experience.${pkg}.decision`);
    expect(decision?.annotations.entrypoint).toBe(true);
    expect(decision?.annotations.title).toBeTruthy();
    expect(decision?.annotations.description).toBeTruthy();
  });

  it.each(ALL_ENTRYPOINTS)('%s is an entrypoint with a title and description in its METADATA', (entrypoint) => {
    const rule = annotations.find((a) => pathOf(a) === `data.${entrypoint.replaceAll('/', '.')}`);
    expect(rule?.annotations.entrypoint).toBe(true);
    expect(rule?.annotations.title).toBeTruthy();
    expect(rule?.annotations.description).toBeTruthy();
  });

  // The explanations report the rule that decided from reasons.summary(rego.metadata.rule()): every rule
  // with a custom.reason needs the title and description that summary reads.
  it('every rule with a custom.reason has a title and a description', () => {
    const reasoned = annotations.filter((a) => typeof a.annotations.custom?.reason === 'string');
    expect(reasoned.length).toBeGreaterThan(10);
    expect(reasoned.filter((a) => !a.annotations.title || !a.annotations.description).map(pathOf)).toEqual([]);
  });

  it.each(Object.keys(contract))('%s/decision lists the contract reasons in precedence order', (pkg) => {
    const decision = annotations.find((a) => pathOf(a) === `data.experience.${pkg}.decision`);
    expect(decision?.annotations.custom?.reasons).toEqual(contract[pkg]);
  });

  it.each(Object.keys(contract))('each %s reason comes from exactly one annotated rule', (pkg) => {
    const reasons = [pkg, ...shared[pkg]!].flatMap(reasonsIn);
    expect([...reasons].sort()).toEqual([...contract[pkg]!].sort());
  });
});
