import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.js';
import { compileRegistry } from './compile-registry.js';
import { parseGrants } from './parse-grants.js';
import { parsePluginsConfig } from './parse-plugins.js';
import type { GrantsConfig, PluginConfig, PluginsConfig } from './types.js';

const lines = (...l: string[]): string => `${l.join('\n')}\n`;

function models(): { plugins: PluginsConfig; grants: GrantsConfig } {
  const plugins = parsePluginsConfig(
    lines(
      'tenants:',
      '  localhost:',
      '    - id: orders',
      '      version: "2.1.0"',
      '      engine: { experience: ">=1.2.0 <2.0.0" }',
      '      bundle: { file: /app/plugins/orders/2.1.0/index.esm.js }',
      '      permissions:',
      '        api:',
      '          - { method: GET, path: "/api/orders/{id}" }',
      '          - { method: GET, path: /api/catalog/** }',
      '        sse: [orders, orders.created]',
      '      contributions:',
      '        routes: [{ path: /orders, component: OrdersPage, resource: orders.page, action: view }]',
      '        widgets: [{ slot: dashboard.main, component: OrdersWidget, resource: orders.widget, action: view }]',
      '    - id: legacy',
      '      version: "0.9.0"',
      '      engine: { experience: ">=0.1.0 <1.0.0" }',
      '      bundle: { file: /app/plugins/legacy/0.9.0/index.esm.js }',
      '  only-plugins.localhost: []',
    ),
    // Not production: these bundles carry no integrity, which compileRegistry never reads.
    { file: 'plugins.yaml', mode: 'test' },
  );
  const grants = parseGrants(
    lines(
      'tenants:',
      '  localhost:',
      '    roles: { dashboard-user: [{ resource: plugin.widget, action: view }] }',
      '    users: { carol: [{ resource: orders.page, action: "*" }] }',
      '  only-grants.localhost:',
      '    roles: { member: [{ resource: plugin.route, action: view }] }',
    ),
    { file: 'grants.yaml' },
  );
  if (!plugins.ok || !grants.ok) throw new Error('fixture invalid');
  return { plugins: plugins.value, grants: grants.value };
}

describe('compileRegistry', () => {
  it('produces the data.registry document of docs/contracts.md', () => {
    const { plugins, grants } = models();
    expect(compileRegistry(plugins, grants, { hostVersion: '1.4.0' })).toEqual({
      registry: {
        host_version: '1.4.0',
        tenants: {
          localhost: {
            plugins: {
              legacy: { id: 'legacy', version: '0.9.0', compatible: false, api: [], api_index: {}, sse: [], sse_index: {}, routes: [], widgets: [] },
              orders: {
                id: 'orders',
                version: '2.1.0',
                compatible: true,
                api: [
                  { method: 'GET', template: '/api/orders/{id}', prefix: false, segments: [{ literal: 'api' }, { literal: 'orders' }, { param: 'id' }] },
                  { method: 'GET', template: '/api/catalog/**', prefix: true, segments: [{ literal: 'api' }, { literal: 'catalog' }] },
                ],
                api_index: {
                  GET: {
                    exact: [[], [], [], [{ length: 3, literals: [0, 1], entries: { 'api/orders': [0] } }]],
                    prefix: [{ length: 2, literals: [0, 1], entries: { 'api/catalog': [1] } }],
                  },
                },
                sse: [
                  { prefix: 'orders', segments: ['orders'] },
                  { prefix: 'orders.created', segments: ['orders', 'created'] },
                ],
                sse_index: { orders: [0], 'orders.created': [1] },
                routes: [{ path: '/orders', component: 'OrdersPage', resource: 'orders.page', action: 'view' }],
                widgets: [{ slot: 'dashboard.main', component: 'OrdersWidget', resource: 'orders.widget', action: 'view' }],
              },
            },
            grants: {
              roles: { 'dashboard-user': [{ resource: 'plugin.widget', action: 'view' }] },
              users: { carol: [{ resource: 'orders.page', action: '*' }] },
            },
          },
          'only-grants.localhost': {
            plugins: {},
            grants: { roles: { member: [{ resource: 'plugin.route', action: 'view' }] }, users: {} },
          },
          'only-plugins.localhost': { plugins: {}, grants: { roles: {}, users: {} } },
        },
      },
    });
  });

  it('inserts keys sorted, so even plain JSON.stringify is canonical', () => {
    const { plugins, grants } = models();
    const doc = compileRegistry(plugins, grants, { hostVersion: '1.4.0' });
    expect(Object.keys(doc.registry.tenants)).toEqual(['localhost', 'only-grants.localhost', 'only-plugins.localhost']);
    expect(Object.keys(doc.registry.tenants['localhost']!.plugins)).toEqual(['legacy', 'orders']);
    expect(Object.keys(doc.registry.tenants['localhost']!.plugins['orders']!)).toEqual(['api', 'api_index', 'compatible', 'id', 'routes', 'sse', 'sse_index', 'version', 'widgets']);
  });

  it.each([
    ['1.4.0', '>=1.0.0 <2.0.0', true],
    ['1.4.0', '>=1.2.0 <2.0.0', true],
    ['1.4.0', '>=0.1.0 <1.0.0', false],
    ['2.0.0', '>=1.0.0 <2.0.0', false],
    ['1.0.0', '>=1.0.0 <2.0.0', true],
    ['2.0.0-rc.1', '>=1.0.0 <2.0.0', true],
    ['1.5.0-beta.2', '^1.4.0', true],
    ['1.4.0', '*', true],
  ])('host %s against %s: compatible %s (prereleases included)', (hostVersion, range, compatible) => {
    const plugin: PluginConfig = {
      id: 'p',
      version: '1.0.0',
      engine: { experience: range },
      bundle: { file: '/app/plugins/p/index.js' },
      permissions: { api: [], sse: [] },
      contributions: { routes: [], widgets: [] },
    };
    const doc = compileRegistry({ tenants: { t: [plugin] }, upstreams: [] }, { tenants: {} }, { hostVersion });
    expect(doc.registry.tenants['t']?.plugins['p']?.compatible).toBe(compatible);
  });

  it('refuses a host version that is not canonical semver', () => {
    for (const hostVersion of ['1.4', 'v1.4.0', '', 'latest']) {
      expect(() => compileRegistry({ tenants: {}, upstreams: [] }, { tenants: {} }, { hostVersion })).toThrow(InputError);
    }
  });

  it('does not share arrays with the model it was given', () => {
    const { plugins, grants } = models();
    const doc = compileRegistry(plugins, grants, { hostVersion: '1.4.0' });
    plugins.tenants['localhost']![0]!.contributions.routes.push({ path: '/x', component: 'X', resource: 'r', action: 'a' });
    grants.tenants['localhost']!.roles['dashboard-user']!.push({ resource: 'x', action: 'y' });
    expect(doc.registry.tenants['localhost']!.plugins['orders']!.routes).toHaveLength(1);
    expect(doc.registry.tenants['localhost']!.grants.roles['dashboard-user']).toHaveLength(1);
  });

  it('is empty but well-formed for empty configs', () => {
    expect(compileRegistry({ tenants: {}, upstreams: [] }, { tenants: {} }, { hostVersion: '1.4.0' })).toEqual({ registry: { host_version: '1.4.0', tenants: {} } });
  });
});
