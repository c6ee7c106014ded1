package experience.lib.registry_test

import data.experience.lib.registry

_registry := {"tenants": {"acme": {"plugins": {
	"orders": {"id": "orders", "compatible": true},
	"legacy": {"id": "legacy", "compatible": false},
	"untagged": {"id": "untagged"},
	"stringly": {"id": "stringly", "compatible": "true"},
}}}}

_denials(tenant, plugin_id) := _denials_for({"tenant": tenant, "plugin_id": plugin_id})

_denials_for(request) := {denial.reason | some denial in _summaries(request)}

_summaries(request) := denials if {
	denials := registry.plugin_denials with input as request with data.registry as _registry
}

test_known_compatible_plugin if count(_denials("acme", "orders")) == 0

test_plugin_is_resolved if {
	registry.plugin == {"id": "orders", "compatible": true} with input as {"tenant": "acme", "plugin_id": "orders"}
		with data.registry as _registry
}

test_missing_plugin_id if "missing_plugin_id" in _denials_for({"tenant": "acme"})

test_null_plugin_id if "missing_plugin_id" in _denials("acme", null)

test_empty_plugin_id if "missing_plugin_id" in _denials("acme", "")

test_number_plugin_id if "missing_plugin_id" in _denials("acme", 7)

test_array_plugin_id if "missing_plugin_id" in _denials("acme", ["orders"])

test_blank_plugin_id_is_an_id if not "missing_plugin_id" in _denials("acme", " ")

test_unknown_tenant if "unknown_tenant" in _denials("other", "orders")

test_tenant_case_sensitive if "unknown_tenant" in _denials("ACME", "orders")

test_missing_tenant if "unknown_tenant" in _denials_for({"plugin_id": "orders"})

test_tenant_not_a_string if "unknown_tenant" in _denials(["acme"], "orders")

test_no_registry if {
	denials := registry.plugin_denials with input as {"tenant": "acme", "plugin_id": "orders"} with data.registry as {}
	"unknown_tenant" in {denial.reason | some denial in denials}
}

# each denial is its rule's summary, from the rule's METADATA
test_denial_summary_from_metadata if {
	_summaries({"tenant": "acme", "plugin_id": "legacy"}) == {{
		"reason": "incompatible_plugin",
		"title": "Incompatible plugin",
		"description": "The plugin's engine.experience range is not satisfied by the host version.",
	}}
}

test_unknown_plugin if _denials("acme", "billing") == {"unknown_plugin", "incompatible_plugin"}

test_plugin_id_case_sensitive if "unknown_plugin" in _denials("acme", "Orders")

test_incompatible_plugin if _denials("acme", "legacy") == {"incompatible_plugin"}

test_compatible_missing_is_incompatible if _denials("acme", "untagged") == {"incompatible_plugin"}

test_compatible_must_be_boolean_true if _denials("acme", "stringly") == {"incompatible_plugin"}

test_input_not_an_object if {
	_denials_for("orders") == {"missing_plugin_id", "unknown_tenant", "unknown_plugin", "incompatible_plugin"}
}
