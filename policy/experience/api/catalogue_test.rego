package experience.api_test

import data.experience.api

# The catalogue the BFF reads at load: every reason the decision gives, with an answer for each refusal.
test_catalogue_has_allowed if api.catalogue.allowed == {"allow": true, "plugin_recognised": true}

test_catalogue_refusals_have_a_client_status_and_message if {
	every reason, entry in api.catalogue {
		_answer(reason, entry)
	}
}

_answer("allowed", _)

_answer(reason, entry) if {
	reason != "allowed"
	entry.http_status >= 400
	entry.http_status < 500
	entry.message != ""
}

test_catalogue_allowlist_violation_sets_the_header if api.catalogue.allowlist_violation.violation == "allowlist"

# a refusal before the plugin is known never lets its id become a metric label
test_catalogue_plugin_unknown_before_lookup if {
	every reason in {"missing_plugin_id", "unknown_tenant", "unknown_plugin"} {
		not api.catalogue[reason].plugin_recognised
	}
}
