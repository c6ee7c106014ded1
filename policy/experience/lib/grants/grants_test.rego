package experience.lib.grants_test

import data.experience.lib.grants
import data.experience.testkit_test as testkit

_grants := {
	"roles": {
		"viewer": [testkit.grant("plugin.widget", "view"), testkit.grant("plugin.route", "view")],
		"orders-admin": [testkit.grant("orders.page", "*")],
		"root": [testkit.grant("*", "*")],
		"auditor": [testkit.grant("*", "read")],
		"empty": [],
	},
	"users": {
		"carol": [testkit.grant("orders.page", "edit")],
		"dave": [testkit.grant("reports.page", "*")],
	},
}

_user(id, roles) := {"id": id, "roles": roles}

_granted(user, resource, action) if grants.granted(_grants, user, resource, action)

# roles
test_role_grant if _granted(_user("alice", ["viewer"]), "plugin.widget", "view")

test_role_second_grant if _granted(_user("alice", ["viewer"]), "plugin.route", "view")

test_role_other_action if not _granted(_user("alice", ["viewer"]), "plugin.widget", "edit")

test_role_other_resource if not _granted(_user("alice", ["viewer"]), "orders.page", "view")

test_any_of_several_roles if _granted(_user("alice", ["nobody", "empty", "viewer"]), "plugin.widget", "view")

test_unknown_role if not _granted(_user("alice", ["nobody"]), "plugin.widget", "view")

test_role_name_case_sensitive if not _granted(_user("alice", ["Viewer"]), "plugin.widget", "view")

test_resource_case_sensitive if not _granted(_user("alice", ["viewer"]), "Plugin.Widget", "view")

test_action_case_sensitive if not _granted(_user("alice", ["viewer"]), "plugin.widget", "VIEW")

test_resource_prefix_is_not_a_match if not _granted(_user("alice", ["viewer"]), "plugin.widgets", "view")

test_empty_role if not _granted(_user("alice", ["empty"]), "plugin.widget", "view")

# wildcards
test_wildcard_action if _granted(_user("alice", ["orders-admin"]), "orders.page", "delete")

test_wildcard_action_keeps_resource if not _granted(_user("alice", ["orders-admin"]), "orders.widget", "view")

test_wildcard_resource if _granted(_user("alice", ["auditor"]), "anything", "read")

test_wildcard_resource_keeps_action if not _granted(_user("alice", ["auditor"]), "anything", "write")

test_wildcard_both if _granted(_user("alice", ["root"]), "anything", "anything")

test_wildcard_requires_string_resource if not _granted(_user("alice", ["root"]), 42, "view")

test_wildcard_requires_string_action if not _granted(_user("alice", ["root"]), "orders.page", null)

test_requested_star_is_no_wildcard if not _granted(_user("alice", ["viewer"]), "*", "view")

test_requested_star_matches_star_grant if _granted(_user("alice", ["root"]), "*", "*")

# users
test_user_grant if _granted(_user("carol", []), "orders.page", "edit")

test_user_grant_other_action if not _granted(_user("carol", []), "orders.page", "view")

test_user_wildcard if _granted(_user("dave", []), "reports.page", "export")

test_user_and_role_add_up if _granted(_user("carol", ["viewer"]), "plugin.widget", "view")

test_user_and_role_add_up_user_side if _granted(_user("carol", ["viewer"]), "orders.page", "edit")

test_user_id_case_sensitive if not _granted(_user("Carol", []), "orders.page", "edit")

test_other_user if not _granted(_user("erin", []), "orders.page", "edit")

# missing and ill-typed fields
test_missing_roles if _granted({"id": "carol"}, "orders.page", "edit")

test_missing_roles_no_grant if not _granted({"id": "erin"}, "plugin.widget", "view")

test_missing_id if _granted({"roles": ["viewer"]}, "plugin.widget", "view")

test_roles_as_string if not _granted({"id": "erin", "roles": "viewer"}, "plugin.widget", "view")

