import type { Middleware, ParameterizedContext } from 'koa';

/** A signed-in user, as carried by the session cookie. */
export interface SessionData {
  /** Random id of this session (for stream caps and logout). */
  sid: string;
  user: string;
  roles: string[];
  /** The tenant host the session was made on. */
  tenant: string;
  /** Issued at / expires at, seconds since the epoch. */
  iat: number;
  exp: number;
}

/** What one request learned on its way through; only the request log and metrics read it, never a decision. */
export interface RequestLog {
  route?: string;
  plugin?: string;
  decision?: 'allow' | 'deny';
  reason?: string;
  /** The ids the decision log gave this request's decisions (`, `-separated, in order), as in X-Decision-Id. */
  decisionId?: string;
}

/**
 * What a request carries on its way through. Each guard step declares the fields it sets beside
 * its code (`declare module` of this interface, as Hono's ContextVariableMap): snapshot
 * (middleware/snapshot), tenant (middleware/tenant), session and foreignSession
 * (middleware/session), plugin (middleware/plugin-guard), topics (routes/events).
 */
export interface BffState {
  requestId: string;
  /** Errors of this request are shown as an HTML page to a browser that asks for one (sign-in navigations). */
  errorPage?: boolean;
  /** Response headers set before any handler ran (security headers): never dropped or overridden. */
  baseHeaders?: ReadonlySet<string>;
  log: RequestLog;
}

export type BffContext = ParameterizedContext<BffState>;
export type BffMiddleware = Middleware<BffState>;

export { snapshotOf } from './middleware/snapshot/index.js';
export { tenantOf } from './middleware/tenant/index.js';
export { sessionOf } from './middleware/session/index.js';
