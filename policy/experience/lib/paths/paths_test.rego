package experience.lib.paths_test

import data.experience.lib.paths
import data.experience.testkit_test as testkit

_matches(template, path) if paths.template_matches(testkit.api_permission("GET", template), paths.segments(path))

_topic(prefix) := testkit.sse_permission(prefix)

_topic_regex := `^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$`

# malformed: well-formed paths
test_well_formed_root_segment if not paths.malformed("/api")

test_well_formed_nested if not paths.malformed("/api/orders/42")

test_well_formed_dots_inside_segment if not paths.malformed("/api/file.v1.json")

test_well_formed_three_dots if not paths.malformed("/api/...")

test_well_formed_other_encoding if not paths.malformed("/api/a%20b")

test_well_formed_percent_not_forbidden if not paths.malformed("/api/%2")

test_well_formed_unicode if not paths.malformed("/api/ünïcode")

# malformed: shape
test_malformed_empty_string if paths.malformed("")

test_malformed_no_leading_slash if paths.malformed("api/orders")

test_malformed_root_alone if paths.malformed("/")

test_malformed_double_slash_leading if paths.malformed("//api")

test_malformed_double_slash_inside if paths.malformed("/api//orders")

test_malformed_trailing_slash if paths.malformed("/api/orders/")

test_malformed_dot_segment if paths.malformed("/api/./orders")

test_malformed_dot_dot_segment if paths.malformed("/api/../admin")

test_malformed_trailing_dot_dot if paths.malformed("/api/..")

test_malformed_trailing_dot if paths.malformed("/api/.")

# malformed: forbidden characters and encodings, both cases
test_malformed_backslash if paths.malformed(`/api\orders`)

test_malformed_encoded_slash_lower if paths.malformed("/api/a%2fb")

test_malformed_encoded_slash_upper if paths.malformed("/api/a%2Fb")

test_malformed_encoded_backslash_lower if paths.malformed("/api/a%5cb")

test_malformed_encoded_backslash_upper if paths.malformed("/api/a%5Cb")

test_malformed_encoded_dot_lower if paths.malformed("/api/%2e%2e/admin")

test_malformed_encoded_dot_upper if paths.malformed("/api/%2E")

test_malformed_encoded_dot_inside_segment if paths.malformed("/api/file%2ejson")

test_malformed_encoded_nul if paths.malformed("/api/a%00")

test_malformed_dot_dot_with_parameter if paths.malformed("/api/catalog/..;/orders")

test_malformed_dot_with_parameter if paths.malformed("/api/.;x/orders")

test_semicolon_in_ordinary_segment_is_not_malformed if not paths.malformed("/api/orders/a;b")

test_malformed_double_encoded_slash if paths.malformed("/api/a%252fb")

test_malformed_encoded_percent if paths.malformed("/api/100%25")

# malformed: not a string
test_malformed_number if paths.malformed(42)

test_malformed_null if paths.malformed(null)

test_malformed_array if paths.malformed(["/api"])

test_malformed_object if paths.malformed({"path": "/api"})

test_malformed_boolean if paths.malformed(true)

# segments
test_segments_of_path if paths.segments("/api/orders/42") == ["api", "orders", "42"]

test_segments_keep_empty_ones if paths.segments("/api//x/") == ["api", "", "x", ""]

test_segments_undefined_for_relative_path if not paths.segments("api/orders")

test_segments_undefined_for_non_string if not paths.segments(7)

# template_matches: exact
test_exact_matches_itself if _matches("/api/orders", "/api/orders")

test_exact_rejects_child if not _matches("/api/orders", "/api/orders/1")

test_exact_rejects_parent if not _matches("/api/orders", "/api")

test_exact_rejects_trailing_empty_segment if not _matches("/api/orders", "/api/orders/")

test_exact_is_case_sensitive if not _matches("/api/orders", "/api/Orders")

test_exact_rejects_longer_last_segment if not _matches("/api/orders", "/api/ordersx")

test_exact_rejects_shorter_last_segment if not _matches("/api/orders", "/api/order")

test_exact_rejects_other_root if not _matches("/api/orders", "/apx/orders")

# template_matches: parameters
test_param_matches_one_segment if _matches("/api/orders/{id}", "/api/orders/42")

