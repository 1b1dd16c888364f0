package app_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"tribune/shared/app"
	"tribune/shared/auth"
	"tribune/shared/config"
	"tribune/shared/mail"
	"tribune/shared/metrics"
	"tribune/shared/newsletters"
	"tribune/shared/policy"
	"tribune/shared/store"
	"tribune/shared/store/dynamotest"
)

// resultsEnv is the API on a table of its own, without the event path: the results
// routes write their counters themselves.
type resultsEnv struct {
	t   *testing.T
	srv *httptest.Server
	st  *store.Store
	d   app.Deps
}

func newResultsEnv(t *testing.T) *resultsEnv {
	tbl := dynamotest.NewTable(t)
	e := &resultsEnv{t: t, st: store.New(tbl.DB, tbl.Name)}
	e.srv = httptest.NewServer(nil)
	t.Cleanup(e.srv.Close)
	e.d = app.Deps{Config: config.Config{PublicURL: e.srv.URL}, Store: e.st, Mail: mail.Outbox{Dir: t.TempDir(), From: "t@example.com"}}
	h, err := app.LocalHandler(e.d)
	if err != nil {
		t.Fatal(err)
	}
	e.srv.Config.Handler = h
	return e
}

// as is a client signed in as a new member holding roles ("" for a visitor).
func (e *resultsEnv) as(name string, roles ...string) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if name == "" {
		return c
	}
	id := newMember(e.t, e.st, name, append([]string{policy.RoleMember}, roles...))
	u, _ := http.NewRequest("GET", e.srv.URL, nil)
	jar.SetCookies(u.URL, []*http.Cookie{{Name: auth.SessionCookie, Value: cookieFor(e.t, e.st, id)}})
	return c
}

