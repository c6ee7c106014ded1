import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { createPluginSdk } from './create-sdk.js';
import { createFakeFetch, jsonResponse } from './testing/fake-fetch.js';
import type { TelemetryEvent } from './telemetry/index.js';

function make(pluginId: string, fetchImpl = createFakeFetch(() => jsonResponse(200, {})).fetch) {
  const events: TelemetryEvent[] = [];
  const sdk = createPluginSdk({
    pluginId, origin: 'https://experience.test/some/page', queryClient: new QueryClient(), fetch: fetchImpl,
    sink: { send: (e) => void events.push(e) },
  });
  return { sdk, events };
}

describe('createPluginSdk', () => {
  it('binds every part to the plugin id', async () => {
    const fake = createFakeFetch(() => jsonResponse(200, { allow: true, reason: 'granted' }));
    const { sdk, events } = make('hello', fake.fetch);
    await sdk.api.fetch('/api/hello');
    await sdk.api.json('/api/hello');
    await sdk.authz.evaluate('plugin.route', 'view');
    sdk.logger.info('hi');
    sdk.telemetry.event('e');
    expect(fake.requests.map((r) => r.headers.get('x-plugin-id'))).toEqual(['hello', 'hello', 'hello']);
    expect(events.map((e) => e.plugin)).toEqual(['hello', 'hello']);
    expect(sdk.pluginId).toBe('hello');
  });

  it('is frozen all the way down, and exposes no way to reach another instance', () => {
    const { sdk } = make('hello');
    expect(Object.isFrozen(sdk)).toBe(true);
    for (const part of [sdk.api, sdk.sse, sdk.authz, sdk.logger, sdk.telemetry]) expect(Object.isFrozen(part)).toBe(true);
    expect(() => { (sdk as { pluginId: string }).pluginId = 'orders'; }).toThrow(TypeError);
    expect(Object.keys(sdk).sort()).toEqual(['api', 'authz', 'logger', 'pluginId', 'sse', 'telemetry']);
    // Two instances share nothing mutable: changing one cannot affect the other.
    expect(make('orders').sdk.api).not.toBe(sdk.api);
  });

  it('refuses a malformed plugin id', () => {
    expect(() => make('../orders')).toThrow(/invalid plugin id/);
  });
});
