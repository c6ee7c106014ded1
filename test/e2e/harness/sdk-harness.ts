// Built by the e2e suite with the same esbuild options and shared React modules as the shell, and
// loaded into a page on the BFF's origin: the SDK and the loader as they run in production.
import { QueryClient } from '@tanstack/react-query';
import { createPluginLoader } from '../../../src/loader/index.js';
import { createBatchingSink, createPluginSdk, type CreatePluginSdkOptions } from '../../../src/sdk/index.js';

/** One plugin's SDK on this page's origin: its own QueryClient and a sink that drops events, unless overridden. */
function sdk(pluginId: string, options: Partial<CreatePluginSdkOptions> = {}) {
  return createPluginSdk({ pluginId, origin: location.origin, queryClient: new QueryClient(), sink: { send() {} }, ...options });
}

const harness = { QueryClient, createPluginLoader, createBatchingSink, sdk };
(window as unknown as { harness: typeof harness }).harness = harness;
export type Harness = typeof harness;
