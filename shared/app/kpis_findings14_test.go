package app_test

import (
	"strings"
	"testing"
	"time"

	"tribune/shared/metrics"
	"tribune/shared/policy"
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
