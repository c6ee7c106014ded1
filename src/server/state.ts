import type { Middleware, ParameterizedContext } from 'koa';
import type { Snapshot } from '../engine/state.js';

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

/** What one request learned on its way through; read by the request log and metrics. */
export interface RequestLog {
  route?: string;
  plugin?: string;
  decision?: 'allow' | 'deny';
  reason?: string;
}

export interface BffState {
  requestId: string;
  /** The one snapshot this request uses for every decision and config read. */
  snapshot?: Snapshot;
  tenant?: string;
  /** Parsed from the cookie; null when absent or invalid. */
  session?: SessionData | null;
  /** A valid session made on another tenant (403 where a session is required). */
  foreignSession?: boolean;
  /** Errors of this request are shown as an HTML page to a browser that asks for one (sign-in navigations). */
  errorPage?: boolean;
  /** Response headers set before any handler ran (security headers): never dropped or overridden. */
  baseHeaders?: ReadonlySet<string>;
  log: RequestLog;
}

export type BffContext = ParameterizedContext<BffState>;
export type BffMiddleware = Middleware<BffState>;

/** The snapshot of this request; the snapshot middleware guarantees it on every route that reads state. */
export function snapshotOf(ctx: BffContext): Snapshot {
  const snapshot = ctx.state.snapshot;
  if (!snapshot) throw new Error('snapshot middleware did not run');
  return snapshot;
}

export function tenantOf(ctx: BffContext): string {
  const tenant = ctx.state.tenant;
  if (!tenant) throw new Error('tenant middleware did not run');
  return tenant;
}

export function sessionOf(ctx: BffContext): SessionData {
  const session = ctx.state.session;
  if (!session) throw new Error('requireSession did not run');
  return session;
}
