/** Readiness: the operators' detailed status and the public subset a load balancer reads. */
export {
  publicReadiness,
  readinessOf,
  type DetailedReady,
  type NotReady,
  type PublicReady,
  type Readiness,
  type ReadinessDeps,
} from './status.js';
