package tests

import "testing"

// TestBrowserPoints runs tests/browser/points.cjs (issue 12, round 2): badges next to
// names and on profiles, the staff points page reached by name and by the profile's link,
// the history's link to a post, in English and French at 375 and 1280 px.
func TestBrowserPoints(t *testing.T) {
	t.Parallel()
	runBrowserScript(t, "browser/points.cjs", "ADMIN_EMAILS=boss@example.com")
}
