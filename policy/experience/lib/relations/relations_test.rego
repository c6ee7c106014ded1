package experience.lib.relations_test

import data.experience.lib.relations
import data.experience.testkit_test as testkit

_get(template) := testkit.api_permission("GET", template)

_covers(outer, inner) if relations.api_covers(_get(outer), _get(inner))

_lit(value) := {"literal": value}

_dyn := {"dynamic": true}

_part(text) := {"partial": text}

_entries := [_get("/api/orders/{id}"), _get("/api/catalog/**"), _get("/api/reports/daily")]

_coverage(pattern) := relations.path_coverage(_entries, "GET", pattern)

_coverage_for(method, pattern) := relations.path_coverage(_entries, method, pattern)

_sse_covers(outer, inner) if relations.sse_covers(testkit.sse_permission(outer), testkit.sse_permission(inner))

# api_covers: the diff table
test_param_covers_literal if _covers("/api/orders/{id}", "/api/orders/42")

test_literal_does_not_cover_param if not _covers("/api/orders/42", "/api/orders/{id}")

test_prefix_covers_param_below if _covers("/api/orders/**", "/api/orders/{id}")

test_prefix_covers_its_own_path if _covers("/api/orders/**", "/api/orders")

test_shorter_prefix_covers_longer if _covers("/api/**", "/api/orders/**")

test_longer_prefix_does_not_cover_shorter if not _covers("/api/orders/**", "/api/**")

test_param_does_not_cover_prefix if not _covers("/api/orders/{id}", "/api/orders/**")

test_exact_does_not_cover_longer if not _covers("/api/orders", "/api/orders/1")

test_exact_does_not_cover_shorter if not _covers("/api/orders/1", "/api/orders")

test_covers_itself if _covers("/api/{a}/x/**", "/api/{a}/x/**")

test_other_literal_not_covered if not _covers("/api/orders", "/api/users")

test_literal_case_matters if not _covers("/api/orders", "/api/Orders")

test_prefix_with_param_covers if _covers("/api/{kind}/**", "/api/orders/{id}/notes")

test_method_must_be_equal if not relations.api_covers(_get("/api/{x}"), testkit.api_permission("POST", "/api/a"))

test_method_case_matters if not relations.api_covers(_get("/api/{x}"), testkit.api_permission("get", "/api/a"))

test_prefix_missing_is_exact if not relations.api_covers({"method": "GET", "segments": [_lit("a")]}, _get("/a/**"))

# sse_covers
test_sse_shorter_prefix_covers if _sse_covers("orders", "orders.x")

test_sse_covers_itself if _sse_covers("a.b", "a.b")

test_sse_longer_does_not_cover if not _sse_covers("a.b", "a")

test_sse_look_alike_does_not_cover if not _sse_covers("a", "ab")

# path_coverage: literal paths are what the api decision allows
test_literal_declared if _coverage([_lit("api"), _lit("orders"), _lit("42")]) == "declared"

test_literal_declared_under_prefix if _coverage([_lit("api"), _lit("catalog"), _lit("a"), _lit("b")]) == "declared"

test_literal_undeclared if _coverage([_lit("api"), _lit("orders")]) == "undeclared"

test_literal_other_method if _coverage_for("POST", [_lit("api"), _lit("orders"), _lit("1")]) == "undeclared"

test_literal_any_method if _coverage_for(null, [_lit("api"), _lit("orders"), _lit("1")]) == "declared"

test_literal_trailing_slash_is_malformed if _coverage([_lit("api"), _lit("orders"), _lit("")]) == "malformed"

test_literal_dot_dot_is_malformed if _coverage([_lit("api"), _lit("catalog"), _lit(".."), _lit("x")]) == "malformed"

test_literal_encoded_slash_is_malformed if _coverage([_lit("api"), _lit("orders"), _lit("a%2Fb")]) == "malformed"

test_root_alone_is_malformed if _coverage([_lit("")]) == "malformed"

test_empty_pattern_is_malformed if _coverage([]) == "malformed"

# path_coverage: computed parts
test_dynamic_under_param_declared if _coverage([_lit("api"), _lit("orders"), _dyn]) == "declared"

test_dynamic_under_prefix_declared if _coverage([_lit("api"), _lit("catalog"), _dyn, _dyn]) == "declared"

