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

# summary, of, deciding: the rule that decided, from its METADATA
_annotation := {"scope": "rule", "title": "Not allowed", "description": "Nothing matches.", "custom": {"reason": "b"}}

_rules := {
	{"reason": "a", "title": "A", "description": "First."},
	reasons.summary(_annotation),
}

test_summary_of_an_annotation if {
	reasons.summary(_annotation) == {"reason": "b", "title": "Not allowed", "description": "Nothing matches."}
}

test_summary_needs_a_reason if not reasons.summary({"title": "t", "description": "d"})

test_reasons_of_rules if reasons.of(_rules) == {"a", "b"}

test_reasons_of_no_rules if reasons.of(set()) == set()

test_deciding_rule_by_reason if reasons.deciding(_rules, "b").title == "Not allowed"

test_deciding_undefined_for_other_reason if not reasons.deciding(_rules, "c")

test_first_of_summaries if reasons.first(_chain, reasons.of(_rules)) == "a"
