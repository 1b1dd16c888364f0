package app_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"tribune/shared/metrics"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
)

const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"

// beacon sends a page view as the web app does (same origin), or with other headers.
func (c *community) beacon(client *http.Client, body, userAgent string, hdr ...string) (int, string) {
	c.t.Helper()
	req, _ := http.NewRequest("POST", c.srv.URL+"/api/beacon", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	n, _ := resp.Body.Read(buf)
	b.Write(buf[:n])
	return resp.StatusCode, b.String()
}

// The beacon counts a browser's page views: the visitor once a day, a session when the
// tab starts one, a signed-in member as active, a space's page when the reader may read
// it. Bots, pages of no origin or another site, API paths count nothing (204); a
// malformed beacon is refused (400) and writes nothing; the report is the admins' and
// marketers', over at most 400 days.
func TestBeaconCountsAndTheTrafficReport(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin, marketer, ann := c.as("ada", policy.RoleAdmin), c.as("mia", policy.RoleMarketer), c.as("ann")
	public := c.space(admin, "General", spaces.Public)
	hidden := c.space(admin, "Staff room", spaces.Hidden)
	visitor := c.visitor()
	same := []string{"Sec-Fetch-Site", "same-origin"}

	before := c.settledItems()
	for _, refused := range []string{`{"path":"spaces"}`, `{"path":"/","ref":"News Letter"}`, `{"path":"/","extra":1}`, `{}`} {
		if status, raw := c.beacon(visitor, refused, firefox, same...); status != 400 {
			t.Fatalf("%s: %d %s", refused, status, raw)
		}
	}
	for _, h := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://elsewhere.example"}} {
		if status, _ := c.beacon(visitor, `{"path":"/"}`, firefox, h...); status != 403 {
			t.Fatalf("a cross-origin beacon (%v): %d", h, status)
		}
	}
	// Not page views: a bot, no fetch metadata nor origin (a script), a page opened from
	// the address bar's own request (none), an API path.
	for _, h := range [][]string{{"Googlebot/2.1", "Sec-Fetch-Site", "same-origin"}, {"", "Sec-Fetch-Site", "same-origin"}, {firefox},
		{firefox, "Sec-Fetch-Site", "none"}} {
		if status, raw := c.beacon(visitor, `{"path":"/","newSession":true}`, h[0], h[1:]...); status != 204 {
			t.Fatalf("%v: %d %s", h, status, raw)
		}
	}
	if status, _ := c.beacon(visitor, `{"path":"/api/me"}`, firefox, same...); status != 204 {
		t.Fatalf("an API path: %d", status)
	}
	if status, _ := c.beacon(visitor, `{"path":"/conc"}`, firefox, same...); status != 204 {
		t.Fatalf("no page of the app: %d", status)
	}
	if after := c.settledItems(); after != before {
		t.Fatalf("beacons that count nothing wrote %d items", after-before)
	}

	// A visitor shows three pages in one tab (from a newsletter first); Ann two, one of a
	// space she may read, one of a hidden space she may not; an Origin of the API's own
	// counts as Sec-Fetch-Site does.
	for i, body := range []string{`{"path":"/","newSession":true,"ref":"newsletter"}`, `{"path":"/spaces/` + public.ID + `"}`, `{"path":"/members"}`} {
		if status, raw := c.beacon(visitor, body, firefox, same...); status != 204 {
			t.Fatalf("page %d: %d %s", i, status, raw)
		}
	}
	for _, path := range []string{"/spaces/" + public.ID + "/", "/spaces/" + hidden.ID} {
		if status, raw := c.beacon(ann, `{"path":"`+path+`","newSession":true}`, "Chrome/131.0", "Origin", c.srv.URL); status != 204 {
			t.Fatalf("%s: %d %s", path, status, raw)
		}
	}

	today := metrics.Day(time.Now())
	var r metrics.Traffic
	if status, raw := c.call(marketer, "GET", "/api/kpis/traffic?from="+today+"&to="+today, "", &r); status != 200 {
		t.Fatalf("report: %d %s", status, raw)
	}
	tot := r.Totals
	if tot.PageViews != 5 || tot.Visitors != 2 || tot.Sessions != 3 || tot.ActiveMembers != 1 || tot.MonthlyActive != 1 || tot.Stickiness != 1 {
		t.Fatalf("totals %+v, want 5 views, 2 visitors, 3 sessions, 1 active member, DAU/MAU 1", tot)
	}
	if len(r.Days) != 1 || r.Days[0].PageViews != 5 || r.SketchError != metrics.SketchError {
		t.Fatalf("days %+v", r.Days)
	}
	if status, raw := c.call(admin, "GET", "/api/kpis/traffic?from="+today+"&to="+today+"&space="+public.ID, "", &r); status != 200 || r.Totals.PageViews != 2 {
		t.Fatalf("the space's page views: %d %s", status, raw)
	}
	if _, _ = c.call(admin, "GET", "/api/kpis/traffic?from="+today+"&to="+today+"&space="+hidden.ID, "", &r); r.Totals.PageViews != 0 {
		t.Fatalf("a page of a space the reader may not read counted for it: %+v", r.Totals)
	}
	// The filter names a space the reader may read, else it is not found: a marketer
	// outside the hidden space learns nothing of it, an unknown id is not a filter.
	for _, sp := range []string{hidden.ID, "nope", "s_aaaaaaaaaaaaaaaa"} {
		for _, route := range []string{"/api/kpis/traffic", "/api/kpis", "/api/kpis/export.csv"} {
			q := "?kpi=page_views&from=" + today + "&to=" + today + "&space=" + sp
			if status, raw := c.call(marketer, "GET", route+q, "", nil); status != 404 || !strings.Contains(raw, "space_not_found") {
				t.Fatalf("%s space=%s as the marketer: %d %s", route, sp, status, raw)
			}
		}
	}
	if n, err := c.st.Counter(t.Context(), metrics.Referred("newsletter"), today); err != nil || n != 1 {
		t.Fatalf("page views from the newsletter %d (%v)", n, err)
	}

	for _, who := range []*http.Client{ann, c.as("sam", policy.RoleSupport), c.as("moe", policy.RoleModerator)} {
		if status, _ := c.call(who, "GET", "/api/kpis/traffic?from="+today+"&to="+today, "", nil); status != 403 {
			t.Fatalf("a member who is neither admin nor marketer reads the report: %d", status)
		}
	}
	for _, q := range []string{"from=2026-11-02&to=2026-11-01", "from=2025-01-01&to=2026-02-05", "from=2026-11-01", "from=x&to=y", "from=2026-11-01&to=2026-11-02&space=a%20b"} {
		if status, raw := c.call(admin, "GET", "/api/kpis/traffic?"+q, "", nil); status != 400 || !strings.Contains(raw, "invalid_") {
			t.Fatalf("%s: %d %s", q, status, raw)
		}
	}
}

