# The explanation `experience-plugins explain` renders: the decision of this package, the rule that decided
# (from its METADATA) and one diagnosis per allow-list entry or grant. It restates no rule: it calls the same ones.
package experience.api

import data.experience.lib.paths
import data.experience.lib.reasons
import data.experience.lib.registry

# METADATA
# title: API request explanation
# description: >-
#   {decision, rule, path, entries} for the input of decision. decision: as decision decides. rule: the summary
#   {reason, title, description} of the rule that decided, from its METADATA. path: {malformations}
#   (paths.malformations of input.path). entries: when the plugin is resolved and the path well formed (else
#   []), one diagnosis per allow-list entry in file order, {index, method, template, method_matches,
#   path_matches, matched_segments, difference?}: paths.template_diagnosis, and for a path that matches with
#   another method a difference {kind: method_differs | method_case_differs, expected, actual}.
# entrypoint: true
explanation := {
	"decision": decision,
	"rule": reasons.deciding(_applicable, decision.reason),
	"path": {"malformations": paths.malformations(_path)},
	"entries": _diagnoses,
}

default _path := null

_path := input.path

default _method := null

_method := input.method

default _diagnoses := []

_diagnoses := [_diagnosis(i, entry) | some i, entry in registry.plugin.api] if _well_formed_path

_diagnosis(i, entry) := object.union(
	{"index": i, "method": entry.method, "template": entry.template, "method_matches": _method_matches(entry)},
	_with_method(entry, paths.template_diagnosis(entry, _segments)),
)

default _method_matches(_) := false

_method_matches(entry) if paths.method_matches(entry, _method)

_with_method(entry, diagnosis) := diagnosis if not _other_method(entry, diagnosis)

_with_method(entry, diagnosis) := object.union(diagnosis, {"difference": {
	"kind": _method_kind(entry.method, _method),
	"expected": entry.method,
	"actual": _method,
}}) if {
	_other_method(entry, diagnosis)
}

_other_method(entry, diagnosis) if {
	diagnosis.path_matches == true
	not _method_matches(entry)
}

_method_kind(expected, actual) := "method_case_differs" if _case_only(expected, actual)

_method_kind(expected, actual) := "method_differs" if not _case_only(expected, actual)

_case_only(expected, actual) if {
	is_string(actual)
	paths.likeness(expected, actual) == "case_differs"
}