test_param_matches_any_characters if _matches("/api/orders/{id}", "/api/orders/a-b_c.d")

test_param_rejects_empty_segment if not _matches("/api/orders/{id}", "/api/orders/")

test_param_rejects_two_segments if not _matches("/api/orders/{id}", "/api/orders/1/2")

test_param_rejects_missing_segment if not _matches("/api/orders/{id}", "/api/orders")

test_param_in_the_middle if _matches("/api/orders/{id}/cancel", "/api/orders/7/cancel")

test_param_in_the_middle_literal_after if not _matches("/api/orders/{id}/cancel", "/api/orders/7/Cancel")

test_two_params if _matches("/api/{kind}/{id}", "/api/orders/7")

test_param_first if _matches("/{tenant}/orders", "/acme/orders")

# template_matches: prefixes
test_prefix_matches_itself if _matches("/api/catalog/**", "/api/catalog")

test_prefix_matches_child if _matches("/api/catalog/**", "/api/catalog/a")

test_prefix_matches_descendant if _matches("/api/catalog/**", "/api/catalog/a/b/c")

test_prefix_rejects_longer_segment if not _matches("/api/catalog/**", "/api/catalogue")

test_prefix_rejects_suffixed_segment if not _matches("/api/catalog/**", "/api/catalog-x")

test_prefix_rejects_parent if not _matches("/api/catalog/**", "/api")

test_prefix_is_case_sensitive if not _matches("/api/catalog/**", "/api/Catalog/a")

test_prefix_with_param if _matches("/api/shops/{id}/**", "/api/shops/9/items/3")

test_prefix_with_param_rejects_empty if not _matches("/api/shops/{id}/**", "/api/shops//items")

test_root_prefix_matches_anything if _matches("/**", "/anything/at/all")

test_prefix_false_when_missing if not paths.template_matches({"segments": [{"literal": "a"}]}, ["a", "b"])

test_prefix_missing_is_exact if paths.template_matches({"segments": [{"literal": "a"}]}, ["a"])

test_prefix_only_when_true if not paths.template_matches({"prefix": "yes", "segments": [{"literal": "a"}]}, ["a", "b"])

test_unknown_segment_kind_matches_nothing if not paths.template_matches({"prefix": false, "segments": [{}]}, ["a"])

# malformed_topic
test_topic_single_segment if not paths.malformed_topic("orders")

test_topic_dotted if not paths.malformed_topic("orders.created.eu")

test_topic_all_allowed_characters if not paths.malformed_topic("Az09_-.x")

test_topic_empty if paths.malformed_topic("")

test_topic_leading_dot if paths.malformed_topic(".orders")

test_topic_trailing_dot if paths.malformed_topic("orders.")

test_topic_double_dot if paths.malformed_topic("orders..created")

test_topic_space if paths.malformed_topic("orders created")

test_topic_slash if paths.malformed_topic("orders/created")

test_topic_wildcard if paths.malformed_topic("orders.*")

test_topic_unicode if paths.malformed_topic("ördérs")

test_topic_newline if paths.malformed_topic("orders\n")

test_topic_number if paths.malformed_topic(1)

test_topic_null if paths.malformed_topic(null)

test_topic_array if paths.malformed_topic(["orders"])

# the trim-based check agrees with the contract's regex
test_topic_check_equals_regex if {
	samples := [
		"a", "a.b", "A-Z_0.9", "-", "_._", "", ".", "a.", ".a", "a..b", "a b", "a+b", "a.b/c", "ü", "a\tb",
		"orders.created", "x.y.z.w", "%2e", "a\\b",
	]
	every sample in samples {
		_agrees_with_regex(sample)
	}
}

_agrees_with_regex(topic) if {
	regex.match(_topic_regex, topic)
	not paths.malformed_topic(topic)
}

_agrees_with_regex(topic) if {
	not regex.match(_topic_regex, topic)
	paths.malformed_topic(topic)
}

# topic_matches
test_topic_prefix_matches_itself if paths.topic_matches(_topic("orders"), "orders")

test_topic_prefix_matches_child if paths.topic_matches(_topic("orders"), "orders.created")

test_topic_prefix_matches_descendant if paths.topic_matches(_topic("orders"), "orders.created.eu")

