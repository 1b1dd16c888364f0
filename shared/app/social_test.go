package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	"tribune/shared/auth"
	"tribune/shared/invitations"
	"tribune/shared/members"
	"tribune/shared/policy"
)

func TestSocialSignInCreatesThenFindsTheMember(t *testing.T) {
	t.Parallel()
	e := newSocialEnv(t)
	user := &mockoidc.MockUser{Subject: "sub-1", Email: "Oda@Example.com", EmailVerified: true, PreferredUsername: "oda"}
	resp, body := e.signIn(user)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != e.srv.URL+"/welcome" {
		t.Fatalf("callback: %d %s %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	status, first := e.me()
	if status != 200 || first == "" {
		t.Fatalf("me after social sign-up: %d", status)
	}
	e.newBrowser()
	e.signIn(user)
	if _, again := e.me(); again != first {
		t.Fatalf("second sign-in reached member %q, want %q", again, first)
	}
	resp, body = e.get(e.srv.URL + "/api/auth/providers")
	if resp.StatusCode != 200 || !strings.Contains(body, `{"id":"mock","name":"Mock"}`) {
		t.Fatalf("providers: %s", body)
	}
}

func TestVerifiedEmailLinksAndUnverifiedNeverDoes(t *testing.T) {
	t.Parallel()
	e := newSocialEnv(t)
	existing := newMember(t, e.st, "pia", []string{policy.RoleMember}) // pia@example.com

	resp, body := e.signIn(&mockoidc.MockUser{Subject: "sub-unverified", Email: "pia@example.com", EmailVerified: false})
	if resp.StatusCode != http.StatusForbidden || problemCode(body) != "email_unverified" {
		t.Fatalf("unverified email: %d %s", resp.StatusCode, body)
	}
	if status, _ := e.me(); status != 401 {
		t.Fatalf("signed in through an unverified email: %d", status)
	}
	if _, err := e.st.Members().MemberIDByIdentity(t.Context(), "mock", "sub-unverified"); err == nil {
		t.Fatal("an unverified identity was linked")
	}

	resp, body = e.signIn(&mockoidc.MockUser{Subject: "sub-verified", Email: "pia@example.com", EmailVerified: true})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("verified email: %d %s", resp.StatusCode, body)
	}
	if _, id := e.me(); id != existing {
		t.Fatalf("verified email reached %q, want the existing member %q", id, existing)
	}
}

func TestTamperedFlowsAreRefused(t *testing.T) {
	t.Parallel()
	e := newSocialEnv(t)
	user := func() *mockoidc.MockUser {
		return &mockoidc.MockUser{Subject: "sub-x", Email: "quin@example.com", EmailVerified: true}
	}
	expect := func(name string, resp *http.Response, body, code string) {
		t.Helper()
		if resp.StatusCode != http.StatusBadRequest || problemCode(body) != code {
			t.Fatalf("%s: %d %s, want 400 %s", name, resp.StatusCode, body, code)
		}
		if status, _ := e.me(); status != 401 {
			t.Fatalf("%s: signed in anyway", name)
		}
	}

	// Wrong state: the callback's state is not the one this browser started.
	e.oidc.QueueUser(user())
	cb, _ := url.Parse(e.authorize(e.startFlow()))
	q := cb.Query()
	q.Set("state", "forged-state")
	cb.RawQuery = q.Encode()
	resp, body := e.get(cb.String())
	expect("wrong state", resp, body, "oauth_state_mismatch")

	// Bad nonce: the provider is asked for another nonce than the flow keeps.
	e.newBrowser()
	e.oidc.QueueUser(user())
	u := e.startFlow()
	q = u.Query()
	q.Set("nonce", "someone-elses-nonce")
	u.RawQuery = q.Encode()
	resp, body = e.get(e.authorize(u))
	expect("bad nonce", resp, body, "oauth_bad_token")

	// Wrong PKCE verifier: the provider saw another challenge than the flow's verifier.
	e.newBrowser()
	e.oidc.QueueUser(user())
	u = e.startFlow()
	q = u.Query()
	q.Set("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
	u.RawQuery = q.Encode()
	resp, body = e.get(e.authorize(u))
	expect("wrong PKCE verifier", resp, body, "oauth_exchange_failed")

	// Replayed code: a successful callback used again, then its code in a new flow.
	e.newBrowser()
	e.oidc.QueueUser(user())
	first := e.authorize(e.startFlow())
	if resp, body := e.get(first); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the genuine callback failed: %d %s", resp.StatusCode, body)
	}
	e.newBrowser()
	resp, body = e.get(first)
	expect("replayed callback", resp, body, "oauth_state_mismatch")
	fresh, _ := url.Parse(e.authorize(e.startFlow()))
	old, _ := url.Parse(first)
	q = fresh.Query()
	q.Set("code", old.Query().Get("code"))
	fresh.RawQuery = q.Encode()
	resp, body = e.get(fresh.String())
	expect("replayed code", resp, body, "oauth_exchange_failed")

	// A refusal at the provider comes back as an error.
	e.newBrowser()
	u = e.startFlow()
	resp, body = e.get(e.srv.URL + "/api/auth/oidc/mock/callback?error=access_denied&state=" + u.Query().Get("state"))
	expect("refused", resp, body, "oauth_denied")

	resp, body = e.post(e.srv.URL+"/api/auth/oidc/nope/start", "{}")
	if resp.StatusCode != 404 || problemCode(body) != "unknown_provider" {
		t.Fatalf("unknown provider: %d %s", resp.StatusCode, body)
	}
}

func TestSocialSignUpAcceptsAnInvitation(t *testing.T) {
	t.Parallel()
	e := newSocialEnv(t)
	if err := e.st.Members().SaveSettings(t.Context(), members.Settings{AccessMode: members.AccessHybrid, HybridRegistration: members.AccessInvite}); err != nil {
		t.Fatal(err)
	}
	user := &mockoidc.MockUser{Subject: "sub-ray", Email: "ray@example.com", EmailVerified: true}
	resp, body := e.signIn(user)
	if resp.StatusCode != http.StatusForbidden || problemCode(body) != "invitation_required" {
		t.Fatalf("social sign-up without invitation: %d %s", resp.StatusCode, body)
	}
	inviter := newMember(t, e.st, "sal", []string{policy.RoleMember, policy.RoleAdmin})
	svc := &invitations.Service{Store: e.st.Invitations(), PublicURL: e.srv.URL, Now: time.Now}
	created, err := svc.CreateLink(t.Context(), invitations.Inviter{Principal: auth.Principal{MemberID: inviter, Roles: []string{"admin", "member"}}, Name: "sal"},
		invitations.Request{MaxUses: 1, Roles: []string{"support"}})
	if err != nil {
		t.Fatal(err)
	}
	e.oidc.QueueUser(user)
	cb := e.authorize(e.startFlowWith(`{"invitation":"` + created.Code + `"}`))
	if resp, body := e.get(cb); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("social sign-up with invitation: %d %s", resp.StatusCode, body)
	}
	_, body = e.get(e.srv.URL + "/api/me")
	if !strings.Contains(body, `"roles":["member","support"]`) {
		t.Fatalf("invitee's roles: %s", body)
	}
	inv, _ := e.st.Invitations().GetInvitation(t.Context(), created.Invitation.ID)
	if inv.Uses != 1 {
		t.Fatalf("invitation uses = %d, want 1", inv.Uses)
	}
}
