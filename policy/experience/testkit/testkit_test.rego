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
# description: A plugin entry; fields overrides the defaults (no permissions, no contributions).
plugin(id, compatible, fields) := object.union(
	{"id": id, "version": "1.0.0", "compatible": compatible, "api": [], "sse": [], "routes": [], "widgets": []},
	fields,
)

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