test_topic_prefix_rejects_longer_segment if not paths.topic_matches(_topic("orders"), "ordersx")

test_topic_prefix_rejects_shorter_segment if not paths.topic_matches(_topic("orders"), "order")

test_topic_prefix_rejects_parent if not paths.topic_matches(_topic("orders.created"), "orders")

test_topic_prefix_rejects_sibling if not paths.topic_matches(_topic("orders.created"), "orders.deleted")

test_topic_prefix_two_segments if paths.topic_matches(_topic("orders.created"), "orders.created.eu")

test_topic_prefix_is_case_sensitive if not paths.topic_matches(_topic("orders"), "Orders")

test_topic_prefix_empty_matches_nothing if not paths.topic_matches({"prefix": "", "segments": []}, "orders")

# malformations: why, in order
test_malformations_of_well_formed_path if paths.malformations("/api/orders/a;b") == []

test_malformations_not_a_string if paths.malformations(7) == [{"kind": "not_a_string"}]

test_malformations_relative if paths.malformations("api") == [{"kind": "not_absolute"}]

test_malformations_empty_segment if {
	paths.malformations("/api//x") == [{"kind": "empty_segment", "segment": 2, "text": ""}]
}

test_malformations_trailing_slash if paths.malformations("/a/") == [{"kind": "empty_segment", "segment": 2, "text": ""}]

test_malformations_dot_segment if paths.malformations("/a/..") == [{"kind": "dot_segment", "segment": 2, "text": ".."}]

test_malformations_dot_parameter if {
	paths.malformations("/a/..;x/b") == [{"kind": "dot_segment_parameter", "segment": 2, "text": "..;x"}]
}

