package experience.sse_test

import data.experience.sse

# Builders: the explanation of a subscription of tenant "acme" (the registry of sse_test.rego).
_explain(request) := explanation if {
	explanation := sse.explanation with input as request with data.registry as _registry
}

_explain_topic(topic) := _explain({"tenant": "acme", "plugin_id": "orders", "topic": topic})

test_explanation_carries_the_decision if {
	inputs := [
		{"tenant": "acme", "plugin_id": "orders", "topic": "orders.x"},
		{"tenant": "acme", "plugin_id": "orders", "topic": "nope"},
		{"tenant": "acme", "plugin_id": "orders", "topic": "a..b"},
		{"tenant": "acme", "plugin_id": "legacy", "topic": "legacy"},
		{"tenant": "acme"}, 7,
	]
	every request in inputs {
		_explain(request).decision == _decide(request)
	}
}

test_rule_not_allowed if _explain_topic("nope").rule == {
	"reason": "topic_not_allowed", "title": "Topic not allowed",
	"description": "None of the plugin's topic prefixes matches the topic.",
}

test_rule_allowed if _explain_topic("orders").rule.title == "Allowed"

test_rule_malformed if _explain_topic("orders.").rule.reason == "malformed_topic"

test_rule_unknown_plugin if _explain({"tenant": "acme", "plugin_id": "x", "topic": "a"}).rule.title == "Unknown plugin"

test_topic_malformations if _explain_topic("orders.").topic == {"malformations": [{
	"kind": "empty_segment",
	"segment": 2, "text": "",
}]}

test_topic_missing if {
	explanation := _explain({"tenant": "acme", "plugin_id": "orders"})
	explanation.topic.malformations == [{"kind": "not_a_string"}]
}

test_one_diagnosis_per_prefix if [p.prefix | some p in _explain_topic("x").prefixes] == [
	"orders", "catalog.prices",
	"orders.created", "stock-level_v2",
]

test_prefix_matching if _explain_topic("orders.created").prefixes[0] == {
	"index": 0, "prefix": "orders",
	"matches": true, "matched_segments": 1,
}

test_prefix_topic_ended if _explain_topic("catalog").prefixes[1] == {
	"index": 1, "prefix": "catalog.prices", "matches": false, "matched_segments": 1,
	"difference": {"kind": "topic_ended", "segment": 2, "expected": "prices"},
}

test_prefix_look_alike if _explain_topic("order").prefixes[0].difference == {
	"kind": "look_alike", "segment": 1,
	"expected": "orders", "actual": "order",
}

test_no_prefixes_for_malformed_topic if _explain_topic("a..b").prefixes == []

test_no_prefixes_for_unknown_plugin if _explain({"tenant": "acme", "plugin_id": "x", "topic": "a"}).prefixes == []

test_no_prefixes_without_sse_list if _explain({"tenant": "acme", "plugin_id": "bare", "topic": "a"}).prefixes == []

# the diagnoses agree with the decision: allowed iff some prefix matches, and matched is the first of them
test_diagnoses_agree_with_the_decision if {
	topics := ["orders", "orders.created", "orders.created.x", "catalog.prices.eu", "catalog", "ordersx", "stock-level_v2"]
	every topic in topics {
		_agrees_with_decision(_explain_topic(topic))
	}
}

_agrees_with_decision(explanation) if {
	explanation.decision.allow
	explanation.decision.matched == [prefix.prefix | some prefix in explanation.prefixes; prefix.matches][0]
}

_agrees_with_decision(explanation) if {
	not explanation.decision.allow
	every prefix in explanation.prefixes {
		not prefix.matches
	}
}
