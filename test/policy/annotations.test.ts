import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_ENTRYPOINTS, CATALOGUES, parseCatalogue, type CatalogueName } from '../../src/engine/index.js';

// The policies derive each reason from the `custom.reason` of the rule that applies, pick the first in the
// entrypoint's `custom.reasons` (the precedence order), and declare how the BFF answers each in the reason
// catalogue (`experience/<area>/catalogue`). These tests hold the three to each other through `opa inspect -a`,
// with no list of reasons of their own: a reason added in Rego is checked as it is written.

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const opa = process.env.OPA ?? resolve(root, '.tools/bin/opa');

interface Annotation {
  path: { value: string }[];
  annotations: { scope: string; title?: string; description?: string; entrypoint?: boolean; custom?: Record<string, unknown> };
}

let annotations: Annotation[];

beforeAll(async () => {
  const { stdout } = await run(opa, ['inspect', '-a', '--format', 'json', resolve(root, 'policy')], { maxBuffer: 64 << 20 });
  annotations = (JSON.parse(stdout) as { annotations: Annotation[] }).annotations;
});

const pathOf = (a: Annotation) => a.path.map((p) => p.value).join('.');
const at = (path: string) => annotations.find((a) => pathOf(a) === path);
const names = Object.keys(CATALOGUES) as CatalogueName[];

/** `custom.reason` of every annotated rule under `data.experience.<prefix>`. */
function ruleReasons(prefix: string): string[] {
  return annotations
    .filter((a) => pathOf(a).startsWith(`data.experience.${prefix}`) && typeof a.annotations.custom?.reason === 'string')
    .map((a) => a.annotations.custom!.reason as string);
}

const precedence = (pkg: string) => at(`data.experience.${pkg}.decision`)?.annotations.custom?.reasons as string[] | undefined;
const catalogue = (pkg: string) => at(`data.experience.${pkg}.catalogue`)?.annotations.custom?.reasons as Record<string, unknown> | undefined;

describe('decision metadata', () => {
  it.each(['api', 'sse', 'contributions', 'authz'])('%s/decision is an entrypoint with a title and description', (pkg) => {
    const decision = at(`data.experience.${pkg}.decision`);
    expect(decision?.annotations.entrypoint).toBe(true);
    expect(decision?.annotations.title).toBeTruthy();
    expect(decision?.annotations.description).toBeTruthy();
  });

  it.each(ALL_ENTRYPOINTS)('%s is an entrypoint with a title and description in its METADATA', (entrypoint) => {
    const rule = at(`data.${entrypoint.replaceAll('/', '.')}`);
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

  it.each(names)('%s/decision lists each reason once, in precedence order', (pkg) => {
    const order = precedence(pkg);
    expect(order?.length).toBeGreaterThan(1);
    expect(new Set(order).size).toBe(order?.length);
  });

  it.each(names)('%s: every reason in the precedence comes from an annotated rule, and every rule of the package is in it', (pkg) => {
    const order = new Set(precedence(pkg));
    const anywhere = new Set([...ruleReasons(`${pkg}.`), ...ruleReasons('lib.')]);
    for (const reason of order) expect(anywhere.has(reason), `${reason}: no rule has custom.reason ${reason}`).toBe(true);
    for (const reason of ruleReasons(`${pkg}.`)) expect(order.has(reason), `${reason} is not in ${pkg}/decision's custom.reasons`).toBe(true);
  });
});

describe('reason catalogues', () => {
  it.each(names)('%s/catalogue is an entrypoint the engine accepts', (pkg) => {
    const entry = at(`data.experience.${pkg}.catalogue`);
    expect(entry?.annotations.entrypoint).toBe(true);
    expect(entry?.annotations.title).toBeTruthy();
    expect(() => parseCatalogue(pkg, catalogue(pkg))).not.toThrow();
  });

  it.each(names)('%s/catalogue answers exactly the reasons %s/decision can give', (pkg) => {
    expect(Object.keys(catalogue(pkg) ?? {}).sort()).toEqual([...(precedence(pkg) ?? [])].sort());
  });
});
