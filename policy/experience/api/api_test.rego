package experience.api_test

import data.experience.api
import data.experience.lib.paths
import data.experience.testkit_test as testkit

_registry := {"host_version": "1.4.0", "tenants": {"acme": {"plugins": {
	"orders": testkit.plugin("orders", true, {"api": [
		testkit.api_permission("GET", "/api/orders"),
		testkit.api_permission("GET", "/api/orders/{id}"),
		testkit.api_permission("POST", "/api/orders/{id}/cancel"),
		testkit.api_permission("GET", "/api/catalog/**"),
		testkit.api_permission("GET", "/api/orders/{ref}"),
		testkit.api_permission("GET", "/api/catalog/special"),
		testkit.api_permission("DELETE", "/api/orders/{id}"),
	]}),
	"legacy": testkit.plugin("legacy", false, {"api": [testkit.api_permission("GET", "/api/legacy/**")]}),
	"bare": {"id": "bare", "version": "0.1.0", "compatible": true},
}}}}

# Builders: a request for a plugin of tenant "acme", and the decision on it.
_request(plugin_id, method, path) := {"tenant": "acme", "plugin_id": plugin_id, "method": method, "path": path}

_decide(request) := decision if {
	decision := api.decision with input as request with data.registry as _registry
}

_as(plugin_id, method, path) := _decide(_request(plugin_id, method, path))

_orders(method, path) := _as("orders", method, path)

# a valid request of "orders", with fields changed or removed
_with(fields) := _decide(object.union(_request("orders", "GET", "/api/orders"), fields))

_without(field) := _decide(object.remove(_request("orders", "GET", "/api/orders"), {field}))

_reason(method, path) := _orders(method, path).reason

_matched(method, path) := _orders(method, path).matched

# allowed, with the whole output
test_allowed_output if {
	_orders("GET", "/api/orders/42") == {
		"allow": true, "reason": "allowed", "plugin_id": "orders",
		"matched": "GET /api/orders/{id}",
	}
}

test_allowed_exact if _matched("GET", "/api/orders") == "GET /api/orders"

test_allowed_param if _matched("GET", "/api/orders/42") == "GET /api/orders/{id}"

test_allowed_param_and_literal if _matched("POST", "/api/orders/42/cancel") == "POST /api/orders/{id}/cancel"

test_allowed_prefix_itself if _matched("GET", "/api/catalog") == "GET /api/catalog/**"

test_allowed_prefix_below if _matched("GET", "/api/catalog/shoes/42") == "GET /api/catalog/**"

test_allowed_other_method if _matched("DELETE", "/api/orders/42") == "DELETE /api/orders/{id}"

# several matching entries: the first in file order
test_first_match_wins_over_later_param if _matched("GET", "/api/orders/7") == "GET /api/orders/{id}"

test_first_match_wins_over_later_literal if _matched("GET", "/api/catalog/special") == "GET /api/catalog/**"

# denials carry no matched, and plugin_id only when there is one
test_denial_output if {
	_orders("GET", "/api/nothing") == {"allow": false, "reason": "allowlist_violation", "plugin_id": "orders"}
}

test_missing_plugin_id_output if _without("plugin_id") == {"allow": false, "reason": "missing_plugin_id"}

# missing_plugin_id
test_missing_plugin_id_absent if _without("plugin_id").reason == "missing_plugin_id"

test_missing_plugin_id_null if _as(null, "GET", "/api/orders").reason == "missing_plugin_id"

test_missing_plugin_id_empty if _as("", "GET", "/api/orders").reason == "missing_plugin_id"

test_missing_plugin_id_number if _as(42, "GET", "/api/orders").reason == "missing_plugin_id"

test_missing_plugin_id_array if _as(["orders"], "GET", "/api/orders").reason == "missing_plugin_id"

# unknown_tenant
test_unknown_tenant if _with({"tenant": "other"}).reason == "unknown_tenant"

test_unknown_tenant_missing if _without("tenant").reason == "unknown_tenant"

test_unknown_tenant_case if _with({"tenant": "ACME"}).reason == "unknown_tenant"

test_unknown_tenant_without_registry if {
	d := api.decision with input as _request("orders", "GET", "/api/orders") with data.registry as {}
	d.reason == "unknown_tenant"
}

