package experience.contributions_test

import data.experience.contributions
import data.experience.testkit_test as testkit

_hello_route := testkit.route("/hello", "plugin.route", "view")

_hello_widget := testkit.widget("dashboard.main", "plugin.widget", "view")

_orders_page := testkit.route("/orders", "orders.page", "view")

_orders_admin := testkit.route("/orders/admin", "orders.page", "admin")

_orders_widget := testkit.widget("dashboard.side", "orders.widget", "view")

_registry := {"host_version": "1.4.0", "tenants": {
	"acme": {
		"plugins": {
			"orders": testkit.plugin("orders", true, {
				"version": "2.1.0",
				"routes": [_orders_page, _orders_admin],
				"widgets": [_orders_widget],
			}),
			"hello": testkit.plugin("hello", true, {"routes": [_hello_route], "widgets": [_hello_widget]}),
			"legacy": testkit.plugin("legacy", false, {"routes": [_hello_route]}),
			"zeta": testkit.plugin("zeta", true, {}),
			"bare": {"id": "bare", "version": "0.1.0", "compatible": true},
		},
		"grants": {
			"roles": {
				"dashboard-user": [testkit.grant("plugin.widget", "view"), testkit.grant("plugin.route", "view")],
				"orders-admin": [testkit.grant("orders.page", "*")],
				"root": [testkit.grant("*", "*")],
			},
			"users": {"carol": [testkit.grant("orders.widget", "view")]},
		},
	},
	"empty": {"plugins": {}},
	"ungranted": {"plugins": {"hello": testkit.plugin("hello", true, {"routes": [_hello_route]})}},
}}

# Builders: the contributions a user of a tenant sees, one plugin of them, and its routes and widgets.
_decide(request) := decision if {
	decision := contributions.decision with input as request with data.registry as _registry
}

_visible(user) := _decide({"tenant": "acme", "user": user})

_plugin(user, id) := [plugin | some plugin in _visible(user).plugins; plugin.id == id][0]

_ids(user) := [plugin.id | some plugin in _visible(user).plugins]

_routes(user, id) := [route.path | some route in _plugin(user, id).routes]

_widgets(user, id) := [widget.slot | some widget in _plugin(user, id).widgets]

_user(id, roles) := {"id": id, "roles": roles}

# plugins: compatible only, sorted by id, whatever the user is granted
test_compatible_plugins_sorted_by_id if _ids(_user("alice", [])) == ["bare", "hello", "orders", "zeta"]

test_plugins_listed_without_user if _decide({"tenant": "acme"}).plugins[0].id == "bare"

test_incompatible_plugin_left_out if not "legacy" in _ids(_user("alice", ["root"]))

test_plugin_entry_shape if {
	_plugin(_user("alice", ["dashboard-user"]), "hello") == {
		"id": "hello", "version": "1.0.0",
		"routes": [_hello_route], "widgets": [_hello_widget],
	}
}

test_plugin_version if _plugin(_user("alice", []), "orders").version == "2.1.0"

test_plugin_without_contributions if _plugin(_user("alice", ["root"]), "bare") == {
	"id": "bare", "version": "0.1.0",
	"routes": [], "widgets": [],
}

# routes and widgets: granted ones only, in file order
test_nothing_granted if _plugin(_user("alice", []), "orders") == {
	"id": "orders", "version": "2.1.0",
	"routes": [], "widgets": [],
}

test_role_grants_route_and_widget if _routes(_user("alice", ["dashboard-user"]), "hello") == ["/hello"]

test_role_grants_widget if _widgets(_user("alice", ["dashboard-user"]), "hello") == ["dashboard.main"]

test_role_grant_is_per_resource if _routes(_user("alice", ["dashboard-user"]), "orders") == []

test_wildcard_grants_any_action if _routes(_user("a", ["orders-admin"]), "orders") == ["/orders", "/orders/admin"]

test_wildcard_action_keeps_resource if _widgets(_user("alice", ["orders-admin"]), "orders") == []

test_root_sees_everything_in_file_order if _routes(_user("alice", ["root"]), "orders") == ["/orders", "/orders/admin"]

test_user_grant if _widgets(_user("carol", []), "orders") == ["dashboard.side"]

test_user_grant_only_that_resource if _routes(_user("carol", []), "orders") == []

test_user_and_role_grants_add_up if {
	user := _user("carol", ["orders-admin"])
	_routes(user, "orders") == ["/orders", "/orders/admin"]
	_widgets(user, "orders") == ["dashboard.side"]
}

test_unknown_role if _routes(_user("alice", ["admin"]), "hello") == []

test_role_case_sensitive if _routes(_user("alice", ["Dashboard-User"]), "hello") == []

# missing and ill-typed user fields grant nothing and never fail
test_missing_user if _routes(null, "hello") == []

test_missing_roles if _widgets({"id": "carol"}, "orders") == ["dashboard.side"]

test_missing_id if _routes({"roles": ["dashboard-user"]}, "hello") == ["/hello"]

test_roles_not_array if _routes({"id": "alice", "roles": "dashboard-user"}, "hello") == []

test_user_not_object if _routes("carol", "orders") == []

# tenants
test_unknown_tenant if _decide({"tenant": "other", "user": _user("alice", ["root"])}) == {"plugins": []}

test_missing_tenant if _decide({"user": _user("alice", ["root"])}) == {"plugins": []}

test_tenant_not_string if _decide({"tenant": ["acme"]}) == {"plugins": []}

test_no_registry if {
	decision := contributions.decision with input as {"tenant": "acme"} with data.registry as {}
	decision == {"plugins": []}
}

test_tenant_without_plugins if _decide({"tenant": "empty", "user": _user("alice", ["root"])}) == {"plugins": []}

test_tenant_without_grants if {
	_decide({"tenant": "ungranted", "user": _user("alice", ["root"])}) == {"plugins": [{
		"id": "hello", "version": "1.0.0",
		"routes": [], "widgets": [],
	}]}
}

# total: any input gives {plugins: [...]}
test_total_on_odd_inputs if {
	every request in [null, "acme", 1, [], {}, {"tenant": "acme", "user": []}, {"tenant": "acme", "user": 5}] {
		is_array(_decide(request).plugins)
	}
}
