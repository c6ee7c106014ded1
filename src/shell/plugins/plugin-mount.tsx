import { Suspense } from 'react';
import type { RouteRecord, WidgetRecord } from '../../loader/index.js';
import { useHost } from '../host/index.js';
import { Pending } from '../layout/index.js';
import { ErrorPanel } from './error-panel.js';
import { PluginBoundary } from './plugin-boundary.js';

export interface PluginMountProps {
  record: RouteRecord | WidgetRecord;
}

/**
 * Renders one contributed component with its own SDK instance as the `sdk` prop (widgets also get
 * `slot`), inside an error boundary. A record that could not resolve shows its error instead.
 */
export function PluginMount({ record }: PluginMountProps) {
  const host = useHost();
  const isWidget = 'slot' in record;
  const where = isWidget ? `widget ${record.componentName}` : `page ${record.path}`;
  const Component = record.component;
  if (record.error || !Component) {
    return <ErrorPanel pluginId={record.pluginId} where={where} error={record.error ?? new Error('no component')} level={isWidget ? 'part' : 'page'} />;
  }
  const sdk = host.sdkFor(record.pluginId);
  return (
    <PluginBoundary
      pluginId={record.pluginId}
      where={where}
      level={isWidget ? 'part' : 'page'}
      resetKey={`${record.pluginId}:${record.componentName}`}
      onError={(error) => host.reportFailure(record.pluginId, 'plugin.render_failed', error, { component: record.componentName })}
    >
      <Suspense fallback={<Pending label={isWidget ? 'Loading the widget…' : 'Loading the page…'} level={isWidget ? 'part' : 'page'} />}>
        {isWidget ? <Component sdk={sdk} slot={record.slot} /> : <Component sdk={sdk} />}
      </Suspense>
    </PluginBoundary>
  );
}