test_roles_as_object if not _granted({"id": "erin", "roles": {"r": "viewer"}}, "plugin.widget", "view")

test_roles_with_non_strings if _granted({"roles": [1, null, {}, "viewer"]}, "plugin.widget", "view")

test_id_as_number if not _granted({"id": 1}, "orders.page", "edit")

test_user_null if not _granted(null, "plugin.widget", "view")

test_user_string if not _granted("carol", "orders.page", "edit")

test_grants_without_users if grants.granted({"roles": _grants.roles}, _user("u", ["viewer"]), "plugin.route", "view")

test_grants_without_roles if grants.granted({"users": _grants.users}, _user("carol", ["viewer"]), "orders.page", "edit")

test_empty_grants if not grants.granted({}, _user("carol", ["root"]), "orders.page", "edit")

test_grant_without_action if not grants.granted({"users": {"u": [{"resource": "r"}]}}, _user("u", []), "r", "view")

# covering: every grant that covers a resource/action, roles first, by name and file order
test_covering_lists_roles_then_users if grants.covering(_grants, "orders.page", "edit") == [
	{"kind": "role", "name": "orders-admin", "index": 0, "grant": testkit.grant("orders.page", "*")},
	{"kind": "role", "name": "root", "index": 0, "grant": testkit.grant("*", "*")},
	{"kind": "user", "name": "carol", "index": 0, "grant": testkit.grant("orders.page", "edit")},
]

test_covering_keeps_the_index_in_the_list if {
	[entry.index | some entry in grants.covering(_grants, "plugin.route", "view"); entry.name == "viewer"] == [1]
}

test_covering_only_the_wildcard if grants.covering(_grants, "nothing", "view") == [{
	"kind": "role", "name": "root", "index": 0,
	"grant": testkit.grant("*", "*"),
}]

test_covering_nothing_without_grants if grants.covering({}, "orders.page", "edit") == []

test_covering_ignores_ill_typed_lists if grants.covering({"roles": ["x"], "users": "carol"}, "a", "b") == []

test_covering_needs_strings if grants.covering(_grants, 1, "view") == []

# holds: whose grant it is
test_holds_role_grant if grants.holds(_user("alice", ["viewer"]), {"kind": "role", "name": "viewer"})

test_holds_not_others_role if not grants.holds(_user("alice", ["viewer"]), {"kind": "role", "name": "root"})

test_holds_own_user_grant if grants.holds(_user("carol", []), {"kind": "user", "name": "carol"})

test_holds_not_others_user_grant if not grants.holds(_user("carol", ["carol"]), {"kind": "user", "name": "dave"})

test_holds_role_named_like_user_is_a_role if not grants.holds(_user("viewer", []), {"kind": "role", "name": "viewer"})

test_holds_without_roles if not grants.holds({"id": "x", "roles": "viewer"}, {"kind": "role", "name": "viewer"})

# granted is "a covering grant the user holds"
test_granted_iff_a_held_covering_grant if {
	users := [_user("alice", ["viewer"]), _user("carol", ["auditor"]), _user("x", []), {"id": "dave"}]
	wanted := [["plugin.widget", "view"], ["orders.page", "edit"], ["reports.page", "read"], ["z", "read"]]
	every user in users {
		every pair in wanted {
			_agrees(user, pair[0], pair[1])
		}
	}
}

_agrees(user, resource, action) if {
	_granted(user, resource, action)
	some entry in grants.covering(_grants, resource, action)
	grants.holds(user, entry)
}

_agrees(user, resource, action) if {
	not _granted(user, resource, action)
	every entry in grants.covering(_grants, resource, action) {
		not grants.holds(user, entry)
	}
}

test_matches_wildcard_resource if grants.matches({"resource": "*", "action": "view"}, "orders.page", "view")

test_matches_literal_not_other if not grants.matches({"resource": "orders", "action": "view"}, "orders.x", "view")
