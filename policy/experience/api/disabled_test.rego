package experience.api_test

import data.experience.api
import data.experience.testkit_test as testkit

# The kill switch: a disabled plugin is refused whatever its allow-list says, after the lookups and before
# compatibility and the path.
_off_registry := {"host_version": "1.4.0", "tenants": {"acme": {"plugins": {
	"off": testkit.plugin("off", true, {
		"api": [testkit.api_permission("GET", "/api/off/**")],
		"disabled": {"reason": "INC-1234: leaks order data"},
	}),
	"off_legacy": testkit.plugin("off_legacy", false, {"disabled": {"reason": "old"}}),
	"on": testkit.plugin("on", true, {"api": [testkit.api_permission("GET", "/api/on")], "disabled": false}),
}}}}

_off(plugin_id, path) := decision if {
	decision := api.decision with input as {"tenant": "acme", "plugin_id": plugin_id, "method": "GET", "path": path}
		with data.registry as _off_registry
}

test_disabled_output if {
	_off("off", "/api/off/x") == {"allow": false, "reason": "plugin_disabled", "plugin_id": "off"}
}

test_disabled_refuses_what_its_allow_list_allows if _off("off", "/api/off").reason == "plugin_disabled"

test_disabled_before_malformed_path if _off("off", "/api/off/../x").reason == "plugin_disabled"

test_disabled_before_allowlist_violation if _off("off", "/api/elsewhere").reason == "plugin_disabled"

test_disabled_before_incompatible if _off("off_legacy", "/api/x").reason == "plugin_disabled"

test_disabled_false_is_on if _off("on", "/api/on").allow == true

test_unknown_plugin_before_disabled if _off("nope", "/api/off").reason == "unknown_plugin"

test_catalogue_disabled_is_a_recognised_refusal if {
	api.catalogue.plugin_disabled == {
		"http_status": 403,
		"plugin_recognised": true,
		"message": "This plugin is turned off for this site",
	}
}

test_explanation_names_the_disabled_rule if {
	e := api.explanation with input as {"tenant": "acme", "plugin_id": "off", "method": "GET", "path": "/api/off"}
		with data.registry as _off_registry
	e.decision.reason == "plugin_disabled"
	e.rule.reason == "plugin_disabled"
	e.rule.title == "Plugin disabled"
}
