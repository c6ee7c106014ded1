package experience.sse_test

import data.experience.lib.paths
import data.experience.sse
import data.experience.testkit_test as testkit

_registry := {"host_version": "1.4.0", "tenants": {"acme": {"plugins": {
	"orders": testkit.plugin("orders", true, {"sse": [
		testkit.sse_permission("orders"),
		testkit.sse_permission("catalog.prices"),
		testkit.sse_permission("orders.created"),
		testkit.sse_permission("stock-level_v2"),
	]}),
	"legacy": testkit.plugin("legacy", false, {"sse": [testkit.sse_permission("legacy")]}),
	"quiet": testkit.plugin("quiet", true, {}),
	"bare": {"id": "bare", "version": "0.1.0", "compatible": true},
}}}}

# Builders: a subscription of a plugin of tenant "acme", and the decision on it.
_decide(request) := decision if {
	decision := sse.decision with input as request with data.registry as _registry
}

_subscribe(plugin_id, topic) := _decide({"tenant": "acme", "plugin_id": plugin_id, "topic": topic})

_reason(topic) := _subscribe("orders", topic).reason

_matched(topic) := _subscribe("orders", topic).matched

# allowed, with the whole output
test_allowed_output if _subscribe("orders", "orders.new") == {"allow": true, "reason": "allowed", "matched": "orders"}

test_allowed_prefix_itself if _matched("orders") == "orders"

test_allowed_below_prefix if _matched("orders.created.eu") == "orders"

test_allowed_two_segment_prefix if _matched("catalog.prices") == "catalog.prices"

test_allowed_below_two_segment_prefix if _matched("catalog.prices.eu") == "catalog.prices"

test_allowed_dash_and_underscore if _matched("stock-level_v2.sku-1") == "stock-level_v2"

# several matching prefixes: the first in file order
test_first_match_wins if _matched("orders.created") == "orders"

# denials carry no matched
test_denial_output if _subscribe("orders", "ordersx") == {"allow": false, "reason": "topic_not_allowed"}

# topic_not_allowed: boundaries
test_not_allowed_longer_segment if _reason("ordersx") == "topic_not_allowed"

test_not_allowed_shorter_segment if _reason("order") == "topic_not_allowed"

test_not_allowed_parent_of_prefix if _reason("catalog") == "topic_not_allowed"

test_not_allowed_sibling if _reason("catalog.pricesx") == "topic_not_allowed"

test_not_allowed_other_branch if _reason("catalog.stock") == "topic_not_allowed"

test_not_allowed_case if _reason("Orders") == "topic_not_allowed"

test_not_allowed_prefix_inside if _reason("eu.orders") == "topic_not_allowed"

test_not_allowed_empty_list if _subscribe("quiet", "orders").reason == "topic_not_allowed"

test_not_allowed_without_sse_list if _subscribe("bare", "orders").reason == "topic_not_allowed"

# malformed_topic
test_malformed_empty if _reason("") == "malformed_topic"

test_malformed_trailing_dot if _reason("orders.") == "malformed_topic"

test_malformed_leading_dot if _reason(".orders") == "malformed_topic"

test_malformed_double_dot if _reason("orders..created") == "malformed_topic"

test_malformed_wildcard if _reason("orders.*") == "malformed_topic"

test_malformed_hash if _reason("orders.#") == "malformed_topic"

test_malformed_space if _reason("orders created") == "malformed_topic"

test_malformed_slash if _reason("orders/created") == "malformed_topic"

test_malformed_unicode if _reason("orders.crée") == "malformed_topic"

test_malformed_number if _reason(7) == "malformed_topic"

test_malformed_null if _reason(null) == "malformed_topic"

test_malformed_missing if _decide({"tenant": "acme", "plugin_id": "orders"}).reason == "malformed_topic"

# plugin resolution
test_missing_plugin_id if _decide({"tenant": "acme", "topic": "orders"}).reason == "missing_plugin_id"

test_empty_plugin_id if _subscribe("", "orders").reason == "missing_plugin_id"

test_unknown_tenant if _decide({"tenant": "other", "plugin_id": "orders", "topic": "orders"}).reason == "unknown_tenant"

test_unknown_plugin if _subscribe("billing", "orders").reason == "unknown_plugin"

test_incompatible_plugin if _subscribe("legacy", "legacy").reason == "incompatible_plugin"

# precedence
test_missing_plugin_id_before_unknown_tenant if _decide({"tenant": "other", "topic": ""}).reason == "missing_plugin_id"

test_unknown_tenant_before_unknown_plugin if _decide({"tenant": "x", "plugin_id": "x"}).reason == "unknown_tenant"

test_unknown_plugin_before_malformed_topic if _subscribe("billing", "..").reason == "unknown_plugin"

test_incompatible_before_malformed_topic if _subscribe("legacy", "..").reason == "incompatible_plugin"

test_malformed_before_not_allowed if _reason("nope..") == "malformed_topic"

test_malformed_before_allowed if _reason("orders..x") == "malformed_topic"

# total: any input gives one {allow, reason}
test_total_on_odd_inputs if {
	inputs := [null, "orders", 1, [], {}, {"tenant": []}, {"tenant": "acme", "plugin_id": "orders", "topic": {}}]
	every request in inputs {
		decision := _decide(request)
		is_boolean(decision.allow)

		# every reason the decision gives is one the BFF knows how to answer
		decision.reason in object.keys(sse.catalogue)
	}
}

# the index: the decision matches only the candidates sse_index names, and still takes the first in file order
_indexed_prefixes := [
	testkit.sse_permission("orders.created"),
	testkit.sse_permission("orders"),
	testkit.sse_permission("eu.orders"),
	testkit.sse_permission("orders.created"),
	testkit.sse_permission("eu"),
]

_indexed_registry := {"host_version": "1.4.0", "tenants": {"acme": {"plugins": {
	"indexed": testkit.plugin("indexed", true, {"sse": _indexed_prefixes}),
	"unindexed": object.remove(testkit.plugin("unindexed", true, {"sse": _indexed_prefixes}), {"sse_index"}),
}}}}

_indexed(plugin_id, topic) := decision if {
	request := {"tenant": "acme", "plugin_id": plugin_id, "topic": topic}
	decision := sse.decision with input as request with data.registry as _indexed_registry
}

test_index_first_match_the_longer_prefix_first if _indexed("indexed", "orders.created.x").matched == "orders.created"

test_index_first_match_the_shorter_prefix if _indexed("indexed", "orders.deleted").matched == "orders"

test_index_first_match_a_later_nested_prefix if _indexed("indexed", "eu.orders.x").matched == "eu.orders"

# a registry without the index allows nothing (fail closed): compileRegistry always builds it
test_index_missing_allows_nothing if _indexed("unindexed", "orders").reason == "topic_not_allowed"

# the decision names the first prefix in file order that topic_matches, as scanning every prefix would
test_index_agrees_with_a_scan if {
	topics := ["orders", "orders.created", "orders.created.x", "orders.x", "eu", "eu.orders", "eu.x", "x", "order"]
	every topic in topics {
		_same_match(_indexed("indexed", topic), _scanned(topic))
	}
}

# a decision without `matched` (a denial) agrees with a scan that found nothing (null)
_same_match(decision, null) if not decision.matched

_same_match(decision, scanned) if decision.matched == scanned

default _scanned(_) := null

_scanned(topic) := _indexed_prefixes[first].prefix if {
	first := min({i | some i, permission in _indexed_prefixes; paths.topic_matches(permission, topic)})
}
