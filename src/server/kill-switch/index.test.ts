import { describe, expect, it } from 'vitest';
import type { PluginConfig, PluginsConfig } from '../../config/types.js';
import type { Snapshot, SnapshotSource } from '../../engine/state.js';
import type { Logger } from '../logger.js';
import { TEST_CONFIG, testSnapshot } from '../testing/context.js';
import { disabledOf, reportDisabledPlugins } from './index.js';

const base = TEST_CONFIG.tenants['localhost']![0]!;
const plugin = (id: string, reason?: string): PluginConfig => ({ ...base, id, ...(reason ? { disabled: { reason } } : {}) });
const config = (tenants: Record<string, PluginConfig[]>): PluginsConfig => ({ tenants, upstreams: [] });

/** A source whose snapshot the test swaps, as a reload does. */
function swappable(first: PluginsConfig) {
  let snapshot: Snapshot = testSnapshot({}, first);
  const listeners = new Set<(s: Snapshot) => void>();
  const source: SnapshotSource = {
    current: () => snapshot,
    status: () => {
      throw new Error('not used');
    },
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  const swap = (next: PluginsConfig): void => {
    snapshot = { ...testSnapshot({}, next), revision: { ...snapshot.revision, id: snapshot.revision.id + 1 } };
    for (const l of listeners) l(snapshot);
  };
  return { source, swap, listeners };
}

function recordingLogger() {
  const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg: string) => lines.push({ level, obj, msg });
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') } as unknown as Logger };
}

describe('reportDisabledPlugins', () => {
  it('logs one line per disabled plugin at start and at every swap, and one when a plugin is on again', () => {
    const { source, swap, listeners } = swappable(config({ localhost: [plugin('hello'), plugin('orders', 'INC-1')], 'acme.localhost': [plugin('hello', 'acme only')] }));
    const { lines, logger } = recordingLogger();
    const stop = reportDisabledPlugins(source, logger);
    expect(lines.map((l) => [l.level, l.obj['tenant'], l.obj['plugin'], l.obj['reason'], l.obj['revision']])).toEqual([
      ['warn', 'acme.localhost', 'hello', 'acme only', 1],
      ['warn', 'localhost', 'orders', 'INC-1', 1],
    ]);
    expect(lines[0]?.msg).toContain('plugin disabled');
    lines.length = 0;

    swap(config({ localhost: [plugin('hello', 'now this one'), plugin('orders')], 'acme.localhost': [plugin('hello', 'acme only')] }));
    expect(lines.map((l) => [l.level, l.obj['tenant'], l.obj['plugin'], l.msg.split(':')[0]])).toEqual([
      ['warn', 'acme.localhost', 'hello', 'plugin disabled'],
      ['warn', 'localhost', 'hello', 'plugin disabled'],
      ['info', 'localhost', 'orders', 'plugin enabled again'],
    ]);
    lines.length = 0;

    // A plugin removed from the file while disabled is no longer disabled either: it is reported once as on.
    swap(config({ localhost: [plugin('hello')] }));
    expect(lines.map((l) => [l.level, l.obj['tenant'], l.obj['plugin']])).toEqual([
      ['info', 'acme.localhost', 'hello'],
      ['info', 'localhost', 'hello'],
    ]);
    stop();
    expect(listeners.size).toBe(0);
  });

  it('says nothing when nothing is disabled', () => {
    const { source, swap } = swappable(config({ localhost: [plugin('hello')] }));
    const { lines, logger } = recordingLogger();
    reportDisabledPlugins(source, logger);
    swap(config({ localhost: [plugin('hello'), plugin('orders')] }));
    expect(lines).toEqual([]);
  });

  it('waits for the first swap when the source has no snapshot yet', () => {
    const { lines, logger } = recordingLogger();
    let listener: ((s: Snapshot) => void) | undefined;
    const source: SnapshotSource = {
      current: () => {
        throw new Error('none yet');
      },
      status: () => {
        throw new Error('not used');
      },
      subscribe: (l) => {
        listener = l;
        return () => undefined;
      },
    };
    reportDisabledPlugins(source, logger);
    expect(lines).toEqual([]);
    listener?.(testSnapshot({}, config({ localhost: [plugin('x', 'why')] })));
    expect(lines.map((l) => l.obj['plugin'])).toEqual(['x']);
  });
});

describe('disabledOf', () => {
  it('is computed once per config model', () => {
    const model = config({ localhost: [plugin('a', 'r')] });
    expect(disabledOf(model)).toBe(disabledOf(model));
    expect(disabledOf(model)).toEqual([{ tenant: 'localhost', plugin: 'a', version: '1.0.0', reason: 'r' }]);
  });
});
