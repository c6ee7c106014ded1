# The explanation `experience-plugins explain` renders: the decision of this package, the rule that decided
# (from its METADATA) and one diagnosis per allow-list entry or grant. It restates no rule: it calls the same ones.
package experience.sse

import data.experience.lib.paths
import data.experience.lib.reasons
import data.experience.lib.registry

# METADATA
# title: SSE subscription explanation
# description: >-
#   {decision, rule, topic, prefixes} for the input of decision. decision: as decision decides. rule: the summary
#   {reason, title, description} of the rule that decided, from its METADATA. topic: {malformations}
#   (paths.topic_malformations of input.topic). prefixes: when the plugin is resolved and the topic well formed
#   (else []), one diagnosis per topic prefix in file order, {index, prefix, matches, matched_segments,
#   difference?} (paths.topic_diagnosis).
# entrypoint: true
explanation := {
	"decision": decision,
	"rule": reasons.deciding(_applicable, decision.reason),
	"topic": {"malformations": paths.topic_malformations(_topic)},
	"prefixes": _diagnoses,
}

default _topic := null

_topic := input.topic

default _diagnoses := []

_diagnoses := [object.union({"index": i, "prefix": permission.prefix}, paths.topic_diagnosis(permission, input.topic)) |
	some i, permission in registry.plugin.sse
] if {
	_well_formed_topic
}
