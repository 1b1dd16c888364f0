package tests

import "testing"

// TestBrowserSearch runs tests/browser/search.cjs (issue 15): the header's search box
// (its button on a phone, "/" and Escape), the results page with its highlights as
// <mark>, a kind filter from the facets changing a facet count, back, nothing found and
// a refused search said as sentences, a click counted; "before you ask" in the question
// and ticket composers with the suggestionId sent on creation; the staff's analytics; in
// English and French, at 375 px and 1280 px, with axe-core on each state.
func TestBrowserSearch(t *testing.T) {
	t.Parallel()
	runBrowserScript(t, "browser/search.cjs", "ADMIN_EMAILS=boss@example.com")
}
