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
#   (`{id, roles}`) the string `resource` and `action`. Missing or ill-typed roles, id or grants grant nothing.
granted(grants, user, resource, action) if {
	some role in _roles(user)
	some grant in grants.roles[role]
	_covers(grant, resource, action)
}

granted(grants, user, resource, action) if {
	some grant in grants.users[user.id]
	_covers(grant, resource, action)
}

_roles(user) := user.roles if is_array(user.roles)

_covers(grant, resource, action) if {
	_value_matches(grant.resource, resource)
	_value_matches(grant.action, action)
}

_value_matches("*", value) if is_string(value)

_value_matches(value, value) if is_string(value)
