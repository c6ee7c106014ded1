# METADATA
# title: Registry lookups
# description: >-
#   Resolves the request's tenant and plugin in data.registry (compiled from plugins.yaml and grants.yaml), and
#   the denials shared by the plugin decisions (api, sse): each denial is its rule's summary (reasons.summary), with
#   its `custom.reason`.
package experience.lib.registry

import data.experience.lib.reasons

# METADATA
# title: Tenant
# description: The registry entry of input.tenant; undefined when the tenant is unknown.
tenant := data.registry.tenants[input.tenant] if is_string(input.tenant)

# METADATA
# title: Plugin id
# description: input.plugin_id when it is a non-empty string; undefined otherwise.
plugin_id := input.plugin_id if {
	is_string(input.plugin_id)
	input.plugin_id != ""
}

# METADATA
# title: Plugin
# description: The registry entry of the plugin, installed for the tenant; undefined otherwise.
plugin := tenant.plugins[plugin_id]

# METADATA
# title: Compatible
# description: True when the host version satisfies the plugin's engine.experience range (resolved at compile time).
compatible if plugin.compatible == true

# METADATA
# title: Disabled
# description: >-
#   True when the operator turned the plugin off for the tenant (plugins.yaml disabled, compiled as
#   plugin.disabled = {reason}); any value but false counts, so a malformed flag never turns a plugin on.
disabled if plugin.disabled

# METADATA
# title: Missing plugin id
# description: The request carries no plugin id, or an empty or non-string one.
# custom:
#   reason: missing_plugin_id
plugin_denials contains reasons.summary(rego.metadata.rule()) if not plugin_id

# METADATA
# title: Unknown tenant
# description: The request's tenant is not in the registry.
# custom:
#   reason: unknown_tenant
plugin_denials contains reasons.summary(rego.metadata.rule()) if not tenant

# METADATA
# title: Unknown plugin
# description: The plugin is not installed for the tenant.
# custom:
#   reason: unknown_plugin
plugin_denials contains reasons.summary(rego.metadata.rule()) if not plugin

# METADATA
# title: Plugin disabled
# description: >-
#   An operator turned the plugin off for the tenant (plugins.yaml disabled: the kill switch). The operator's reason
#   is in the data for explain, never in the answer.
# custom:
#   reason: plugin_disabled
plugin_denials contains reasons.summary(rego.metadata.rule()) if disabled

# METADATA
# title: Incompatible plugin
# description: The plugin's engine.experience range is not satisfied by the host version.
# custom:
#   reason: incompatible_plugin
plugin_denials contains reasons.summary(rego.metadata.rule()) if not compatible
