import { describe, expect, it } from 'vitest';
import { NotAllowedError } from '../errors.js';
import { checkFetchDestination } from './fetch-destination.js';

// Every destination of the Fetch standard besides "empty", and spellings no browser sends.
const REFUSED = [
  'audio', 'audioworklet', 'document', 'embed', 'font', 'frame', 'iframe', 'image', 'json', 'manifest', 'object',
  'paintworklet', 'report', 'script', 'serviceworker', 'sharedworker', 'speculationrules', 'style', 'track', 'video',
  'webidentity', 'worker', 'xslt', '', 'EMPTY', 'Empty', ' empty', 'empty, script', 'script, empty', 'nested-document',
];

describe('checkFetchDestination', () => {
  it.each([[undefined], ['empty']])('allows %s (fetch/XHR, or no header)', (dest) => {
    expect(() => checkFetchDestination(dest === undefined ? {} : { 'sec-fetch-dest': dest })).not.toThrow();
  });

  it.each(REFUSED)('refuses %j with forbidden_fetch_destination', (dest) => {
    let thrown: unknown;
    try {
      checkFetchDestination({ 'sec-fetch-dest': dest });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(NotAllowedError);
    expect((thrown as NotAllowedError).code).toBe('forbidden_fetch_destination');
  });
});
