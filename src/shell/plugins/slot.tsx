import type { ReactNode } from 'react';
import type { WidgetRecord } from '../../loader/index.js';
import { routeLabel } from './labels.js';
import { PluginMount } from './plugin-mount.js';

export interface SlotProps {
  name: string;
  widgets: readonly WidgetRecord[] | undefined;
  /** Shown in place of the widgets when there are none here: why, in the user's words. */
  empty: ReactNode;
}

/**
 * A named place on a page where plugins contribute widgets (e.g. `dashboard.main`). Each widget
 * is a region titled by an h2, so the page's outline reads h1 > widget h2 > the widget's own content.
 */
export function Slot({ name, widgets, empty }: SlotProps) {
  const mine = (widgets ?? []).filter((w) => w.slot === name);
  return (
    <div className="slot" data-slot={name} data-testid={`slot-${name}`}>
      {mine.map((w) => {
        const key = `${w.pluginId}:${w.componentName}`;
        const titleId = `widget-${name}-${key}`.replace(/[^A-Za-z0-9_-]/g, '-');
        return (
          <article key={key} className="widget" aria-labelledby={titleId} data-testid="widget" data-plugin={w.pluginId} data-component={w.componentName}>
            <header className="widget__header">
              <h2 className="widget__title" id={titleId}>{routeLabel(`/${w.pluginId}`)}</h2>
              <span className="widget__source x-muted">{w.pluginId} · {w.componentName}</span>
            </header>
            <div className="widget__body">
              <PluginMount record={w} />
            </div>
          </article>
        );
      })}
      {mine.length === 0 && <div className="slot__empty" data-testid="slot-empty">{empty}</div>}
    </div>
  );
}
