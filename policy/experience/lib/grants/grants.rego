# METADATA
# title: Grants
# description: >-
#   The one grant rule, shared by contributions and authz. A user is granted a resource/action when any of the
#   user's roles, or the user id, has a grant whose resource and action match; "*" matches any value.
package experience.lib.grants

# METADATA
# title: Granted
# scope: document
# description: >-
#   True when `grants` (a tenant's `{roles: {role: [grant]}, users: {id: [grant]}}`) grant `user`
#   (`{id, roles}`) the string `resource` and `action`: one of the grants that cover them (covering) is held by
#   the user (holds). Missing or ill-typed roles, id or grants grant nothing.
granted(grants, user, resource, action) if {
	some entry in covering(grants, resource, action)
	holds(user, entry)
}

# METADATA
# title: Covering grants
# description: >-
#   Every grant in `grants` whose resource and action match the strings `resource` and `action`, as
#   {kind: role | user, name, index, grant}: the roles' grants first, then the users', by name and file order.
covering(grants, resource, action) := array.concat(
	_covering(grants, "roles", "role", resource, action),
	_covering(grants, "users", "user", resource, action),
)

_covering(grants, key, kind, resource, action) := [{"kind": kind, "name": name, "index": i, "grant": grant} |
	some name, list in _subjects(grants, key)
	some i, grant in list
	_covers(grant, resource, action)
]

_subjects(grants, key) := grants[key] if is_object(grants[key])

# METADATA
# title: Holds
# scope: document
# description: >-
#   True when `user` holds a covering grant `entry`: a role grant of one of the user's roles, or a user grant of
#   the user's id.
holds(user, entry) if {
	entry.kind == "role"
	entry.name in _roles(user)
}

holds(user, entry) if {
	entry.kind == "user"
	entry.name == user.id
}

_roles(user) := user.roles if is_array(user.roles)

# METADATA
# title: Grant matches
# description: >-
#   True when the one grant `grant` matches the strings `resource` and `action` (the test covering applies to
#   each grant): each of its values is "*" or that string.
matches(grant, resource, action) if _covers(grant, resource, action)

_covers(grant, resource, action) if {
	_value_matches(grant.resource, resource)
	_value_matches(grant.action, action)
}

_value_matches("*", value) if is_string(value)

_value_matches(value, value) if is_string(value)
