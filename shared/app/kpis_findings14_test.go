package app_test

import (
	"strings"
	"testing"
	"time"

	"tribune/shared/metrics"
	"tribune/shared/policy"
	"tribune/shared/spaces"
)

// A query parameter given twice on a KPI route is 400 repeated_query naming it, not the
// first one silently (tester 14, finding 18); the check is the routes' one (httpx).
func TestKpiRoutesRefuseARepeatedQueryParameter(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	today := metrics.Day(time.Now())
	rng := "from=" + today + "&to=" + today
	for _, q := range []struct{ path, field string }{
		{"/api/kpis/export.csv?kpi=page_views&kpi=dau&" + rng, "kpi"},
		{"/api/kpis?" + rng + "&from=" + today, "from"},
		{"/api/kpis/traffic?" + rng + "&to=" + today, "to"},
		{"/api/kpis?" + rng + "&space=s_a&space=s_b", "space"},
		{"/api/kpis/participation?days=7&days=28", "days"},
	} {
		status, raw := c.call(admin, "GET", q.path, "", nil)
		if status != 400 || !strings.Contains(raw, `"repeated_query"`) || !strings.Contains(raw, `"`+q.field+`"`) {
			t.Errorf("%s: %d %s", q.path, status, raw)
		}
	}
	if status, raw := c.call(admin, "GET", "/api/kpis/export.csv?kpi=page_views&"+rng, "", nil); status != 200 {
		t.Fatalf("once: %d %s", status, raw)
	}
}

// With a space chosen, every card but page views says it counts the whole community
// (scope "community"); without one, no card has a scope (brief 14f, item 7).
func TestKpiCardsSayTheyIgnoreTheSpaceFilter(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	general := c.space(admin, "General", spaces.Public)
	today := metrics.Day(time.Now())
	var r metrics.KpiReport
	if status, raw := c.call(admin, "GET", "/api/kpis?from="+today+"&to="+today+"&space="+general.ID, "", &r); status != 200 {
		t.Fatalf("%d %s", status, raw)
	}
	for _, card := range r.Cards {
		want := metrics.ScopeCommunity
		if card.Kpi == "page_views" {
			want = ""
		}
		if card.Scope != want {
			t.Errorf("%s: scope %q, want %q", card.Kpi, card.Scope, want)
		}
	}
	r = metrics.KpiReport{}
	if status, raw := c.call(admin, "GET", "/api/kpis?from="+today+"&to="+today, "", &r); status != 200 || strings.Contains(raw, `"scope"`) {
		t.Fatalf("no filter: %d %s", status, raw)
	}
}
