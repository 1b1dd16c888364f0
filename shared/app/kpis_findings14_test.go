package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"tribune/shared/app"
	"tribune/shared/locale"

	"tribune/shared/metrics"
	"tribune/shared/newsletters"
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

// Five concurrent runs of a health check make one report and one mail per admin; a run
// of the same period minutes later answers that report (200) and mails no one (tester
// 14, finding 20). The mail writes its dates as the web does, with French spacing
// (finding 17).
func TestKpiHealthCheckRunOnceForAPeriod(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin, fr := c.as("ada", policy.RoleAdmin), c.as("flo", policy.RoleAdmin)
	c.speaks(fr, "flo", "fr")
	var wg sync.WaitGroup
	reports := make([]metrics.HealthReport, 5)
	statuses := make([]int, 5)
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], _ = c.call(admin, "POST", "/api/kpis/health-checks", "", &reports[i])
		}()
	}
	wg.Wait()
	created := 0
	for i, st := range statuses {
		if st == 201 {
			created++
		} else if st != 200 {
			t.Fatalf("run %d: %d", i, st)
		}
		if reports[i].ID != reports[0].ID || reports[i].ID == "" {
			t.Fatalf("run %d answered report %q, run 0 %q", i, reports[i].ID, reports[0].ID)
		}
	}
	if created != 1 {
		t.Fatalf("%d runs created a report (%v)", created, statuses)
	}
	var again metrics.HealthReport
	if status, raw := c.call(admin, "POST", "/api/kpis/health-checks", "", &again); status != 200 || again.ID != reports[0].ID {
		t.Fatalf("again: %d %s", status, raw)
	}
	var list app.HealthChecks
	if status, raw := c.call(admin, "GET", "/api/kpis/health-checks", "", &list); status != 200 || len(list.Items) != 1 {
		t.Fatalf("list: %d %s", status, raw)
	}
	en := c.mailSaying("ada@example.com", "Community health check")
	fm := c.mailSaying("flo@example.com", "Bilan de santé")
	time.Sleep(300 * time.Millisecond) // a mail sent twice would be in the outbox by now
	if n, m := len(c.mailsTo("ada@example.com")), len(c.mailsTo("flo@example.com")); n != 1 || m != 1 {
		t.Fatalf("%d and %d mails, want one each", n, m)
	}
	from, _ := time.Parse(time.DateOnly, reports[0].From)
	to, _ := time.Parse(time.DateOnly, reports[0].To)
	if want := "from " + locale.Date("en", from) + " to " + locale.Date("en", to); !strings.Contains(en.Text, want) || strings.Contains(en.Text, reports[0].From) {
		t.Errorf("English mail without %q: %s", want, en.Text)
	}
	if want := "du " + locale.Date("fr", from) + " au " + locale.Date("fr", to); !strings.Contains(fm.Text, want) {
		t.Errorf("French mail without %q: %s", want, fm.Text)
	}
	if !strings.Contains(fm.Text, "Voir le bilan\u00a0: ") || !strings.Contains(fm.Subject, "communauté\u00a0: ") {
		t.Errorf("French mail without a no-break space before its colons: %q %q", fm.Subject, fm.Text)
	}
	for _, bad := range []string{" :", " ;", " !", " ?"} {
		if strings.Contains(fm.Text, bad) || strings.Contains(fm.HTML, bad) {
			t.Errorf("French mail with a breaking space before %q: %s", bad[1:], fm.Text)
		}
	}
}

// A newsletter's link to a page of the community lands on it with ref=newsletter (the
// redirect adds it; a link elsewhere is left as written), the page's beacon counts a
// page view from the newsletter, and the click is on the dashboard's newsletter_visits
// card (brief 14f, item 8).
func TestNewsletterLinksLandWithTheirReferrerTag(t *testing.T) {
	t.Parallel()
	e := newResultsEnv(t)
	hrefs := e.rewritten("nl_ref", `<p><a href="/members?sort=new#top">Members</a> <a href="/posts?ref=digest">Posts</a> <a href="https://example.org/x">Out</a></p>`)
	visitor := e.as("")
	var locs []string
	for _, h := range hrefs {
		resp, _ := e.do(visitor, "GET", h, "")
		locs = append(locs, resp.Header.Get("Location"))
	}
	if want := []string{e.srv.URL + "/members?sort=new&ref=newsletter#top", e.srv.URL + "/posts?ref=digest", "https://example.org/x"}; strings.Join(locs, " ") != strings.Join(want, " ") {
		t.Fatalf("Location %q, want %q", locs, want)
	}
	landed, _ := url.Parse(locs[0])
	body := fmt.Sprintf(`{"path":%q,"ref":%q,"newSession":true}`, landed.Path, landed.Query().Get("ref"))
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/beacon", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", firefox)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := visitor.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	today := metrics.Day(time.Now())
	if n, err := e.st.Counter(context.Background(), metrics.Referred(newsletters.NewsletterRef), today); resp.StatusCode != 204 || err != nil || n != 1 {
		t.Fatalf("beacon %d: page views from the newsletter %d %v", resp.StatusCode, n, err)
	}
	var r metrics.KpiReport
	if resp, raw := e.do(e.as("ada", policy.RoleAdmin), "GET", "/api/kpis?from="+today+"&to="+today, ""); resp.StatusCode != 200 || json.Unmarshal([]byte(raw), &r) != nil {
		t.Fatalf("dashboard %d %s", resp.StatusCode, raw)
	}
	if card := kpiCard(t, r, "newsletter_visits"); card.Value == nil || *card.Value != 2 {
		t.Fatalf("newsletter_visits %+v, want the 2 clicks to community pages", card)
	}
}
