// The test harness of shared/app: TestMain (one DynamoDB Local for the package), the
// test environments (env: the registration function; community: the whole product
// in-process with its event path; inputEnv and socialEnv; eventPath) and every helper
// tests of more than one file use. A helper one file's tests use stays in that file.
package app_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/oauth2-proxy/mockoidc"

	"tribune/shared/app"
	"tribune/shared/auth"
	"tribune/shared/blob"
	"tribune/shared/bus"
	"tribune/shared/config"
	"tribune/shared/eventtypes"
	"tribune/shared/httpx"
	"tribune/shared/mail"
	"tribune/shared/members"
	"tribune/shared/metrics"
	"tribune/shared/notifications"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/social"
	"tribune/shared/spaces"
	"tribune/shared/store"
	"tribune/shared/store/dynamotest"
	"tribune/shared/tickets"
)

func TestMain(m *testing.M) {
	// Four tests at once unless -parallel says otherwise (Go's default is GOMAXPROCS, 2
	// on the project's machine): the tests spend most of their time waiting for the event
	// path, and their tables share one DynamoDB Local (docs/decisions.md, "Issue 11: tests").
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		_ = flag.Set("test.parallel", "4")
	}
	// Request logs would drown test and benchmark output (logx has its own tests), but
	// errors stay: go test shows them when the package fails, so a 500 says why.
	if os.Getenv("TEST_LOGS") == "" {
		slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})))
	}
	os.Exit(dynamotest.Main(m))
}

// ---- env: the registration function alone, on a table of its own

type env struct {
	t      *testing.T
	srv    *httptest.Server
	client *http.Client
	tbl    dynamotest.Table
	outbox string
}

func newEnv(t *testing.T) *env {
	tbl := dynamotest.NewTable(t)
	outbox := t.TempDir()
	e := &env{t: t, tbl: tbl, outbox: outbox}
	e.srv = httptest.NewUnstartedServer(nil)
	e.srv.Start()
	t.Cleanup(e.srv.Close)
	cfg := config.Config{PublicURL: e.srv.URL, CookieSecure: false}
	st := store.New(tbl.DB, tbl.Name)
	h, err := app.RegistrationHandler(app.Deps{Config: cfg, Store: st, Mail: mail.Outbox{Dir: outbox, From: "Tribune <no-reply@example.com>"}})
	if err != nil {
		t.Fatal(err)
	}
	e.srv.Config.Handler = h
	jar, _ := cookiejar.New(nil)
	e.client = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return e
}

func (e *env) do(method, path, contentType, body string, hdr ...string) (*http.Response, string) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (e *env) lastLink() string {
	e.t.Helper()
	msgs, err := mail.ReadOutbox(e.outbox)
	if err != nil || len(msgs) == 0 {
		e.t.Fatalf("no mail in the outbox (%v)", err)
	}
	links := msgs[len(msgs)-1].Links()
	if len(links) != 1 {
		e.t.Fatalf("want one link in the mail, got %v", links)
	}
	return strings.TrimPrefix(links[0], e.srv.URL)
}

// lastToken is the sign-in token of the newest mail's link (the web app's
// confirmation page, the token in its fragment).
func (e *env) lastToken() string {
	e.t.Helper()
	link := e.lastLink()
	if !strings.HasPrefix(link, "/sign-in/link#token=") {
		e.t.Fatalf("the link %q does not open the confirmation page", link)
	}
	return tokenInLink.FindStringSubmatch(link)[1]
}

func tokenJSON(token string) string { return `{"token":"` + token + `"}` }

func jsonDecode(s string, v any) error { return json.Unmarshal([]byte(s), v) }

// ---- community: the whole product in-process (every route, the stream publisher, the consumers), mail in an outbox folder

// community is the whole product in-process: every route, the stream publisher and the
// consumers, mail in an outbox folder.
type community struct {
	t      *testing.T
	srv    *httptest.Server
	st     *store.Store
	tbl    dynamotest.Table
	outbox string
	// files is the bucket of avatars and images, shared by the API and the consumers.
	files *blob.Store
	// delivered holds the ids of the events the bus has delivered to every consumer.
	delivered *deliveredEvents
}

// deliveredEvents is a bus.Putter that records, once the bus has delivered a batch to
// every consumer (bus.Local.Put returns only then), the ids of its events: the event
// path has settled when every event of the outbox is among them.
type deliveredEvents struct {
	next bus.Putter
	mu   sync.Mutex
	ids  map[string]bool
}

func (d *deliveredEvents) Put(ctx context.Context, batch []eventtypes.Envelope) error {
	if err := d.next.Put(ctx, batch); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, e := range batch {
		d.ids[e.ID] = true
	}
	return nil
}

func (d *deliveredEvents) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.ids)
}

func newCommunity(t *testing.T) *community {
	tbl := dynamotest.NewTable(t)
	c := &community{t: t, tbl: tbl, st: store.New(tbl.DB, tbl.Name), outbox: t.TempDir()}
	c.srv = httptest.NewServer(nil)
	t.Cleanup(c.srv.Close)
	cfg := config.Config{PublicURL: c.srv.URL}
	sender := mail.Outbox{Dir: c.outbox, From: "t@example.com"}
	c.files = testFiles(t)
	h, err := app.LocalHandler(app.Deps{Config: cfg, Store: c.st, Mail: sender, Files: c.files})
	if err != nil {
		t.Fatal(err)
	}
	c.srv.Config.Handler = h
	local := &bus.Local{Consumers: app.Consumers(cfg, c.st, sender, c.files), Attempts: 3, Backoff: 10 * time.Millisecond}
	c.delivered = &deliveredEvents{next: local, ids: map[string]bool{}}
	stop := pollStream(tbl.PollerStreams(t, pollerIdle), tbl.StreamARN, filepath.Join(t.TempDir(), "ckpt.json"), c.delivered)
	t.Cleanup(func() { stop(); local.Wait() })
	return c
}

