# METADATA
# title: Plugin authorization checks
# description: Whether a subject is granted a resource/action (the SDK's authz.evaluate), by the tenant's grants.
package experience.authz

import data.experience.lib.grants
import data.experience.lib.reasons
import data.experience.lib.registry

# METADATA
# title: Authorization decision
# description: >-
#   {allow, reason} for input {tenant, subject: {id, roles}, resource, action}. The reason is the first of
#   custom.reasons (the precedence order) whose rule applies; each rule's reason is its custom.reason.
# entrypoint: true
# custom:
#   reasons:
#     - unknown_tenant
#     - granted
#     - not_granted
decision := {"allow": reason == "granted", "reason": reason} if {
	# custom.reasons of this entrypoint's (document-scoped) annotation is the precedence order
	reason := reasons.first(rego.metadata.chain(), reasons.of(_applicable))
}

# Each rule that applies contributes its summary (reasons.summary): reason, title and description.

# METADATA
# title: Unknown tenant
# description: The request's tenant is not in the registry.
# custom:
#   reason: unknown_tenant
_applicable contains reasons.summary(rego.metadata.rule()) if not registry.tenant

# METADATA
# title: Granted
# description: One of the subject's roles, or the subject's id, has a grant matching the resource and action.
# custom:
#   reason: granted
_applicable contains reasons.summary(rego.metadata.rule()) if _granted

# METADATA
# title: Not granted
# description: No grant of the subject's roles or id matches the resource and action.
# custom:
#   reason: not_granted
_applicable contains reasons.summary(rego.metadata.rule()) if not _granted

_granted if grants.granted(registry.tenant.grants, input.subject, input.resource, input.action)
