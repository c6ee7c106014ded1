import { describe, expect, it } from 'vitest';
import { routeLabel } from '../plugins/labels.js';
import { readHostConfig } from './meta.js';

/** Just enough of a Document for readHostConfig: meta tags by name. */
function fakeDocument(meta: Record<string, string>): Document {
  return {
    querySelector: (selector: string) => {
      const name = /meta\[name="([^"]+)"\]/.exec(selector)?.[1] ?? '';
      return name in meta ? { getAttribute: () => meta[name] } : null;
    },
  } as unknown as Document;
}

describe('readHostConfig', () => {
  it('reads mode and version from the meta tags the build writes', () => {
    const doc = fakeDocument({ 'experience-mode': 'development', 'experience-version': '1.4.0' });
    expect(readHostConfig(doc, 'http://localhost:8080')).toEqual({ origin: 'http://localhost:8080', mode: 'development', version: '1.4.0' });
  });

  it('falls back to production for a missing or unknown mode: dev URLs stay refused', () => {
    expect(readHostConfig(fakeDocument({}), 'x').mode).toBe('production');
    expect(readHostConfig(fakeDocument({ 'experience-mode': 'dev' }), 'x').mode).toBe('production');
  });
});

describe('routeLabel', () => {
  it('names a route after its last segment', () => {
    expect(routeLabel('/orders')).toBe('Orders');
    expect(routeLabel('/team-health')).toBe('Team health');
    expect(routeLabel('/a/b_c')).toBe('B c');
  });
});
