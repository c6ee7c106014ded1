# `make help`: one line per target that has a `## description` on its rule line.
# A target name is anything make accepts before the colon except whitespace, `:`, `=`, `#`
# and `$` (so digits, dots and slashes count: test-e2e, build/web); `:=` assignments are not rules.
BEGIN { FS = ":[^=]*## " }
/^[^[:space:]:=#$]+:([^=]|$).*## / { printf "  %-18s %s\n", $1, $2 }
