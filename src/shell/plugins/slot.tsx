import type { WidgetRecord } from '../../loader/index.js';
import { routeLabel } from './labels.js';
import { PluginMount } from './plugin-mount.js';

export interface SlotProps {
  name: string;
  widgets: readonly WidgetRecord[] | undefined;
  loading: boolean;
}

/** A named place on a page where plugins contribute widgets (e.g. `dashboard.main`). */
export function Slot({ name, widgets, loading }: SlotProps) {
  const mine = (widgets ?? []).filter((w) => w.slot === name);
  return (
    <div className="slot" data-slot={name} data-testid={`slot-${name}`}>
      {mine.map((w) => (
        <article key={`${w.pluginId}:${w.componentName}`} className="widget" data-testid="widget" data-plugin={w.pluginId} data-component={w.componentName}>
          <header className="widget__header">
            <span className="widget__title">{routeLabel(`/${w.pluginId}`)}</span>
            <span className="widget__source x-muted">{w.pluginId} · {w.componentName}</span>
          </header>
          <div className="widget__body">
            <PluginMount record={w} />
          </div>
        </article>
      ))}
      {mine.length === 0 && (
        <p className="slot__empty x-muted" data-testid="slot-empty">{loading ? 'Loading widgets…' : 'No widgets here for you yet.'}</p>
      )}
    </div>
  );
}
