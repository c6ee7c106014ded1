package experience.api

# METADATA
# title: API reason catalogue
# description: >-
#   How the BFF answers each reason experience/api/decision can give, read once per loaded policy (a malformed
#   or incomplete catalogue fails the load). Per reason: allow (true for reasons that allow), http_status and
#   message of a refusal, violation (allowlist: the answer carries X-Allowlist-Violation: 1), plugin_recognised
#   (true when the rule applies only to a plugin installed for the tenant, so its id may be a log field and a
#   metric label). The contract is in docs/contracts.md, "Reason catalogues".
#   (Read from rego.metadata.chain(): an entrypoint's METADATA is document-scoped.)
# entrypoint: true
# custom:
#   reasons:
#     allowed:
#       allow: true
#       plugin_recognised: true
#     missing_plugin_id:
#       http_status: 403
#       message: Plugin API calls must carry X-Plugin-Id
#     unknown_tenant:
#       http_status: 404
#       message: No such site
#     unknown_plugin:
#       http_status: 403
#       violation: allowlist
#       message: This plugin is not installed for this site
#     plugin_disabled:
#       http_status: 403
#       plugin_recognised: true
#       message: This plugin is turned off for this site
#     incompatible_plugin:
#       http_status: 403
#       violation: allowlist
#       plugin_recognised: true
#       message: This plugin is not compatible with this site's version
#     malformed_path:
#       http_status: 400
#       plugin_recognised: true
#       message: Malformed request path
#     allowlist_violation:
#       http_status: 403
#       violation: allowlist
#       plugin_recognised: true
#       message: This plugin may not call this API
catalogue := [link.annotations.custom.reasons | some link in rego.metadata.chain(); link.annotations.custom.reasons][0]
