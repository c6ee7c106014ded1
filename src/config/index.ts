/**
 * The configuration layer: plugins.yaml and grants.yaml -> validated model -> OPA data
 * (`data.registry`, docs/contracts.md). Everything is pure except `loadConfigFiles` and
 * `defaultHostVersion`/`defaultConfigFiles`, which read files.
 */
export type * from './types.js';
export type * from './registry-types.js';
export { ISSUE_CODES, type IssueCode } from './codes.js';
export { formatIssue, formatPath, sortIssues, type ParseResult } from './issue.js';
export { ConfigError } from './config-error.js';
export { parsePluginsConfig, type ParsePluginsOptions } from './parse-plugins.js';
export { parseGrants, type ParseGrantsOptions } from './parse-grants.js';
export { compileRegistry, compileApiPermission, compileSsePermission, satisfiesEngine, type CompileOptions } from './compile-registry.js';
export { indexApi, indexSse } from './compile-index.js';
export { dataDocumentJson, shardDataDocument, type DataDocument, type DataShard, type ShardOptions } from './data-document.js';
export { canonicalJson } from './serialize.js';
export { configDigest } from './digest.js';
export { disabledPlugins, type DisabledPlugin } from './disabled.js';
export { parseApiTemplate, type ParsedTemplate } from './path-template.js';
export { resolveBundlePath, isCleanMount, DEFAULT_BUNDLE_MOUNT } from './bundle-source.js';
export { locateBundleFile, type BundleLocation } from './bundle-locate.js';
export { loadConfigFiles, readConfigText, defaultHostVersion, defaultConfigFiles, type LoadConfigOptions, type LoadedConfig } from './load-files.js';
export { PLUGINS_SCHEMA } from './schema/plugins-schema.js';
export { GRANTS_SCHEMA } from './schema/grants-schema.js';
export { IDENTITY_SCHEMA } from './schema/identity-schema.js';
export type * from './identity-types.js';
export { ID_TOKEN_ALGORITHMS } from './identity-types.js';
export { parseIdentity, type ParseIdentityOptions } from './parse-identity.js';
export { loadIdentityFile, type LoadIdentityOptions } from './load-identity.js';
export { editDistance } from './edit-distance.js';
export { DISABLED_REASON, matches, TOPIC } from './names.js';
export { nodeOffset } from './yaml-source.js';
export { integrityOf } from './integrity.js';
