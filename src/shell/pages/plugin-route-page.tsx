import type { RouteRecord } from '../../loader/index.js';
import { PluginMount } from '../plugins/index.js';

/** A plugin's page: the plugin owns everything inside the frame. */
export function PluginRoutePage({ record }: { record: RouteRecord }) {
  return (
    <div className="page plugin-page" data-testid="plugin-page" data-plugin={record.pluginId} data-path={record.path}>
      <PluginMount record={record} />
    </div>
  );
}
