package experience.authz

# METADATA
# title: Authorization reason catalogue
# description: >-
#   The reasons experience/authz/decision can give, read once per loaded policy (a malformed or incomplete
#   catalogue fails the load). They are answers, not refusals: `POST /api/authz/evaluate` returns
#   {allow, reason} with 200, so no entry has an http_status. allow is true for the reasons that grant
#   (docs/contracts.md, "Reason catalogues").
#   (Read from rego.metadata.chain(): an entrypoint's METADATA is document-scoped.)
# entrypoint: true
# custom:
#   reasons:
#     granted:
#       allow: true
#     not_granted: {}
#     unknown_tenant: {}
catalogue := [link.annotations.custom.reasons | some link in rego.metadata.chain(); link.annotations.custom.reasons][0]
