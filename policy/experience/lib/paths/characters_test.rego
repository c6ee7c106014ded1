package experience.lib.paths_test

import data.experience.lib.paths

# The printable ASCII characters RFC 3986 never allows in a path are the policy's to refuse (the BFF
# refuses only what is not printable ASCII, before asking): docs/contracts.md, "Path rules".
test_malformed_rfc3986_excluded_characters if {
	every c in ["\"", "<", ">", "^", "`", "{", "|", "}", "\\"] {
		paths.malformed(concat("", ["/api/a", c, "b"]))
	}
}

# what RFC 3986 allows in a segment stays well formed (sub-delims, ":", "@", "%" not before 2f/5c/2e/00/25)
test_well_formed_rfc3986_segment_characters if {
	every c in ["!", "$", "&", "'", "(", ")", "*", "+", ",", ";", "=", ":", "@", "-", ".", "_", "~", "%41"] {
		not paths.malformed(concat("", ["/api/a", c, "b"]))
	}
}
