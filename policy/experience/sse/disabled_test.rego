package experience.sse_test

import data.experience.sse
import data.experience.testkit_test as testkit

# The kill switch: a disabled plugin may subscribe to nothing, declared topics included.
_off_registry := {"host_version": "1.4.0", "tenants": {"acme": {"plugins": {
	"off": testkit.plugin("off", true, {"sse": [testkit.sse_permission("orders")], "disabled": {"reason": "INC-1"}}),
	"off_legacy": testkit.plugin("off_legacy", false, {"disabled": {"reason": "old"}}),
	"on": testkit.plugin("on", true, {"sse": [testkit.sse_permission("orders")], "disabled": false}),
}}}}

_off(plugin_id, topic) := decision if {
	decision := sse.decision with input as {"tenant": "acme", "plugin_id": plugin_id, "topic": topic}
		with data.registry as _off_registry
}

test_disabled_output if _off("off", "orders") == {"allow": false, "reason": "plugin_disabled"}

test_disabled_before_malformed_topic if _off("off", "..").reason == "plugin_disabled"

test_disabled_before_topic_not_allowed if _off("off", "stock").reason == "plugin_disabled"

test_disabled_before_incompatible if _off("off_legacy", "orders").reason == "plugin_disabled"

test_disabled_false_is_on if _off("on", "orders.created").allow == true

test_catalogue_disabled_is_a_recognised_refusal if {
	sse.catalogue.plugin_disabled == {
		"http_status": 403,
		"plugin_recognised": true,
		"message": "This plugin is turned off for this site",
	}
}

test_explanation_names_the_disabled_rule if {
	e := sse.explanation with input as {"tenant": "acme", "plugin_id": "off", "topic": "orders"}
		with data.registry as _off_registry
	e.rule.reason == "plugin_disabled"
}