test_partial_under_param_declared if _coverage([_lit("api"), _lit("orders"), _part("v")]) == "declared"

test_dynamic_against_literal_undecided if _coverage([_lit("api"), _lit("reports"), _dyn]) == "undecided"

test_partial_inside_literal_undecided if _coverage([_lit("api"), _lit("reports"), _part("ail")]) == "undecided"

test_partial_not_inside_literal_undeclared if _coverage([_lit("api"), _lit("reports"), _part("x")]) == "undeclared"

test_dynamic_nowhere_undeclared if _coverage([_lit("api"), _lit("users"), _dyn]) == "undeclared"

test_dynamic_too_long_undeclared if _coverage([_lit("api"), _lit("orders"), _dyn, _dyn]) == "undeclared"

test_dynamic_with_empty_literal_malformed if _coverage([_lit("api"), _dyn, _lit("")]) == "malformed"

test_dynamic_first_segment if relations.path_coverage([_get("/{t}/x")], "GET", [_dyn, _lit("x")]) == "declared"

test_no_entries_undeclared if relations.path_coverage([], "GET", [_lit("api"), _dyn]) == "undeclared"

test_declared_wins_over_undecided if {
	entries := [_get("/api/reports/daily"), _get("/api/{x}/{y}")]
	relations.path_coverage(entries, "GET", [_lit("api"), _lit("reports"), _dyn]) == "declared"
}

# path_methods
test_path_methods_sorted if {
	entries := [testkit.api_permission("PUT", "/a/{x}"), _get("/a/{x}"), testkit.api_permission("POST", "/b")]
	relations.path_methods(entries, [_lit("a"), _dyn]) == ["GET", "PUT"]
}

test_path_methods_some_values if relations.path_methods([_get("/a/b")], [_lit("a"), _dyn]) == ["GET"]

test_path_methods_none if relations.path_methods([_get("/a/b")], [_lit("c"), _dyn]) == []

# topic_coverage
_prefixes := [testkit.sse_permission("orders"), testkit.sse_permission("catalog.prices")]

test_topic_declared if relations.topic_coverage(_prefixes, "orders.created") == "declared"

test_topic_declared_two_segments if relations.topic_coverage(_prefixes, "catalog.prices") == "declared"

test_topic_undeclared_parent if relations.topic_coverage(_prefixes, "catalog") == "undeclared"

test_topic_undeclared_look_alike if relations.topic_coverage(_prefixes, "ordersx") == "undeclared"

test_topic_malformed if relations.topic_coverage(_prefixes, "orders..x") == "malformed"

test_topic_malformed_not_string if relations.topic_coverage(_prefixes, 7) == "malformed"

test_topic_no_prefixes if relations.topic_coverage([], "orders") == "undeclared"

# anyone_granted
_grants := {
	"roles": {"member": [testkit.grant("plugin.route", "view")], "root": [testkit.grant("admin.page", "*")]},
	"users": {"carol": [testkit.grant("*", "export")]},
}

test_granted_to_a_role if relations.anyone_granted(_grants, "plugin.route", "view")

test_granted_by_action_wildcard if relations.anyone_granted(_grants, "admin.page", "delete")

test_granted_to_a_user_by_resource_wildcard if relations.anyone_granted(_grants, "reports", "export")

test_granted_to_nobody if not relations.anyone_granted(_grants, "plugin.widget", "view")

test_granted_nothing_without_grants if not relations.anyone_granted({}, "plugin.route", "view")

# grant_covers: "*" covers any value, a literal only itself, and a "*" only by a "*"
_g(resource, action) := {"resource": resource, "action": action}

test_grant_covers_itself if relations.grant_covers(_g("orders.page", "view"), _g("orders.page", "view"))

test_grant_covers_by_resource_wildcard if relations.grant_covers(_g("*", "view"), _g("orders.page", "view"))

test_grant_covers_by_both_wildcards if relations.grant_covers(_g("*", "*"), _g("*", "edit"))

test_grant_not_covers_wildcard_by_literal if not relations.grant_covers(_g("orders.page", "view"), _g("*", "view"))

test_grant_not_covers_other_action if not relations.grant_covers(_g("orders.page", "view"), _g("orders.page", "edit"))

test_grant_not_covers_ill_typed if not relations.grant_covers(_g("orders.page", "view"), {"resource": "orders.page"})