// as is a browser signed in as a member holding roles.
func (c *community) as(name string, roles ...string) *http.Client {
	id := newMember(c.t, c.st, name, append([]string{policy.RoleMember}, roles...))
	jar, _ := cookiejar.New(nil)
	u, _ := http.NewRequest("GET", c.srv.URL, nil)
	jar.SetCookies(u.URL, []*http.Cookie{{Name: auth.SessionCookie, Value: cookieFor(c.t, c.st, id)}})
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (c *community) visitor() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (c *community) call(client *http.Client, method, path, body string, out any) (int, string) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.srv.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw json.RawMessage
	_ = json.NewDecoder(resp.Body).Decode(&raw)
	if out != nil {
		_ = json.Unmarshal(raw, out)
	}
	return resp.StatusCode, string(raw)
}

// mailTo waits for the newest message to addr whose first link contains part, and
// returns that link.
func (c *community) mailTo(addr, part string) string {
	c.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for time.Now().Before(deadline) {
		msgs, _ := mail.ReadOutbox(c.outbox)
		for i := len(msgs) - 1; i >= 0; i-- {
			if links := msgs[i].Links(); msgs[i].To == addr && len(links) > 0 && strings.Contains(links[0], part) {
				return links[0]
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.t.Fatalf("no mail to %s with a link to %q", addr, part)
	return ""
}

// nextMail waits for a message to addr after the first `after` ones, and returns it.
func (c *community) nextMail(addr string, after int) mail.Stored {
	c.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for time.Now().Before(deadline) {
		if msgs := c.mailsTo(addr); len(msgs) > after {
			return msgs[len(msgs)-1]
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.t.Fatalf("no new mail to %s", addr)
	return mail.Stored{}
}

// signUp asks for a link with an invitation code and confirms it; it returns the
// status of the start or the confirmation (200) and the new member's roles.
func (c *community) signUp(email, code string) (int, string, []string) {
	c.t.Helper()
	browser := c.visitor()
	body, _ := json.Marshal(map[string]string{"email": email, "invitation": code, "locale": "en"})
	c.settledItems() // a welcome email still on its way would be taken for the answer below
	before := len(c.mailsTo(email))
	status, problem := c.call(browser, "POST", "/api/auth/email/start", string(body), nil)
	if status != http.StatusAccepted {
		return status, problem, nil
	}
	// A newcomer who may not join hears 202 like anyone, and gets an email saying why
	// (round 3): its subject and text come back in place of a problem.
	m := c.nextMail(email, before)
	if links := m.Links(); len(links) == 0 || !strings.Contains(links[0], "/sign-in/link#token=") {
		return status, m.Subject + "\n" + m.Text, nil
	}
	token := tokenInLink.FindStringSubmatch(m.Links()[0])[1]
	status, problem = c.call(browser, "POST", "/api/auth/email/confirm", tokenJSON(token), nil)
	if status != http.StatusOK {
		return status, problem, nil
	}
	var me struct{ Roles []string }
	c.call(browser, "GET", "/api/me", "", &me)
	return status, "", me.Roles
}

func codeOf(link string) string { return link[strings.LastIndex(link, "/invite/")+len("/invite/"):] }

// ---- The event path: the stream poller, and waiting for what it delivers

// pollStream publishes a table's stream to putter, as the local runtime does, every
// 20 ms while the table is written (streams is the table's dynamotest PollerStreams: an
// idle poller sleeps until the next write, or pollerIdle).
func pollStream(streams bus.StreamsAPI, arn, checkpoints string, putter bus.Putter) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	poller := &bus.StreamPoller{Streams: streams, StreamARN: arn, Handler: app.Publisher(putter),
		Checkpoints: &bus.FileCheckpoints{Path: checkpoints}, Interval: 20 * time.Millisecond}
	go func() { _ = poller.Run(ctx); close(done) }()
	return func() { cancel(); <-done }
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitLimit bounds every wait for the event path: far above what a delivery takes
// (milliseconds), so that only a delivery that never comes fails, even on a loaded
// 2-core machine.
const waitLimit = time.Minute

// pollerIdle is the longest a test's stream poller sleeps while nothing is written
// (dynamotest.Table.PollerStreams): a retry after a failed batch comes after it.
const pollerIdle = 200 * time.Millisecond

// ---- Members, sessions and rate-limit windows, straight from the store

// newMember registers a member who joined a month ago, holding roles, and returns its id.
func newMember(t testing.TB, st *store.Store, name string, roles []string) string {
	return newMemberSince(t, st, name, roles, time.Now().AddDate(0, -1, 0))
}

// newMemberSince registers a member who joined at joined.
func newMemberSince(t testing.TB, st *store.Store, name string, roles []string, joined time.Time) string {
	t.Helper()
	now := time.Now()
	m := members.Member{ID: "m_" + name, Email: strings.ToLower(name) + "@example.com", DisplayName: name, Locale: "en", Roles: roles, Status: members.StatusActive, CreatedAt: joined}
	sess, _ := auth.NewSession(m.ID, now, "test")
	meta := eventtypes.NewMeta(now)
	env, _ := eventtypes.Wrap(eventtypes.MemberRegistered{Meta: meta})
	if err := st.Members().Register(context.Background(), m, sess, env, nil, nil); err != nil {
		t.Fatal(err)
	}
	// Test members have accepted the default community rules; the rules test undoes it.
	if err := st.Members().AcceptRules(context.Background(), m.ID, members.DefaultRules.Version); err != nil {
		t.Fatal(err)
	}
	return m.ID
}

// cookieFor starts a fresh session of a member and returns its cookie value.
func cookieFor(t *testing.T, st *store.Store, memberID string) string {
	t.Helper()
	sess, cookie := auth.NewSession(memberID, time.Now(), "test")
	if err := st.Members().CreateSession(context.Background(), sess); err != nil {
		t.Fatal(err)
	}
	return cookie
}

// inAFreshWindow starts a test's rate-limit counts in a fresh window: the limits count
// in fixed windows of the clock (ratelimit.Rule.Window), so counts that straddle a
// window's end start again from zero. When less than need is left of the current
// window, it waits for the next one.
func inAFreshWindow(w, need time.Duration) {
	if left := time.Until(time.Now().Truncate(w).Add(w)); left < need {
		time.Sleep(left + time.Second)
	}
}

// ---- Files: an S3 bucket (gofakes3) per test

// testFiles is an S3 bucket served by gofakes3 for one test.
func testFiles(t testing.TB) *blob.Store {
	srv := httptest.NewServer(gofakes3.New(s3mem.New(), gofakes3.WithAutoBucket(true)).Server())
	t.Cleanup(srv.Close)
	cfg, err := store.LoadAWSConfig(context.Background(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return blob.New(cfg, "avatars", srv.URL)
}

// imagePNG is a small PNG (its content is not checked, its type and size are).
var imagePNG = "\x89PNG\r\n\x1a\n" + strings.Repeat("7", 64)

// ---- inputEnv: every route served in-process, to send it what a client may

// inputEnv is every route in one handler, without the event path (so nothing writes
// behind a request's back), an admin holding every role, and one of each thing a path
// can name.
type inputEnv struct {
	t      *testing.T
	tbl    dynamotest.Table
	st     *store.Store
	h      http.Handler
	routes []httpx.Route
	outbox string
	cookie string
	// ids of the fixtures
	admin, target, space, customer, post, comment, ticket, invitation string
}

func newInputEnv(t *testing.T) *inputEnv {
	tbl := dynamotest.NewTable(t)
	st := store.New(tbl.DB, tbl.Name)
	cfg := config.Config{PublicURL: "http://test.local"}
	outbox := t.TempDir()
	deps := app.Deps{Config: cfg, Store: st, Mail: mail.Outbox{Dir: outbox, From: "t@example.com"}, Files: testFiles(t)}
	h, err := app.LocalHandler(deps)
	if err != nil {
		t.Fatal(err)
	}
	e := &inputEnv{t: t, tbl: tbl, st: st, h: h, routes: app.AllRoutes(deps), outbox: outbox}
	e.admin = newMember(t, st, "admin", append([]string{}, policy.Roles...))
	e.target = newMember(t, st, "target", []string{policy.RoleMember})
	e.cookie = cookieFor(t, st, e.admin)
	e.space = e.create("POST", "/api/spaces", `{"name":"General","visibility":"public"}`)
	e.customer = e.create("POST", "/api/spaces", `{"name":"Acme","visibility":"closed","kind":"customer"}`)
	e.post = e.create("POST", "/api/spaces/"+e.space+"/posts", `{"kind":"question","title":"How?","body":"Tell me."}`)
	e.comment = e.create("POST", "/api/posts/"+e.post+"/comments", `{"body":"Like this."}`)
	e.ticket = e.create("POST", "/api/spaces/"+e.customer+"/tickets", `{"subject":"Down","product":"General","severity":"low","body":"It is down."}`)
	var link struct{ Invitation struct{ ID string } }
	if w := e.serve("POST", "/api/invitations/links", `{"maxUses":5}`); w.Code != 201 || json.Unmarshal(w.Body.Bytes(), &link) != nil {
		t.Fatalf("link: %d %s", w.Code, w.Body.String())
	}
	e.invitation = link.Invitation.ID
	return e
}

// create sends a request that makes something and returns its id.
func (e *inputEnv) create(method, path, body string) string {
	e.t.Helper()
	w := e.serve(method, path, body)
	var out struct{ ID string }
	if w.Code != 201 || json.Unmarshal(w.Body.Bytes(), &out) != nil || out.ID == "" {
		e.t.Fatalf("%s %s: %d %s", method, path, w.Code, w.Body.String())
	}
	return out.ID
}

// serve sends one request as the admin.
func (e *inputEnv) serve(method, path, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: e.cookie})
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

// digest is a fingerprint of every item in the table, so a test sees any write
// (an update as much as a new item).
func (e *inputEnv) digest() string {
	e.t.Helper()
	var rows []string
	in := &dynamodb.ScanInput{TableName: &e.tbl.Name}
	for {
		out, err := e.tbl.DB.Scan(context.Background(), in)
		if err != nil {
			e.t.Fatal(err)
		}
		for _, it := range out.Items {
			var m map[string]any
			if err := attributevalue.UnmarshalMap(it, &m); err != nil {
				e.t.Fatal(err)
			}
			b, _ := json.Marshal(m) // maps marshal with sorted keys
			rows = append(rows, string(b))
		}
		if len(out.LastEvaluatedKey) == 0 {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	sort.Strings(rows)
	sum := sha256.Sum256([]byte(strings.Join(rows, "\n")))
	return fmt.Sprintf("%x (%d items)", sum[:8], len(rows))
}

func isProblem(w *httptest.ResponseRecorder) bool {
	var p httpx.Problem
	return w.Header().Get("Content-Type") == httpx.ProblemContentType && json.Unmarshal(w.Body.Bytes(), &p) == nil && p.Code != ""
}

// checkRefused asserts a 400 problem with code and field, and that nothing was written.
func (e *inputEnv) checkRefused(t *testing.T, w *httptest.ResponseRecorder, code, field, before string) {
	t.Helper()
	var p httpx.Problem
	_ = json.Unmarshal(w.Body.Bytes(), &p)
	if w.Code != http.StatusBadRequest || !isProblem(w) || p.Code != code || p.Field != field {
		t.Errorf("answer %d %s, want 400 %s on %s", w.Code, w.Body.String(), code, field)
	}
	if after := e.digest(); after != before {
		t.Errorf("the table changed: %s -> %s", before, after)
	}
}

func put(t *testing.T, rawURL, contentType, body string) {
	t.Helper()
	req, _ := http.NewRequest("PUT", rawURL, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("PUT %s: %v %v", rawURL, resp, err)
	}
	resp.Body.Close()
}

// ---- socialEnv: sign-in through a mock OpenID Connect provider

// socialEnv is Tribune with one OIDC provider: a real local OIDC server (mockoidc).
type socialEnv struct {
	t      *testing.T
	oidc   *mockoidc.MockOIDC
	srv    *httptest.Server
	st     *store.Store
	client *http.Client
}

func newSocialEnv(t *testing.T) *socialEnv {
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	tbl := dynamotest.NewTable(t)
	e := &socialEnv{t: t, oidc: m, st: store.New(tbl.DB, tbl.Name)}
	e.srv = httptest.NewServer(nil)
	t.Cleanup(e.srv.Close)
	mc := m.Config()
	cfg := config.Config{PublicURL: e.srv.URL, SocialProviders: []social.Provider{{ID: "mock", Name: "Mock", Kind: social.KindOIDC,
		Issuer: m.Issuer(), ClientID: mc.ClientID, ClientSecret: mc.ClientSecret}}}
	h, err := app.RegistrationHandler(app.Deps{Config: cfg, Store: e.st, Mail: mail.Outbox{Dir: t.TempDir(), From: "t@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	e.srv.Config.Handler = h
	e.newBrowser()
	return e
}

// newBrowser forgets every cookie, as another browser would.
func (e *socialEnv) newBrowser() {
	jar, _ := cookiejar.New(nil)
	e.client = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (e *socialEnv) get(rawURL string) (*http.Response, string) {
	e.t.Helper()
	resp, err := e.client.Get(rawURL)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// post sends a JSON POST, as the web app does.
func (e *socialEnv) post(rawURL, body string) (*http.Response, string) {
	e.t.Helper()
	resp, err := e.client.Post(rawURL, "application/json", strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// startFlow returns the provider's authorize URL of a new flow.
func (e *socialEnv) startFlow() *url.URL {
	e.t.Helper()
	return e.startFlowWith(`{"return":"/welcome"}`)
}

// startFlowWith starts a flow with this JSON body.
func (e *socialEnv) startFlowWith(body string) *url.URL {
	e.t.Helper()
	resp, raw := e.post(e.srv.URL+"/api/auth/oidc/mock/start", body)
	var to members.SocialRedirect
	if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(raw), &to) != nil {
		e.t.Fatalf("start: %d %s", resp.StatusCode, raw)
	}
	u, _ := url.Parse(to.Redirect)
	q := u.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" {
		e.t.Fatalf("authorize URL lacks PKCE, nonce or state: %s", u)
	}
	return u
}

// authorize lets the provider approve and returns the callback URL it redirects to.
func (e *socialEnv) authorize(u *url.URL) string {
	e.t.Helper()
	resp, body := e.get(u.String())
	if resp.StatusCode != http.StatusFound {
		e.t.Fatalf("provider authorize: %d %s", resp.StatusCode, body)
	}
	return resp.Header.Get("Location")
}

// signIn runs the whole flow for user and returns the callback answer.
func (e *socialEnv) signIn(user *mockoidc.MockUser) (*http.Response, string) {
	e.oidc.QueueUser(user)
	return e.get(e.authorize(e.startFlow()))
}

func (e *socialEnv) me() (int, string) {
	resp, body := e.get(e.srv.URL + "/api/me")
	var m struct{ ID string }
	_ = json.Unmarshal([]byte(body), &m)
	return resp.StatusCode, m.ID
}

func problemCode(body string) string {
	var p struct{ Code string }
	_ = json.Unmarshal([]byte(body), &p)
	return p.Code
}

// browserWith is a browser holding a session cookie.
func (c *community) browserWith(cookie string) *http.Client {
	b := c.visitor()
	u, _ := url.Parse(c.srv.URL)
	b.Jar.SetCookies(u, []*http.Cookie{{Name: auth.SessionCookie, Value: cookie}})
	return b
}

// ---- What members and staff do in a community

// space creates a space as staff and returns it, with members joined (a public
// space: they join by themselves).
func (c *community) space(staff *http.Client, name, visibility string, members ...*http.Client) spaces.Space {
	c.t.Helper()
	var sp spaces.Space
	if status, body := c.call(staff, "POST", "/api/spaces", fmt.Sprintf(`{"name":%q,"visibility":%q}`, name, visibility), &sp); status != 201 {
		c.t.Fatalf("create space %s: %d %s", name, status, body)
	}
	for _, who := range members {
		c.join(who, sp.ID)
	}
	return sp
}

// readsFrench makes who's language French (their notices and emails), keeping name.
func (c *community) readsFrench(who *http.Client, name string) {
	c.t.Helper()
	body := fmt.Sprintf(`{"displayName":%q,"bio":"","expertise":[],"interests":[],"company":"","location":"","links":[],"locale":"fr"}`, name)
	if status, raw := c.call(who, "PUT", "/api/me/profile", body, nil); status != 200 {
		c.t.Fatalf("%s reads French: %d %s", name, status, raw)
	}
}

// post publishes a post and returns it, failing the test on any other answer.
func (c *community) post(who *http.Client, spaceID, body string) posts.Post {
	c.t.Helper()
	var p posts.Post
	if status, raw := c.call(who, "POST", "/api/spaces/"+spaceID+"/posts", body, &p); status != 201 {
		c.t.Fatalf("post %s: %d %s", body, status, raw)
	}
	return p
}

func (c *community) join(who *http.Client, spaceID string) {
	c.t.Helper()
	if status, body := c.call(who, "POST", "/api/spaces/"+spaceID+"/join", "", nil); status != 200 {
		c.t.Fatalf("join: %d %s", status, body)
	}
}

// inbox waits until a member's inbox holds a notification of kind, and returns it.
func (c *community) inbox(who *http.Client, kind string) notifications.Notification {
	c.t.Helper()
	var found notifications.Notification
	waitFor(c.t, "a "+kind+" notification", func() bool {
		var in notifications.Inbox
		c.call(who, "GET", "/api/notifications", "", &in)
		for _, n := range in.Items {
			if n.Kind == kind {
				found = n
				return true
			}
		}
		return false
	})
	return found
}

// settledItems waits until the event path has delivered every event written so far and
// returns the table's item count, so a test can prove a refused request wrote nothing.
func (c *community) settledItems() int {
	c.t.Helper()
	// Settled when every event in the outbox (written with the change that made it,
	// consumers' own events included) has been delivered to every consumer: a count,
	// not a pause, so a slow machine cannot make it settle early.
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if written := c.countItems("OUTBOX#"); written == c.delivered.count() {
			return c.tbl.Items(c.t)
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.t.Fatalf("the event path never settled: %d events written, %d delivered", c.countItems("OUTBOX#"), c.delivered.count())
	return 0
}

// countItems counts the items whose partition key starts with prefix: scanItems' count,
// without sending the items (settledItems counts the outbox every 50 ms).
func (c *community) countItems(prefix string) int {
	c.t.Helper()
	n := 0
	in := &dynamodb.ScanInput{TableName: aws.String(c.tbl.Name), Select: types.SelectCount,
		FilterExpression:          aws.String("begins_with(#pk, :prefix)"),
		ExpressionAttributeNames:  map[string]string{"#pk": store.AttrPK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":prefix": &types.AttributeValueMemberS{Value: prefix}}}
	for {
		page, err := c.tbl.DB.Scan(context.Background(), in)
		if err != nil {
			c.t.Fatal(err)
		}
		n += int(page.Count)
		if len(page.LastEvaluatedKey) == 0 {
			return n
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}

// Helpers of the tests of kinds 4, 5 and 10 of issue 9: what is derived from content
// (notifications, stream copies, names) follows the content and its readers' access.

// deliver hands an event straight to a consumer's handler, as a late delivery would:
// the state it describes may have changed since.
func (c *community) deliver(consumer, detailType string, payload any) {
	c.t.Helper()
	c.deliverVia(c.st, consumer, detailType, payload)
}

// deliverVia is deliver with the consumers reading and writing through st.
func (c *community) deliverVia(st *store.Store, consumer, detailType string, payload any) {
	c.t.Helper()
	meta := eventtypes.NewMeta(time.Now())
	switch p := payload.(type) {
	case *eventtypes.CommentCreated:
		p.Meta = meta
	case *eventtypes.MemberMentioned:
		p.Meta = meta
	case *eventtypes.ContentReported:
		p.Meta = meta
	case *eventtypes.IdeaStatusChanged:
		p.Meta = meta
	case *eventtypes.SpaceInvited:
		p.Meta = meta
	case *eventtypes.PostModerated:
		p.Meta = meta
	case *eventtypes.PostCreated:
		p.Meta = meta
	case *eventtypes.TicketReplied:
		p.Meta = meta
	case *eventtypes.TicketSLABreached:
		p.Meta = meta
	case *eventtypes.TicketStatusChanged:
		p.Meta = meta
	case *eventtypes.InvitationCreated:
		p.Meta = meta
	case *eventtypes.MemberRegistered:
		p.Meta = meta
	case *eventtypes.MemberDeleted:
		p.Meta = meta
	case *eventtypes.MemberRolesChanged:
		p.Meta = meta
	case *eventtypes.SpaceJoined:
		p.Meta = meta
	case *eventtypes.SpaceLeft:
		p.Meta = meta
	default:
		c.t.Fatalf("deliver: no meta for %T", payload)
	}
	p, ok := payload.(eventtypes.Payload)
	if !ok {
		c.t.Fatalf("deliver: %T is not a catalogued payload", payload)
	}
	env, err := eventtypes.Wrap(p)
	if err != nil {
		c.t.Fatal(err)
	}
	if env.DetailType != detailType {
		c.t.Fatalf("deliver: %T is %s, not %s", payload, env.DetailType, detailType)
	}
	cfg := config.Config{PublicURL: c.srv.URL}
	h := app.Handlers(cfg, st, mail.Outbox{Dir: c.outbox, From: "t@example.com"}, c.files)[consumer][detailType]
	if h == nil {
		c.t.Fatalf("no %s handler of %s", consumer, detailType)
	}
	if err := h(context.Background(), env); err != nil {
		c.t.Fatalf("deliver %s: %v", detailType, err)
	}
}

// notes is a member's inbox page as they read it.
func (c *community) notes(who *http.Client) []notifications.Notification {
	c.t.Helper()
	var in notifications.Inbox
	if status, body := c.call(who, "GET", "/api/notifications", "", &in); status != 200 {
		c.t.Fatalf("inbox: %d %s", status, body)
	}
	return in.Items
}

// mailsTo lists the messages sent to addr.
func (c *community) mailsTo(addr string) []mail.Stored {
	c.t.Helper()
	msgs, err := mail.ReadOutbox(c.outbox)
	if err != nil {
		c.t.Fatal(err)
	}
	var out []mail.Stored
	for _, m := range msgs {
		if m.To == addr {
			out = append(out, m)
		}
	}
	return out
}

// itemsWith scans the whole table (tests only) and returns "PK SK" of every item, whose
// partition starts with one of prefixes (all when none), that holds canary anywhere.
func (c *community) itemsWith(canary string, prefixes ...string) []string {
	c.t.Helper()
	var found []string
	in := &dynamodb.ScanInput{TableName: &c.tbl.Name}
	for {
		out, err := c.tbl.DB.Scan(context.Background(), in)
		if err != nil {
			c.t.Fatal(err)
		}
		for _, item := range out.Items {
			var it map[string]any
			if err := attributevalue.UnmarshalMap(item, &it); err != nil {
				c.t.Fatal(err)
			}
			pk, _ := it["PK"].(string)
			keep := len(prefixes) == 0
			for _, p := range prefixes {
				keep = keep || strings.HasPrefix(pk, p)
			}
			if keep && strings.Contains(fmt.Sprint(it), canary) {
				found = append(found, pk+" "+fmt.Sprint(it["SK"]))
			}
		}
		if len(out.LastEvaluatedKey) == 0 {
			return found
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// hiddenSpace creates a hidden space as staff and brings members in by invitation.
func (c *community) hiddenSpace(staff *http.Client, name string, who ...*http.Client) spaces.Space {
	c.t.Helper()
	sp := c.space(staff, name, spaces.Hidden)
	for _, m := range who {
		var me struct{ ID string }
		c.call(m, "GET", "/api/me", "", &me)
		if status, body := c.call(staff, "POST", "/api/spaces/"+sp.ID+"/invitations", fmt.Sprintf(`{"memberId":%q}`, me.ID), nil); status != 200 {
			c.t.Fatalf("invite %s: %d %s", me.ID, status, body)
		}
		c.join(m, sp.ID)
	}
	return sp
}

func (c *community) leave(who *http.Client, spaceID string) {
	c.t.Helper()
	if status, body := c.call(who, "POST", "/api/spaces/"+spaceID+"/leave", "", nil); status != 204 && status != 200 {
		c.t.Fatalf("leave: %d %s", status, body)
	}
}

func kindsOf(list []notifications.Notification) []string {
	var out []string
	for _, n := range list {
		out = append(out, n.Kind)
	}
	return out
}

// countingHandler is the app on a DynamoDB client of its own, whose calls trips counts.
func (c *community) countingHandler() (http.Handler, *store.RoundTrips) {
	c.t.Helper()
	trips := &store.RoundTrips{}
	h, err := app.LocalHandler(app.Deps{Config: config.Config{PublicURL: c.srv.URL}, Store: store.New(c.tbl.Client(c.t, trips.Option()), c.tbl.Name)})
	if err != nil {
		c.t.Fatal(err)
	}
	return h, trips
}

// tripsOf counts the DynamoDB calls of one GET by a member, on a client of its own (the
// event path works on the same table meanwhile).
func (c *community) tripsOf(memberID, path string) int64 {
	c.t.Helper()
	h, trips := c.countingHandler()
	cookie := cookieFor(c.t, c.st, memberID)
	trips.Reset()
	r := httptest.NewRequest("GET", path, nil)
	r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: cookie})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 200 {
		c.t.Fatalf("GET %s: %d %s", path, w.Code, w.Body.String())
	}
	return trips.Count()
}

// profileAs saves a member's profile with a display name (and interests).
func (c *community) profileAs(who *http.Client, name string, interests ...string) {
	c.t.Helper()
	body, _ := json.Marshal(members.Profile{DisplayName: name, Expertise: []string{"go"}, Interests: append([]string{}, interests...), Links: []string{}, Locale: "en"})
	if status, raw := c.call(who, "PUT", "/api/me/profile", string(body), nil); status != 200 {
		c.t.Fatalf("profile %s: %d %s", name, status, raw)
	}
}

const (
	bobRef  = "m_BOBMENTIONBOBMENTIONBOBMEN"
	carlRef = "m_CARLMENTIONCARLMENTIONCARL"
	doraRef = "m_DORAMENTIONDORAMENTIONDORA"
)

// rename sets a member's display name through their profile.
func (c *community) rename(who *http.Client, name string) {
	c.t.Helper()
	body := fmt.Sprintf(`{"displayName":%q,"bio":"","expertise":[],"interests":[],"company":"","location":"","links":[],"locale":"en"}`, name)
	if status, raw := c.call(who, "PUT", "/api/me/profile", body, nil); status != 200 {
		c.t.Fatalf("rename to %s: %d %s", name, status, raw)
	}
}

// jsonBody is a JSON request body of fields.
func jsonBody(fields map[string]string) string {
	b, _ := json.Marshal(fields)
	return string(b)
}

// mailsAbout counts the activity emails to addr whose link opens path.
func (c *community) mailsAbout(addr, path string) int {
	c.t.Helper()
	n := 0
	for _, m := range c.mailsTo(addr) {
		for _, l := range m.Links() {
			if strings.HasSuffix(l, path) {
				n++
				break
			}
		}
	}
	return n
}

// entries returns a member's inbox entries about a post, as they read them (the event
// path settled).
func (c *community) entries(who *http.Client, postID string) []notifications.Notification {
	c.t.Helper()
	c.settledItems()
	var out []notifications.Notification
	for _, n := range c.notes(who) {
		if n.PostID == postID {
			out = append(out, n)
		}
	}
	return out
}

func (c *community) comment(who *http.Client, postID, body string) posts.Comment {
	c.t.Helper()
	var cm posts.Comment
	if status, raw := c.call(who, "POST", "/api/posts/"+postID+"/comments", body, &cm); status != 201 {
		c.t.Fatalf("comment: %d %s", status, raw)
	}
	return cm
}

// setRoles replaces a member's roles as an admin does, and waits for the event path.
func (c *community) setRoles(admin *http.Client, memberID string, roles ...string) {
	c.t.Helper()
	body := fmt.Sprintf(`{"roles":["%s"]}`, strings.Join(roles, `","`))
	if status, raw := c.call(admin, "PUT", "/api/members/"+memberID+"/roles", body, nil); status != 200 {
		c.t.Fatalf("roles of %s: %d %s", memberID, status, raw)
	}
	c.settledItems()
}

// mailSaying waits for a message to addr whose text holds every one of want, and returns it.
func (c *community) mailSaying(addr string, want ...string) mail.Stored {
	c.t.Helper()
	var found mail.Stored
	deadline := time.Now().Add(waitLimit)
	for time.Now().Before(deadline) {
		for _, m := range c.mailsTo(addr) {
			ok := true
			for _, w := range want {
				ok = ok && strings.Contains(m.Subject+"\n"+m.Text, w)
			}
			if ok {
				return m
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	var got []string
	for _, m := range c.mailsTo(addr) {
		got = append(got, m.Subject)
	}
	c.t.Fatalf("no mail to %s saying %q; got %q", addr, want, got)
	return found
}

// speaks saves a member's language (the profile's "language for emails").
func (c *community) speaks(who *http.Client, name, lang string) {
	c.t.Helper()
	body := fmt.Sprintf(`{"displayName":%q,"bio":"","expertise":[],"interests":[],"company":"","location":"","links":[],"locale":%q}`, name, lang)
	if status, raw := c.call(who, "PUT", "/api/me/profile", body, nil); status != 200 {
		c.t.Fatalf("profile: %d %s", status, raw)
	}
}

// uploadImage asks for an upload for a space and puts the image there.
func (c *community) uploadImage(who *http.Client, spaceID string) posts.ImageUpload {
	c.t.Helper()
	var up posts.ImageUpload
	if status, body := c.call(who, "POST", "/api/uploads/images", fmt.Sprintf(`{"spaceId":%q,"contentType":"image/png","size":%d}`, spaceID, len(imagePNG)), &up); status != 200 {
		c.t.Fatalf("image upload for %s: %d %s", spaceID, status, body)
	}
	put(c.t, up.UploadURL, up.ContentType, imagePNG)
	return up
}

// image asks for an image as who and, when redirected, downloads it: the status of
// the image route, its Cache-Control, and whether the bytes came.
func (c *community) image(who *http.Client, path string) (int, string, bool) {
	c.t.Helper()
	resp, err := who.Get(c.srv.URL + path)
	if err != nil {
		c.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		return resp.StatusCode, resp.Header.Get("Cache-Control"), false
	}
	got, err := http.Get(resp.Header.Get("Location"))
	if err != nil {
		c.t.Fatal(err)
	}
	defer got.Body.Close()
	b, _ := io.ReadAll(got.Body)
	return resp.StatusCode, resp.Header.Get("Cache-Control"), got.StatusCode == 200 && string(b) == imagePNG
}

// customerSpace creates a closed customer space and brings members into it.
// supportDesk is the usual support set-up: an admin (ada), a support agent (sam) and a
// customer (cara) who has joined the customer space Acme.
func (c *community) supportDesk() (admin, sam, cara *http.Client, acme spaces.Space) {
	c.t.Helper()
	admin = c.as("ada", policy.RoleAdmin)
	sam = c.as("sam", policy.RoleSupport)
	cara = c.as("cara")
	acme = c.customerSpace(admin, "Acme", "m_cara")
	c.join(cara, acme.ID)
	return admin, sam, cara, acme
}

func (c *community) customerSpace(admin *http.Client, name string, members ...string) spaces.Space {
	c.t.Helper()
	var sp spaces.Space
	if status, body := c.call(admin, "POST", "/api/spaces", fmt.Sprintf(`{"name":%q,"visibility":"closed","kind":"customer"}`, name), &sp); status != 201 {
		c.t.Fatalf("customer space: %d %s", status, body)
	}
	for _, m := range members {
		if status, body := c.call(admin, "POST", "/api/spaces/"+sp.ID+"/invitations", fmt.Sprintf(`{"memberId":%q}`, m), nil); status != 200 {
			c.t.Fatalf("invite %s: %d %s", m, status, body)
		}
	}
	return sp
}

func (c *community) ticket(who *http.Client, spaceID, body string) tickets.Ticket {
	c.t.Helper()
	var t tickets.Ticket
	if status, raw := c.call(who, "POST", "/api/spaces/"+spaceID+"/tickets", body, &t); status != 201 {
		c.t.Fatalf("open ticket: %d %s", status, raw)
	}
	return t
}

// statuses fires the same request n times at once (real concurrent HTTP requests
// through the handler) and returns how many got each status.
func (c *community) statuses(n int, who *http.Client, method, path, body string) map[int]int {
	c.t.Helper()
	var mu sync.Mutex
	got := map[int]int{}
	concurrently(c.t, n, func(int) {
		status, _ := c.call(who, method, path, body, nil)
		mu.Lock()
		got[status]++
		mu.Unlock()
	})
	return got
}

// memberItems counts a space's active memberships as stored.
func (c *community) memberItems(spaceID string) int {
	c.t.Helper()
	n := 0
	for _, item := range c.scanItems("SPACE#" + spaceID) {
		if sk, ok := item["SK"].(*types.AttributeValueMemberS); ok && len(sk.Value) > 7 && sk.Value[:7] == "MEMBER#" {
			n++
		}
	}
	return n
}

// members reads a space's member count as the API shows it, and checks it against
// the memberships stored.
func (c *community) members(admin *http.Client, spaceID string) int {
	c.t.Helper()
	var view spaces.SpaceView
	if status, body := c.call(admin, "GET", "/api/spaces/"+spaceID, "", &view); status != 200 {
		c.t.Fatalf("space: %d %s", status, body)
	}
	if stored := c.memberItems(spaceID); stored != view.Space.Members {
		c.t.Fatalf("the count says %d members, %d are stored", view.Space.Members, stored)
	}
	return view.Space.Members
}

// home is a member's home stream, pinned entries included.
func (c *community) home(who *http.Client) []posts.Summary {
	c.t.Helper()
	var page posts.Page
	if status, body := c.call(who, "GET", "/api/stream", "", &page); status != 200 {
		c.t.Fatalf("home stream: %d %s", status, body)
	}
	return append(page.Pinned, page.Posts...)
}

func has(list []posts.Summary, id string) bool {
	for _, s := range list {
		if s.ID == id {
			return true
		}
	}
	return false
}

// ---- What the table, the outbox and the mail hold

// scanItems returns every item of the table whose PK starts with prefix (tests only:
// a Scan reads the whole table).
func (c *community) scanItems(prefix string) []map[string]types.AttributeValue {
	c.t.Helper()
	var out []map[string]types.AttributeValue
	in := &dynamodb.ScanInput{TableName: aws.String(c.tbl.Name)}
	for {
		page, err := c.tbl.DB.Scan(context.Background(), in)
		if err != nil {
			c.t.Fatal(err)
		}
		for _, item := range page.Items {
			if pk, ok := item["PK"].(*types.AttributeValueMemberS); ok && strings.HasPrefix(pk.Value, prefix) {
				out = append(out, item)
			}
		}
		if len(page.LastEvaluatedKey) == 0 {
			return out
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}

// events returns the payloads of every event of a detail-type the outbox ever held,
// decoded, whose payload has every field of match.
func (c *community) events(detailType string, match map[string]string) []map[string]any {
	c.t.Helper()
	var out []map[string]any
	for _, item := range c.scanItems("OUTBOX#") {
		if dt, _ := item["DetailType"].(*types.AttributeValueMemberS); dt == nil || dt.Value != detailType {
			continue
		}
		var payload map[string]any
		if err := json.Unmarshal([]byte(item["Detail"].(*types.AttributeValueMemberS).Value), &payload); err != nil {
			c.t.Fatal(err)
		}
		ok := true
		for k, v := range match {
			ok = ok && payload[k] == v
		}
		if ok {
			out = append(out, payload)
		}
	}
	return out
}

// countEvents is len(events(...)).
func (c *community) countEvents(detailType string, match map[string]string) int {
	c.t.Helper()
	return len(c.events(detailType, match))
}

// notificationsOf returns a member's whole inbox once the event path settled.
func (c *community) notificationsOf(memberID string) []notifications.Notification {
	c.t.Helper()
	c.settledItems()
	var out []notifications.Notification
	for _, item := range c.scanItems("INBOX#" + memberID) {
		if ty, _ := item["Type"].(*types.AttributeValueMemberS); ty == nil || ty.Value != "Notification" {
			continue
		}
		var n notifications.Notification
		if kind, ok := item["Kind"].(*types.AttributeValueMemberS); ok {
			n.Kind = kind.Value
		}
		out = append(out, n)
	}
	return out
}

// countKind counts a member's notifications of a kind (the event path settled).
func (c *community) countKind(memberID, kind string) int {
	c.t.Helper()
	n := 0
	for _, x := range c.notificationsOf(memberID) {
		if x.Kind == kind {
			n++
		}
	}
	return n
}

// auditEntries counts the moderation log's entries of an action about a target.
func (c *community) auditEntries(action, targetID string) int {
	c.t.Helper()
	n := 0
	for _, item := range c.scanItems("AUDIT") {
		a, _ := item["Action"].(*types.AttributeValueMemberS)
		id, _ := item["TargetID"].(*types.AttributeValueMemberS)
		if a != nil && a.Value == action && (targetID == "" || (id != nil && id.Value == targetID)) {
			n++
		}
	}
	return n
}

// concurrently runs f n times at once and waits for all.
func concurrently(t *testing.T, n int, f func(i int)) {
	t.Helper()
	done := make(chan struct{}, n)
	start := make(chan struct{})
	for i := range n {
		go func() {
			defer func() { done <- struct{}{} }()
			<-start
			f(i)
		}()
	}
	close(start)
	for range n {
		<-done
	}
}

// counted is a daily counter summed over yesterday and today: a test that crosses
// midnight counts on both days (each test has its own table, so yesterday holds nothing
// else).
func counted(st *store.Store, name string) int64 {
	now := time.Now()
	var n int64
	for _, day := range []string{metrics.Day(now.Add(-24 * time.Hour)), metrics.Day(now)} {
		v, _ := st.Counter(context.Background(), name, day)
		n += v
	}
	return n
}

// snapshot is every item of the table, each as canonical JSON under "PK|SK".
func (c *community) snapshot() map[string]string {
	c.t.Helper()
	out := map[string]string{}
	in := &dynamodb.ScanInput{TableName: aws.String(c.tbl.Name), ConsistentRead: aws.Bool(true)}
	for {
		page, err := c.tbl.DB.Scan(context.Background(), in)
		if err != nil {
			c.t.Fatal(err)
		}
		for _, item := range page.Items {
			var v map[string]any
			if err := attributevalue.UnmarshalMap(item, &v); err != nil {
				c.t.Fatal(err)
			}
			b, _ := json.Marshal(v) // map keys come out sorted: the same item, the same text
			out[fmt.Sprint(v["PK"])+"|"+fmt.Sprint(v["SK"])] = string(b)
		}
		if len(page.LastEvaluatedKey) == 0 {
			return out
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}

// settledSnapshot waits until the event path stopped writing (two scans 400 ms apart
// agree) and returns the table.
func (c *community) settledSnapshot() map[string]string {
	c.t.Helper()
	c.settledItems() // every event delivered first: on a loaded machine a consumer can pause longer than 400 ms
	last := c.snapshot()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(400 * time.Millisecond)
		now := c.snapshot()
		if len(diffTables(last, now)) == 0 {
			return now
		}
		last = now
	}
	c.t.Fatal("the event path never settled")
	return nil
}

// diffTables describes every item added, removed or changed from before to after.
func diffTables(before, after map[string]string) []string {
	var out []string
	for k, v := range after {
		old, ok := before[k]
		switch {
		case !ok:
			out = append(out, "added "+v)
		case old != v:
			out = append(out, "changed "+k+": "+old+" -> "+v)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			out = append(out, "removed "+k)
		}
	}
	sort.Strings(out)
	return out
}

var tokenInLink = regexp.MustCompile(`token=([A-Za-z0-9_-]+)`)

// signInToken asks for a sign-in link for addr (with an invitation code, maybe) and
// returns the token the email carries.
func (c *community) signInToken(addr, invitation string) string {
	c.t.Helper()
	body, _ := json.Marshal(map[string]string{"email": addr, "invitation": invitation, "locale": "en"})
	if status, raw := c.call(c.visitor(), "POST", "/api/auth/email/start", string(body), nil); status != http.StatusAccepted {
		c.t.Fatalf("sign-in link for %s: %d %s", addr, status, raw)
	}
	m := tokenInLink.FindStringSubmatch(c.mailTo(addr, "token="))
	if m == nil {
		c.t.Fatalf("no token in the link mailed to %s", addr)
	}
	return m[1]
}

// ---- Answers

// problem returns a problem answer's code.
func problemOf(body string) string {
	var p struct{ Code string }
	_ = jsonDecode(body, &p)
	return p.Code
}

// problemAndField decodes a problem answer's code and field.
func problemAndField(t *testing.T, body string) (code, field string) {
	t.Helper()
	var p struct{ Code, Field string }
	if err := jsonDecode(body, &p); err != nil {
		t.Fatalf("not a problem: %s", body)
	}
	return p.Code, p.Field
}
