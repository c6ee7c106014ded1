# METADATA
# title: Plugin SSE topics
# description: Whether a plugin may subscribe to an SSE topic, by its topic-prefix allow-list in data.registry.
package experience.sse

import data.experience.lib.paths
import data.experience.lib.reasons
import data.experience.lib.registry

# METADATA
# title: SSE subscription decision
# description: >-
#   {allow, reason, matched?} for input {tenant, plugin_id, topic}. The reason is the first of custom.reasons
#   (the precedence order) whose rule applies; each rule's reason is its custom.reason. matched (the first
#   matching prefix in file order) is present only when allowed.
# entrypoint: true
# custom:
#   reasons:
#     - missing_plugin_id
#     - unknown_tenant
#     - unknown_plugin
#     - plugin_disabled
#     - incompatible_plugin
#     - malformed_topic
#     - topic_not_allowed
#     - allowed
decision := _verdict(reason) if {
	# custom.reasons of this entrypoint's (document-scoped) annotation is the precedence order
	reason := reasons.first(rego.metadata.chain(), reasons.of(_applicable))
}

_verdict("allowed") := {"allow": true, "reason": "allowed", "matched": _matched}

_verdict(reason) := {"allow": false, "reason": reason} if reason != "allowed"

# Each rule that applies contributes its summary (reasons.summary): reason, title and description.
_applicable contains rule if some rule in registry.plugin_denials

# METADATA
# title: Malformed topic
# description: The topic is not a string matching ^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$.
# custom:
#   reason: malformed_topic
_applicable contains reasons.summary(rego.metadata.rule()) if not _well_formed_topic

# METADATA
# title: Topic not allowed
# description: None of the plugin's topic prefixes matches the topic.
# custom:
#   reason: topic_not_allowed
_applicable contains reasons.summary(rego.metadata.rule()) if not _matched

# METADATA
# title: Allowed
# description: One of the plugin's topic prefixes matches the topic.
# custom:
#   reason: allowed
_applicable contains reasons.summary(rego.metadata.rule()) if _matched

# explicit, so that a missing topic is malformed too
_well_formed_topic if {
	is_string(input.topic)
	not paths.malformed_topic(input.topic)
}

# The first matching prefix, so that several matches still give one value. Only the candidates the index
# names are matched.
_matched := permissions[first].prefix if {
	permissions := registry.plugin.sse
	first := min({i |
		some i in paths.topic_candidates(registry.plugin.sse_index, input.topic)
		paths.topic_matches(permissions[i], input.topic)
	})
}
