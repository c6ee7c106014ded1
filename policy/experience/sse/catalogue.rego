package experience.sse

# METADATA
# title: SSE reason catalogue
# description: >-
#   How the BFF answers each reason experience/sse/decision can give, read once per loaded policy (a malformed
#   or incomplete catalogue fails the load). Per reason: allow, http_status and message of a refusal (the stream
#   never opens), violation, plugin_recognised; the fields mean what they mean in experience.api.catalogue
#   (docs/contracts.md, "Reason catalogues").
#   (Read from rego.metadata.chain(): an entrypoint's METADATA is document-scoped.)
# entrypoint: true
# custom:
#   reasons:
#     allowed:
#       allow: true
#       plugin_recognised: true
#     missing_plugin_id:
#       http_status: 403
#       message: Streams must carry X-Plugin-Id
#     unknown_tenant:
#       http_status: 404
#       message: No such site
#     unknown_plugin:
#       http_status: 403
#       message: This plugin is not installed for this site
#     plugin_disabled:
#       http_status: 403
#       plugin_recognised: true
#       message: This plugin is turned off for this site
#     incompatible_plugin:
#       http_status: 403
#       plugin_recognised: true
#       message: This plugin is not compatible with this site's version
#     malformed_topic:
#       http_status: 400
#       plugin_recognised: true
#       message: A requested topic is not dot-separated words of [A-Za-z0-9_-]
#     topic_not_allowed:
#       http_status: 403
#       plugin_recognised: true
#       message: This plugin may not subscribe to a requested topic
catalogue := [link.annotations.custom.reasons | some link in rego.metadata.chain(); link.annotations.custom.reasons][0]
