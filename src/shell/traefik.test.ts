import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BFF_ENDPOINTS, HEALTH_ENDPOINTS } from '../config/reserved-paths.js';
import { RESERVED_PREFIXES, isReservedPath } from '../loader/index.js';

interface Router { rule: string; service: string; priority: number }
const file = new URL('../../config/traefik/dynamic.yml', import.meta.url);
const config = parse(readFileSync(file, 'utf8')) as { http: { routers: Record<string, Router>; services: Record<string, unknown> } };
const { routers, services } = config.http;

/** The prefixes a rule names with PathPrefix(`...`), negated or not. */
function prefixes(rule: string, negated: boolean): string[] {
  const re = negated ? /!PathPrefix\(`([^`]+)`\)/g : /(?<!!)PathPrefix\(`([^`]+)`\)/g;
  return [...rule.matchAll(re)].map((m) => m[1] ?? '');
}

/**
 * Evaluates a Traefik rule on a path: the subset these routers use (Path, PathPrefix, !, &&,
 * ||, parentheses). Anything else throws, so a rule this cannot read fails the test.
 */
function matches(rule: string, path: string): boolean {
  const tokens = rule.match(/Path(?:Prefix)?\(`[^`]*`\)|&&|\|\||!|\(|\)|\S/g) ?? [];
  let i = 0;
  const or = (): boolean => {
    let value = and();
    while (tokens[i] === '||') {
      i++;
      value = and() || value;
    }
    return value;
  };
  const and = (): boolean => {
    let value = unary();
    while (tokens[i] === '&&') {
      i++;
      value = unary() && value;
    }
    return value;
  };
  const unary = (): boolean => {
    const token = tokens[i++] ?? '';
    if (token === '!') return !unary();
    if (token === '(') {
      const value = or();
      if (tokens[i++] !== ')') throw new Error(`unbalanced parentheses in ${rule}`);
      return value;
    }
    const m = /^(Path|PathPrefix)\(`([^`]*)`\)$/.exec(token);
    if (!m) throw new Error(`unsupported token ${JSON.stringify(token)} in ${rule}`);
    return m[1] === 'Path' ? path === m[2] : path.startsWith(m[2] ?? '');
  };
  const value = or();
  if (i !== tokens.length) throw new Error(`trailing tokens in ${rule}`);
  return value;
}

/** The router Traefik picks for a path: the matching one with the highest priority. */
function routed(path: string): string | undefined {
  const candidates = Object.entries(routers).filter(([, r]) => matches(r.rule, path));
  candidates.sort(([, a], [, b]) => b.priority - a.priority);
  return candidates[0]?.[0];
}

/** What the BFF's public listener answers, as Traefik should route it; /metrics (and below) is nobody's. */
function expected(path: string): string | undefined {
  if (RESERVED_PREFIXES.some((p) => path.startsWith(p)) || HEALTH_ENDPOINTS.includes(path)) return 'experience-bff';
  if (BFF_ENDPOINTS.some((e) => path === e || path.startsWith(`${e}/`))) return undefined;
  return 'experience-spa';
}

describe('Traefik routers (config/traefik/dynamic.yml)', () => {
  it('the BFF router takes exactly the reserved prefixes the shell leaves to the BFF', () => {
    expect(prefixes(routers['experience-bff']?.rule ?? '', false).sort()).toEqual([...RESERVED_PREFIXES].sort());
  });

  it('the SPA router excludes every one of them, and the BFF router wins on priority', () => {
    const spa = routers['experience-spa'];
    const excluded = prefixes(spa?.rule ?? '', true);
    for (const p of RESERVED_PREFIXES) expect(excluded).toContain(p);
    expect(spa?.rule).toMatch(/^PathPrefix\(`\/`\) &&/);
    expect(routers['experience-bff']?.priority).toBeGreaterThan(spa?.priority ?? Infinity);
  });

  it.each([
    ['/api/plugins/manifests', 'experience-bff'],
    ['/auth/session', 'experience-bff'],
    ['/events/stream', 'experience-bff'],
    ['/healthz', 'experience-bff'],
    ['/readyz', 'experience-bff'],
    ['/metrics', undefined],
    ['/metrics/', undefined],
    ['/metrics/x', undefined],
    ['/healthz/x', undefined],
    ['/readyz/', undefined],
    ['/', 'experience-spa'],
    ['/orders', 'experience-spa'],
    ['/metrics-board', 'experience-spa'],
    ['/healthzone', 'experience-spa'],
  ])('routes %s to %s', (path, router) => {
    expect(routed(path)).toBe(router);
  });

  it('routes only health publicly: /metrics is no router\'s, whatever the path around it', () => {
    expect(routers['experience-bff']?.rule).not.toContain('/metrics');
    const segment = fc.constantFrom('api', 'auth', 'events', 'configs', 'stream', 'healthz', 'readyz', 'metrics', 'metrics-board', 'x', '');
    const path = fc.tuple(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.boolean()).map(([s, slash]) => `/${s.join('/')}${slash ? '/' : ''}`);
    fc.assert(fc.property(path, (p) => routed(p) === expected(p)), { numRuns: 2000 });
  });

  it('the health endpoints go to the BFF, /metrics is reserved from the shell too, every router names a defined service', () => {
    for (const p of HEALTH_ENDPOINTS) {
      expect(routers['experience-bff']?.rule).toContain(`Path(\`${p}\`)`);
      expect(routers['experience-spa']?.rule).toContain(`!Path(\`${p}\`)`);
    }
    for (const p of BFF_ENDPOINTS) expect(isReservedPath(p)).toBe(true);
    for (const r of Object.values(routers)) expect(Object.keys(services)).toContain(r.service);
  });
});
