# METADATA
# title: Path and topic matching
# description: >-
#   Whole-segment matching of API path templates (as compiled into data.registry) against request paths,
#   and dot-segment matching of SSE topic prefixes against topics. Pure functions: no input, no data.
package experience.lib.paths

# A backslash, or an encoded "/", "\", "." or NUL, in either case, or an encoded "%" (so that a
# double-encoded "%252f" cannot become "/" in an upstream that decodes twice). Listed rather than
# lower()ed, so that no Unicode case mapping can differ between OPA and Wasm. Also the other
# printable ASCII characters RFC 3986 never allows in a path (" < > ^ ` { | }), on which servers
# disagree; the BFF refuses what is not printable ASCII before asking (docs/contracts.md, "Path rules").
_forbidden := {"\\", "%2f", "%2F", "%5c", "%5C", "%2e", "%2E", "%00", "%25", "\"", "<", ">", "^", "`", "{", "|", "}"}

_dot_segments := {"", ".", ".."}

# The characters of a topic segment: [A-Za-z0-9_-].
_topic_chars := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

# METADATA
# title: Malformed path
# scope: document
# description: >-
#   True when path is not a string, does not start with "/", has an empty, "." or ".." segment ("//", a
#   trailing "/", and "/" alone) or such a segment with a ";" parameter ("..;x"), or contains a backslash,
#   one of " < > ^ ` { | }, or %2f, %5c, %2e, %00, %25 in any case.
malformed(path) if not is_string(path)

malformed(path) if {
	is_string(path)
	not startswith(path, "/")
}

malformed(path) if {
	some segment in segments(path)
	segment in _dot_segments
}

# A dot segment with a path parameter ("..;x", ".;"): servers such as Tomcat resolve it as "..".
malformed(path) if {
	some segment in segments(path)
	split(segment, ";")[0] in {".", ".."}
	contains(segment, ";")
}

malformed(path) if {
	is_string(path)
	some text in _forbidden
	contains(path, text)
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
	segment != ""
}

# METADATA
# title: Malformed topic
# scope: document
# description: >-
#   True when topic is not a string or does not match ^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$ (checked
#   segment by segment with trim, so the Wasm module needs no regex engine).
malformed_topic(topic) if not is_string(topic)

malformed_topic(topic) if {
	is_string(topic)
	some segment in split(topic, ".")
	not _topic_segment(segment)
}

_topic_segment(segment) if {
	segment != ""
	trim(segment, _topic_chars) == ""
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
