# METADATA
# title: Test builders
# description: >-
#   Builders for data.registry documents, shaped as compileRegistry() in src/config produces them, so that each
#   test case stays one line. Tests only: the file name keeps it out of the Wasm build.
package experience.testkit_test

# METADATA
# title: API permission
# description: An API permission compiled from a template ("/api/orders/{id}", "/api/catalog/**").
api_permission(method, template) := {
	"method": method,
	"template": template,
	"prefix": endswith(template, "/**"),
	"segments": [_compiled(part) | some part in _parts(trim_suffix(template, "/**"))],
}

_parts(path) := array.slice(split(path, "/"), 1, count(split(path, "/")))

_compiled(part) := {"param": trim(part, "{}")} if startswith(part, "{")

_compiled(part) := {"literal": part} if not startswith(part, "{")

# METADATA
# title: SSE permission
# description: An SSE permission compiled from a topic prefix ("orders.created").
sse_permission(prefix) := {"prefix": prefix, "segments": split(prefix, ".")}

# METADATA
# title: Plugin
# description: >-
#   A plugin entry; fields overrides the defaults (no permissions, no contributions). api_index and sse_index are
#   built from fields' api and sse (api_index, sse_index) unless fields sets them.
plugin(id, compatible, fields) := object.union(
	{
		"id": id, "version": "1.0.0", "compatible": compatible, "api": [], "sse": [], "routes": [], "widgets": [],
		"api_index": api_index(object.get(fields, "api", [])), "sse_index": sse_index(object.get(fields, "sse", [])),
	},
	fields,
)

# METADATA
# title: API index
# description: >-
#   The api_index of compiled API permissions, as compileRegistry() builds it (src/config/compile-index.ts):
#   method -> {exact: [[shape]] by segment count, prefix: [shape]}, a shape {length, literals, entries}. Shapes are
#   in sorted order here (file order there); the lookup reads them in no order.
api_index(entries) := {method: {"exact": _exact_shapes(entries, method), "prefix": _shapes(entries, method, true)} |
	some method in {entry.method | some entry in entries}
}

# exact[n]: the shapes of the exact templates with n segments, [] for a count none has
_exact_shapes(entries, method) := [] if count(_exact_lengths(entries, method)) == 0

_exact_shapes(entries, method) := [[shape | some shape in _shapes(entries, method, false); shape.length == n] |
	some n in numbers.range(0, max(_exact_lengths(entries, method)))
] if {
	count(_exact_lengths(entries, method)) > 0
}

_exact_lengths(entries, method) := {count(entry.segments) | some entry in entries; _exact(entry, method)}

_exact(entry, method) if {
	entry.method == method
	entry.prefix == false
}

_shapes(entries, method, prefix) := [_shape(entries, method, prefix, signature) |
	some signature in {_signature(entry) | some entry in entries; entry.method == method; entry.prefix == prefix}
]

# [segment count, positions of the literal segments]
_signature(entry) := [count(entry.segments), [j | some j, segment in entry.segments; segment.literal]]

_shape(entries, method, prefix, signature) := {"length": signature[0], "literals": signature[1], "entries": {key: [i |
	some i, other in entries
	_in_shape(other, method, prefix, signature)
	_literal_key(other) == key
] |
	some entry in entries
	_in_shape(entry, method, prefix, signature)
	key := _literal_key(entry)
}}

_in_shape(entry, method, prefix, signature) if {
	entry.method == method
	entry.prefix == prefix
	_signature(entry) == signature
}

_literal_key(entry) := concat("/", [segment.literal | some segment in entry.segments; segment.literal])

# METADATA
# title: SSE index
# description: >-
#   The sse_index of compiled SSE permissions, as compileRegistry() builds it: prefix -> indexes.
sse_index(entries) := {key: [i | some i, other in entries; concat(".", other.segments) == key] |
	some entry in entries
	key := concat(".", entry.segments)
}

# METADATA
# title: Route
# description: A route contribution gated by resource/action.
route(path, resource, action) := {"path": path, "component": "Page", "resource": resource, "action": action}

# METADATA
# title: Widget
# description: A widget contribution gated by resource/action.
widget(slot, resource, action) := {"slot": slot, "component": "Widget", "resource": resource, "action": action}

# METADATA
# title: Grant
# description: One grant of a resource/action.
grant(resource, action) := {"resource": resource, "action": action}
