# The lookups in the indexes compileRegistry() builds beside each plugin's allow-lists (docs/contracts.md,
# api_index and sse_index): they narrow the entries a decision matches to those that can match, so that its cost
# follows the few candidates rather than the length of the allow-list. Matching stays request_matches and
# topic_matches.
package experience.lib.paths

# METADATA
# title: Request candidates
# description: >-
#   The indexes of the API permissions that can match the method and path segments, looked up in the plugin's
#   api_index (docs/contracts.md) instead of scanning them: the method's permissions whose literal segments are
#   the path's at their positions, exact templates with as many segments as the path, prefix templates with at
#   most as many. Every permission that request_matches is one; request_matches still decides (a parameter
#   needs a non-empty segment). In no order: the caller takes the first in file order.
request_candidates(index, method, segments) := exact | prefix if {
	exact := {i |
		some shape in index[method].exact[count(segments)]
		some i in shape.entries[_shape_key(shape, segments)]
	}
	prefix := {i |
		some shape in index[method].prefix
		shape.length <= count(segments)
		some i in shape.entries[_shape_key(shape, segments)]
	}
}

# The path's segments at the shape's literal positions, joined as the index joins a template's literals.
_shape_key(shape, segments) := concat("/", [segments[j] | some j in shape.literals])

# METADATA
# title: Topic candidates
# description: >-
#   The indexes of the SSE permissions that can match the topic, looked up in the plugin's sse_index
#   (docs/contracts.md) instead of scanning them: those whose prefix is one of the topic's leading dot
#   segments. Every permission that topic_matches is one; topic_matches still decides. In no order.
topic_candidates(index, topic) := {i |
	parts := split(topic, ".")
	some n in numbers.range(1, count(parts))
	some i in index[concat(".", array.slice(parts, 0, n))]
}
