# METADATA
# title: Path and topic matching
# description: >-
#   Whole-segment matching of API path templates (as compiled into data.registry) against request paths,
#   and dot-segment matching of SSE topic prefixes against topics, with the diagnoses `explain` renders
#   (why a path or topic is malformed, where a template or prefix first differs), and the lookups in the compiled
#   indexes that narrow which entries a decision matches (candidates.rego). Pure functions: no input, no data.
package experience.lib.paths

# A backslash, or an encoded "/", "\", "." or NUL, in either case, or an encoded "%" (so that a
# double-encoded "%252f" cannot become "/" in an upstream that decodes twice). Listed rather than
# lower()ed, so that no Unicode case mapping can differ between OPA and Wasm. Also the other
# printable ASCII characters RFC 3986 never allows in a path (" < > ^ ` { | }), on which servers
# disagree; the BFF refuses what is not printable ASCII before asking (docs/contracts.md, "Path rules").
_forbidden := {"\\", "%2f", "%2F", "%5c", "%5C", "%2e", "%2E", "%00", "%25", "\"", "<", ">", "^", "`", "{", "|", "}"}

_dot_segments := {".", ".."}

# The characters of a topic segment: [A-Za-z0-9_-].
_topic_chars := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

# ASCII case folding for the look-alike diagnoses: the same in OPA and Wasm (unlike Unicode lower()).
_fold_ascii := {
	"A": "a", "B": "b", "C": "c", "D": "d", "E": "e", "F": "f", "G": "g", "H": "h", "I": "i",
	"J": "j", "K": "k", "L": "l", "M": "m", "N": "n", "O": "o", "P": "p", "Q": "q", "R": "r",
	"S": "s", "T": "t", "U": "u", "V": "v", "W": "w", "X": "x", "Y": "y", "Z": "z",
}

# METADATA
# title: Malformed path
# scope: document
# description: >-
#   True when path is not a string, does not start with "/", has an empty, "." or ".." segment ("//", a
#   trailing "/", and "/" alone) or such a segment with a ";" parameter ("..;x"), or contains a backslash,
#   one of " < > ^ ` { | }, or %2f, %5c, %2e, %00, %25 in any case: when malformations(path) is not empty.
malformed(path) if count(malformations(path)) > 0

# METADATA
# title: Path malformations
# scope: document
# description: >-
#   Why the path is malformed, one object per problem (empty when it is well formed), in this order:
#   {kind: not_a_string}; {kind: not_absolute}; {kind: forbidden, text} for each forbidden sequence it
#   contains (sorted); {kind: empty_segment | dot_segment | dot_segment_parameter, segment, text} for each
#   such segment (segment counts from 1).
malformations(path) := [{"kind": "not_a_string"}] if not is_string(path)

malformations(path) := array.flatten([_relative(path), _forbidden_in(path), _bad_segments(path)]) if {
	is_string(path)
}

_relative(path) := [{"kind": "not_absolute"} | not startswith(path, "/")]

# sort(): a set's iteration order is not the same in Wasm and in opa eval (seen with "{" and "}").
_forbidden_in(path) := [{"kind": "forbidden", "text": text} | some text in sort(_forbidden); contains(path, text)]

_bad_segments(path) := [{"kind": kind, "segment": i + 1, "text": segment} |
	some i, segment in segments(path)
	kind := _segment_problem(segment)
]

_segment_problem("") := "empty_segment"

_segment_problem(segment) := "dot_segment" if segment in _dot_segments

# A dot segment with a path parameter ("..;x", ".;"): servers such as Tomcat resolve it as "..".
_segment_problem(segment) := "dot_segment_parameter" if {
	contains(segment, ";")
	split(segment, ";")[0] in _dot_segments
}

# METADATA
# title: Path segments
# description: The segments of an absolute path, without the empty one before the leading "/".
segments(path) := array.slice(parts, 1, count(parts)) if {
	is_string(path)
	startswith(path, "/")
	parts := split(path, "/")
}

# METADATA
# title: Method matches
# description: True when the API permission's method is the method, exactly (methods are case-sensitive).
method_matches(permission, method) if permission.method == method

# METADATA
# title: Request matches
# description: >-
#   True when the API permission matches the method (method_matches) and the path segments
#   (template_matches).
request_matches(permission, method, segments) if {
	method_matches(permission, method)
	template_matches(permission, segments)
}

# METADATA
# title: Template matches
# description: >-
#   True when an API permission (`segments`, `prefix`) matches the path segments: one path segment per template
#   segment, literals exactly, `{param}` any non-empty segment; a prefix also matches anything below it.
template_matches(permission, segments) if {
	_length_fits(permission, count(segments))
	every i, pattern in permission.segments {
		_segment_matches(pattern, segments[i])
	}
}

_length_fits(permission, n) if {
	permission.prefix == true
	count(permission.segments) <= n
}

_length_fits(permission, n) if {
	object.get(permission, "prefix", false) != true
	count(permission.segments) == n
}

_segment_matches(pattern, segment) if pattern.literal == segment

_segment_matches(pattern, segment) if {
	is_string(pattern.param)
	is_string(segment)
	segment != ""
}

# METADATA
# title: Template diagnosis
# description: >-
#   How an API permission compares with path segments: {path_matches, matched_segments, difference?}.
#   matched_segments counts the leading template segments that match, in a row. difference (only when the
#   path does not match) names the first segment that differs (segment counts from 1) and how: template_ended
#   (the path goes on: rest), path_ended (the template goes on: expected), case_differs, look_alike (one
#   segment begins the other, ignoring ASCII case), literal_differs (expected, actual), empty_segment.
template_diagnosis(permission, segments) := object.union(
	{"path_matches": _template_matches_value(permission, segments), "matched_segments": n},
	_difference(permission, segments, n),
) if {
	n := _leading(permission, segments)
}

