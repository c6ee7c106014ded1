/**
 * What the operator's kill switch (plugins.yaml `disabled`) tells operators: a log line per disabled plugin
 * for each snapshot that serves (the first, and every reload that changed something), a line when one is on
 * again, and the list the operators' /readyz shows. Reporting only: whether a plugin is refused is the policy's decision
 * (`plugin_disabled`), and nothing here reaches a browser.
 */
import { disabledPlugins, type DisabledPlugin } from '../../config/index.js';
import type { PluginsConfig } from '../../config/types.js';
import type { SnapshotSource } from '../../engine/state.js';
import type { Logger } from '../logger.js';

const lists = new WeakMap<PluginsConfig, readonly DisabledPlugin[]>();

/** The disabled plugins of a config model, computed once per model (a reload brings a new one). */
export function disabledOf(config: PluginsConfig): readonly DisabledPlugin[] {
  let list = lists.get(config);
  if (!list) {
    list = Object.freeze(disabledPlugins(config));
    lists.set(config, list);
  }
  return list;
}

const key = (d: { tenant: string; plugin: string }): string => `${d.tenant}\u0000${d.plugin}`;

/**
 * Logs the serving snapshot's disabled plugins now and after every swap; returns the unsubscribe
 * function. One line per disabled plugin (tenant, plugin, version, reason, revision); a plugin that was
 * disabled and no longer is gets one "enabled again" line.
 */
export function reportDisabledPlugins(source: SnapshotSource, logger: Logger): () => void {
  let previous = new Map<string, DisabledPlugin>();
  const report = (snapshot: ReturnType<SnapshotSource['current']>): void => {
    const now = new Map(disabledOf(snapshot.config).map((d) => [key(d), d] as const));
    const revision = snapshot.revision.id;
    for (const d of now.values()) {
      logger.warn({ tenant: d.tenant, plugin: d.plugin, version: d.version, reason: d.reason, revision }, 'plugin disabled: refused (plugin_disabled) and left out of the manifests');
    }
    for (const [k, d] of previous) {
      if (!now.has(k)) logger.info({ tenant: d.tenant, plugin: d.plugin, revision }, 'plugin enabled again');
    }
    previous = now;
  };
  try {
    report(source.current());
  } catch {
    // No snapshot yet (a test double): the first swap reports.
  }
  return source.subscribe(report);
}
