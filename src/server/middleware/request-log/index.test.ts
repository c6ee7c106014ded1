import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../outcome.js';
import { requestLevel } from './index.js';

describe('requestLevel', () => {
  it.each<[string, number, Outcome, 'debug' | 'info']>([
    // Static assets served as asked: a page load fetches many.
    ['web', 200, 'completed', 'debug'],
    ['web', 304, 'completed', 'debug'],
    ['bundle', 200, 'completed', 'debug'],
    ['bundle', 304, 'completed', 'debug'],
    // Their refusals, failures and cut responses stay visible.
    ['web', 404, 'completed', 'info'],
    ['bundle', 404, 'completed', 'info'],
    ['bundle', 403, 'completed', 'info'],
    ['bundle', 409, 'completed', 'info'],
    ['web', 500, 'server_error', 'info'],
    ['bundle', 200, 'client_aborted', 'info'],
    ['web', 0, 'client_aborted', 'info'],
    // Everything else is info, whatever its status.
    ['plugin_call', 200, 'completed', 'info'],
    ['events_stream', 200, 'completed', 'info'],
    ['manifests', 200, 'completed', 'info'],
    ['login', 204, 'completed', 'info'],
    ['auth_callback', 302, 'completed', 'info'],
    ['healthz', 200, 'completed', 'info'],
    ['telemetry', 204, 'completed', 'info'],
    ['other', 200, 'completed', 'info'],
  ])('%s %i %s: %s', (route, status, outcome, level) => {
    expect(requestLevel(route, status, outcome)).toBe(level);
  });
});
