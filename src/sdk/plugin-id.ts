/**
 * A plugin id as the browser side accepts it: the SDK binds an instance to one, the loader
 * refuses a manifest without one. One pattern, so a manifest the loader accepts never makes
 * `createPluginSdk` throw when the shell mounts it.
 */
export const PLUGIN_ID = /^[a-z0-9][a-z0-9._-]*$/i;
