/**
 * Plugin API answers are data for fetch() and XHR, never a script, style, document, frame,
 * worker or manifest: a browser that says it would use the answer as one (`Sec-Fetch-Dest`)
 * is refused before the policy or the upstream see the request. An allow-list, so
 * destinations the Fetch standard adds later are refused too.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { NotAllowedError } from '../errors.js';
import type { GuardStep } from '../pipeline/index.js';

/** What fetch() and XHR send. No header at all (older browsers, non-browser clients) is also allowed. */
const ALLOWED = 'empty';

/**
 * Throws `forbidden_fetch_destination` (403) unless `Sec-Fetch-Dest` is absent or exactly `empty`.
 * A repeated header arrives joined (`empty, script`) and is refused.
 */
export function checkFetchDestination(headers: IncomingHttpHeaders): void {
  const dest = headers['sec-fetch-dest'];
  if (dest === undefined || dest === ALLOWED) return;
  throw new NotAllowedError('forbidden_fetch_destination', 'Plugin API answers cannot be loaded as a script, style, document, frame or worker');
}

/** The fetch-destination step of the plugin-call route: before the policy, the rate limit and the upstream. */
export const fetchDestinationStep: GuardStep = {
  name: 'fetch-destination',
  run(ctx) {
    checkFetchDestination(ctx.req.headers);
  },
};
