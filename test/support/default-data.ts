import { dataDocumentJson, defaultHostVersion, loadConfigFiles, type Registry } from '../../src/config/index.js';

/** The data document the BFF builds from the repository's default config: as JSON text, and its registry. */
export async function defaultData(): Promise<{ dataJson: string; registry: Registry }> {
  const loaded = await loadConfigFiles({
    pluginsFile: 'config/plugins.yaml',
    grantsFile: 'config/grants.yaml',
    mode: 'production',
    hostVersion: await defaultHostVersion(),
  });
  return { dataJson: dataDocumentJson(loaded.registry), registry: loaded.registry };
}