# unknown_plugin
test_unknown_plugin if _as("billing", "GET", "/api/orders").reason == "unknown_plugin"

test_unknown_plugin_case if _as("Orders", "GET", "/api/orders").reason == "unknown_plugin"

test_unknown_plugin_keeps_plugin_id if _as("billing", "GET", "/api/orders").plugin_id == "billing"

# incompatible_plugin
test_incompatible_plugin if _as("legacy", "GET", "/api/legacy/x").reason == "incompatible_plugin"

# malformed_path
test_malformed_trailing_slash if _reason("GET", "/api/orders/") == "malformed_path"

test_malformed_empty_param if _reason("GET", "/api/orders//cancel") == "malformed_path"

test_malformed_root if _reason("GET", "/") == "malformed_path"

test_malformed_relative if _reason("GET", "api/orders") == "malformed_path"

test_malformed_empty if _reason("GET", "") == "malformed_path"

test_malformed_dot_dot_under_prefix if _reason("GET", "/api/catalog/../admin") == "malformed_path"

test_malformed_dot_under_prefix if _reason("GET", "/api/catalog/./x") == "malformed_path"

test_malformed_encoded_slash_in_param if _reason("GET", "/api/orders/1%2F2") == "malformed_path"

test_malformed_encoded_dot_dot if _reason("GET", "/api/catalog/%2e%2E/admin") == "malformed_path"

test_malformed_encoded_backslash if _reason("GET", "/api/catalog/a%5cb") == "malformed_path"

test_malformed_encoded_nul if _reason("GET", "/api/orders/1%00") == "malformed_path"

test_malformed_backslash if _reason("GET", `/api/catalog\..\admin`) == "malformed_path"

test_malformed_missing_path if _without("path").reason == "malformed_path"

test_malformed_path_number if _reason("GET", 42) == "malformed_path"

test_malformed_path_null if _reason("GET", null) == "malformed_path"

# allowlist_violation: near misses
test_not_allowed_exact_child if _reason("POST", "/api/orders") == "allowlist_violation"

test_not_allowed_param_extra_segment if _reason("GET", "/api/orders/1/2") == "allowlist_violation"

test_not_allowed_literal_case if _reason("GET", "/api/Orders") == "allowlist_violation"

test_not_allowed_prefix_look_alike if _reason("GET", "/api/catalogue") == "allowlist_violation"

test_not_allowed_prefix_suffixed if _reason("GET", "/api/catalog-x/1") == "allowlist_violation"

test_not_allowed_prefix_parent if _reason("GET", "/api") == "allowlist_violation"

test_not_allowed_last_literal_case if _reason("POST", "/api/orders/1/Cancel") == "allowlist_violation"

test_not_allowed_encoded_other if _reason("GET", "/api/orders%20") == "allowlist_violation"

test_not_allowed_query_is_not_stripped if _reason("GET", "/api/orders?x=1") == "allowlist_violation"

# allowlist_violation: methods compare exactly
test_not_allowed_lower_case_method if _reason("get", "/api/orders") == "allowlist_violation"

test_not_allowed_other_method if _reason("PUT", "/api/orders/1") == "allowlist_violation"

test_not_allowed_head if _reason("HEAD", "/api/orders") == "allowlist_violation"

test_not_allowed_star_method if _reason("*", "/api/orders") == "allowlist_violation"

test_not_allowed_missing_method if _without("method").reason == "allowlist_violation"

test_not_allowed_method_number if _reason(1, "/api/orders") == "allowlist_violation"

test_not_allowed_without_api_list if _as("bare", "GET", "/api/orders").reason == "allowlist_violation"

# precedence: the first reason that applies, in the contract's order
test_missing_plugin_id_before_unknown_tenant if _decide({"tenant": "other", "path": "//"}).reason == "missing_plugin_id"

test_unknown_tenant_before_unknown_plugin if _with({"tenant": "x", "plugin_id": "x"}).reason == "unknown_tenant"

test_unknown_plugin_before_malformed_path if _as("billing", "GET", "//").reason == "unknown_plugin"

test_incompatible_before_malformed_path if _as("legacy", "GET", "//").reason == "incompatible_plugin"

test_incompatible_even_when_matching if _as("legacy", "GET", "/api/legacy").reason == "incompatible_plugin"