test_malformations_forbidden_then_segments if {
	paths.malformations(`/a/%2e/\/`) == [
		{"kind": "forbidden", "text": "%2e"},
		{"kind": "forbidden", "text": `\`},
		{"kind": "empty_segment", "segment": 4, "text": ""},
	]
}

test_malformations_relative_and_forbidden if {
	paths.malformations("a%00") == [{"kind": "not_absolute"}, {"kind": "forbidden", "text": "%00"}]
}

# malformed is exactly "has a malformation"
test_malformed_iff_malformations if {
	samples := ["/a", "/a/b", "a", "", "/", "//", "/a/./b", "/a/%2F", "/a;b", "/..;", 3, null]
	every sample in samples {
		_malformed_iff_malformations(sample)
	}
}

_malformed_iff_malformations(path) if {
	paths.malformed(path)
	count(paths.malformations(path)) > 0
}

_malformed_iff_malformations(path) if {
	not paths.malformed(path)
	paths.malformations(path) == []
}

# method_matches and request_matches
test_method_matches_exactly if paths.method_matches({"method": "GET"}, "GET")

test_method_matches_case_sensitive if not paths.method_matches({"method": "GET"}, "get")

test_request_matches_both if paths.request_matches(testkit.api_permission("GET", "/a/{x}"), "GET", ["a", "1"])

test_request_matches_needs_method if {
	not paths.request_matches(testkit.api_permission("GET", "/a/{x}"), "PUT", ["a", "1"])
}

test_request_matches_needs_path if not paths.request_matches(testkit.api_permission("GET", "/a/{x}"), "GET", ["a"])

# template_diagnosis: where the path first differs
_diagnose(template, path) := paths.template_diagnosis(testkit.api_permission("GET", template), paths.segments(path))

test_diagnosis_match if _diagnose("/api/orders/{id}", "/api/orders/7") == {"path_matches": true, "matched_segments": 3}

test_diagnosis_prefix_match if _diagnose("/api/catalog/**", "/api/catalog/a/b") == {
	"path_matches": true,
	"matched_segments": 2,
}

test_diagnosis_template_ended if _diagnose("/api/orders/{id}", "/api/orders/7/items/2") == {
	"path_matches": false, "matched_segments": 3,
	"difference": {"kind": "template_ended", "segment": 4, "rest": ["items", "2"]},
}

test_diagnosis_path_ended if _diagnose("/api/orders/{id}", "/api/orders") == {
	"path_matches": false, "matched_segments": 2,
	"difference": {"kind": "path_ended", "segment": 3, "expected": {"param": "id"}},
}

test_diagnosis_prefix_path_ended if _diagnose("/api/catalog/**", "/api").difference == {
	"kind": "path_ended", "segment": 2,
	"expected": {"literal": "catalog"},
}

test_diagnosis_look_alike if _diagnose("/api/catalog/**", "/api/catalogue").difference == {
	"kind": "look_alike", "segment": 2,
	"expected": {"literal": "catalog"}, "actual": "catalogue",
}

test_diagnosis_shorter_look_alike if _diagnose("/api/orders", "/api/order").difference.kind == "look_alike"

test_diagnosis_case_differs if _diagnose("/api/orders", "/api/Orders").difference.kind == "case_differs"

test_diagnosis_literal_differs if _diagnose("/api/orders/{id}/notes", "/api/orders/1/items").difference == {
	"kind": "literal_differs", "segment": 4,
	"expected": {"literal": "notes"}, "actual": "items",
}

test_diagnosis_first_segment if _diagnose("/api/orders", "/x/orders") == {
	"path_matches": false, "matched_segments": 0,
	"difference": {"kind": "literal_differs", "segment": 1, "expected": {"literal": "api"}, "actual": "x"},
}

test_diagnosis_empty_segment if _diagnose("/api/{id}", "/api/").difference == {
	"kind": "empty_segment", "segment": 2,
	"expected": {"param": "id"}, "actual": "",
}

# the diagnosis agrees with template_matches
test_diagnosis_agrees_with_matching if {
	templates := ["/api/orders", "/api/orders/{id}", "/api/catalog/**", "/{a}/x/**"]
	paths_ := ["/api/orders", "/api/orders/1", "/api/catalog", "/api/catalog/x/y", "/q/x", "/q/x/z", "/api"]
	every template in templates {
		every path in paths_ {
			_diagnose(template, path).path_matches == _matches_value(template, path)
		}
	}
}

_matches_value(template, path) if _matches(template, path)

_matches_value(template, path) := false if not _matches(template, path)

# likeness: ASCII case only, prefixes either way
test_likeness_case if paths.likeness("Orders", "oRDERS") == "case_differs"

test_likeness_longer if paths.likeness("catalog", "Catalogue") == "look_alike"

test_likeness_shorter if paths.likeness("orders", "ord") == "look_alike"

test_likeness_other if paths.likeness("orders", "users") == "literal_differs"

test_likeness_unicode_case_is_not_folded if paths.likeness("é", "É") == "literal_differs"

# topic_malformations
test_topic_malformations_none if paths.topic_malformations("orders.created") == []

test_topic_malformations_not_a_string if paths.topic_malformations(1) == [{"kind": "not_a_string"}]

test_topic_malformations_segments if paths.topic_malformations("a..b c.ü") == [
	{"kind": "empty_segment", "segment": 2, "text": ""},
	{"kind": "bad_characters", "segment": 3, "text": "b c"},
	{"kind": "bad_characters", "segment": 4, "text": "ü"},
]

test_topic_malformations_empty_topic if {
	paths.topic_malformations("") == [{"kind": "empty_segment", "segment": 1, "text": ""}]
}

# topic_diagnosis
test_topic_diagnosis_match if {
	paths.topic_diagnosis(_topic("orders"), "orders.x") == {"matches": true, "matched_segments": 1}
}

test_topic_diagnosis_topic_ended if paths.topic_diagnosis(_topic("orders.created"), "orders") == {
	"matches": false, "matched_segments": 1,
	"difference": {"kind": "topic_ended", "segment": 2, "expected": "created"},
}

test_topic_diagnosis_segment_differs if paths.topic_diagnosis(_topic("orders.created"), "orders.deleted") == {
	"matches": false, "matched_segments": 1,
	"difference": {"kind": "literal_differs", "segment": 2, "expected": "created", "actual": "deleted"},
}

test_topic_diagnosis_look_alike if paths.topic_diagnosis(_topic("orders"), "order").difference.kind == "look_alike"

test_topic_diagnosis_case if paths.topic_diagnosis(_topic("orders"), "Orders").difference.kind == "case_differs"

test_topic_diagnosis_empty_prefix if paths.topic_diagnosis({"prefix": "", "segments": []}, "a") == {
	"matches": false, "matched_segments": 0,
	"difference": {"kind": "empty_prefix"},
}
