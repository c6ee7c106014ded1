# METADATA
# title: Decision reasons
# description: >-
#   How an entrypoint picks its one reason: the first of its METADATA custom.reasons (the precedence
#   order) that applies. Shared by the api, sse and authz decisions. Each rule that can apply contributes its
#   summary (reason, title and description, from its own METADATA), so `explain` can say which rule decided.
package experience.lib.reasons

# METADATA
# title: First applicable reason
# description: >-
#   The first reason listed under custom.reasons in the annotation chain (pass rego.metadata.chain() of
#   the entrypoint) that is in the set applicable. Undefined when none applies.
first(chain, applicable) := [r | some link in chain; some r in link.annotations.custom.reasons; r in applicable][0]

# METADATA
# title: Rule summary
# description: >-
#   {reason, title, description} of an annotated rule: pass rego.metadata.rule() of a rule whose METADATA has a
#   title, a description and custom.reason.
summary(annotation) := {
	"reason": annotation.custom.reason,
	"title": annotation.title,
	"description": annotation.description,
}

# METADATA
# title: Reasons of rules
# description: The set of reasons of a set of rule summaries.
of(rules) := {rule.reason | some rule in rules}

# METADATA
# title: Deciding rule
# description: The summary in `rules` whose reason is `reason`; undefined when there is none.
deciding(rules, reason) := [rule | some rule in rules; rule.reason == reason][0]
