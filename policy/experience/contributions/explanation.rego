# The explanation `experience-plugins explain` renders: the decision of this package, the rule that decided
# (from its METADATA) and one diagnosis per allow-list entry or grant. It restates no rule: it calls the same ones.
package experience.contributions

import data.experience.lib.grants
import data.experience.lib.reasons

# METADATA
# title: Contributions explanation
# description: >-
#   {decision, plugins} for the input of decision. decision: as decision decides. plugins: every plugin installed
#   for the tenant, sorted by id, as {id, version, listed, rule, routes, widgets}: rule, the summary {reason,
#   title, description} of the rule that lists the plugin or leaves it out; routes and widgets, one per
#   contribution in file order, {index, granted, rule, grants}: granted, whether the user is granted it (the
#   decision shows it only for a listed plugin); rule, the summary of the rule that granted or withheld it; grants,
#   every grant of the tenant covering its resource/action (grants.covering) with held: whether the user holds it.
# entrypoint: true
explanation := {
	"decision": decision,
	"plugins": [_explained(id, _plugins[id]) | some id in sort(object.keys(_plugins))],
}

_explained(id, plugin) := {
	"id": id,
	"version": plugin.version,
	"listed": _listed_value(plugin),
	"rule": _plugin_rule(plugin),
	"routes": [_item(i, route) | some i, route in object.get(plugin, "routes", [])],
	"widgets": [_item(i, widget) | some i, widget in object.get(plugin, "widgets", [])],
}

default _listed_value(_) := false

_listed_value(plugin) if _listed(plugin)

# METADATA
# title: Listed
# description: >-
#   The host version satisfies the plugin's engine.experience range: it is listed, with the routes and widgets
#   the user is granted.
# custom:
#   reason: listed
_plugin_rule(plugin) := reasons.summary(rego.metadata.rule()) if _listed(plugin)

# METADATA
# title: Plugin disabled
# description: >-
#   An operator turned the plugin off for the tenant (plugins.yaml disabled): it is left out of the manifests, its
#   bundle is not served, and its API calls and streams are refused.
# custom:
#   reason: plugin_disabled
_plugin_rule(plugin) := reasons.summary(rego.metadata.rule()) if _disabled(plugin)

# METADATA
# title: Left out
# description: >-
#   The host version does not satisfy the plugin's engine.experience range: it is left out of the manifests,
#   with all its routes and widgets.
# custom:
#   reason: left_out
_plugin_rule(plugin) := reasons.summary(rego.metadata.rule()) if {
	not _listed(plugin)
	not _disabled(plugin)
}

_item(i, contribution) := {
	"index": i,
	"granted": _granted_value(contribution),
	"rule": _item_rule(contribution),
	"grants": [object.union(entry, {"held": _held(entry)}) |
		some entry in grants.covering(_grants, contribution.resource, contribution.action)
	],
}

default _granted_value(_) := false

_granted_value(contribution) if _granted(contribution)

# METADATA
# title: Granted
# description: >-
#   A grant the user holds (of one of the user's roles, or of the user's id) covers the contribution's resource
#   and action.
# custom:
#   reason: granted
_item_rule(contribution) := reasons.summary(rego.metadata.rule()) if _granted(contribution)

# METADATA
# title: Withheld
# description: No grant the user holds covers the contribution's resource and action.
# custom:
#   reason: withheld
_item_rule(contribution) := reasons.summary(rego.metadata.rule()) if not _granted(contribution)

default _held(_) := false

_held(entry) if grants.holds(input.user, entry)
