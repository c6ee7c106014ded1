package experience.contributions_test

import data.experience.contributions
import data.experience.testkit_test as testkit

# The kill switch: a disabled plugin is not listed, whatever the user is granted (the bundle route follows).
_off_registry := {"host_version": "1.4.0", "tenants": {"acme": {
	"plugins": {
		"off": testkit.plugin("off", true, {"routes": [_hello_route], "disabled": {"reason": "INC-1"}}),
		"off_legacy": testkit.plugin("off_legacy", false, {"routes": [_hello_route], "disabled": {"reason": "old"}}),
		"flagged": testkit.plugin("flagged", true, {"disabled": true}),
		"on": testkit.plugin("on", true, {"routes": [_hello_route], "disabled": false}),
		"legacy": testkit.plugin("legacy", false, {}),
	},
	"grants": {"roles": {"root": [testkit.grant("*", "*")]}, "users": {}},
}}}

_off_request := {"tenant": "acme", "user": {"id": "alice", "roles": ["root"]}}

test_disabled_not_listed if {
	d := contributions.decision with input as _off_request with data.registry as _off_registry
	[p.id | some p in d.plugins] == ["on"]
}

_off_explained := {p.id: p | some p in e.plugins} if {
	e := contributions.explanation with input as _off_request with data.registry as _off_registry
}

test_explanation_disabled_rule if {
	_off_explained.off.listed == false
	_off_explained.off.rule.reason == "plugin_disabled"
	_off_explained.off.rule.title == "Plugin disabled"
}

test_explanation_disabled_before_left_out if _off_explained.off_legacy.rule.reason == "plugin_disabled"

test_explanation_flag_true_disables if _off_explained.flagged.rule.reason == "plugin_disabled"

test_explanation_incompatible_left_out if _off_explained.legacy.rule.reason == "left_out"

test_explanation_on_listed if _off_explained.on.rule.reason == "listed"