// A sign-in (not the registration) publishes member.signed_in with the session: the
// metrics consumer counts it once in sign_ins and the member in the day's active members.
func TestKpiSignInsCountAndMakeTheMemberActive(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	if status, body := c.call(admin, "POST", "/api/invitations", `{"emails":["bea@example.com"]}`, nil); status != 201 {
		t.Fatalf("invite: %d %s", status, body)
	}
	code := codeOf(c.mailTo("bea@example.com", "/invite/"))
	for i := range 3 { // registers, then signs in twice
		if status, body, _ := c.signUp("bea@example.com", code); status != http.StatusOK {
			t.Fatalf("sign-in %d: %d %s", i, status, body)
		}
	}
	c.settledItems()
	today := metrics.Day(time.Now())
	var r metrics.Traffic
	if status, raw := c.call(admin, "GET", "/api/kpis/traffic?from="+today+"&to="+today, "", &r); status != 200 {
		t.Fatalf("report: %d %s", status, raw)
	}
	if r.Totals.SignIns != 2 || r.Totals.ActiveMembers != 1 || r.Days[0].SignIns != 2 {
		t.Fatalf("totals %+v, want 2 sign-ins (the registration is none) by 1 active member", r.Totals)
	}
}

// kpiCard finds a card of the dashboard.
func kpiCard(t *testing.T, r metrics.KpiReport, kpi string) metrics.Card {
	t.Helper()
	for _, c := range r.Cards {
		if c.Kpi == kpi {
			return c
		}
	}
	t.Fatalf("no card %s in %+v", kpi, r.Cards)
	return metrics.Card{}
}