test_malformed_before_not_allowed if _reason("PUT", "/api/x/../y") == "malformed_path"

test_malformed_before_allowed if _orders("GET", "/api/catalog/a/../../admin").allow == false

# total: any input gives one {allow, reason}
test_total_on_odd_inputs if {
	inputs := [
		null, "x", 1, [], {}, {"tenant": null}, {"tenant": 1, "plugin_id": {}},
		{"tenant": "acme", "plugin_id": "orders", "method": null, "path": {}},
		{"tenant": "acme", "plugin_id": "orders", "method": ["GET"], "path": ["/api/orders"]},
	]
	every request in inputs {
		_well_shaped(_decide(request))
	}
}

_well_shaped(decision) if {
	is_boolean(decision.allow)

	# every reason the decision gives is one the BFF knows how to answer
	decision.reason in object.keys(api.catalogue)
}

# the index: the decision matches only the candidates api_index names, and still takes the first in file order
_indexed_permissions := [
	testkit.api_permission("GET", "/{region}/orders/{id}"),
	testkit.api_permission("GET", "/api/orders/{id}"),
	testkit.api_permission("GET", "/api/**"),
	testkit.api_permission("GET", "/api/orders"),
	testkit.api_permission("GET", "/{a}/{b}/{c}/{d}"),
	testkit.api_permission("PUT", "/api/orders/{id}"),
	testkit.api_permission("GET", "/api/orders/{id}/notes"),
	testkit.api_permission("GET", "/{a}/**"),
]

_indexed_registry := {"host_version": "1.4.0", "tenants": {"acme": {"plugins": {
	"indexed": testkit.plugin("indexed", true, {"api": _indexed_permissions}),
	"unindexed": object.remove(testkit.plugin("unindexed", true, {"api": _indexed_permissions}), {"api_index"}),
}}}}

_indexed(plugin_id, method, path) := decision if {
	decision := api.decision with input as _request(plugin_id, method, path) with data.registry as _indexed_registry
}

_indexed_matched(method, path) := _indexed("indexed", method, path).matched

test_index_first_match_in_an_earlier_shape if _indexed_matched("GET", "/api/orders/1") == "GET /{region}/orders/{id}"

test_index_first_match_a_prefix_before_an_exact if _indexed_matched("GET", "/api/orders") == "GET /api/**"

test_index_first_match_a_parameter_only_template if _indexed_matched("GET", "/x/y/z/w") == "GET /{a}/{b}/{c}/{d}"

test_index_first_match_a_prefix_without_literal if _indexed_matched("GET", "/x") == "GET /{a}/**"

test_index_first_match_of_the_method if _indexed_matched("PUT", "/api/orders/1") == "PUT /api/orders/{id}"

test_index_not_allowed_other_method if _indexed("indexed", "POST", "/api/orders/1").reason == "allowlist_violation"

# a registry without the index allows nothing (fail closed): compileRegistry always builds it
test_index_missing_allows_nothing if _indexed("unindexed", "GET", "/api/orders").reason == "allowlist_violation"

# the decision names the first entry in file order that request_matches, as scanning every entry would
test_index_agrees_with_a_scan if {
	requests := [
		["GET", "/api/orders"], ["GET", "/api/orders/1"], ["GET", "/api/orders/1/notes"], ["GET", "/eu/orders/1"],
		["GET", "/api"], ["GET", "/x"], ["GET", "/x/y"], ["GET", "/a/b/c/d"], ["GET", "/a/b/c/d/e"],
		["PUT", "/api/orders/1"], ["PUT", "/api/orders"], ["DELETE", "/api/orders/1"], ["get", "/api/orders"],
		["GET", "/API/ORDERS/1"], ["PUT", "/eu/orders/1"],
	]
	every request in requests {
		_same_match(_indexed("indexed", request[0], request[1]), _scanned(request[0], request[1]))
	}
}

# a decision without `matched` (a denial) agrees with a scan that found nothing (null)
_same_match(decision, null) if not decision.matched

_same_match(decision, scanned) if decision.matched == scanned

default _scanned(_, _) := null

_scanned(method, path) := concat(" ", [entry.method, entry.template]) if {
	first := min({i |
		some i, entry in _indexed_permissions
		paths.request_matches(entry, method, paths.segments(path))
	})
	entry := _indexed_permissions[first]
}
