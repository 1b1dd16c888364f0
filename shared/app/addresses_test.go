package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	"tribune/shared/auth"
	"tribune/shared/config"
	"tribune/shared/eventtypes"
	"tribune/shared/mail"
	"tribune/shared/members"
	"tribune/shared/policy"
	"tribune/shared/store"
)

// Issue 9, round 2: an address holding an invisible, control or bidi character is
// refused on every path (it made a second "admin" and a second carol), and the
// spellings of one mailbox's domain (full-width, accented, punycode) reach one member.
// Not parallel: its ADMIN_EMAILS subtest sets the variable (t.Setenv).
func TestAddressesRefuseInvisibleCharactersAndFoldTheDomainOnEveryPath(t *testing.T) {
	quote := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	invisible := map[string]string{
		"ZWSP after":       "admin@example.com\u200b",
		"soft hyphen":      "ad\u00admin@example.com",
		"soft hyphen host": "admin@exam\u00adple.com",
		"word joiner":      "admin\u2060@example.com",
		"RLO":              "\u202eadmin@example.com",
		"LRM":              "admin@example.com\u200e",
		"BOM":              "\ufeffadmin@example.com",
		"BEL":              "admin\a@example.com",
	}

	t.Run("email sign-up and sign-in", func(t *testing.T) {
		e := newInputEnv(t)
		before := e.digest()
		for what, addr := range invisible {
			t.Run(what, func(t *testing.T) {
				e.checkRefused(t, e.serve("POST", "/api/auth/email/start", `{"email":`+quote(addr)+`}`), "invalid_email", "email", before)
			})
		}
		if msgs, _ := mail.ReadOutbox(e.outbox); len(msgs) != 0 {
			t.Fatalf("%d links were sent to refused addresses", len(msgs))
		}
	})

	t.Run("every spelling of a domain reaches one member", func(t *testing.T) {
		e := newInputEnv(t)
		carol := memberAt(t, e.st, "m_carol", "carol@example.com")
		dana := memberAt(t, e.st, "m_dana", "dana@xn--exmple-cua.com")
		for _, c := range []struct{ typed, to, member string }{
			{"carol@ｅxample.com", "carol@example.com", carol},
			{"CAROL@ＥＸＡＭＰＬＥ．ＣＯＭ", "carol@example.com", carol},
			{"dana@exämple.com", "dana@xn--exmple-cua.com", dana},
			{"Dana@EXA\u0308MPLE.com", "dana@xn--exmple-cua.com", dana},
			{"dana@XN--EXMPLE-CUA.COM", "dana@xn--exmple-cua.com", dana},
		} {
			if w := e.serve("POST", "/api/auth/email/start", `{"email":`+quote(c.typed)+`}`); w.Code != http.StatusAccepted {
				t.Fatalf("start %q: %d %s", c.typed, w.Code, w.Body.String())
			}
			if id, _, _, err := e.st.Members().Admission(t.Context(), c.typed, ""); err != nil || id != c.member {
				t.Errorf("%q belongs to %q (%v), want %q", c.typed, id, err, c.member)
			}
		}
		msgs, _ := mail.ReadOutbox(e.outbox)
		if len(msgs) != 5 {
			t.Fatalf("%d messages, want 5", len(msgs))
		}
		for _, m := range msgs {
			// A sign-in link to the member's own mailbox, never a sign-up for a new one.
			if (m.To != "carol@example.com" && m.To != "dana@xn--exmple-cua.com") || !strings.Contains(m.Subject, "sign-in link") {
				t.Errorf("a message %q to %q", m.Subject, m.To)
			}
		}
	})

	t.Run("social sign-in", func(t *testing.T) {
		e := newSocialEnv(t)
		carol := memberAt(t, e.st, "m_carol", "carol@example.com")
		dana := memberAt(t, e.st, "m_dana", "dana@xn--exmple-cua.com")
		// The development provider's subject is "dev-" + the address typed: a new
		// identity, which may only attach through its address.
		for what, addr := range map[string]string{"ZWSP": "carol@example.com\u200b", "soft hyphen": "ca\u00adrol@example.com", "RLO": "carol@example.com\u202e"} {
			e.newBrowser()
			resp, body := e.signIn(&mockoidc.MockUser{Subject: "dev-" + addr, Email: addr, EmailVerified: true, PreferredUsername: "carol"})
			if resp.StatusCode != http.StatusBadRequest || problemCode(body) != "invalid_email" {
				t.Errorf("%s: callback %d %s, want 400 invalid_email", what, resp.StatusCode, body)
			}
			if status, _ := e.me(); status != http.StatusUnauthorized {
				t.Errorf("%s: signed in (%d)", what, status)
			}
		}
		for _, c := range []struct{ addr, member string }{
			{"carol@ｅxample.com", carol}, {"dana@exämple.com", dana}, {"dana@xn--exmple-cua.com", dana}, {"DANA@ＥＸÄＭＰＬＥ.COM", dana},
		} {
			e.newBrowser()
			resp, body := e.signIn(&mockoidc.MockUser{Subject: "dev-" + c.addr, Email: c.addr, EmailVerified: true, PreferredUsername: "x"})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("%q: callback %d %s", c.addr, resp.StatusCode, body)
			}
			if _, id := e.me(); id != c.member {
				t.Errorf("%q signed in as %q, want %q", c.addr, id, c.member)
			}
		}
		ids, err := e.st.Members().ListIdentities(t.Context(), dana)
		if err != nil || len(ids) != 3 {
			t.Fatalf("dana's identities: %+v %v", ids, err)
		}
		for _, id := range ids {
			if id.Email != "dana@xn--exmple-cua.com" {
				t.Errorf("an identity keeps %q", id.Email)
			}
		}
	})

	t.Run("invitations", func(t *testing.T) {
		e := newInputEnv(t)
		before := e.digest()
		for what, addr := range invisible {
			t.Run(what, func(t *testing.T) {
				e.checkRefused(t, e.serve("POST", "/api/invitations", `{"emails":["ok@example.com",`+quote(addr)+`]}`), "invalid_emails", "emails", before)
				e.checkRefused(t, e.serve("POST", "/api/invitations/friend", `{"email":`+quote(addr)+`}`), "invalid_email", "email", before)
			})
		}
		var list struct{ Invitations []struct{ Email string } }
		w := e.serve("POST", "/api/invitations", `{"emails":["erin@exämple.com","ERIN@xn--exmple-cua.com","erin@ｅxämple.com"]}`)
		if w.Code != 201 || json.Unmarshal(w.Body.Bytes(), &list) != nil || len(list.Invitations) != 1 || list.Invitations[0].Email != "erin@xn--exmple-cua.com" {
			t.Fatalf("three spellings of one mailbox: %d %s", w.Code, w.Body.String())
		}
	})

	t.Run("ADMIN_EMAILS", func(t *testing.T) {
		t.Setenv("ADMIN_EMAILS", "ops@ＥＸÄＭＰＬＥ.com, boss@example.com")
		cfg, err := config.FromEnv()
		if err != nil || !slices.Equal(cfg.AdminEmails, []string{"ops@xn--exmple-cua.com", "boss@example.com"}) {
			t.Fatalf("config: %v %v", cfg.AdminEmails, err)
		}
		for what, addr := range invisible {
			t.Setenv("ADMIN_EMAILS", "boss@example.com,"+addr)
			if cfg, err := config.FromEnv(); err == nil {
				t.Errorf("ADMIN_EMAILS with %s was taken: %v", what, cfg.AdminEmails)
			}
		}
	})
}

// memberAt registers a member with an id and an address (in its normal form).
func memberAt(t *testing.T, st *store.Store, id, email string) string {
	t.Helper()
	now := time.Now()
	m := members.Member{ID: id, Email: email, DisplayName: strings.TrimPrefix(id, "m_"), Locale: "en", Roles: []string{policy.RoleMember},
		Status: members.StatusActive, CreatedAt: now}
	sess, _ := auth.NewSession(m.ID, now, "test")
	meta := eventtypes.NewMeta(now)
	env, _ := eventtypes.Wrap(eventtypes.MemberRegistered{Meta: meta})
	if err := st.Members().Register(context.Background(), m, sess, env, nil, nil); err != nil {
		t.Fatal(err)
	}
	return m.ID
}
