# METADATA
# title: Plugin contributions
# description: >-
#   The tenant's plugins as the runtime loader sees them: compatible plugins that are not disabled only, each with
#   the routes and widgets the user is granted (PDP gating of contributions).
package experience.contributions

import data.experience.lib.grants
import data.experience.lib.registry

# METADATA
# title: Contributions decision
# description: >-
#   {plugins: [{id, version, routes, widgets}]} for input {tenant, user: {id, roles}}: the tenant's compatible
#   plugins that are not disabled (plugin.disabled), sorted by id, each with only the routes and widgets (in file
#   order) whose resource/action the user is granted. An unknown tenant gives {plugins: []}.
# entrypoint: true
decision := {"plugins": [_visible(id, _plugins[id]) |
	some id in sort(object.keys(_plugins))
	_listed(_plugins[id])
]}

default _plugins := {}

_plugins := registry.tenant.plugins

default _grants := {}

_grants := registry.tenant.grants

_listed(plugin) if {
	plugin.compatible == true
	not _disabled(plugin)
}

# As registry.disabled: any value but false turns the plugin off (the bundle route follows this list too).
_disabled(plugin) if plugin.disabled

_visible(id, plugin) := {
	"id": id,
	"version": plugin.version,
	"routes": [route | some route in plugin.routes; _granted(route)],
	"widgets": [widget | some widget in plugin.widgets; _granted(widget)],
}

_granted(contribution) if grants.granted(_grants, input.user, contribution.resource, contribution.action)
