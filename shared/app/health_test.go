package app_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"tribune/shared/app"
	"tribune/shared/config"
	"tribune/shared/mail"
	"tribune/shared/metrics"
	"tribune/shared/policy"
	"tribune/shared/spaces"
)

// upload sends a body with a content type and returns the status and answer.
func (c *community) upload(client *http.Client, method, path, contentType, body string) (int, string) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	resp, err := client.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

// countDays writes a counter's value on days ago (the metrics consumer's write).
func (c *community) countDays(name string, value int, daysAgo ...int) {
	c.t.Helper()
	for _, ago := range daysAgo {
		day := metrics.Day(time.Now().AddDate(0, 0, -ago))
		for i := range value {
			if err := c.st.CountEvent(context.Background(), metrics.Consumer, fmt.Sprintf("seed-%s-%s-%d", name, day, i), day,
				[]metrics.Count{{Name: name, Delta: 1}}, time.Now()); err != nil {
				c.t.Fatal(err)
			}
		}
	}
}

// The baseline: none at first (404 no_baseline), frozen by an admin over the 30 days
// ending yesterday (today's figures are not in it), frozen again: replaced. Marketers
// read it, only admins freeze it.
func TestKpiBaselineFreezes(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin, marketer, ann := c.as("ada", policy.RoleAdmin), c.as("mia", policy.RoleMarketer), c.as("ann")
	if status, raw := c.call(marketer, "GET", "/api/kpis/baseline", "", nil); status != 404 || problemCode(raw) != "no_baseline" {
		t.Fatalf("before: %d %s", status, raw)
	}
	c.countDays(metrics.PageViews, 2, 0, 1, 30, 31) // today and 31 days ago are outside
	c.countDays(metrics.SignIns, 1, 5)
	for _, who := range []*http.Client{marketer, ann} {
		if status, _ := c.call(who, "PUT", "/api/kpis/baseline", "", nil); status != 403 {
			t.Fatalf("a non-admin froze the baseline: %d", status)
		}
	}
	var b metrics.Baseline
	if status, raw := c.call(admin, "PUT", "/api/kpis/baseline", "", &b); status != 200 || b.Values["page_views"] != 4 || b.Values["sign_ins"] != 1 ||
		b.To != metrics.Day(time.Now().AddDate(0, 0, -1)) || b.From != metrics.Day(time.Now().AddDate(0, 0, -30)) {
		t.Fatalf("frozen: %d %s", status, raw)
	}
	c.countDays(metrics.SignIns, 2, 6)
	if status, raw := c.call(admin, "PUT", "/api/kpis/baseline", "", nil); status != 200 {
		t.Fatalf("again: %d %s", status, raw)
	}
	if status, raw := c.call(marketer, "GET", "/api/kpis/baseline", "", &b); status != 200 || b.Values["sign_ins"] != 3 {
		t.Fatalf("read: %d %s", status, raw)
	}
	if status, _ := c.call(ann, "GET", "/api/kpis/baseline", "", nil); status != 403 {
		t.Fatalf("a member read the baseline: %d", status)
	}
}

// A health check run now: stored (201), listed, read by id with each card's previous
// check, mailed to every admin in their language; only admins run one, marketers read
// them, members neither.
func TestKpiHealthCheckRunsAndMailsAdmins(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin, fr, marketer, ann := c.as("ada", policy.RoleAdmin), c.as("flo", policy.RoleAdmin), c.as("mia", policy.RoleMarketer), c.as("ann")
	c.speaks(fr, "flo", "fr")
	c.countDays(metrics.PageViews, 3, 1, 2)
	for _, who := range []*http.Client{marketer, ann} {
		if status, _ := c.call(who, "POST", "/api/kpis/health-checks", "", nil); status != 403 {
			t.Fatalf("a non-admin ran a check: %d", status)
		}
	}
	var first metrics.HealthReport
	if status, raw := c.call(admin, "POST", "/api/kpis/health-checks", "", &first); status != 201 || first.ID == "" || first.Months != 6 ||
		first.To != metrics.Day(time.Now().AddDate(0, 0, -1)) || first.Findings == nil {
		t.Fatalf("run: %d %s", status, raw)
	}
	pv := cardOf(t, first, "page_views")
	if *pv.Value != 6 || pv.PreviousCheck != nil {
		t.Fatalf("page views %+v", pv)
	}
	en := c.mailSaying("ada@example.com", "Community health check")
	if !strings.Contains(en.Text, "/kpis/health-checks/"+first.ID) {
		t.Fatalf("the English mail: %s", en.Text)
	}
	if m := c.mailSaying("flo@example.com", "Bilan de santé"); !strings.Contains(m.Text, "Voir le bilan") {
		t.Fatalf("the French mail: %s", m.Text)
	}
	if len(c.mailsTo("mia@example.com")) != 0 {
		t.Fatal("a marketer got the admins' mail")
	}
	c.countDays(metrics.PageViews, 1, 3)
	// The same period again within 10 minutes is the same report (finding 20): another
	// period (3 months) is a new one.
	if status, raw := c.call(admin, "PUT", "/api/kpis/settings", `{"heavyFrom":5,"healthCheckMonths":3}`, nil); status != 200 {
		t.Fatalf("settings: %d %s", status, raw)
	}
	var second metrics.HealthReport
	if status, raw := c.call(admin, "POST", "/api/kpis/health-checks", "", &second); status != 201 {
		t.Fatalf("second: %d %s", status, raw)
	}
	if pv := cardOf(t, second, "page_views"); *pv.Value != 7 || pv.PreviousCheck == nil || *pv.PreviousCheck != 6 {
		t.Fatalf("second page views %+v", pv)
	}
	var list app.HealthChecks
	if status, raw := c.call(marketer, "GET", "/api/kpis/health-checks", "", &list); status != 200 || len(list.Items) != 2 || list.Items[0].ID != second.ID {
		t.Fatalf("list: %d %s", status, raw)
	}
	var read metrics.HealthReport
	if status, raw := c.call(marketer, "GET", "/api/kpis/health-checks/"+first.ID, "", &read); status != 200 || read.ID != first.ID || len(read.Cards) != len(first.Cards) {
		t.Fatalf("read: %d %s", status, raw)
	}
	if status, raw := c.call(marketer, "GET", "/api/kpis/health-checks/nope", "", nil); status != 404 || problemCode(raw) != "health_check_not_found" {
		t.Fatalf("unknown: %d %s", status, raw)
	}
	if status, _ := c.call(ann, "GET", "/api/kpis/health-checks", "", nil); status != 403 {
		t.Fatalf("a member listed the checks: %d", status)
	}
}

