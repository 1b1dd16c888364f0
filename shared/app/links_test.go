package app_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/oauth2-proxy/mockoidc"

	"tribune/shared/auth"
	"tribune/shared/mail"
	"tribune/shared/members"
	"tribune/shared/policy"
)

// sessionCookie is the session cookie an answer sets ("" if none).
func sessionCookie(resp *http.Response) string {
	for _, c := range resp.Cookies() {
		if c.Name == auth.SessionCookie {
			return c.Value
		}
	}
	return ""
}

func (c *community) whoAmI(b *http.Client) string {
	c.t.Helper()
	var me struct{ ID string }
	if status, _ := c.call(b, "GET", "/api/me", "", &me); status != 200 {
		return ""
	}
	return me.ID
}

// What mail scanners do to a link (HEAD, GET, even of the older API form of links) and
// what the confirmation page does before its button (describe) spends nothing; the
// button's POST signs in.
func TestSignInLinkIsSpentOnlyByTheConfirmationPost(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	token := c.signInToken("eve@example.com", "")
	link := c.mailTo("eve@example.com", "token=")
	if link != c.srv.URL+members.LinkPagePath+"#token="+token {
		t.Fatalf("the emailed link %q does not open the web app's confirmation page", link)
	}
	msgs, _ := mail.ReadOutbox(c.outbox)
	for _, m := range msgs {
		if strings.Contains(m.HTML+m.Text, "/api/") {
			t.Fatalf("the email %q links to the API", m.Subject)
		}
	}
	before := c.settledSnapshot()
	scanner := c.visitor()
	for _, method := range []string{"HEAD", "GET", "HEAD", "GET"} {
		req, _ := http.NewRequest(method, c.srv.URL+"/api/auth/email/verify?token="+token, nil)
		resp, err := scanner.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || sessionCookie(resp) != "" {
			t.Fatalf("%s of the link: %d, cookie %q", method, resp.StatusCode, sessionCookie(resp))
		}
	}
	var info members.LinkInfo
	for range 2 {
		if status, body := c.call(scanner, "POST", "/api/auth/email/link", tokenJSON(token), &info); status != 200 {
			t.Fatalf("describe: %d %s", status, body)
		}
	}
	if info.Email != "e•••@example.com" || !info.NewAccount || info.Session != members.SessionNone {
		t.Fatalf("describe: %+v", info)
	}
	if d := diffTables(before, c.snapshot()); len(d) > 0 {
		t.Fatalf("reading the link changed the table:\n  %s", strings.Join(d, "\n  "))
	}
	if c.whoAmI(scanner) != "" {
		t.Fatal("reading the link signed in")
	}

	browser := c.visitor()
	req, _ := http.NewRequest("POST", c.srv.URL+"/api/auth/email/confirm", strings.NewReader(tokenJSON(token)))
	req.Header.Set("Content-Type", "application/json")
	resp, err := browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || sessionCookie(resp) == "" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("confirm: %d cookie %q", resp.StatusCode, sessionCookie(resp))
	}
	var me members.Member
	if c.call(browser, "GET", "/api/me", "", &me); me.Email != "eve@example.com" {
		t.Fatalf("signed in as %+v", me)
	}
	if status, body := c.call(c.visitor(), "POST", "/api/auth/email/link", tokenJSON(token), nil); status != 410 || problemCode(body) != "link_used" {
		t.Fatalf("describe a spent link: %d %s", status, body)
	}
}

