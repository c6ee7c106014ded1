package experience.api_test

import data.experience.api

# Builders: the explanation of a request of tenant "acme" (the registry of api_test.rego).
_explain(request) := explanation if {
	explanation := api.explanation with input as request with data.registry as _registry
}

_explain_orders(method, path) := _explain(_request("orders", method, path))

_entry(method, path, index) := _explain_orders(method, path).entries[index]

# the decision is the decision entrypoint's, for any input
test_explanation_carries_the_decision if {
	inputs := [
		_request("orders", "GET", "/api/orders/1"), _request("orders", "GET", "/api/nothing"),
		_request("legacy", "GET", "/x"), _request("orders", "GET", "//"), {"tenant": "acme"}, "x", null,
	]
	every request in inputs {
		_explain(request).decision == _decide(request)
	}
}

# rule: the summary of the rule that decided, from its METADATA
test_rule_not_allowed if _explain_orders("GET", "/api/nothing").rule == {
	"reason": "allowlist_violation", "title": "Allow-list violation",
	"description": "None of the plugin's allow-list entries matches the method and path.",
}

test_rule_allowed if _explain_orders("GET", "/api/orders").rule.title == "Allowed"

test_rule_malformed if _explain_orders("GET", "/api/orders/").rule.title == "Malformed path"

test_rule_from_registry if _explain(_request("legacy", "GET", "/api/legacy/x")).rule.title == "Incompatible plugin"

test_rule_missing_plugin_id if _explain({"tenant": "acme", "path": "/api"}).rule.reason == "missing_plugin_id"

test_rule_every_reason_has_a_title if {
	inputs := [
		_request("orders", "GET", "/api/orders"), _request("orders", "GET", "/x"), _request("orders", "GET", "x"),
		_request("legacy", "GET", "/x"), _request("billing", "GET", "/x"), {"tenant": "nope", "plugin_id": "orders"},
		{"tenant": "acme"},
	]
	every request in inputs {
		explanation := _explain(request)
		explanation.rule.reason == explanation.decision.reason
		explanation.rule.title != ""
		explanation.rule.description != ""
	}
}

# path: why it is malformed
test_path_malformations if _explain_orders("GET", "/api/orders/").path == {"malformations": [{
	"kind": "empty_segment",
	"segment": 3, "text": "",
}]}

test_path_missing_is_not_a_string if {
	explanation := _explain({"tenant": "acme", "plugin_id": "orders"})
	explanation.path == {"malformations": [{"kind": "not_a_string"}]}
}

test_path_well_formed if _explain_orders("GET", "/api/orders").path == {"malformations": []}

# entries: one diagnosis per allow-list entry, in file order
test_one_diagnosis_per_entry if count(_explain_orders("GET", "/api/nothing").entries) == 7

test_entry_matching if _entry("GET", "/api/orders/42", 1) == {
	"index": 1, "method": "GET", "template": "/api/orders/{id}",
	"method_matches": true, "path_matches": true, "matched_segments": 3,
}

test_entry_template_ended if _entry("GET", "/api/orders/42/items", 1).difference == {
	"kind": "template_ended",
	"segment": 4, "rest": ["items"],
}

test_entry_look_alike if _entry("GET", "/api/catalogue", 3).difference.kind == "look_alike"

test_entry_other_method if _entry("PUT", "/api/orders/7", 1) == {
	"index": 1, "method": "GET", "template": "/api/orders/{id}",
	"method_matches": false, "path_matches": true, "matched_segments": 3,
	"difference": {"kind": "method_differs", "expected": "GET", "actual": "PUT"},
}

test_entry_method_case if _entry("get", "/api/orders/7", 1).difference == {
	"kind": "method_case_differs",
	"expected": "GET", "actual": "get",
}

test_entry_path_and_method_differ_names_the_path if {
	entry := _entry("PUT", "/api/orders/7/x", 1)
	entry.method_matches == false
	entry.difference.kind == "template_ended"
}

test_entry_method_missing if {
	entry := _explain({"tenant": "acme", "plugin_id": "orders", "path": "/api/orders"}).entries[0]
	entry.difference == {"kind": "method_differs", "expected": "GET", "actual": null}
}

test_entry_method_not_a_string if _entry(7, "/api/orders", 0).difference.kind == "method_differs"

# the diagnoses agree with the decision: allowed iff some entry matches both, and matched is the first of them
test_diagnoses_agree_with_the_decision if {
	requests := [
		["GET", "/api/orders"], ["GET", "/api/orders/1/cancel"], ["POST", "/api/orders/1/cancel"],
		["DELETE", "/api/orders/9"], ["GET", "/api/catalog/x"], ["get", "/api/orders"], ["GET", "/api/Orders"],
		["GET", "/api/orders/7"], ["GET", "/api/catalog/special"],
	]
	every pair in requests {
		_agrees_with_decision(_explain_orders(pair[0], pair[1]))
	}
}

_agrees_with_decision(explanation) if {
	explanation.decision.allow
	first := _matching(explanation)[0]
	explanation.decision.matched == concat(" ", [first.method, first.template])
}

_agrees_with_decision(explanation) if {
	not explanation.decision.allow
	count(_matching(explanation)) == 0
}

_matching(explanation) := [entry |
	some entry in explanation.entries
	entry.path_matches
	entry.method_matches
]

# no entries when the plugin is not resolved or the path is malformed
test_no_entries_for_malformed_path if _explain_orders("GET", "/api/../x").entries == []

test_no_entries_for_unknown_plugin if _explain(_request("billing", "GET", "/api/orders")).entries == []

test_no_entries_without_api_list if _explain(_request("bare", "GET", "/api/orders")).entries == []
