/**
 * Guard steps: what a route checks before its handler runs, declared once as data and run by
 * one runner for every route (the plugin-call path, the stream route, the BFF's own routes).
 * A step says which request state it needs and which it sets; `guarded` checks the order when
 * the routes are composed, so "the rate limit runs after the plugin guard" is a start-up error,
 * not a comment. Cheap on the hot path: a synchronous step costs one call (no closure, no
 * promise, no async frame); the runner goes asynchronous only from the first step that returns
 * a promise (I/O: a shared rate limiter, a session store).
 */
import type { BffContext, BffMiddleware, BffState } from '../state.js';

/** A field of the request state a step reads or writes. */
export type StateField = keyof BffState;

export interface GuardStep {
  /** Names the step in composition errors. */
  readonly name: string;
  /** Request state the step reads: an earlier step of the same route must set it. */
  readonly needs?: readonly StateField[];
  /** Request state the step sets. */
  readonly sets?: readonly StateField[];
  /** Checks the request; throws a typed error to refuse it. Returns a promise only when it must wait. */
  run(ctx: BffContext): void | Promise<void>;
}

/** Throws unless every step's `needs` is set by an earlier step (or by the app, `provided`). */
export function checkOrder(steps: readonly GuardStep[], provided: readonly StateField[] = []): void {
  const set = new Set<StateField>(provided);
  for (const step of steps) {
    for (const field of step.needs ?? []) {
      if (!set.has(field)) throw new Error(`guard step "${step.name}" needs ctx.state.${field}, which no earlier step sets (steps: ${steps.map((s) => s.name).join(', ')})`);
    }
    for (const field of step.sets ?? []) set.add(field);
  }
}

async function resume(steps: readonly GuardStep[], from: number, pending: Promise<void>, ctx: BffContext, handler: BffMiddleware, next: () => Promise<unknown>): Promise<unknown> {
  await pending;
  for (let i = from; i < steps.length; i++) {
    const more = (steps[i] as GuardStep).run(ctx);
    if (more !== undefined) await more;
  }
  return handler(ctx, next);
}

/**
 * The route: `steps` in order, then `handler`. A step that throws ends the request there (Koa's
 * compose turns a synchronous throw into a rejection, so the error handler sees it either way).
 *
 * @example
 * router.get('/api/plugins/manifests', guarded([snapshot, tenant, session, signedIn], manifestsRoute(deps)));
 */
export function guarded(steps: readonly GuardStep[], handler: BffMiddleware): BffMiddleware {
  checkOrder(steps);
  const list = Object.freeze([...steps]);
  const count = list.length;
  return function guardedRoute(ctx, next) {
    for (let i = 0; i < count; i++) {
      const pending = (list[i] as GuardStep).run(ctx);
      if (pending !== undefined) return resume(list, i + 1, pending, ctx, handler, next);
    }
    return handler(ctx, next);
  };
}
