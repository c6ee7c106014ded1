// An old plugin whose engine.experience range excludes host 1.4.0: the BFF never lists it.
// Its bundle is built anyway, so the configuration's bundle.file exists on disk.
import type { PluginComponentProps } from '../../../src/sdk/index.js';

export function LegacyPage({ sdk }: PluginComponentProps) {
  return (
    <section className="x-stack" data-testid="legacy-page">
      <h1>Legacy</h1>
      <p className="x-muted">If you can read this, {sdk.pluginId} was loaded by a host it does not support.</p>
    </section>
  );
}
