# METADATA
# title: Decision reasons
# description: >-
#   How an entrypoint picks its one reason: the first of its METADATA custom.reasons (the precedence
#   order) that applies. Shared by the api, sse and authz decisions.
package experience.lib.reasons

# METADATA
# title: First applicable reason
# description: >-
#   The first reason listed under custom.reasons in the annotation chain (pass rego.metadata.chain() of
#   the entrypoint) that is in the set applicable. Undefined when none applies.
first(chain, applicable) := [r | some link in chain; some r in link.annotations.custom.reasons; r in applicable][0]
