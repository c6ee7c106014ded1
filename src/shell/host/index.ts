export { createHost, SHELL_TAG, type Host } from './create-host.js';
export { HostProvider, useHost } from './host-context.js';
export { readHostConfig, type HostConfig } from './meta.js';
