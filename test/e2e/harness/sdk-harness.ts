// Built by the e2e suite with the same esbuild options and shared React modules as the shell, and
// loaded into a page on the BFF's origin: the SDK and the loader as they run in production.
import { QueryClient } from '@tanstack/react-query';
import { createPluginLoader } from '../../../src/loader/index.js';
import { createBatchingSink, createPluginSdk } from '../../../src/sdk/index.js';

const harness = { QueryClient, createPluginSdk, createPluginLoader, createBatchingSink };
(window as unknown as { harness: typeof harness }).harness = harness;
export type Harness = typeof harness;
