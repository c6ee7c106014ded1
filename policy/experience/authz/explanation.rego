# The explanation `experience-plugins explain` renders: the decision of this package, the rule that decided
# (from its METADATA) and one diagnosis per allow-list entry or grant. It restates no rule: it calls the same ones.
package experience.authz

import data.experience.lib.grants
import data.experience.lib.reasons
import data.experience.lib.registry

# METADATA
# title: Authorization explanation
# description: >-
#   {decision, rule, grants} for the input of decision. decision: as decision decides. rule: the summary
#   {reason, title, description} of the rule that decided, from its METADATA. grants: every grant of the tenant
#   that covers the resource and action (grants.covering: {kind, name, index, grant}), each with held: whether
#   the subject holds it (a role of the subject's, or the subject's id).
# entrypoint: true
explanation := {
	"decision": decision,
	"rule": reasons.deciding(_applicable, decision.reason),
	"grants": [object.union(entry, {"held": _held(entry)}) |
		some entry in grants.covering(_grants, input.resource, input.action)
	],
}

default _grants := {}

_grants := registry.tenant.grants

default _held(_) := false

_held(entry) if grants.holds(input.subject, entry)
