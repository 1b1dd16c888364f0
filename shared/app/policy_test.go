package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"tribune/shared/app"
	"tribune/shared/auth"
	"tribune/shared/config"
	"tribune/shared/mail"
	"tribune/shared/members"
	"tribune/shared/policy"
	"tribune/shared/store"
	"tribune/shared/store/dynamotest"
)

// Every route against every role and a visitor: the guard lets exactly the roles the
// policy names through (their answer may still be a 4xx about the input, never 401/403).
func TestEveryRouteAgainstEveryRole(t *testing.T) {
	t.Parallel()
	tbl := dynamotest.NewTable(t)
	st := store.New(tbl.DB, tbl.Name)
	cfg := config.Config{PublicURL: "http://test.local"}
	h, err := app.LocalHandler(app.Deps{Config: cfg, Store: st, Mail: mail.Outbox{Dir: t.TempDir(), From: "t@example.com"}, Files: testFiles(t)})
	if err != nil {
		t.Fatal(err)
	}
	holders := map[string]string{"visitor": ""}
	for _, role := range policy.Roles {
		roles := []string{policy.RoleMember}
		if role != policy.RoleMember {
			roles = append(roles, role)
		}
		holders[role] = newMember(t, st, role, roles)
	}
	target := newMember(t, st, "target", []string{policy.RoleMember})
	// The staff-only section must never reach a member or a visitor, whatever the route.
	const secret = "CRM-SECRET-4711"
	if err := st.Members().SaveStaffFields(context.Background(), target, members.StaffFields{CRMRef: secret, Notes: secret}); err != nil {
		t.Fatal(err)
	}

	for _, rt := range app.AllRoutes(app.Deps{Config: cfg}) {
		for holder, memberID := range holders {
			t.Run(rt.Method+" "+rt.Pattern+" as "+holder, func(t *testing.T) {
				path := strings.ReplaceAll(rt.Pattern, "{id}", target)
				body := ""
				if rt.Request != nil {
					body = "{}"
				}
				r := httptest.NewRequest(rt.Method, path, strings.NewReader(body))
				if body != "" {
					r.Header.Set("Content-Type", "application/json")
				}
				var roles []string
				if memberID != "" {
					r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: cookieFor(t, st, memberID)})
					roles = []string{policy.RoleMember, holder}
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				denied := w.Code == http.StatusUnauthorized || w.Code == http.StatusForbidden
				// The moderation queue lets every member through the guard and its service
				// decides by space roles: these members moderate no space.
				if rt.Method+" "+rt.Pattern == "GET /api/moderation/queue" && memberID != "" && !policy.Allowed(roles, policy.ContentModerate) &&
					strings.Contains(w.Body.String(), `"code":"moderates_no_space"`) {
					return
				}
				if allowed := policy.Allowed(roles, rt.Action); allowed == denied {
					t.Fatalf("policy allows: %v, answer %d %s", allowed, w.Code, w.Body.String())
				}
				if denied && memberID == "" && w.Code != http.StatusUnauthorized {
					t.Fatalf("a visitor gets %d, want 401", w.Code)
				}
				if !policy.Allowed(roles, policy.MembersReadStaffFields) && strings.Contains(w.Body.String(), secret) {
					t.Fatalf("staff-only data reached %s: %s", holder, w.Body.String())
				}
			})
		}
	}
	// Reinstate the target the moderation routes above banned, for the next test's sake.
	if _, err := st.Members().SetStatus(context.Background(), target, members.StatusActive, nil); err != nil {
		t.Fatal(err)
	}
}

