# METADATA
# title: Plugin API requests
# description: >-
#   Whether a plugin may send a request (method + path) through the BFF, by its allow-list in data.registry.
package experience.api

import data.experience.lib.paths
import data.experience.lib.reasons
import data.experience.lib.registry

# METADATA
# title: API request decision
# description: >-
#   {allow, reason, plugin_id?, matched?} for input {tenant, plugin_id, method, path}. The reason is the first
#   of custom.reasons (the precedence order) whose rule applies; each rule's reason is its custom.reason.
#   plugin_id is present when input.plugin_id is a non-empty string; matched ("<METHOD> <template>", the first
#   matching entry in file order) only when allowed.
# entrypoint: true
# custom:
#   reasons:
#     - missing_plugin_id
#     - unknown_tenant
#     - unknown_plugin
#     - plugin_disabled
#     - incompatible_plugin
#     - malformed_path
#     - allowlist_violation
#     - allowed
decision := object.union(_plugin_field, _verdict(reason)) if {
	# custom.reasons of this entrypoint's (document-scoped) annotation is the precedence order
	reason := reasons.first(rego.metadata.chain(), reasons.of(_applicable))
}

_verdict("allowed") := {"allow": true, "reason": "allowed", "matched": _matched}

_verdict(reason) := {"allow": false, "reason": reason} if reason != "allowed"

default _plugin_field := {}

_plugin_field := {"plugin_id": registry.plugin_id}

# Each rule that applies contributes its summary (reasons.summary): reason, title and description.
_applicable contains rule if some rule in registry.plugin_denials

# METADATA
# title: Malformed path
# description: >-
#   The path is not a string, does not start with "/", has an empty, "." or ".." segment (also with a ";"
#   parameter, "..;x"), or contains a backslash, one of " < > ^ ` { | }, or an encoded "/", "\", ".", NUL or "%"
#   (%2f, %5c, %2e, %00, %25, any case).
# custom:
#   reason: malformed_path
_applicable contains reasons.summary(rego.metadata.rule()) if not _well_formed_path

# METADATA
# title: Allow-list violation
# description: None of the plugin's allow-list entries matches the method and path.
# custom:
#   reason: allowlist_violation
_applicable contains reasons.summary(rego.metadata.rule()) if not _matched

# METADATA
# title: Allowed
# description: An allow-list entry matches the method and path.
# custom:
#   reason: allowed
_applicable contains reasons.summary(rego.metadata.rule()) if _matched

# explicit, so that a missing path is malformed too
_well_formed_path if {
	is_string(input.path)
	not paths.malformed(input.path)
}

_segments := paths.segments(input.path)

# "<METHOD> <template>" of the first matching entry, so that several matches still give one value. Only the
# candidates the index names are matched, so the cost follows the few that can match, not the allow-list.
_matched := concat(" ", [entry.method, entry.template]) if {
	entries := registry.plugin.api
	first := min({i |
		some i in paths.request_candidates(registry.plugin.api_index, input.method, _segments)
		paths.request_matches(entries[i], input.method, _segments)
	})
	entry := entries[first]
}