// A browser signed in as one member never becomes another's through a link without
// the person choosing to switch; with the link's own account it only confirms.
func TestSignedInBrowserIsNotSwitchedWithoutChoosing(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	newMember(t, c.st, "ann", []string{policy.RoleMember})
	bobID := newMember(t, c.st, "bob", []string{policy.RoleMember})
	annCookie := cookieFor(t, c.st, "m_ann")
	ann := c.browserWith(annCookie)

	// Bob's link reaches Ann's browser (forwarded, or planted by someone: login CSRF).
	token := c.signInToken("bob@example.com", "")
	var info members.LinkInfo
	if status, body := c.call(ann, "POST", "/api/auth/email/link", tokenJSON(token), &info); status != 200 || info.Session != members.SessionOther || info.NewAccount {
		t.Fatalf("describe in another account's browser: %d %s", status, body)
	}
	before := c.settledSnapshot()
	for _, body := range []string{tokenJSON(token), `{"token":"` + token + `","switchAccount":false}`} {
		status, raw := c.call(ann, "POST", "/api/auth/email/confirm", body, nil)
		if status != http.StatusConflict || problemCode(raw) != "account_switch_required" {
			t.Fatalf("confirm without choosing to switch: %d %s", status, raw)
		}
	}
	if d := diffTables(before, c.snapshot()); len(d) > 0 {
		t.Fatalf("a refused switch changed the table:\n  %s", strings.Join(d, "\n  "))
	}
	if who := c.whoAmI(ann); who != "m_ann" {
		t.Fatalf("after a refused switch the browser is %q", who)
	}
	// A sign-up link while signed in is refused the same way, and creates no one.
	newbie := c.signInToken("newbie@example.com", "")
	if status, raw := c.call(ann, "POST", "/api/auth/email/confirm", tokenJSON(newbie), nil); status != http.StatusConflict || problemCode(raw) != "account_switch_required" {
		t.Fatalf("sign-up link in a signed-in browser: %d %s", status, raw)
	}
	if id, _, _, _ := c.st.Members().Admission(t.Context(), "newbie@example.com", ""); id != "" {
		t.Fatal("a refused sign-up created the member")
	}

	// Choosing to switch: Bob's session replaces Ann's, which ends.
	var done members.SignedIn
	if status, raw := c.call(ann, "POST", "/api/auth/email/confirm", `{"token":"`+token+`","switchAccount":true}`, &done); status != 200 || !done.Switched || done.MemberID != bobID {
		t.Fatalf("switch: %d %s", status, raw)
	}
	if who := c.whoAmI(ann); who != bobID {
		t.Fatalf("after switching the browser is %q", who)
	}
	if c.whoAmI(c.browserWith(annCookie)) != "" {
		t.Fatal("Ann's replaced session still works")
	}

	// The same account again: the link is spent, the session goes on, no cookie is set.
	browser := ann
	again := c.signInToken("bob@example.com", "")
	if c.call(browser, "POST", "/api/auth/email/link", tokenJSON(again), &info); info.Session != members.SessionSame {
		t.Fatalf("describe with the link's own account: %+v", info)
	}
	sessionsBefore, _ := c.st.Members().ListSessions(t.Context(), bobID)
	req, _ := http.NewRequest("POST", c.srv.URL+"/api/auth/email/confirm", strings.NewReader(tokenJSON(again)))
	req.Header.Set("Content-Type", "application/json")
	resp, err := browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || sessionCookie(resp) != "" {
		t.Fatalf("confirm with the same account: %d, cookie %q", resp.StatusCode, sessionCookie(resp))
	}
	if sessionsAfter, _ := c.st.Members().ListSessions(t.Context(), bobID); len(sessionsAfter) != len(sessionsBefore) || c.whoAmI(browser) != bobID {
		t.Fatalf("sessions %d -> %d", len(sessionsBefore), len(sessionsAfter))
	}
	if status, raw := c.call(c.visitor(), "POST", "/api/auth/email/confirm", tokenJSON(again), nil); status != 410 || problemCode(raw) != "link_used" {
		t.Fatalf("the confirmed link again: %d %s", status, raw)
	}
}

// signedInAs makes the social browser a new one signed in as a member.
func (e *socialEnv) signedInAs(memberID string) string {
	cookie := cookieFor(e.t, e.st, memberID)
	e.withCookie(cookie)
	return cookie
}

