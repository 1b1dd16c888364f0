package tests

import "testing"

// TestBrowserKpis runs tests/browser/kpis.cjs (issue 14, round 2): the KPI dashboard
// (cards, charts, CSV files, the period and the space), participation, the baseline's
// freeze with its confirmation, the settings, the sales upload and the health checks, as a
// marketer, an admin and a member, in English and French, at 375 px and 1280 px, with
// axe-core on each state.
func TestBrowserKpis(t *testing.T) {
	t.Parallel()
	runBrowserScript(t, "browser/kpis.cjs", "ADMIN_EMAILS=boss@example.com")
}
