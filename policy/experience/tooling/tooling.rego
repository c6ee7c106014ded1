# METADATA
# title: Relations for the CLI
# description: >-
#   Entrypoints that answer the CLI's questions about allow-lists and grants from the input alone (they read no
#   data): `diff`, `harness` and `validate` ask these (lib.relations) instead of restating the policy's rules.
#   Entries are shaped as in data.registry (docs/contracts.md).
package experience.tooling

import data.experience.lib.relations

# METADATA
# title: Coverage between allow-lists
# description: >-
#   {api: [[i, j]], sse: [[i, j]], grants: [[i, j]]} for input {api: {outer: [entry], inner: [entry]}, sse:
#   {outer: [entry], inner: [entry]}, grants: {outer: [grant], inner: [grant]}}: every pair of indexes where
#   outer[i] admits everything inner[j] admits (relations.api_covers, relations.sse_covers,
#   relations.grant_covers), in index order. A missing list is empty.
# entrypoint: true
covers := {
	"api": [[i, j] |
		some i, outer in _list(["api", "outer"])
		some j, inner in _list(["api", "inner"])
		relations.api_covers(outer, inner)
	],
	"sse": [[i, j] |
		some i, outer in _list(["sse", "outer"])
		some j, inner in _list(["sse", "inner"])
		relations.sse_covers(outer, inner)
	],
	"grants": [[i, j] |
		some i, outer in _list(["grants", "outer"])
		some j, inner in _list(["grants", "inner"])
		relations.grant_covers(outer, inner)
	],
}

# METADATA
# title: Declared paths and topics
# description: >-
#   {paths: [{coverage, methods}], topics: [coverage]} for input {api: [entry], sse: [entry], paths: [{method,
#   pattern}], topics: [topic]}: for each path written in plugin code its relations.path_coverage for its method
#   (null: any) and the methods it is declared for (relations.path_methods); for each topic its
#   relations.topic_coverage. A missing list is empty.
# entrypoint: true
declared := {
	"paths": [{
		"coverage": relations.path_coverage(_list(["api"]), object.get(path, "method", null), path.pattern),
		"methods": relations.path_methods(_list(["api"]), path.pattern),
	} |
		some path in _list(["paths"])
	],
	"topics": [relations.topic_coverage(_list(["sse"]), topic) | some topic in _list(["topics"])],
}

# METADATA
# title: Granted to anyone
# description: >-
#   {granted: [boolean]} for input {grants: {roles, users}, wanted: [{resource, action}]}: for each wanted
#   resource/action whether some role or user has a grant covering it (relations.anyone_granted).
# entrypoint: true
granted := {"granted": [_anyone(object.get(input, "grants", {}), wanted) | some wanted in _list(["wanted"])]}

default _anyone(_, _) := false

_anyone(grants, wanted) if relations.anyone_granted(grants, wanted.resource, wanted.action)

_list(path) := list if {
	list := object.get(input, path, [])
	is_array(list)
}

_list(path) := [] if not is_array(object.get(input, path, []))