// A ban and a removed role count on the member's very next request.
func TestBanAndRoleRemovalTakeEffectAtOnce(t *testing.T) {
	t.Parallel()
	tbl := dynamotest.NewTable(t)
	st := store.New(tbl.DB, tbl.Name)
	cfg := config.Config{PublicURL: "http://test.local"}
	h, _ := app.RegistrationHandler(app.Deps{Config: cfg, Store: st, Mail: mail.Outbox{Dir: t.TempDir(), From: "t@example.com"}})
	admin := newMember(t, st, "ada", []string{policy.RoleMember, policy.RoleAdmin})
	mod := newMember(t, st, "mo", []string{policy.RoleMember, policy.RoleModerator})
	troll := newMember(t, st, "troll", []string{policy.RoleMember})
	adminCookie, modCookie, trollCookie := cookieFor(t, st, admin), cookieFor(t, st, mod), cookieFor(t, st, troll)
	call := func(cookie, method, path, body string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		if body != "" {
			r.Header.Set("Content-Type", "application/json")
		}
		r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: cookie})
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	if w := call(trollCookie, "GET", "/api/me", ""); w.Code != 200 {
		t.Fatalf("troll before the ban: %d", w.Code)
	}
	if w := call(modCookie, "POST", "/api/members/"+troll+"/ban", `{"reason":"spam"}`); w.Code != 200 {
		t.Fatalf("ban: %d %s", w.Code, w.Body.String())
	}
	if w := call(trollCookie, "GET", "/api/me", ""); w.Code != 401 {
		t.Fatalf("banned member's next request: %d, want 401 (sessions ended)", w.Code)
	}
	// A moderator may not moderate staff; an admin may.
	if w := call(modCookie, "POST", "/api/members/"+admin+"/suspend", `{"days":3}`); w.Code != 403 || !strings.Contains(w.Body.String(), "moderate_staff") {
		t.Fatalf("moderator suspends an admin: %d %s", w.Code, w.Body.String())
	}
	// The admin takes the moderator role away: the moderator's very next request lacks it.
	if w := call(adminCookie, "PUT", "/api/members/"+mod+"/roles", `{"roles":["member"]}`); w.Code != 200 {
		t.Fatalf("set roles: %d %s", w.Code, w.Body.String())
	}
	if w := call(modCookie, "POST", "/api/members/"+troll+"/reinstate", ""); w.Code != 403 {
		t.Fatalf("former moderator reinstates: %d, want 403", w.Code)
	}
	if w := call(adminCookie, "PUT", "/api/members/"+admin+"/roles", `{"roles":["member"]}`); w.Code != 400 || !strings.Contains(w.Body.String(), "own_admin_role") {
		t.Fatalf("admin drops own admin role: %d %s", w.Code, w.Body.String())
	}
	if w := call(adminCookie, "PUT", "/api/members/"+mod+"/roles", `{"roles":["emperor"]}`); w.Code != 400 {
		t.Fatalf("unknown role: %d", w.Code)
	}
	if w := call(adminCookie, "POST", "/api/members/"+troll+"/suspend", `{"days":400}`); w.Code != 400 {
		t.Fatalf("a 400-day suspension: %d", w.Code)
	}
	if w := call(adminCookie, "POST", "/api/members/m_nobody/ban", `{}`); w.Code != 404 {
		t.Fatalf("ban a missing member: %d", w.Code)
	}
}

func TestSessionsPageListsRevokesAndSignsOutEverywhere(t *testing.T) {
	t.Parallel()
	tbl := dynamotest.NewTable(t)
	st := store.New(tbl.DB, tbl.Name)
	cfg := config.Config{PublicURL: "http://test.local"}
	h, _ := app.RegistrationHandler(app.Deps{Config: cfg, Store: st, Mail: mail.Outbox{Dir: t.TempDir(), From: "t@example.com"}})
	me := newMember(t, st, "sue", []string{policy.RoleMember})
	laptop, phone := cookieFor(t, st, me), cookieFor(t, st, me)
	call := func(cookie, method, path string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, nil)
		r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: cookie})
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	w := call(laptop, "GET", "/api/me/sessions")
	var list members.SessionList
	if err := jsonDecode(w.Body.String(), &list); err != nil || w.Code != 200 || len(list.Sessions) != 3 {
		t.Fatalf("sessions: %d %s", w.Code, w.Body.String())
	}
	current := 0
	var phoneID string
	for _, s := range list.Sessions {
		if s.Current {
			current++
		} else if phoneID == "" {
			phoneID = s.ID
		}
	}
	if current != 1 {
		t.Fatalf("%d sessions marked current", current)
	}
	if w := call(laptop, "DELETE", "/api/me/sessions/"+phoneID); w.Code != 204 {
		t.Fatalf("revoke: %d", w.Code)
	}
	if w := call(laptop, "DELETE", "/api/me/sessions/"+phoneID); w.Code != 404 {
		t.Fatalf("revoke twice: %d", w.Code)
	}
	if w := call(laptop, "POST", "/api/me/sessions/revoke-all"); w.Code != 204 {
		t.Fatalf("sign out everywhere: %d", w.Code)
	}
	for _, c := range []string{laptop, phone} {
		if w := call(c, "GET", "/api/me"); w.Code != 401 {
			t.Fatalf("a session survived signing out everywhere: %d", w.Code)
		}
	}
}
