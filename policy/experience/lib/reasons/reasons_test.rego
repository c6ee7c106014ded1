package experience.lib.reasons_test

import data.experience.lib.reasons

_chain := [
	{"path": ["experience", "x", "decision"], "annotations": {"custom": {"reasons": ["a", "b", "c"]}}},
	{"path": ["experience", "x"], "annotations": {"title": "no reasons here"}},
]

test_first_in_precedence_order_wins if reasons.first(_chain, {"c", "b"}) == "b"

test_order_of_the_set_does_not_matter if reasons.first(_chain, {"b", "a"}) == "a"

test_reasons_not_listed_are_ignored if reasons.first(_chain, {"zzz", "c"}) == "c"

test_undefined_when_none_applies if not reasons.first(_chain, {"zzz"})

test_undefined_for_an_empty_set if not reasons.first(_chain, set())
