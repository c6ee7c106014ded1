package experience.authz_test

import data.experience.authz
import data.experience.testkit_test as testkit

# Builders: the explanation of a check of tenant "acme" (the registry of authz_test.rego).
_explain(request) := explanation if {
	explanation := authz.explanation with input as request with data.registry as _registry
}

_explain_check(subject, resource, action) := _explain(_request(subject, resource, action))

test_explanation_carries_the_decision if {
	inputs := [
		_request(_alice(["viewer"]), "plugin.widget", "view"), _request(_alice([]), "plugin.widget", "view"),
		{"tenant": "other"}, {}, "x",
	]
	every request in inputs {
		_explain(request).decision == _decide(request)
	}
}

test_rule_granted if _explain_check(_alice(["viewer"]), "plugin.widget", "view").rule == {
	"reason": "granted", "title": "Granted",
	"description": "One of the subject's roles, or the subject's id, has a grant matching the resource and action.",
}

test_rule_not_granted if _explain_check(_alice([]), "plugin.widget", "view").rule.title == "Not granted"

test_rule_unknown_tenant if _explain({"tenant": "other"}).rule.reason == "unknown_tenant"

# grants: every covering grant of the tenant, marked held or not
test_grants_held_and_not if _explain_check(_alice(["viewer"]), "plugin.widget", "view").grants == [
	{"kind": "role", "name": "root", "index": 0, "grant": testkit.grant("*", "*"), "held": false},
	{"kind": "role", "name": "viewer", "index": 0, "grant": testkit.grant("plugin.widget", "view"), "held": true},
]

test_grants_user_grant_held if {
	grants := _explain_check({"id": "carol", "roles": []}, "reports.page", "export").grants
	[[g.kind, g.name, g.held] | some g in grants] == [["role", "root", false], ["user", "carol", true]]
}

test_grants_none_in_unknown_tenant if _explain({"tenant": "other", "resource": "a", "action": "b"}).grants == []

test_grants_none_without_resource if _explain({"tenant": "acme", "subject": _alice([])}).grants == []

test_held_agrees_with_the_decision if {
	subjects := [_alice(["viewer"]), _alice(["root"]), _alice([]), {"id": "carol"}, {"roles": "viewer"}]
	every subject in subjects {
		explanation := _explain_check(subject, "reports.page", "export")
		explanation.decision.allow == _some_held(explanation.grants)
	}
}

default _some_held(_) := false

_some_held(grants) if {
	some grant in grants
	grant.held
}
