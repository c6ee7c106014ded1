package experience.tooling_test

import data.experience.testkit_test as testkit
import data.experience.tooling

_get(template) := testkit.api_permission("GET", template)

_sse(prefix) := testkit.sse_permission(prefix)

# Builders: each entrypoint's answer for an input.
_covers(request) := answer if {
	answer := tooling.covers with input as request
}

_declared(request) := answer if {
	answer := tooling.declared with input as request
}

_granted(request) := answer if {
	answer := tooling.granted with input as request
}

# covers: every covering pair, both lists indexed
test_covers_pairs if {
	request := {
		"api": {
			"outer": [_get("/api/orders/**"), _get("/api/orders/{id}")],
			"inner": [_get("/api/orders/{id}"), _get("/api/orders/1"), _get("/api/users")],
		},
		"sse": {"outer": [_sse("orders")], "inner": [_sse("orders.created"), _sse("order")]},
	}
	_covers(request) == {"api": [[0, 0], [0, 1], [1, 0], [1, 1]], "sse": [[0, 0]], "grants": []}
}

test_covers_grant_pairs if {
	request := {"grants": {
		"outer": [_grant("*", "view"), _grant("orders.page", "*")],
		"inner": [_grant("orders.page", "view"), _grant("*", "view"), _grant("orders.page", "*"), _grant("x", "edit")],
	}}
	_covers(request).grants == [[0, 0], [0, 1], [1, 0], [1, 2]]
}

_grant(resource, action) := {"resource": resource, "action": action}

test_covers_empty_input if _covers({}) == {"api": [], "sse": [], "grants": []}

test_covers_ill_typed_lists if _covers({"api": {"outer": "x", "inner": 1}}) == {"api": [], "sse": [], "grants": []}

test_covers_input_not_an_object if _covers("x") == {"api": [], "sse": [], "grants": []}

# declared: each path and topic of plugin code against the declarations
test_declared_paths_and_topics if {
	request := {
		"api": [_get("/api/orders/{id}"), testkit.api_permission("POST", "/api/orders/{id}")],
		"sse": [_sse("orders")],
		"paths": [
			{"method": "GET", "pattern": [{"literal": "api"}, {"literal": "orders"}, {"literal": "7"}]},
			{"method": "PUT", "pattern": [{"literal": "api"}, {"literal": "orders"}, {"dynamic": true}]},
			{"pattern": [{"literal": "api"}, {"literal": "orders"}, {"literal": ""}]},
		],
		"topics": ["orders.created", "order", "orders..x"],
	}
	_declared(request) == {
		"paths": [
			{"coverage": "declared", "methods": ["GET", "POST"]},
			{"coverage": "undeclared", "methods": ["GET", "POST"]},
			{"coverage": "malformed", "methods": []},
		],
		"topics": ["declared", "undeclared", "malformed"],
	}
}

test_declared_method_null_is_any if {
	request := {"api": [_get("/a")], "paths": [{"method": null, "pattern": [{"literal": "a"}]}]}
	_declared(request).paths == [{"coverage": "declared", "methods": ["GET"]}]
}

test_declared_empty_input if _declared({}) == {"paths": [], "topics": []}

# granted: whether anyone is granted each resource/action
test_granted_each_wanted if {
	request := {
		"grants": {
			"roles": {"member": [testkit.grant("plugin.route", "view")]},
			"users": {"c": [testkit.grant("*", "x")]},
		},
		"wanted": [
			{"resource": "plugin.route", "action": "view"},
			{"resource": "plugin.widget", "action": "view"},
			{"resource": "anything", "action": "x"},
			{"resource": "plugin.route"},
		],
	}
	_granted(request) == {"granted": [true, false, true, false]}
}

test_granted_without_grants if _granted({"wanted": [{"resource": "a", "action": "b"}]}) == {"granted": [false]}

test_granted_empty_input if _granted({}) == {"granted": []}
