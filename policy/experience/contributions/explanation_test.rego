package experience.contributions_test

import data.experience.contributions
import data.experience.testkit_test as testkit

# Builders: the explanation for a user of tenant "acme" (the registry of contributions_test.rego).
_explain(request) := explanation if {
	explanation := contributions.explanation with input as request with data.registry as _registry
}

_explained(user, id) := [plugin | some plugin in _explain({"tenant": "acme", "user": user}).plugins; plugin.id == id][0]

test_explanation_carries_the_decision if {
	inputs := [
		{"tenant": "acme", "user": _user("alice", ["dashboard-user"])},
		{"tenant": "acme", "user": _user("carol", [])}, {"tenant": "empty"}, {"tenant": "nope"}, "x",
	]
	every request in inputs {
		_explain(request).decision == _decide(request)
	}
}

# every installed plugin, listed or left out, sorted by id
test_every_plugin_sorted if {
	plugins := _explain({"tenant": "acme", "user": _user("alice", [])}).plugins
	[[p.id, p.listed] | some p in plugins] == [
		["bare", true], ["hello", true], ["legacy", false],
		["orders", true], ["zeta", true],
	]
}

test_unknown_tenant_no_plugins if _explain({"tenant": "nope", "user": _user("a", [])}).plugins == []

test_plugin_rule_listed if _explained(_user("alice", []), "hello").rule == {
	"reason": "listed", "title": "Listed",
	"description": concat(" ", [
		"The host version satisfies the plugin's engine.experience range: it is listed, with the routes and",
		"widgets the user is granted.",
	]),
}

test_plugin_rule_left_out if _explained(_user("alice", []), "legacy").rule.reason == "left_out"

# each route and widget: granted or withheld, the rule, and every covering grant marked held
test_route_granted_by_held_role if _explained(_user("alice", ["orders-admin"]), "orders").routes[1] == {
	"index": 1, "granted": true,
	"rule": {
		"reason": "granted", "title": "Granted",
		"description": concat(" ", [
			"A grant the user holds (of one of the user's roles, or of the user's id) covers the contribution's",
			"resource and action.",
		]),
	},
	"grants": [
		{"kind": "role", "name": "orders-admin", "index": 0, "grant": testkit.grant("orders.page", "*"), "held": true},
		{"kind": "role", "name": "root", "index": 0, "grant": testkit.grant("*", "*"), "held": false},
	],
}

test_widget_withheld_names_who_would_grant if {
	widget := _explained(_user("bob", []), "orders").widgets[0]
	widget.granted == false
	widget.rule.reason == "withheld"
	[[g.kind, g.name, g.held] | some g in widget.grants] == [["role", "root", false], ["user", "carol", false]]
}

test_user_grant_held if {
	widget := _explained(_user("carol", []), "orders").widgets[0]
	widget.granted
	[g.name | some g in widget.grants; g.held] == ["carol"]
}

test_plugin_without_lists if _explained(_user("alice", []), "bare") == {
	"id": "bare", "version": "0.1.0", "listed": true,
	"rule": _explained(_user("alice", []), "hello").rule,
	"routes": [], "widgets": [],
}

# granted agrees with the decision for listed plugins
test_granted_agrees_with_the_decision if {
	users := [_user("alice", ["dashboard-user"]), _user("bob", ["orders-admin"]), _user("carol", []), _user("x", [])]
	every user in users {
		decision := _decide({"tenant": "acme", "user": user})
		every plugin in decision.plugins {
			explained := _explained(user, plugin.id)
			plugin.routes == [r | some i, r in _registry.tenants.acme.plugins[plugin.id].routes; explained.routes[i].granted]
		}
	}
}