// withCookie makes the social browser a new one holding a session cookie.
func (e *socialEnv) withCookie(cookie string) {
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(e.srv.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: auth.SessionCookie, Value: cookie}})
	e.client = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Social sign-in starts with a POST that another site cannot send, and its callback
// never replaces a session of another account unless the person chose to switch.
func TestSocialSignInStartsWithAPostAndNeverSwitchesSilently(t *testing.T) {
	t.Parallel()
	e := newSocialEnv(t)
	for _, hdr := range [][2]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://evil.example"}} {
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/auth/oidc/mock/start", strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(hdr[0], hdr[1])
		resp, err := e.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("a start from another site (%s): %d", hdr[0], resp.StatusCode)
		}
	}
	// A GET starts nothing: the route takes POST only (405 with Allow, issue 11's findings).
	if resp, body := e.get(e.srv.URL + "/api/auth/oidc/mock/start"); resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "POST" || problemCode(body) != "method_not_allowed" {
		t.Fatalf("GET start: %d %s", resp.StatusCode, body)
	}
	if resp, body := e.post(e.srv.URL+"/api/auth/oidc/mock/start", `{"switchAccount":"maybe"}`); resp.StatusCode != 400 || problemCode(body) != "malformed_json" {
		t.Fatalf("a bad switchAccount: %d %s", resp.StatusCode, body)
	}

	ann := newMember(t, e.st, "ann", []string{policy.RoleMember})
	bob := newMember(t, e.st, "bob", []string{policy.RoleMember}) // bob@example.com, linked by verified email
	bobUser := func() *mockoidc.MockUser {
		return &mockoidc.MockUser{Subject: "sub-bob", Email: "bob@example.com", EmailVerified: true}
	}
	annCookie := e.signedInAs(ann)
	for _, who := range []*mockoidc.MockUser{bobUser(), {Subject: "sub-new", Email: "new@example.com", EmailVerified: true}} {
		e.oidc.QueueUser(who)
		callback := e.authorize(e.startFlow())
		resp, body := e.get(callback)
		if resp.StatusCode != http.StatusConflict || problemCode(body) != "account_switch_required" || sessionCookie(resp) != "" {
			t.Fatalf("%s's callback in Ann's browser: %d %s", who.Email, resp.StatusCode, body)
		}
		if _, id := e.me(); id != ann {
			t.Fatalf("after a refused switch the browser is %q", id)
		}
	}
	if _, err := e.st.Members().MemberIDByIdentity(t.Context(), "mock", "sub-bob"); err == nil {
		t.Fatal("a refused sign-in linked the identity")
	}
	if id, _, _, _ := e.st.Members().Admission(t.Context(), "new@example.com", ""); id != "" {
		t.Fatal("a refused sign-in created the member")
	}

	// Chosen: the flow started with switchAccount replaces Ann's session, which ends.
	e.oidc.QueueUser(bobUser())
	resp, body := e.get(e.authorize(e.startFlowWith(`{"switchAccount":true}`)))
	if resp.StatusCode != http.StatusSeeOther || sessionCookie(resp) == "" {
		t.Fatalf("a chosen switch: %d %s", resp.StatusCode, body)
	}
	if _, id := e.me(); id != bob {
		t.Fatalf("after switching the browser is %q", id)
	}
	e.withCookie(annCookie)
	if status, _ := e.me(); status != 401 {
		t.Fatalf("Ann's replaced session: %d", status)
	}

	// The same account again: confirmed, the session goes on.
	e.signedInAs(bob)
	e.oidc.QueueUser(bobUser())
	resp, body = e.get(e.authorize(e.startFlow()))
	if resp.StatusCode != http.StatusSeeOther || sessionCookie(resp) != "" {
		t.Fatalf("the same account again: %d %s cookie %q", resp.StatusCode, body, sessionCookie(resp))
	}
	if _, id := e.me(); id != bob {
		t.Fatalf("after the same account again the browser is %q", id)
	}
}
