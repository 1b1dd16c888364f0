package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"
)

// choiceRig is the development choices between a fake start route (it answers a new
// state per flow, as the API does) and the provider's queue, with a clock.
type choiceRig struct {
	t       *testing.T
	c       *devChoices
	clock   time.Time
	start   http.Handler
	auth    http.Handler
	flowSeq int
}

func newChoiceRig(t *testing.T) *choiceRig {
	rig := &choiceRig{t: t, clock: time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)}
	rig.c = newDevChoices(&mockoidc.UserQueue{}, false)
	rig.c.Now = func() time.Time { return rig.clock }
	rig.start = rig.c.flowStarts(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rig.flowSeq++
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"redirect":"http://127.0.0.1:1/oidc/authorize?client_id=x&state=S%d"}`, rig.flowSeq)
	}))
	// The provider's authorization endpoint pops its queue, as mockoidc's does.
	rig.auth = rig.c.authorize(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info, _ := rig.c.Queue.Pop().Userinfo([]string{"openid", "email"})
		_, _ = w.Write(info)
	}))
	return rig
}

// browser is a cookie, as a browser keeps it.
type browser struct{ cookie *http.Cookie }

func (rig *choiceRig) choose(b *browser, email string) {
	req := httptest.NewRequest("POST", "/_dev/sign-in", nil)
	if b.cookie != nil {
		req.AddCookie(b.cookie)
	}
	rec := httptest.NewRecorder()
	rig.c.choose(rec, req, &mockoidc.MockUser{Subject: "dev-" + email, Email: email, EmailVerified: true})
	for _, c := range rec.Result().Cookies() {
		if c.Name == devChoiceCookie {
			if c.MaxAge != 300 || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
				rig.t.Errorf("the choice cookie: %+v", c)
			}
			b.cookie = c
		}
	}
}

// startFlow starts b's development sign-in and returns the flow's state.
func (rig *choiceRig) startFlow(b *browser) string {
	req := httptest.NewRequest("POST", "/api/auth/oidc/dev/start", nil)
	if b.cookie != nil {
		req.AddCookie(b.cookie)
	}
	rec := httptest.NewRecorder()
	rig.start.ServeHTTP(rec, req)
	if rec.Code != 200 || rec.Body.Len() == 0 {
		rig.t.Fatalf("start: %d %q", rec.Code, rec.Body.String())
	}
	return fmt.Sprintf("S%d", rig.flowSeq)
}

// signIn is who the provider signs in for the flow of state.
func (rig *choiceRig) signIn(state string) string {
	rec := httptest.NewRecorder()
	rig.auth.ServeHTTP(rec, httptest.NewRequest("GET", mockoidc.AuthorizationEndpoint+"?state="+url.QueryEscape(state), nil))
	for _, email := range []string{"jane.doe@example.com", "admin@example.com", "kim@example.com", "lee@example.com"} {
		if strings.Contains(rec.Body.String(), `"`+email+`"`) {
			return email
		}
	}
	return rec.Body.String()
}

// A choice is for the browser that made it, for its next sign-in only: another
// browser's flow never gets it (even while the choosing browser's flow failed), a new
// choice replaces the older one, and an unused choice expires after five minutes.
func TestDevChoiceIsTheChoosingBrowsersNextSignInOnly(t *testing.T) {
	rig := newChoiceRig(t)
	a, b := &browser{}, &browser{}

	rig.choose(a, "admin@example.com")
	if got := rig.signIn(rig.startFlow(b)); got != "jane.doe@example.com" {
		t.Errorf("another browser's sign-in after A chose: %s", got)
	}
	failed := rig.startFlow(a) // A's flow never reaches the provider
	if got := rig.signIn(rig.startFlow(b)); got != "jane.doe@example.com" {
		t.Errorf("another browser's sign-in while A's flow is pending: %s", got)
	}
	if got := rig.signIn("S999"); got != "jane.doe@example.com" {
		t.Errorf("a flow nobody started: %s", got)
	}
	if got := rig.signIn(rig.startFlow(a)); got != "admin@example.com" {
		t.Errorf("A's next sign-in: %s", got)
	}
	if got := rig.signIn(failed); got != "jane.doe@example.com" {
		t.Errorf("A's earlier flow, after the choice was used: %s", got)
	}
	if got := rig.signIn(rig.startFlow(a)); got != "jane.doe@example.com" {
		t.Errorf("A's sign-in after that: %s", got)
	}

	rig.choose(a, "kim@example.com")
	rig.choose(a, "lee@example.com")
	if got := rig.signIn(rig.startFlow(a)); got != "lee@example.com" {
		t.Errorf("after two choices: %s, want the last", got)
	}

	rig.choose(a, "kim@example.com")
	rig.clock = rig.clock.Add(5*time.Minute + time.Second)
	if got := rig.signIn(rig.startFlow(a)); got != "jane.doe@example.com" {
		t.Errorf("a choice more than five minutes old: %s", got)
	}
	rig.choose(a, "kim@example.com")
	state := rig.startFlow(a)
	rig.clock = rig.clock.Add(5*time.Minute + time.Second)
	if got := rig.signIn(state); got != "jane.doe@example.com" {
		t.Errorf("a flow reaching the provider after the choice expired: %s", got)
	}
	if len(rig.c.browsers) != 0 || len(rig.c.flows) != 0 || len(rig.c.Queue.Queue) != 0 {
		t.Errorf("left behind: %d choices, %d flows, %d queued", len(rig.c.browsers), len(rig.c.flows), len(rig.c.Queue.Queue))
	}
}
