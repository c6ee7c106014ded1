package experience.authz_test

import data.experience.authz

# Answers, not refusals: only granted allows, and no reason has an HTTP status of its own.
test_catalogue_only_granted_allows if {
	{reason | some reason, entry in authz.catalogue; entry.allow == true} == {"granted"}
}

test_catalogue_has_no_http_status if {
	every entry in authz.catalogue {
		not entry.http_status
	}
}
