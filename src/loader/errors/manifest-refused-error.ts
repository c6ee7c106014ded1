import { LoaderError } from './loader-error.js';

export type ManifestRefusal = 'invalid_manifest' | 'entry_refused' | 'dev_url_refused' | 'incompatible_plugin';

/** The loader will not import this plugin: its manifest is malformed, unsafe or incompatible. */
export class ManifestRefusedError extends LoaderError {
  constructor(code: ManifestRefusal, pluginId: string, message: string) {
    super(code, pluginId, message);
  }
}
