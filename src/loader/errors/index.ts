export { LoaderError } from './loader-error.js';
export { ManifestRefusedError, type ManifestRefusal } from './manifest-refused-error.js';
export { BundleLoadError } from './bundle-load-error.js';
export { MissingComponentError } from './missing-component-error.js';
export { ContributionRefusedError } from './contribution-refused-error.js';
export { DiscoveryError } from './discovery-error.js';
