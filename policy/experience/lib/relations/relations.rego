# METADATA
# title: Relations for tooling
# description: >-
#   What the CLI asks about allow-lists and grants instead of restating the rules: whether one API entry or
#   topic prefix admits everything another admits (diff), whether a path or topic used in plugin code is
#   declared (harness), and whether anyone is granted a resource/action (validate). Pure functions on entries
#   shaped as in data.registry, built on lib.paths and lib.grants.
package experience.lib.relations

import data.experience.lib.grants
import data.experience.lib.paths

# A stand-in for a computed path segment: a path may hold "*" (RFC 3986 sub-delims; lib/paths admits it) but no
# template literal can (src/config refuses it), so only a parameter admits it.
_computed := "*"

# METADATA
# title: API entry covers
# description: >-
#   True when the API permission `outer` admits every request the API permission `inner` admits: the same
#   method; segment by segment a parameter (any segment) or the same literal; and an exact `outer` only covers an
#   exact `inner` of its length, a prefix `outer` any `inner` at least as long.
api_covers(outer, inner) if {
	paths.method_matches(outer, inner.method)
	_length_covers(outer, inner)
	every i, segment in outer.segments {
		_segment_covers(segment, inner.segments[i])
	}
}

_length_covers(outer, inner) if {
	outer.prefix == true
	count(outer.segments) <= count(inner.segments)
}

_length_covers(outer, inner) if {
	object.get(outer, "prefix", false) != true
	object.get(inner, "prefix", false) != true
	count(outer.segments) == count(inner.segments)
}

_segment_covers(outer, _) if is_string(outer.param)

_segment_covers(outer, inner) if {
	is_string(outer.literal)
	outer.literal == inner.literal
}

# METADATA
# title: SSE prefix covers
# description: >-
#   True when the SSE permission `outer` admits every topic the SSE permission `inner` admits: the topic
#   `inner.prefix` is one `outer` matches (its segments begin inner's).
sse_covers(outer, inner) if paths.topic_matches(outer, inner.prefix)

# METADATA
# title: Grant covers
# description: >-
#   True when the grant `outer` matches every resource/action the grant `inner` matches: `inner`'s resource and
#   action, read as the strings a request names, are matched by `outer` (grants.matches). A "*" in `inner` is
#   only matched by a "*" in `outer`, since no literal equals "*" for every request.
grant_covers(outer, inner) if grants.matches(outer, inner.resource, inner.action)

# METADATA
# title: Path coverage
# scope: document
# description: >-
#   How the API permissions `entries` cover a path written in plugin code, for `method` (null: any method). The
#   `pattern` is its segments: {literal: s}, {dynamic: true} (computed) or {partial: text} (text and computed
#   parts). "malformed": the literal segments make every such path malformed (paths.malformed); "declared": one
#   entry admits every value of the computed parts; "undeclared": no entry admits any; "undecided" otherwise. For
#   a pattern of literals only, "declared" is exactly what the api decision allows.
path_coverage(_, _, pattern) := "malformed" if paths.malformed(_path(_probe_all(pattern)))

path_coverage(entries, method, pattern) := _best({_entry_coverage(entry, pattern) |
	some entry in entries
	_method_fits(entry, method)
}) if {
	not paths.malformed(_path(_probe_all(pattern)))
}

# METADATA
# title: Methods a path is declared for
# description: The sorted methods of the entries that admit some value of `pattern` (path_coverage of each alone).
path_methods(entries, pattern) := sort({entry.method |
	some entry in entries
	path_coverage([entry], entry.method, pattern) in {"declared", "undecided"}
})

_method_fits(_, null)

_method_fits(entry, method) if paths.method_matches(entry, method)

_best(results) := "declared" if "all" in results

_best(results) := "undecided" if {
	not "all" in results
	"some" in results
}

_best(results) := "undeclared" if {
	not "all" in results
	not "some" in results
}

# "all": the entry admits the pattern with every computed segment a value no literal matches; "some": with each
# computed segment the template's literal where it can be that literal.
_entry_coverage(entry, pattern) := "all" if paths.template_matches(entry, _probe_all(pattern))

_entry_coverage(entry, pattern) := "some" if {
	not paths.template_matches(entry, _probe_all(pattern))
	paths.template_matches(entry, _probe_some(entry, pattern))
}

_probe_all(pattern) := [_value(segment) | some segment in pattern]

_value(segment) := segment.literal if _literal(segment)

_value(segment) := _computed if not _literal(segment)

_literal(segment) if is_string(segment.literal)

_probe_some(entry, pattern) := [_value_like(entry, i, segment) | some i, segment in pattern]

_value_like(entry, i, segment) := entry.segments[i].literal if _can_be(entry.segments[i], segment)

_value_like(entry, i, segment) := _value(segment) if not _can_be_at(entry, i, segment)

_can_be_at(entry, i, segment) if _can_be(entry.segments[i], segment)

_can_be(template, segment) if {
	is_string(template.literal)
	segment.dynamic == true
}

_can_be(template, segment) if {
	is_string(template.literal)
	is_string(segment.partial)
	contains(template.literal, segment.partial)
}

_path(segments) := concat("/", array.concat([""], segments))

# METADATA
# title: Topic coverage
# scope: document
# description: >-
#   How the SSE permissions `entries` cover a topic used in plugin code: "malformed" (paths.malformed_topic),
#   "declared" when one of them matches it (what the sse decision allows), else "undeclared".
topic_coverage(_, topic) := "malformed" if paths.malformed_topic(topic)

topic_coverage(entries, topic) := "declared" if {
	not paths.malformed_topic(topic)
	_topic_declared(entries, topic)
}

topic_coverage(entries, topic) := "undeclared" if {
	not paths.malformed_topic(topic)
	not _topic_declared(entries, topic)
}

_topic_declared(entries, topic) if {
	some entry in entries
	paths.topic_matches(entry, topic)
}

# METADATA
# title: Granted to anyone
# description: >-
#   True when some role or user in `tenant_grants` has a grant covering `resource` and `action`
#   (grants.covering).
anyone_granted(tenant_grants, resource, action) if count(grants.covering(tenant_grants, resource, action)) > 0
