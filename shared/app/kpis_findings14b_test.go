package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"tribune/shared/app"
	"tribune/shared/metrics"
	"tribune/shared/policy"
)

// salesCard is the dashboard's sales_per_participant card over the last 30 days.
func (c *community) salesCard(t *testing.T, admin *http.Client) (metrics.Card, string) {
	t.Helper()
	now := time.Now().UTC()
	var r metrics.KpiReport
	status, raw := c.call(admin, "GET", "/api/kpis?from="+metrics.Day(now.AddDate(0, 0, -29))+"&to="+metrics.Day(now), "", &r)
	if status != 200 {
		t.Fatalf("kpis: %d %s", status, raw)
	}
	for _, card := range r.Cards {
		if card.Kpi == "sales_per_participant" {
			return card, raw
		}
	}
	t.Fatal("no sales_per_participant card")
	return metrics.Card{}, ""
}

// Before any sales file, the sales card says so (note no_sales_file, merged false),
// even with a customer active (it said merged: the small-group rule); an upload of the
// header alone is refused (400 empty_sales_file) and replaces nothing (tester 14b,
// findings 2 and 5).
func TestKpiSalesCardBeforeAnyUploadAndAnEmptyFile(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	acme := c.customerSpace(admin, "Acme")
	day := metrics.Day(time.Now())
	if err := c.st.CountEvent(context.Background(), metrics.Consumer, "seed-acme-activity", day,
		[]metrics.Count{{Name: metrics.CustomerActivitiesBy, Key: acme.ID, Delta: 1}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	card, raw := c.salesCard(t, admin)
	if card.Note != metrics.NoteNoSalesFile || card.Merged || card.Value != nil || card.Other != nil {
		t.Fatalf("before any upload: %+v", card)
	}
	if !strings.Contains(raw, `"note":"no_sales_file"`) || strings.Count(raw, `"note"`) != 1 {
		t.Fatalf("the note on other cards too: %s", raw)
	}
	for _, empty := range []string{"customer,amount\n", "customer,amount", "customer,amount\n\n\n"} {
		status, raw := c.upload(admin, "POST", "/api/kpis/sales", "text/csv", empty)
		if status != 400 || problemCode(raw) != "empty_sales_file" {
			t.Fatalf("%q: %d %s", empty, status, raw)
		}
	}
	if _, ok, err := c.st.Sales().SalesUpload(context.Background()); ok || err != nil {
		t.Fatalf("an empty file was stored: %v %v", ok, err)
	}
	if status, raw := c.upload(admin, "POST", "/api/kpis/sales", "text/csv", "customer,amount\nAcme,200\nGlobex,100\n"); status != 200 {
		t.Fatalf("good file: %d %s", status, raw)
	}
	if status, raw := c.upload(admin, "POST", "/api/kpis/sales", "text/csv", "customer,amount\n"); status != 400 || problemCode(raw) != "empty_sales_file" {
		t.Fatalf("empty after a good one: %d %s", status, raw)
	}
	up, ok, err := c.st.Sales().SalesUpload(context.Background())
	if err != nil || !ok || up.Rows != 2 {
		t.Fatalf("the good upload was replaced: %+v %v %v", up, ok, err)
	}
	// Uploaded: no note; one customer active, so the small-group rule hides it.
	if card, _ := c.salesCard(t, admin); card.Note != "" || !card.Merged || card.Value != nil {
		t.Fatalf("after an upload: %+v", card)
	}
}

// PUT /api/kpis/baseline takes no figures: a body with members is 400 and freezes
// nothing; no body or {} freezes (tester 14b, finding 12).
func TestKpiBaselineRefusesABody(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	for _, body := range []string{`{"values":{"page_views":99999}}`, `[]`, `null`, `{} {}`, `x`} {
		if status, raw := c.call(admin, "PUT", "/api/kpis/baseline", body, nil); status != 400 || problemCode(raw) != "malformed_json" {
			t.Errorf("%s: %d %s", body, status, raw)
		}
	}
	if _, ok, err := c.st.Health().Baseline(context.Background()); ok || err != nil {
		t.Fatalf("a body froze a baseline: %v %v", ok, err)
	}
	for _, body := range []string{`{}`, ``, " \n"} {
		if status, raw := c.call(admin, "PUT", "/api/kpis/baseline", body, nil); status != 200 {
			t.Fatalf("%q: %d %s", body, status, raw)
		}
	}
}

// The list of health checks says the configured months between checks (tester 14b,
// finding 6).
func TestKpiHealthCheckListSaysEveryMonths(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin, marketer := c.as("ada", policy.RoleAdmin), c.as("mia", policy.RoleMarketer)
	var list app.HealthChecks
	if status, raw := c.call(marketer, "GET", "/api/kpis/health-checks", "", &list); status != 200 || list.EveryMonths != 6 || !strings.Contains(raw, `"everyMonths":6`) {
		t.Fatalf("default: %d %s", status, raw)
	}
	if status, raw := c.call(admin, "PUT", "/api/kpis/settings", `{"heavyFrom":2,"healthCheckMonths":7}`, nil); status != 200 {
		t.Fatalf("settings: %d %s", status, raw)
	}
	if status, raw := c.call(marketer, "GET", "/api/kpis/health-checks", "", &list); status != 200 || list.EveryMonths != 7 {
		t.Fatalf("after 7: %d %s", status, raw)
	}
}

// Every report carries participation: the 28 days ending its last day, zeros included
// (tester 14b, finding 4). The 10-minute rule hands back a report only when the period,
// the settings and the baseline are the same: a check after a freeze or a settings
// change runs anew (finding 13).
func TestKpiHealthCheckParticipationAndWhatMakesItNew(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	run := func(want int) metrics.HealthReport {
		t.Helper()
		var rep metrics.HealthReport
		status, raw := c.call(admin, "POST", "/api/kpis/health-checks", "", &rep)
		if status != want {
			t.Fatalf("run: %d, want %d: %.300s", status, want, raw)
		}
		if rep.Participation == nil || !strings.Contains(raw, `"participation":{`) {
			t.Fatalf("no participation: %.300s", raw)
		}
		return rep
	}
	first := run(201)
	p := first.Participation
	to, _ := time.Parse(time.DateOnly, first.To)
	if p.To != first.To || p.From != metrics.Day(to.AddDate(0, 0, 1-metrics.ParticipationDays)) || p.ActiveMembers == nil || *p.ActiveMembers != 0 ||
		p.Readers.Members == nil || *p.Readers.Members != 0 || p.HeavyFrom != 5 || first.BaselineAt != nil {
		t.Fatalf("participation of nobody: %+v", p)
	}
	if again := run(200); again.ID != first.ID {
		t.Fatalf("same period, settings, baseline: %s, want %s", again.ID, first.ID)
	}
	var b metrics.Baseline
	if status, raw := c.call(admin, "PUT", "/api/kpis/baseline", "", &b); status != 200 {
		t.Fatalf("freeze: %d %s", status, raw)
	}
	frozen := run(201)
	if frozen.ID == first.ID || frozen.BaselineAt == nil || !frozen.BaselineAt.Equal(b.At) {
		t.Fatalf("after a freeze: %s (first %s), baselineAt %v want %v", frozen.ID, first.ID, frozen.BaselineAt, b.At)
	}
	if status, raw := c.call(admin, "PUT", "/api/kpis/settings", `{"heavyFrom":3,"healthCheckMonths":6}`, nil); status != 200 {
		t.Fatalf("settings: %d %s", status, raw)
	}
	changed := run(201)
	if changed.ID == frozen.ID || changed.Participation.HeavyFrom != 3 {
		t.Fatalf("after a settings change: %s (before %s) %+v", changed.ID, frozen.ID, changed.Participation)
	}
	if again := run(200); again.ID != changed.ID {
		t.Fatalf("nothing changed: %s, want %s", again.ID, changed.ID)
	}
}

// A member's only contributions are in a closed customer space: a marketer outside it
// learns nothing of them from participation (no named lists, the note
// lists_admins_only; the groups stay community-wide); an admin gets the lists (tester
// 14b, finding 11).
func TestKpiParticipationNamesOnlyToAdmins(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin, _, cara, acme := c.supportDesk()
	marketer := c.as("mia", policy.RoleMarketer)
	c.post(cara, acme.ID, `{"kind":"idea","title":"Offline","body":"Please."}`)
	c.post(cara, acme.ID, `{"kind":"question","title":"How?","body":"Tell me."}`)
	c.settledItems()
	if status, _ := c.call(marketer, "GET", "/api/spaces/"+acme.ID, "", nil); status != 404 {
		t.Fatalf("the marketer reads Acme: %d", status)
	}
	var p metrics.Participation
	status, raw := c.call(marketer, "GET", "/api/kpis/participation?days=7", "", &p)
	if status != 200 || len(p.TopContributors) != 0 || len(p.AtRisk) != 0 || p.Note != metrics.NoteListsAdminsOnly ||
		strings.Contains(raw, "m_cara") || !strings.Contains(raw, `"topContributors":[]`) {
		t.Fatalf("marketer: %d %s", status, raw)
	}
	p = metrics.Participation{}
	status, raw = c.call(admin, "GET", "/api/kpis/participation?days=7", "", &p)
	if status != 200 || len(p.TopContributors) != 1 || p.TopContributors[0].Contributions != 2 || p.Note != "" || strings.Contains(raw, `"note"`) {
		t.Fatalf("admin: %d %s", status, raw)
	}
}

// A range ending after today is 400 invalid_kpi_range on to, with the reason, on the
// dashboard, the traffic report and the export (tester 14b, finding 1).
func TestKpiRoutesRefuseARangeEndingAfterToday(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	now := time.Now().UTC()
	today, tomorrow := metrics.Day(now), metrics.Day(now.AddDate(0, 0, 1))
	for _, q := range []string{"/api/kpis?from=" + today + "&to=" + tomorrow, "/api/kpis/traffic?from=" + today + "&to=" + tomorrow,
		"/api/kpis/export.csv?kpi=page_views&from=" + today + "&to=" + tomorrow, "/api/kpis?from=" + metrics.Day(now.AddDate(0, 0, -30)) + "&to=" + metrics.Day(now.AddDate(1, 0, 0))} {
		status, raw := c.call(admin, "GET", q, "", nil)
		if status != 400 || problemCode(raw) != "invalid_kpi_range" || !strings.Contains(raw, `"to"`) || !strings.Contains(raw, "ends after today") {
			t.Errorf("%s: %d %s", q, status, raw)
		}
	}
	for _, q := range []string{"/api/kpis?from=" + today + "&to=" + today, "/api/kpis/traffic?from=" + today + "&to=" + today} {
		if status, raw := c.call(admin, "GET", q, "", nil); status != 200 {
			t.Errorf("%s: %d %s", q, status, raw)
		}
	}
}
