import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
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

describe('Traefik routers (config/traefik/dynamic.yml)', () => {
  it('the BFF router takes exactly the reserved prefixes the shell leaves to the BFF', () => {
    expect(prefixes(routers['experience-bff']?.rule ?? '', false).sort()).toEqual([...RESERVED_PREFIXES].sort());
  });

  it('the SPA router excludes every one of them, and the BFF router wins on priority', () => {
    const spa = routers['experience-spa'];
    expect(prefixes(spa?.rule ?? '', true).sort()).toEqual([...RESERVED_PREFIXES].sort());
    expect(spa?.rule).toMatch(/^PathPrefix\(`\/`\) &&/);
    expect(routers['experience-bff']?.priority).toBeGreaterThan(spa?.priority ?? Infinity);
  });

  it('the health endpoints go to the BFF too, and every router names a defined service', () => {
    for (const p of ['/healthz', '/readyz', '/metrics']) {
      expect(routers['experience-bff']?.rule).toContain(`Path(\`${p}\`)`);
      expect(routers['experience-spa']?.rule).toContain(`!Path(\`${p}\`)`);
      expect(isReservedPath(p)).toBe(true);
    }
    for (const r of Object.values(routers)) expect(Object.keys(services)).toContain(r.service);
  });
});
