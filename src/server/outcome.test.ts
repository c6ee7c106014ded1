import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { markOutcome, markedOutcome, outcomeOf } from './outcome.js';

const response = (writableFinished: boolean) => ({ writableFinished }) as ServerResponse;

describe('outcomeOf', () => {
  it('is completed for a response sent whole and client_aborted for one that was not, when nothing cut it', () => {
    expect(outcomeOf(response(true))).toBe('completed');
    expect(outcomeOf(response(false))).toBe('client_aborted');
    expect(markedOutcome(response(false))).toBeUndefined();
  });

  it('is the recorded reason, even for a response that was then sent whole (a buffered answer cut upstream is a 502)', () => {
    const res = response(true);
    markOutcome(res, 'upstream_aborted');
    expect(outcomeOf(res)).toBe('upstream_aborted');
  });

  it('keeps the first reason: the cause, not its effects', () => {
    const res = response(false);
    markOutcome(res, 'shutdown');
    markOutcome(res, 'upstream_aborted');
    markOutcome(res, 'server_error');
    expect(outcomeOf(res)).toBe('shutdown');
    expect(markedOutcome(res)).toBe('shutdown');
  });
});
