import { LoaderError } from './loader-error.js';

/** The manifest names a component the bundle does not export (or exports as a non-component). */
export class MissingComponentError extends LoaderError {
  readonly component: string;

  constructor(pluginId: string, component: string, exported: readonly string[]) {
    const list = exported.length > 0 ? exported.join(', ') : 'nothing';
    super('missing_component', pluginId, `the bundle does not export a component "${component}" (it exports ${list})`);
    this.component = component;
  }
}
