package app_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"tribune/shared/metrics"
	"tribune/shared/policy"
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
	for _, path := range []string{"/spaces/" + public.ID + "/posts/p_1", "/spaces/" + hidden.ID} {
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
