package experience.lib.registry_test

import data.experience.lib.registry

# The kill switch: plugin.disabled (compiled from plugins.yaml disabled: {reason}).
_off_registry := {"tenants": {"acme": {"plugins": {
	"off": {"id": "off", "compatible": true, "disabled": {"reason": "INC-1"}},
	"off_legacy": {"id": "off_legacy", "compatible": false, "disabled": {"reason": "INC-2"}},
	"flagged": {"id": "flagged", "compatible": true, "disabled": true},
	"empty_reason": {"id": "empty_reason", "compatible": true, "disabled": {}},
	"on": {"id": "on", "compatible": true, "disabled": false},
}}}}

_off_summaries(plugin_id) := denials if {
	denials := registry.plugin_denials with input as {"tenant": "acme", "plugin_id": plugin_id}
		with data.registry as _off_registry
}

_off_denials(plugin_id) := {denial.reason | some denial in _off_summaries(plugin_id)}

test_disabled_plugin_denied if _off_denials("off") == {"plugin_disabled"}

test_disabled_and_incompatible_both_apply if _off_denials("off_legacy") == {"plugin_disabled", "incompatible_plugin"}

# any value but false disables: a malformed flag never turns a plugin on
test_disabled_true_disables if _off_denials("flagged") == {"plugin_disabled"}

test_disabled_without_reason_disables if _off_denials("empty_reason") == {"plugin_disabled"}

test_disabled_false_is_on if count(_off_denials("on")) == 0

test_disabled_flag_of_resolved_plugin if {
	registry.disabled with input as {"tenant": "acme", "plugin_id": "off"} with data.registry as _off_registry
}

test_not_disabled_when_unknown if {
	not registry.disabled with input as {"tenant": "acme", "plugin_id": "nope"} with data.registry as _off_registry
}

# the reason never leaves the data: the summary is the rule's METADATA only
test_disabled_summary_from_metadata if {
	_off_summaries("off") == {{
		"reason": "plugin_disabled",
		"title": "Plugin disabled",
		"description": concat("", [
			"An operator turned the plugin off for the tenant (plugins.yaml disabled: the kill switch). The operator's ",
			"reason is in the data for explain, never in the answer.",
		]),
	}}
}