// The dashboard through the API: customer activities (a ticket, a question and an idea
// by a member of a customer space; another member's question is none), customer
// suggestions, participants under the small-group rule, solutions, deflection, the CSV
// export of a card, participation, the settings (admins only, bounds checked, nothing
// written when refused), every route against the roles, bad ranges and names.
func TestKpiDashboardThroughTheAPI(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin, sam, cara, acme := c.supportDesk()
	marketer, ann, bob := c.as("mia", policy.RoleMarketer), c.as("ann"), c.as("bob")
	general := c.space(admin, "General", spaces.Public)
	for _, who := range []*http.Client{ann, bob, cara} {
		c.join(who, general.ID)
	}
	_ = c.ticket(cara, acme.ID, `{"subject":"Down","product":"General","severity":"high","body":"It is down."}`)
	q := c.post(cara, general.ID, `{"kind":"question","title":"How?","body":"Tell me."}`)
	c.post(cara, general.ID, `{"kind":"idea","title":"Offline","body":"Please."}`)
	c.post(ann, general.ID, `{"kind":"question","title":"Why?","body":"Tell me."}`)
	var answer posts.Comment
	if status, raw := c.call(bob, "POST", "/api/posts/"+q.ID+"/comments", `{"body":"Like this."}`, &answer); status != 201 {
		t.Fatalf("answer: %d %s", status, raw)
	}
	if status, raw := c.call(cara, "POST", "/api/posts/"+q.ID+"/comments/"+answer.ID+"/accept", "", nil); status != 200 {
		t.Fatalf("accept: %d %s", status, raw)
	}
	c.settledItems()

	today := metrics.Day(time.Now())
	var r metrics.KpiReport
	if status, raw := c.call(marketer, "GET", "/api/kpis?from="+today+"&to="+today, "", &r); status != 200 {
		t.Fatalf("dashboard: %d %s", status, raw)
	}
	for kpi, want := range map[string]float64{"customer_activities": 3, "customer_suggestions": 1, "solutions_accepted": 1, "contributions": 4,
		"unanswered_questions": 1, "solution_rate": 50, "deflection": 1} {
		if card := kpiCard(t, r, kpi); card.Value == nil || *card.Value != want {
			t.Errorf("%s %+v, want %v", kpi, card, want)
		}
	}
	if card := kpiCard(t, r, "customer_participants"); card.Value != nil || !card.Merged {
		t.Errorf("one customer participant shown: %+v", card)
	}
	if card := kpiCard(t, r, "first_response_median"); card.Value == nil || card.Unit != metrics.UnitSeconds {
		t.Errorf("first response %+v", card)
	}

	// The CSV export of one card.
	req, _ := http.NewRequest("GET", c.srv.URL+"/api/kpis/export.csv?kpi=contributions&from="+today+"&to="+today, nil)
	resp, err := admin.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body := new(strings.Builder)
	_, _ = io.Copy(body, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") || body.String() != "day,value\n"+today+",4\n" {
		t.Fatalf("export: %d %v %q", resp.StatusCode, resp.Header, body.String())
	}
	for q, want := range map[string]int{"kpi=nothing&from=" + today + "&to=" + today: 400, "kpi=documents_produced&from=" + today + "&to=" + today: 200,
		"kpi=contributions&from=2026-11-02&to=2026-11-01": 400} {
		if status, raw := c.call(admin, "GET", "/api/kpis/export.csv?"+q, "", nil); status != want {
			t.Errorf("export %s: %d %s, want %d", q, status, raw, want)
		}
	}

	// Participation: three contributors today (cara, ann, bob) are a group under 5: merged.
	var p metrics.Participation
	if status, raw := c.call(marketer, "GET", "/api/kpis/participation", "", &p); status != 200 || p.HeavyFrom != 5 || p.To != today {
		t.Fatalf("participation: %d %s", status, raw)
	}
	if !p.Merged || p.ActiveMembers != nil || len(p.TopContributors) != 0 || p.Note != metrics.NoteListsAdminsOnly {
		t.Fatalf("participation of 3 contributors, to a marketer %+v", p)
	}
	p = metrics.Participation{}
	if _, _ = c.call(admin, "GET", "/api/kpis/participation", "", &p); !p.Merged || len(p.TopContributors) != 3 || p.TopContributors[0].Name == "" || p.Note != "" {
		t.Fatalf("participation of 3 contributors, to an admin %+v", p)
	}
	if status, _ := c.call(marketer, "GET", "/api/kpis/participation?days=0", "", nil); status != 400 {
		t.Fatalf("days=0: %d", status)
	}

	// The settings are the admins'.
	var k metrics.KpiSettings
	if status, raw := c.call(admin, "GET", "/api/kpis/settings", "", &k); status != 200 || k != metrics.DefaultKpiSettings {
		t.Fatalf("settings: %d %s", status, raw)
	}
	before := c.settledItems()
	for _, bad := range []string{`{"heavyFrom":1,"healthCheckMonths":6}`, `{"heavyFrom":5,"healthCheckMonths":25}`, `{"heavyFrom":"5"}`} {
		if status, raw := c.call(admin, "PUT", "/api/kpis/settings", bad, nil); status != 400 {
			t.Fatalf("%s: %d %s", bad, status, raw)
		}
	}
	if after := c.settledItems(); after != before {
		t.Fatalf("refused settings wrote %d items", after-before)
	}
	if status, raw := c.call(admin, "PUT", "/api/kpis/settings", `{"heavyFrom":2,"healthCheckMonths":3}`, &k); status != 200 || k.HeavyFrom != 2 {
		t.Fatalf("save: %d %s", status, raw)
	}
	if _, _ = c.call(marketer, "GET", "/api/kpis/participation", "", &p); p.HeavyFrom != 2 {
		t.Fatalf("heavyFrom not used: %+v", p)
	}

	// Routes × roles: reading is the admins' and marketers', settings the admins'.
	reads := []string{"/api/kpis?from=" + today + "&to=" + today, "/api/kpis/export.csv?kpi=page_views&from=" + today + "&to=" + today, "/api/kpis/participation"}
	for _, who := range []struct {
		client       *http.Client
		read, manage bool
	}{{admin, true, true}, {marketer, true, false}, {sam, false, false}, {c.as("moe", policy.RoleModerator), false, false}, {ann, false, false}, {c.visitor(), false, false}} {
		for _, path := range reads {
			if status, _ := c.call(who.client, "GET", path, "", nil); (status == 200) != who.read {
				t.Errorf("GET %s: %d, may read %v", path, status, who.read)
			}
		}
		if status, _ := c.call(who.client, "GET", "/api/kpis/settings", "", nil); (status == 200) != who.manage {
			t.Errorf("GET settings: %d, may manage %v", status, who.manage)
		}
		if status, _ := c.call(who.client, "PUT", "/api/kpis/settings", `{"heavyFrom":5,"healthCheckMonths":6}`, nil); (status == 200) != who.manage {
			t.Errorf("PUT settings: %d, may manage %v", status, who.manage)
		}
	}
	for _, q := range []string{"from=2026-11-02&to=2026-11-01", "from=2025-01-01&to=2026-02-05", "from=x&to=y", "from=2026-11-01&to=2026-11-02&space=a%20b"} {
		if status, raw := c.call(admin, "GET", "/api/kpis?"+q, "", nil); status != 400 || !strings.Contains(raw, "invalid_") {
			t.Fatalf("%s: %d %s", q, status, raw)
		}
	}
}