default _template_matches_value(_, _) := false

_template_matches_value(permission, segments) if template_matches(permission, segments)

_leading(permission, segments) := min(array.concat(
	[i | some i, pattern in permission.segments; not _segment_matches_at(pattern, segments, i)],
	[count(permission.segments)],
))

# a helper, so that a missing segment makes `not` true (a missing ref inside `not` would make it fail)
_segment_matches_at(pattern, segments, i) if _segment_matches(pattern, segments[i])

_difference(permission, segments, _) := {} if template_matches(permission, segments)

_difference(permission, segments, n) := {"difference": _differs(permission, segments, n)} if {
	not template_matches(permission, segments)
}

_differs(permission, segments, n) := {"kind": "template_ended", "segment": n + 1, "rest": rest} if {
	n == count(permission.segments)
	rest := array.slice(segments, n, count(segments))
}

_differs(permission, segments, n) := {"kind": "path_ended", "segment": n + 1, "expected": expected} if {
	expected := permission.segments[n]
	n >= count(segments)
}

_differs(permission, segments, n) := {
	"kind": _segment_kind(expected, actual), "segment": n + 1,
	"expected": expected, "actual": actual,
} if {
	expected := permission.segments[n]
	actual := segments[n]
}

# a parameter only differs from an empty segment
_segment_kind(expected, _) := "empty_segment" if not _literal(expected)

_segment_kind(expected, actual) := likeness(expected.literal, actual) if _literal(expected)

_literal(segment) if is_string(segment.literal)

# METADATA
# title: Likeness
# scope: document
# description: >-
#   How the segment `actual` differs from the `expected` one: case_differs (equal but for ASCII case),
#   look_alike (one begins the other, ignoring ASCII case) or literal_differs.
likeness(expected, actual) := "case_differs" if _fold(expected) == _fold(actual)

likeness(expected, actual) := "look_alike" if {
	_fold(expected) != _fold(actual)
	_begins_either(_fold(expected), _fold(actual))
}

likeness(expected, actual) := "literal_differs" if not _begins_either(_fold(expected), _fold(actual))

_begins_either(a, b) if startswith(a, b)

_begins_either(a, b) if startswith(b, a)

_fold(text) := strings.replace_n(_fold_ascii, text)

# METADATA
# title: Malformed topic
# scope: document
# description: >-
#   True when topic is not a string or does not match ^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$ (checked
#   segment by segment with trim, so the Wasm module needs no regex engine): when topic_malformations(topic)
#   is not empty.
malformed_topic(topic) if count(topic_malformations(topic)) > 0

# METADATA
# title: Topic malformations
# scope: document
# description: >-
#   Why the topic is malformed (empty when it is well formed): {kind: not_a_string}, or one
#   {kind: empty_segment | bad_characters, segment, text} per bad dot segment (segment counts from 1).
topic_malformations(topic) := [{"kind": "not_a_string"}] if not is_string(topic)

topic_malformations(topic) := [{"kind": kind, "segment": i + 1, "text": segment} |
	some i, segment in split(topic, ".")
	kind := _topic_segment_problem(segment)
] if {
	is_string(topic)
}

_topic_segment_problem("") := "empty_segment"

_topic_segment_problem(segment) := "bad_characters" if {
	segment != ""
	trim(segment, _topic_chars) != ""
}

# METADATA
# title: Topic matches
# description: >-
#   True when an SSE permission's prefix `segments` are the first segments of the topic: `orders` matches
#   `orders` and `orders.created`, never `ordersx` or `order`. An empty prefix matches nothing.
topic_matches(permission, topic) if {
	parts := split(topic, ".")
	n := count(permission.segments)
	n > 0
	n <= count(parts)
	array.slice(parts, 0, n) == permission.segments
}

# METADATA
# title: Topic diagnosis
# description: >-
#   How an SSE permission compares with a topic: {matches, matched_segments, difference?}. difference (only
#   when it does not match) names the first differing dot segment (from 1): topic_ended (expected),
#   case_differs, look_alike or literal_differs (expected, actual), or empty_prefix.
topic_diagnosis(permission, topic) := object.union(
	{"matches": _topic_matches_value(permission, topic), "matched_segments": n},
	_topic_difference(permission, topic, n),
) if {
	parts := split(topic, ".")
	n := min(array.concat(
		[i | some i, segment in permission.segments; not _same_at(segment, parts, i)],
		[count(permission.segments)],
	))
}

_same_at(segment, parts, i) if segment == parts[i]

default _topic_matches_value(_, _) := false

_topic_matches_value(permission, topic) if topic_matches(permission, topic)

_topic_difference(permission, topic, _) := {} if topic_matches(permission, topic)

_topic_difference(permission, topic, n) := {"difference": _topic_differs(permission, split(topic, "."), n)} if {
	not topic_matches(permission, topic)
}

_topic_differs(permission, _, _) := {"kind": "empty_prefix"} if count(permission.segments) == 0

_topic_differs(permission, parts, n) := {"kind": "topic_ended", "segment": n + 1, "expected": expected} if {
	expected := permission.segments[n]
	n >= count(parts)
}

_topic_differs(permission, parts, n) := {
	"kind": likeness(expected, actual), "segment": n + 1,
	"expected": expected, "actual": actual,
} if {
	expected := permission.segments[n]
	actual := parts[n]
}
