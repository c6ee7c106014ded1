/**
 * Words for what the policy's explanations report (policy/experience/*\/explanation.rego): where an
 * allow-list entry or topic prefix differs, why a path or topic is malformed. Wording only: the
 * diagnoses come from the policy, and nothing here matches a path or topic.
 */
import type { TemplateSegment } from '../../../config/index.js';
import type { EntryDiagnosis, EntryDifference, PathMalformation, PrefixDiagnosis, PrefixDifference, TopicMalformation } from '../../../engine/index.js';
import { segmentText } from '../../shared/index.js';

/** Where an entry differs from the request, in words; `segment` is where (counting from 1). */
export function entryDifference(d: EntryDifference, segments: readonly TemplateSegment[]): { message: string; segment?: number } {
  switch (d.kind) {
    case 'method_differs':
      return { message: `the path matches but the method differs: the entry allows ${d.expected}, the request is ${String(d.actual)}` };
    case 'method_case_differs':
      return { message: `the method differs only in case: the entry has ${d.expected}, the request ${String(d.actual)} (methods are case-sensitive)` };
    case 'template_ended': {
      const last = segments.at(-1);
      const after = last === undefined ? '/' : `"${segmentText(last)}"`;
      const message = `the template ends after ${after}; the path goes on with "${d.rest.join('/')}" (only a prefix template "/**" matches below it)`;
      return { segment: d.segment, message: `segment ${d.segment}: ${message}` };
    }
    case 'path_ended':
      return { segment: d.segment, message: `segment ${d.segment}: the path ends before the template's "${segmentText(d.expected)}"` };
    case 'case_differs':
      return { segment: d.segment, message: `segment ${d.segment}: "${d.actual}" differs from "${segmentText(d.expected)}" only in case (matching is case-sensitive)` };
    case 'look_alike':
      return { segment: d.segment, message: `segment ${d.segment}: "${d.actual}" is not "${segmentText(d.expected)}": templates match whole segments, never a part of one` };
    case 'literal_differs':
      return { segment: d.segment, message: `segment ${d.segment}: the template has "${segmentText(d.expected)}", the path has "${d.actual}"` };
    case 'empty_segment':
      return { segment: d.segment, message: `segment ${d.segment}: the template's "${segmentText(d.expected)}" needs a non-empty segment` };
  }
}

/** Where a topic prefix differs from the topic, in words. */
export function prefixDifference(d: PrefixDifference): { message: string; segment?: number } {
  switch (d.kind) {
    case 'empty_prefix':
      return { message: 'the prefix is empty, and an empty prefix matches nothing' };
    case 'topic_ended':
      return { segment: d.segment, message: `segment ${d.segment}: the topic ends before the prefix's "${d.expected}" (a prefix matches itself and topics below it)` };
    case 'case_differs':
      return { segment: d.segment, message: `segment ${d.segment}: "${d.actual}" differs from "${d.expected}" only in case (matching is case-sensitive)` };
    case 'look_alike':
      return { segment: d.segment, message: `segment ${d.segment}: "${d.actual}" is not "${d.expected}": prefixes match whole dot segments, never a part of one` };
    case 'literal_differs':
      return { segment: d.segment, message: `segment ${d.segment}: the prefix has "${d.expected}", the topic has "${d.actual}"` };
  }
}

/** Why the policy calls a path malformed, in words (every reason it found, in its order). */
export function pathMalformations(list: readonly PathMalformation[]): string {
  return list.map(pathMalformation).join('; ') || 'the path is malformed';
}

function pathMalformation(m: PathMalformation): string {
  switch (m.kind) {
    case 'not_a_string':
      return 'the path is not a string';
    case 'not_absolute':
      return 'the path does not start with "/"';
    case 'forbidden':
      return m.text === '\\' ? 'the path contains a backslash' : `the path contains the encoded sequence "${m.text}"`;
    case 'empty_segment':
      return `segment ${m.segment} is empty ("//", a trailing "/", or "/" alone)`;
    case 'dot_segment':
      return `segment ${m.segment} is "${m.text}"`;
    case 'dot_segment_parameter':
      return `segment ${m.segment} is "${m.text}", a dot segment with a parameter (resolved as "${m.text.split(';')[0]}" by some servers)`;
  }
}

/** Why the policy calls a topic malformed, in words. */
export function topicMalformations(list: readonly TopicMalformation[]): string {
  return list.map(topicMalformation).join('; ') || 'the topic is malformed';
}

function topicMalformation(m: TopicMalformation): string {
  switch (m.kind) {
    case 'not_a_string':
      return 'the topic is not a string';
    case 'empty_segment':
      return `segment ${m.segment} is empty (a leading, trailing or doubled ".")`;
    case 'bad_characters':
      return `segment ${m.segment} ("${m.text}") has a character a topic segment may not have`;
  }
}

const lookAlike = (d: EntryDifference | PrefixDifference | undefined): boolean => d?.kind === 'look_alike' || d?.kind === 'case_differs';

/**
 * The entry most worth showing for a near miss: a matching path beats a partial one, then more
 * leading segments, then a look-alike first difference (`catalogue` for `catalog`), then the same
 * method, then file order.
 */
export function closestEntry(entries: readonly EntryDiagnosis[]): EntryDiagnosis | undefined {
  return [...entries].sort(
    (a, b) =>
      Number(b.path_matches) - Number(a.path_matches) ||
      b.matched_segments - a.matched_segments ||
      Number(lookAlike(b.difference)) - Number(lookAlike(a.difference)) ||
      Number(b.method_matches) - Number(a.method_matches) ||
      a.index - b.index,
  )[0];
}

/** The prefix most worth showing for a near miss: more leading segments, a look-alike, then file order. */
export function closestPrefix(prefixes: readonly PrefixDiagnosis[]): PrefixDiagnosis | undefined {
  return [...prefixes].sort(
    (a, b) =>
      Number(b.matches) - Number(a.matches) ||
      b.matched_segments - a.matched_segments ||
      Number(lookAlike(b.difference)) - Number(lookAlike(a.difference)) ||
      a.index - b.index,
  )[0];
}
