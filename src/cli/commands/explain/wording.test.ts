import { describe, expect, it } from 'vitest';
import type { TemplateSegment } from '../../../config/index.js';
import type { EntryDiagnosis, EntryDifference } from '../../../engine/index.js';
import { closestEntry, closestPrefix, entryDifference, pathMalformations, prefixDifference, topicMalformations } from './wording.js';

// Wording only: the diagnoses come from the policy (experience/*/explanation); these pin the words.
describe('entryDifference', () => {
  const lit = (literal: string) => ({ literal });
  it.each<[EntryDifference, TemplateSegment[], string]>([
    [{ kind: 'template_ended', segment: 4, rest: ['items', '2'] }, [lit('api'), lit('orders'), { param: 'id' }], 'segment 4: the template ends after "{id}"; the path goes on with "items/2" (only a prefix template "/**" matches below it)'],
    [{ kind: 'path_ended', segment: 3, expected: { param: 'id' } }, [], 'segment 3: the path ends before the template\'s "{id}"'],
    [{ kind: 'case_differs', segment: 2, expected: lit('orders'), actual: 'Orders' }, [], 'segment 2: "Orders" differs from "orders" only in case (matching is case-sensitive)'],
    [{ kind: 'look_alike', segment: 2, expected: lit('catalog'), actual: 'catalogue' }, [], 'segment 2: "catalogue" is not "catalog": templates match whole segments, never a part of one'],
    [{ kind: 'literal_differs', segment: 1, expected: lit('api'), actual: 'x' }, [], 'segment 1: the template has "api", the path has "x"'],
    [{ kind: 'method_differs', expected: 'GET', actual: 'PUT' }, [], 'the path matches but the method differs: the entry allows GET, the request is PUT'],
    [{ kind: 'method_case_differs', expected: 'GET', actual: 'get' }, [], 'the method differs only in case: the entry has GET, the request get (methods are case-sensitive)'],
  ])('%j', (difference, segments, message) => {
    expect(entryDifference(difference, segments).message).toBe(message);
  });
});

describe('malformations and prefixes', () => {
  it('words every malformation of a path, in the policy\'s order', () => {
    expect(pathMalformations([{ kind: 'forbidden', text: '%2e' }, { kind: 'forbidden', text: '\\' }, { kind: 'dot_segment_parameter', segment: 3, text: '..;x' }])).toBe(
      'the path contains the encoded sequence "%2e"; the path contains a backslash; segment 3 is "..;x", a dot segment with a parameter (resolved as ".." by some servers)',
    );
    expect(topicMalformations([{ kind: 'empty_segment', segment: 2, text: '' }])).toBe('segment 2 is empty (a leading, trailing or doubled ".")');
    expect(prefixDifference({ kind: 'topic_ended', segment: 2, expected: 'created' }).message).toBe('segment 2: the topic ends before the prefix\'s "created" (a prefix matches itself and topics below it)');
  });
});

describe('closestEntry', () => {
  const d = (index: number, fields: Partial<EntryDiagnosis>): EntryDiagnosis => ({ index, method: 'GET', template: '/x', method_matches: true, path_matches: false, matched_segments: 0, ...fields });
  it('prefers a matching path, then more leading segments, then a look-alike, then the method, then file order', () => {
    expect(closestEntry([d(0, {}), d(1, { path_matches: true, method_matches: false })])?.index).toBe(1);
    expect(closestEntry([d(0, { matched_segments: 1 }), d(1, { matched_segments: 2 })])?.index).toBe(1);
    const differs = (kind: 'look_alike' | 'literal_differs') => ({ kind, segment: 2, expected: { literal: 'a' }, actual: 'b' }) as const;
    expect(closestEntry([d(0, { matched_segments: 1, difference: differs('literal_differs') }), d(1, { matched_segments: 1, difference: differs('look_alike') })])?.index).toBe(1);
    expect(closestEntry([d(0, { method_matches: false }), d(1, {})])?.index).toBe(1);
    expect(closestEntry([d(0, {}), d(1, {})])?.index).toBe(0);
    expect(closestEntry([])).toBeUndefined();
    expect(closestPrefix([{ index: 0, prefix: 'a', matches: false, matched_segments: 0 }, { index: 1, prefix: 'b', matches: false, matched_segments: 1 }])?.index).toBe(1);
  });
});
