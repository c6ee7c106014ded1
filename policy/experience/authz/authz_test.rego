package experience.authz_test

import data.experience.authz
import data.experience.testkit_test as testkit

_registry := {"tenants": {
	"acme": {"plugins": {}, "grants": {
		"roles": {
			"viewer": [testkit.grant("plugin.widget", "view")],
			"orders-admin": [testkit.grant("orders.page", "*")],
			"root": [testkit.grant("*", "*")],
		},
		"users": {"carol": [testkit.grant("reports.page", "export")]},
	}},
	"bare": {"plugins": {}},
}}

# Builders: a check for a subject of tenant "acme", and the decision on it.
_decide(request) := decision if {
	decision := authz.decision with input as request with data.registry as _registry
}

_check(subject, resource, action) := _decide(_request(subject, resource, action))

_request(subject, resource, action) := {"tenant": "acme", "subject": subject, "resource": resource, "action": action}

# a request of root for x/y with fields changed or removed
_with(fields) := _decide(object.union(_request(_alice(["root"]), "x", "y"), fields))

_without(field) := _decide(object.remove(_request(_alice(["root"]), "x", "y"), {field}))

_reason(subject, resource, action) := _check(subject, resource, action).reason

_alice(roles) := {"id": "alice", "roles": roles}

# granted, with the whole output
test_granted_output if _check(_alice(["viewer"]), "plugin.widget", "view") == {"allow": true, "reason": "granted"}

test_granted_by_role if _reason(_alice(["viewer"]), "plugin.widget", "view") == "granted"

test_granted_by_wildcard_action if _reason(_alice(["orders-admin"]), "orders.page", "delete") == "granted"

test_granted_by_wildcard_both if _reason(_alice(["root"]), "anything", "anything") == "granted"

test_granted_by_user if _reason({"id": "carol"}, "reports.page", "export") == "granted"

test_granted_by_user_with_roles if _reason({"id": "carol", "roles": ["viewer"]}, "reports.page", "export") == "granted"

test_granted_by_any_role if _reason(_alice(["x", "viewer"]), "plugin.widget", "view") == "granted"

# not_granted, with the whole output
test_not_granted_output if _check(_alice([]), "plugin.widget", "view") == {"allow": false, "reason": "not_granted"}

test_not_granted_other_action if _reason(_alice(["viewer"]), "plugin.widget", "edit") == "not_granted"

test_not_granted_other_resource if _reason(_alice(["viewer"]), "orders.page", "view") == "not_granted"

test_not_granted_wildcard_keeps_resource if _reason(_alice(["orders-admin"]), "orders.widget", "view") == "not_granted"

test_not_granted_unknown_role if _reason(_alice(["admin"]), "plugin.widget", "view") == "not_granted"

test_not_granted_other_user if _reason({"id": "dave"}, "reports.page", "export") == "not_granted"

test_not_granted_no_subject if _without("subject").reason == "not_granted"

test_not_granted_missing_resource if _without("resource").reason == "not_granted"

test_not_granted_missing_action if _without("action").reason == "not_granted"

test_not_granted_non_string_resource if _reason(_alice(["root"]), 1, "view") == "not_granted"

test_not_granted_roles_not_array if _reason({"roles": "viewer"}, "plugin.widget", "view") == "not_granted"

test_not_granted_tenant_without_grants if _with({"tenant": "bare"}).reason == "not_granted"

# unknown_tenant, before any grant
test_unknown_tenant if _with({"tenant": "other"}) == {"allow": false, "reason": "unknown_tenant"}

test_root_granted_in_tenant if _with({}).reason == "granted"

test_unknown_tenant_missing if _without("tenant").reason == "unknown_tenant"

test_unknown_tenant_not_string if _decide({"tenant": ["acme"]}).reason == "unknown_tenant"

# total: any input gives one {allow, reason}
test_total_on_odd_inputs if {
	every request in [null, "acme", 3, [], {}, {"tenant": "acme", "subject": "alice"}, {"tenant": "acme", "subject": []}] {
		decision := _decide(request)
		is_boolean(decision.allow)

		# every reason the decision gives is one the BFF knows how to answer
		decision.reason in object.keys(authz.catalogue)
	}
}
