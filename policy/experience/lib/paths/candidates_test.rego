package experience.lib.paths_test

import data.experience.lib.paths
import data.experience.testkit_test as testkit

# request_candidates: the api_index lookup (the index is built as compileRegistry builds it, by the testkit)
_indexed := [
	testkit.api_permission("GET", "/api/orders"), # 0
	testkit.api_permission("GET", "/api/orders/{id}"), # 1
	testkit.api_permission("GET", "/{region}/orders/{id}"), # 2: a parameter first
	testkit.api_permission("GET", "/api/**"), # 3: a prefix with one literal
	testkit.api_permission("POST", "/api/orders/{id}"), # 4
	testkit.api_permission("GET", "/api/orders/{ref}"), # 5: the same shape and literals as 1
	testkit.api_permission("GET", "/{a}/{b}"), # 6: no literal at all
	testkit.api_permission("GET", "/api/catalog/**"), # 7
	testkit.api_permission("GET", "/{a}/**"), # 8: a prefix without a literal
]

_candidates(method, path) := paths.request_candidates(testkit.api_index(_indexed), method, paths.segments(path))

test_candidates_exact_and_prefixes if _candidates("GET", "/api/orders") == {0, 3, 6, 8}

test_candidates_every_shape_of_the_length if _candidates("GET", "/api/orders/42") == {1, 2, 3, 5, 8}

test_candidates_parameter_first if _candidates("GET", "/eu/orders/42") == {2, 8}

test_candidates_no_literal if _candidates("GET", "/x/y") == {6, 8}

test_candidates_longer_than_every_exact_template if _candidates("GET", "/api/catalog/a/b/c") == {3, 7, 8}

test_candidates_prefix_longer_than_the_path if _candidates("GET", "/api") == {3, 8}

test_candidates_of_the_method_only if _candidates("POST", "/api/orders/42") == {4}

test_candidates_method_case_sensitive if _candidates("get", "/api/orders") == set()

test_candidates_method_not_a_string if _candidates(7, "/api/orders") == set()

test_candidates_literal_case_sensitive if _candidates("GET", "/API/Orders/1") == {8}

test_candidates_empty_index if paths.request_candidates({}, "GET", ["api"]) == set()

# a candidate is not a match: request_matches still decides (a parameter needs a non-empty segment)
test_candidates_include_an_empty_parameter if {
	1 in _candidates("GET", "/api/orders/")
	not paths.request_matches(_indexed[1], "GET", paths.segments("/api/orders/"))
}

# every matching permission is a candidate, and every candidate has the method and fits the length
test_candidates_cover_every_match if {
	requests := [
		["GET", "/api/orders"], ["GET", "/api/orders/1"], ["POST", "/api/orders/1"], ["GET", "/eu/orders/1"],
		["GET", "/api"], ["GET", "/api/catalog"], ["GET", "/api/catalog/x/y"], ["GET", "/a/b"], ["GET", "/a"],
		["PUT", "/api/orders/1"], ["GET", "/api/orders/1/x"], ["GET", "/x/orders/y/z"], ["GET", "/orders/api/1"],
	]
	every request in requests {
		_cover_every_match(request[0], paths.segments(request[1]))
	}
}

_cover_every_match(method, segments) if {
	matching := {i | some i, permission in _indexed; paths.request_matches(permission, method, segments)}
	candidates := paths.request_candidates(testkit.api_index(_indexed), method, segments)
	count(matching - candidates) == 0
	every i in candidates {
		_indexed[i].method == method
		_fits(_indexed[i], count(segments))
	}
}

_fits(permission, n) if {
	permission.prefix
	count(permission.segments) <= n
}

_fits(permission, n) if {
	not permission.prefix
	count(permission.segments) == n
}

# the testkit builds the index of docs/contracts.md
test_api_index_shape if {
	testkit.api_index([_indexed[1], _indexed[5], _indexed[3]]) == {"GET": {
		"exact": [[], [], [], [{"length": 3, "literals": [0, 1], "entries": {"api/orders": [0, 1]}}]],
		"prefix": [{"length": 1, "literals": [0], "entries": {"api": [2]}}],
	}}
}

# topic_candidates: the sse_index lookup
_prefixes := [
	testkit.sse_permission("orders"),
	testkit.sse_permission("orders.created"),
	testkit.sse_permission("order"),
	testkit.sse_permission("orders"),
	testkit.sse_permission("eu.orders"),
]

_topic_candidates(topic) := paths.topic_candidates(testkit.sse_index(_prefixes), topic)

test_topic_candidates_itself_and_duplicates if _topic_candidates("orders") == {0, 3}

test_topic_candidates_every_leading_prefix if _topic_candidates("orders.created.eu") == {0, 1, 3}

test_topic_candidates_whole_segments_only if _topic_candidates("ordersx") == set()

test_topic_candidates_shorter_segment if _topic_candidates("order.x") == {2}

test_topic_candidates_not_a_leading_segment if _topic_candidates("x.orders") == set()

test_topic_candidates_nested_prefix if _topic_candidates("eu.orders.created") == {4}

test_topic_candidates_case_sensitive if _topic_candidates("Orders") == set()

test_topic_candidates_not_a_string if _topic_candidates(7) == set()

test_topic_candidates_cover_every_match if {
	topics := ["orders", "orders.created", "orders.created.x", "order", "order.created", "eu", "eu.orders", "x", ""]
	every topic in topics {
		matching := {i | some i, permission in _prefixes; paths.topic_matches(permission, topic)}
		count(matching - _topic_candidates(topic)) == 0
	}
}

test_sse_index_shape if {
	testkit.sse_index(_prefixes) == {"orders": [0, 3], "orders.created": [1], "order": [2], "eu.orders": [4]}
}

test_api_index_prefixes_only if {
	testkit.api_index([_indexed[3]]) == {"GET": {
		"exact": [],
		"prefix": [{"length": 1, "literals": [0], "entries": {"api": [0]}}],
	}}
}