func (e *resultsEnv) do(c *http.Client, method, path, body string) (*http.Response, string) {
	e.t.Helper()
	req, _ := http.NewRequest(method, path, strings.NewReader(body))
	if !strings.HasPrefix(path, "http") {
		req, _ = http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// rewritten renders a newsletter's links as the sender does (app.NewsletterLinks, then
// newsletters.RewriteLinks) and returns the hrefs.
func (e *resultsEnv) rewritten(id, doc string) []string {
	e.t.Helper()
	links, err := app.NewsletterLinks(context.Background(), e.d)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, m := range regexp.MustCompile(`(?:href|src)="([^"]*)"`).FindAllStringSubmatch(newsletters.RewriteLinks(doc, id, links), -1) {
		out = append(out, strings.ReplaceAll(m[1], "&amp;", "&"))
	}
	return out
}

// A newsletter's links are signed redirects: following one answers 302 to the link and
// counts the click exactly under 20 parallel readers, per link and on the newsletter;
// a link to the community counts a visit too, and the day's newsletter_visits metric.
// A forged or damaged token is a 404 problem and counts nothing.
func TestNewsletterRedirectCountsClicksExactly(t *testing.T) {
	t.Parallel()
	e := newResultsEnv(t)
	hrefs := e.rewritten("nl_clicks", `<p><a href="https://example.org/launch?a=1&amp;b=2">Launch</a> <a href="/spaces">Spaces</a></p>`)
	if len(hrefs) != 2 || !strings.HasPrefix(hrefs[0], e.srv.URL+"/api/n/") {
		t.Fatalf("hrefs %q", hrefs)
	}
	visitor := e.as("")
	const n = 20
	var mu sync.Mutex
	statuses := map[int]int{}
	concurrently(t, n, func(i int) {
		resp, _ := e.do(visitor, "GET", hrefs[i%2], "")
		mu.Lock()
		statuses[resp.StatusCode]++
		mu.Unlock()
		want := map[int]string{0: "https://example.org/launch?a=1&b=2", 1: e.srv.URL + "/spaces"}[i%2]
		if loc := resp.Header.Get("Location"); loc != want {
			t.Errorf("Location %q, want %q", loc, want)
		}
	})
	if statuses[http.StatusFound] != n {
		t.Fatalf("statuses %v", statuses)
	}
	nl := e.st.Newsletters()
	c, err := nl.ResultCounters(context.Background(), "nl_clicks")
	if err != nil || c.Clicks != n || c.Visits != n/2 {
		t.Fatalf("counters %+v %v, want %d clicks and %d visits", c, err, n, n/2)
	}
	links, err := nl.LinkClicks(context.Background(), "nl_clicks", 10)
	if err != nil || len(links) != 2 || links[0].Clicks != n/2 || links[1].Clicks != n/2 {
		t.Fatalf("links %+v %v", links, err)
	}
	if day, err := e.st.Counter(context.Background(), metrics.NewsletterVisits, metrics.Day(time.Now())); err != nil || day != n/2 {
		t.Fatalf("today's newsletter_visits %d %v", day, err)
	}

	good := strings.TrimPrefix(hrefs[0], e.srv.URL+"/api/n/")
	body, mac, _ := strings.Cut(good, ".")
	for _, bad := range []string{body + "." + strings.Repeat("A", len(mac)), body[:len(body)-2] + "." + mac, "nothing", strings.Repeat("x", 5000)} {
		resp, text := e.do(visitor, "GET", "/api/n/"+bad, "")
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(resp.Header.Get("Content-Type"), "problem+json") || !strings.Contains(text, "link_not_found") {
			t.Errorf("forged token: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), text)
		}
	}
	if c2, _ := nl.ResultCounters(context.Background(), "nl_clicks"); c2 != c {
		t.Errorf("a forged token counted: %+v", c2)
	}
}

// Open tracking is off by default: the newsletter carries no image, and an image asked
// for anyway counts nothing. Only an admin switches it on (a marketer reads it; a member
// gets 403; a bad body is a 400 problem and changes nothing); then the image is in the
// mail and counts opens in aggregate, exactly under parallel fetches.
func TestNewsletterOpenTrackingIsAnAdminSwitch(t *testing.T) {
	t.Parallel()
	e := newResultsEnv(t)
	admin, marketer, member := e.as("Ada", policy.RoleAdmin), e.as("Mara", policy.RoleMarketer), e.as("Mel")
	doc := "<html><body><p>Hello</p></body></html>"
	if got := e.rewritten("nl_open", doc); len(got) != 0 {
		t.Fatalf("tracking off, the mail has %q", got)
	}
	if resp, body := e.do(marketer, "GET", "/api/newsletters/tracking", ""); resp.StatusCode != 200 || !strings.Contains(body, `"openTracking":false`) {
		t.Fatalf("marketer reads: %d %s", resp.StatusCode, body)
	}
	for who, c := range map[string]*http.Client{"member": member, "marketer": marketer} {
		if resp, _ := e.do(c, "PUT", "/api/newsletters/tracking", `{"openTracking":true}`); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("%s switches it: %d", who, resp.StatusCode)
		}
	}
	if resp, _ := e.do(member, "GET", "/api/newsletters/tracking", ""); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("member reads it: %d", resp.StatusCode)
	}
	for _, bad := range []string{`{}`, `{"openTracking":null}`, `{"openTracking":"yes"}`, `[true]`} {
		if resp, body := e.do(admin, "PUT", "/api/newsletters/tracking", bad); resp.StatusCode != 400 || !strings.Contains(resp.Header.Get("Content-Type"), "problem+json") {
			t.Fatalf("%s: %d %s", bad, resp.StatusCode, body)
		}
	}
	if tr, _ := e.st.Newsletters().Tracking(context.Background()); tr.OpenTracking || tr.UpdatedAt != nil {
		t.Fatalf("a refused switch wrote %+v", tr)
	}
	// An image of a newsletter sent while tracking was off counts nothing.
	links, _ := app.NewsletterLinks(context.Background(), e.d)
	links.OpenTracking = true
	image := links.OpenURL("nl_open")
	if resp, _ := e.do(e.as(""), "GET", image, ""); resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/gif" {
		t.Fatalf("image: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if c, _ := e.st.Newsletters().ResultCounters(context.Background(), "nl_open"); c.Opens != 0 {
		t.Fatalf("opens counted with tracking off: %d", c.Opens)
	}
	if resp, body := e.do(admin, "PUT", "/api/newsletters/tracking", `{"openTracking":true}`); resp.StatusCode != 200 || !strings.Contains(body, `"openTracking":true`) {
		t.Fatalf("admin switches it on: %d %s", resp.StatusCode, body)
	}
	got := e.rewritten("nl_open", doc)
	if len(got) != 1 || got[0] != image {
		t.Fatalf("tracking on, the mail has %q, want %s", got, image)
	}
	concurrently(t, 12, func(int) {
		if resp, _ := e.do(e.as(""), "GET", image, ""); resp.StatusCode != 200 {
			t.Errorf("image: %d", resp.StatusCode)
		}
	})
	if c, _ := e.st.Newsletters().ResultCounters(context.Background(), "nl_open"); c.Opens != 12 {
		t.Fatalf("opens %d, want 12", c.Opens)
	}
	if resp, _ := e.do(e.as(""), "GET", strings.Replace(image, "/o/", "/o/x", 1), ""); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("forged image: %d", resp.StatusCode)
	}
}
