package app_test

import (
	"context"
	"encoding/json"
	"fmt"
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
	"tribune/shared/bus"
	"tribune/shared/config"
	"tribune/shared/eventtypes"
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
	tbl dynamotest.Table
	d   app.Deps
}

func newResultsEnv(t *testing.T) *resultsEnv {
	tbl := dynamotest.NewTable(t)
	e := &resultsEnv{t: t, st: store.New(tbl.DB, tbl.Name), tbl: tbl}
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
	hrefs := e.rewritten("nl_clicks", `<p><a href="https://example.org/launch?a=1&amp;b=2">Launch</a> <a href="/spaces">Spaces</a>
<a href="`+e.srv.URL+`/unsubscribe?t=abc">Unsubscribe</a> <a href="__UNSUBSCRIBE_URL__">Unsubscribe</a></p>`)
	if len(hrefs) != 4 || !strings.HasPrefix(hrefs[0], e.srv.URL+"/api/n/") || !strings.HasPrefix(hrefs[1], e.srv.URL+"/api/n/") ||
		hrefs[2] != e.srv.URL+"/unsubscribe?t=abc" || hrefs[3] != "__UNSUBSCRIBE_URL__" {
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
		want := map[int]string{0: "https://example.org/launch?a=1&b=2", 1: e.srv.URL + "/spaces?ref=newsletter"}[i%2]
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

// deliver hands an event to the metrics consumer, as the bus does (eventID fixed, so a
// redelivery is the same event).
func (e *resultsEnv) deliver(p eventtypes.Payload) {
	e.t.Helper()
	env, err := eventtypes.Wrap(p)
	if err != nil {
		e.t.Fatal(err)
	}
	h := app.Handlers(e.d.Config, e.st, e.d.Mail, nil)[bus.ConsumerMetrics][env.DetailType]
	if h == nil {
		e.t.Fatalf("the metrics consumer takes no %s", env.DetailType)
	}
	if err := h(context.Background(), env); err != nil {
		e.t.Fatalf("deliver %s: %v", env.DetailType, err)
	}
}

// sentNewsletter is a newsletter written through writing's store and sent through
// sending's: its audience frozen into delivery records, each claimed and marked sent
// or failed (the counters the sending path keeps), then moved to sent.
func (e *resultsEnv) sentNewsletter(id string, sent, failed int) {
	e.t.Helper()
	ctx, nl, now := context.Background(), e.st.Newsletters(), time.Now().UTC()
	n := newsletters.Newsletter{ID: id, List: newsletters.ListProduct, State: newsletters.StateDraft, CreatedAt: now, UpdatedAt: now,
		Writing: newsletters.Writing{Name: "Results", DefaultLang: "en", Versions: []newsletters.Version{{Lang: "en", Subject: "News", Body: "Hello"}}}}
	if err := nl.CreateNewsletter(ctx, n); err != nil {
		e.t.Fatal(err)
	}
	if err := nl.Move(ctx, id, newsletters.StateDraft, newsletters.StateSending, newsletters.Change{StartedAt: &now}, now); err != nil {
		e.t.Fatal(err)
	}
	var rs []newsletters.Recipient
	for i := range sent + failed {
		rs = append(rs, newsletters.Recipient{MemberID: fmt.Sprintf("m_%02d", i), Email: fmt.Sprintf("r%02d@example.com", i), Lang: "en"})
	}
	if err := nl.PutDeliveries(ctx, id, rs); err != nil {
		e.t.Fatal(err)
	}
	claimed, _, err := nl.Claim(ctx, id, rs, now, now.Add(-time.Hour))
	if err != nil || len(claimed) != len(rs) {
		e.t.Fatalf("claim: %d of %d, %v", len(claimed), len(rs), err)
	}
	for i, d := range claimed {
		status, reason := newsletters.DeliverySent, ""
		if i >= sent {
			status, reason = newsletters.DeliveryFailed, "refused"
		}
		if ok, err := nl.Done(ctx, d, status, reason, now); !ok || err != nil {
			e.t.Fatalf("done: %v %v", ok, err)
		}
	}
	if err := nl.Move(ctx, id, newsletters.StateSending, newsletters.StateSent, newsletters.Change{FinishedAt: &now}, now); err != nil {
		e.t.Fatal(err)
	}
}

// A newsletter's results: sent and errors from the sending path, bounces, complaints
// and unsubscribes through its links from the mail events (each once, however often
// delivered; events of other mails or of the preferences count nothing), clicks per
// link; delivered is sent less bounces until the mail service reports deliveries.
// Marketers and admins read them; members, moderators and support agents get 403;
// an unknown newsletter is a 404.
func TestNewsletterResultsReport(t *testing.T) {
	t.Parallel()
	e := newResultsEnv(t)
	marketer, admin := e.as("Mara", policy.RoleMarketer), e.as("Ada", policy.RoleAdmin)
	if resp, body := e.do(marketer, "GET", "/api/newsletters/nl_none/results", ""); resp.StatusCode != 404 || !strings.Contains(body, "newsletter_not_found") {
		t.Fatalf("unknown newsletter: %d %s", resp.StatusCode, body)
	}
	e.sentNewsletter("nl_r", 10, 1)
	meta := func(id string) eventtypes.Meta { return eventtypes.Meta{EventID: id, OccurredAt: time.Now().UTC()} }
	for range 3 {
		e.deliver(eventtypes.MailBounced{Meta: meta("b1"), Email: "a@example.com", NewsletterID: "nl_r", MessageID: "m1", Permanent: true})
	}
	e.deliver(eventtypes.MailBounced{Meta: meta("b2"), Email: "b@example.com", NewsletterID: "nl_r", MessageID: "m2"})
	e.deliver(eventtypes.MailBounced{Meta: meta("b3"), Email: "c@example.com", MessageID: "m3"})
	e.deliver(eventtypes.MailComplained{Meta: meta("c1"), Email: "d@example.com", NewsletterID: "nl_r", MessageID: "m4"})
	e.deliver(eventtypes.NewsletterConsentChanged{Meta: meta("u1"), MemberID: "m_a", List: "digest", Source: "one-click", NewsletterID: "nl_r"})
	e.deliver(eventtypes.NewsletterConsentChanged{Meta: meta("u1"), MemberID: "m_a", List: "digest", Source: "one-click", NewsletterID: "nl_r"})
	e.deliver(eventtypes.NewsletterConsentChanged{Meta: meta("u2"), MemberID: "m_b", List: "digest", Source: "unsubscribe-page", NewsletterID: "nl_r"})
	e.deliver(eventtypes.NewsletterConsentChanged{Meta: meta("u3"), MemberID: "m_b", List: "digest", Subscribed: true, Source: "preferences"})
	e.deliver(eventtypes.NewsletterConsentChanged{Meta: meta("u4"), MemberID: "m_c", List: "digest", Source: "preferences"})
	for _, href := range append(e.rewritten("nl_r", `<a href="https://example.org/x">x</a>`), e.rewritten("nl_r", `<a href="https://example.org/x">x</a>`)...) {
		if resp, _ := e.do(e.as(""), "GET", href, ""); resp.StatusCode != 302 {
			t.Fatalf("follow: %d", resp.StatusCode)
		}
	}
	var rep newsletters.Report
	resp, body := e.do(marketer, "GET", "/api/newsletters/nl_r/results", "")
	if err := json.Unmarshal([]byte(body), &rep); resp.StatusCode != 200 || err != nil {
		t.Fatalf("results: %d %s", resp.StatusCode, body)
	}
	want := newsletters.Counters{Bounced: 2, Complaints: 1, Unsubscribes: 2, Clicks: 2}
	if rep.State != newsletters.StateSent || rep.Sent != 10 || rep.Errors != 1 || rep.Counters.Delivered != 8 || rep.DeliveryReported ||
		rep.Bounced != want.Bounced || rep.Complaints != want.Complaints || rep.Unsubscribes != want.Unsubscribes || rep.Clicks != want.Clicks ||
		len(rep.Links) != 1 || rep.Links[0].Clicks != 2 || rep.ClickRate != 0.2 {
		t.Fatalf("results %+v", rep)
	}
	e.deliver(eventtypes.MailDelivered{Meta: meta("d1"), NewsletterID: "nl_r", MessageID: "m5", Recipients: 1})
	_, body = e.do(admin, "GET", "/api/newsletters/nl_r/results", "")
	if err := json.Unmarshal([]byte(body), &rep); err != nil || rep.Counters.Delivered != 1 || !rep.DeliveryReported {
		t.Fatalf("after a delivery event: %s", body)
	}
	for _, bad := range []string{"0", "93", "seven", "-1"} {
		if resp, body := e.do(marketer, "GET", "/api/newsletters/visits?days="+bad, ""); resp.StatusCode != 400 || !strings.Contains(body, "invalid_days") {
			t.Errorf("visits?days=%s: %d %s", bad, resp.StatusCode, body)
		}
	}
	var visits newsletters.VisitsPage
	if resp, body := e.do(marketer, "GET", "/api/newsletters/visits?days=7", ""); resp.StatusCode != 200 || json.Unmarshal([]byte(body), &visits) != nil ||
		len(visits.Days) != 7 || visits.Days[6].Day != time.Now().UTC().Format("2006-01-02") {
		t.Errorf("visits of 7 days: %d %s", resp.StatusCode, body)
	}
	for _, role := range []string{policy.RoleMember, policy.RoleModerator, policy.RoleSupport} {
		if resp, _ := e.do(e.as("Mo"+role, role), "GET", "/api/newsletters/nl_r/results", ""); resp.StatusCode != 403 {
			t.Errorf("%q reads results: %d", role, resp.StatusCode)
		}
	}
}
