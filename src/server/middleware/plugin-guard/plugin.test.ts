import { describe, expect, it } from 'vitest';
import { testContext } from '../../testing/context.js';
import { pluginOf, recognisedPlugin } from './plugin.js';

describe('pluginOf', () => {
  it('is the plugin a guard recognised', () => {
    const ctx = testContext();
    ctx.state.plugin = recognisedPlugin('orders');
    expect(pluginOf(ctx)).toBe('orders');
  });

  it('throws when no guard step allowed a plugin (a route wired without its guard)', () => {
    const ctx = testContext({ headers: { 'x-plugin-id': 'orders' } });
    // The header and the log's fields are not a source of the plugin.
    ctx.state.log.plugin = 'orders';
    expect(() => pluginOf(ctx)).toThrow('no guard step allowed a plugin');
  });
});