func cardOf(t *testing.T, rep metrics.HealthReport, kpi string) metrics.HealthCard {
	t.Helper()
	for _, c := range rep.Cards {
		if c.Kpi == kpi {
			return c
		}
	}
	t.Fatalf("no card %s in %+v", kpi, rep.Cards)
	return metrics.HealthCard{}
}

// The periodic check: nothing before a baseline; due 6 months after the baseline (then
// after the last check); run twice on its day, one report and one mail.
func TestKpiHealthCheckEveryMonths(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	c.as("ada", policy.RoleAdmin)
	job := app.KpiHealthFunction().Job(app.Deps{Config: config.Config{PublicURL: c.srv.URL}, Store: c.st, Mail: mail.Outbox{Dir: c.outbox, From: "t@example.com"}})
	ctx := context.Background()
	checks := func() int {
		list, err := c.st.Health().HealthChecks(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	if err := job(ctx); err != nil || checks() != 0 {
		t.Fatalf("no baseline: %v, %d checks", err, checks())
	}
	if err := c.st.Health().SaveBaseline(ctx, metrics.Baseline{At: time.Now().AddDate(0, -5, -27), Values: map[string]float64{}}); err != nil {
		t.Fatal(err)
	}
	if err := job(ctx); err != nil || checks() != 0 {
		t.Fatalf("not due yet: %v, %d checks", err, checks())
	}
	if err := c.st.Health().SaveBaseline(ctx, metrics.Baseline{At: time.Now().AddDate(0, -6, -1), Values: map[string]float64{}}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := job(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n, mails := checks(), len(c.mailsTo("ada@example.com")); n != 1 || mails != 1 {
		t.Fatalf("%d checks, %d mails, want 1 and 1", n, mails)
	}
}

// The sales upload: admins only, text/csv, at most 1 MiB; one bad line refuses the whole
// file (400, the lines listed) and the previous upload stays; a good file replaces it.
// KPI XII compares the participating customers' mean sales with the others'.
func TestKpiSalesUpload(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin, marketer, ann := c.as("ada", policy.RoleAdmin), c.as("mia", policy.RoleMarketer), c.as("ann")
	acme := c.customerSpace(admin, "Acme", "m_ann")
	c.join(ann, acme.ID)
	c.customerSpace(admin, "Globex")
	c.space(admin, "General", spaces.Public)
	good := "customer,amount\nann@example.com,100\nACME,250.50\nacme,49.50\nGlobex,200\nGeneral,10\nnobody@example.com,5\n"
	if status, _ := c.upload(marketer, "POST", "/api/kpis/sales", "text/csv", good); status != 403 {
		t.Fatalf("a marketer uploaded sales: %d", status)
	}
	if status, raw := c.upload(admin, "POST", "/api/kpis/sales", "application/json", `{}`); status != 415 {
		t.Fatalf("json: %d %s", status, raw)
	}
	var res metrics.SalesResult
	status, raw := c.upload(admin, "POST", "/api/kpis/sales", "text/csv; charset=utf-8", good)
	if err := jsonDecode(raw, &res); err != nil || status != 200 || res.Rows != 6 || res.Matched != 4 || res.Unmatched != 2 || res.Invalid == nil {
		t.Fatalf("upload: %d %s", status, raw)
	}
	status, raw = c.upload(admin, "POST", "/api/kpis/sales", "text/csv", "customer,amount\nAcme,1\nGlobex,-2\n,3\n")
	if status != 400 || problemCode(raw) != "invalid_sales_rows" || !strings.Contains(raw, `"line":3`) || !strings.Contains(raw, `"line":4`) {
		t.Fatalf("invalid: %d %s", status, raw)
	}
	if status, raw := c.upload(admin, "POST", "/api/kpis/sales", "text/csv", "customer,amount\n"+strings.Repeat("Acme,1\n", 160_000)); status != 413 {
		t.Fatalf("over 1 MiB: %d %.200s", status, raw)
	}
	up, ok, err := c.st.Sales().SalesUpload(context.Background())
	if err != nil || !ok || up.Rows != 6 || len(up.Customers) != 2 {
		t.Fatalf("the good upload stays: %+v %v %v", up, ok, err)
	}
	// KPI XII: Acme (Ann's 100 and 300 by name) took part; Globex (200) did not.
	value, other, err := c.st.Sales().SalesPerParticipant(context.Background(), "2026-01-01", "2026-01-31", map[string]bool{acme.ID: true})
	if err != nil || value == nil || *value != 400 || other == nil || *other != 200 {
		t.Fatalf("KPI XII %v %v %v", value, other, err)
	}
}

// Route × role: every role and a visitor on each route of the baseline, the health
// checks and the sales; kpis.read for admins and marketers, kpis.manage for admins.
func TestKpiCheckRoutesByRole(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	routes := []struct {
		method, path, contentType, body string
		action                          policy.Action
	}{
		{"GET", "/api/kpis/baseline", "", "", policy.KpisRead},
		{"PUT", "/api/kpis/baseline", "", "", policy.KpisManage},
		{"GET", "/api/kpis/health-checks", "", "", policy.KpisRead},
		{"POST", "/api/kpis/health-checks", "", "", policy.KpisManage},
		{"GET", "/api/kpis/health-checks/none", "", "", policy.KpisRead},
		{"POST", "/api/kpis/sales", "text/csv", "customer,amount\nAcme,1\n", policy.KpisManage},
	}
	clients := map[string]*http.Client{"visitor": c.visitor()}
	for _, role := range policy.Roles {
		clients[role] = c.as("who_"+role, role)
	}
	for _, rt := range routes {
		for name, client := range clients {
			status, raw := c.upload(client, rt.method, rt.path, rt.contentType, rt.body)
			allowed := name != "visitor" && policy.Allowed([]string{policy.RoleMember, name}, rt.action)
			switch {
			case allowed && (status == 401 || status == 403 || status >= 500):
				t.Errorf("%s %s as %s: %d %s", rt.method, rt.path, name, status, raw)
			case !allowed && name == "visitor" && status != 401:
				t.Errorf("%s %s as a visitor: %d, want 401", rt.method, rt.path, status)
			case !allowed && name != "visitor" && status != 403:
				t.Errorf("%s %s as %s: %d, want 403", rt.method, rt.path, name, status)
			}
		}
	}
}

// Each finding is a sentence in English and in French, its figures written as its unit
// asks: a duration, a percentage (rates are percents, ratios and shares fractions), a
// number.
func TestHealthFindingSentences(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		f      metrics.Finding
		en, fr string
	}{
		{metrics.Finding{Code: metrics.FindingFirstResponseDoubled, From: 1800, To: 3900}, "from 30 min to 1 h 05 min", "de 30 min à 1 h 05 min"},
		{metrics.Finding{Code: metrics.FindingSolutionRateDown, From: 60, To: 37.5}, "from 60% to 37.5%", "de 60\u00a0% à 37,5\u00a0%"},
		{metrics.Finding{Code: metrics.FindingDauMauDown, From: 0.25, To: 0.125}, "from 25% to 12.5%", "de 25\u00a0% à 12,5\u00a0%"},
		{metrics.Finding{Code: metrics.FindingUnansweredUp, From: 4, To: 12}, "from 4 to 12", "de 4 à 12"},
		{metrics.Finding{Code: metrics.FindingContributionsDown, From: 200, To: 90}, "from 200 to 90", "de 200 à 90"},
		{metrics.Finding{Code: metrics.FindingShiftedToReaders, From: 0.9, To: 0.96}, "from 90% to 96%", "de 90\u00a0% à 96\u00a0%"},
	} {
		if got := app.FindingSentence("en", c.f); !strings.Contains(got, c.en) || strings.Contains(got, "{") {
			t.Errorf("en %s: %q", c.f.Code, got)
		}
		if got := app.FindingSentence("fr", c.f); !strings.Contains(got, c.fr) || strings.Contains(got, "{") {
			t.Errorf("fr %s: %q", c.f.Code, got)
		}
	}
}
