package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oauth2-proxy/mockoidc"

	"tribune/shared/app"
	"tribune/shared/auth"
	"tribune/shared/invitations"
	"tribune/shared/members"
	"tribune/shared/notifications"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
	"tribune/shared/store"
	"tribune/shared/text"
	"tribune/shared/tickets"
)

func profileJSON(name string) string {
	b, _ := json.Marshal(name)
	return `{"displayName":` + string(b) + `,"bio":"","expertise":[],"interests":[],"company":"","location":"","links":[],"locale":"en"}`
}

// Issue 9, round 2: "Deleted member" (and "Membre supprimé"), "Tribune Support" and
// "admin" were accepted as display names. The placeholders of erased accounts and the
// system's own author are nobody's; staff words and the community's name are staff's;
// every spelling the directory folds (and a few lookalikes) counts.
func TestReservedDisplayNamesAreRefused(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	ann := c.as("ann")
	mo := c.as("mo", policy.RoleModerator)
	system := []string{"Deleted member", "Membre supprimé", "membre supprime", "DELETED-MEMBER", "Ｄｅｌｅｔｅｄ ｍｅｍｂｅｒ", "Tribune Support",
		"tribune.support", "Dеleted member" /* Cyrillic е */}
	staffOnly := []string{"admin", "Admin", "ＡＤＭＩＮ", "Аdmin" /* Cyrillic А */, "a d m i n", "Moderator", "Modérateur", "Support",
		"Support Team", "Staff", "Official", "Tribune", "L'équipe Tribune", "The Admin Team"}
	before := c.settledSnapshot()
	for _, name := range append(append([]string{}, system...), staffOnly...) {
		status, body := c.call(ann, "PUT", "/api/me/profile", profileJSON(name), nil)
		var p struct{ Code, Field, Detail string }
		_ = json.Unmarshal([]byte(body), &p)
		if status != http.StatusBadRequest || p.Code != "reserved_display_name" || p.Field != "displayName" || p.Detail == "" {
			t.Errorf("a member named %q: %d %s, want 400 reserved_display_name", name, status, body)
		}
	}
	if after := c.settledSnapshot(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Error("a refused profile wrote something")
	}
	for _, name := range system {
		if status, body := c.call(mo, "PUT", "/api/me/profile", profileJSON(name), nil); status != http.StatusBadRequest || problemCode(body) != "reserved_display_name" {
			t.Errorf("a moderator named %q: %d %s, want 400 reserved_display_name", name, status, body)
		}
	}
	for _, name := range staffOnly {
		if status, body := c.call(mo, "PUT", "/api/me/profile", profileJSON(name), nil); status != http.StatusOK {
			t.Errorf("a moderator named %q: %d %s, want 200", name, status, body)
		}
	}
	// Names that only contain a reserved word stay free.
	for _, name := range []string{"Admin Jane", "Supporter", "Staffan", "Modesty", "Jane Deleted"} {
		if status, body := c.call(ann, "PUT", "/api/me/profile", profileJSON(name), nil); status != http.StatusOK {
			t.Errorf("a member named %q: %d %s, want 200", name, status, body)
		}
	}

	// The names the system gives: an address's local part or a provider's name never
	// makes an "admin" or a "Deleted member".
	if status, problem, _ := c.signUp("admin@example.org", ""); status != http.StatusOK {
		t.Fatalf("sign-up: %d %s", status, problem)
	}
	id, _, _, err := c.st.Members().Admission(context.Background(), "admin@example.org", "")
	if err != nil {
		t.Fatal(err)
	}
	if m, err := c.st.Members().GetMember(context.Background(), id); err != nil || m.DisplayName != "Member" {
		t.Fatalf("admin@example.org signed up as %q (%v), want Member", m.DisplayName, err)
	}
	e := newSocialEnv(t)
	for _, name := range []string{"Deleted member", "Tribune Support", "Admin"} {
		e.newBrowser()
		local := strings.ToLower(strings.ReplaceAll(name, " ", ""))
		e.signIn(&mockoidc.MockUser{Subject: "sub-" + local, Email: "x" + local + "@example.com", EmailVerified: true, PreferredUsername: name})
		_, id := e.me()
		if m, err := e.st.Members().GetMember(context.Background(), id); err != nil || m.DisplayName != "x"+local {
			t.Errorf("a provider's name %q became %q (%v)", name, m.DisplayName, err)
		}
	}
}

// The web app decides "erased account" from an explicit flag, never from the name: the
// API sets authorDeleted (requesterDeleted, assigneeDeleted, inviterDeleted,
// actorDeleted) when the account is deleted, and not for a member whose name merely
// reads "Deleted member" (taken before names were reserved).
func TestErasedAccountsAreFlaggedNotGuessedFromTheName(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	bob := c.as("bob")
	zed := c.as("zed")
	liar := c.as("liar")
	// A name taken before the rule: stored as it was, not through the profile route.
	if _, err := c.st.Members().UpdateProfile(context.Background(), "m_liar", members.Profile{DisplayName: auth.DeletedName, Locale: "en"}); err != nil {
		t.Fatal(err)
	}
	sp := c.space(admin, "General", spaces.Public)
	for _, who := range []*http.Client{bob, zed, liar} {
		c.join(who, sp.ID)
	}
	acme := c.customerSpace(admin, "Acme", "m_zed")
	c.join(zed, acme.ID)
	bp := c.post(bob, sp.ID, `{"kind":"question","title":"Who?","body":"Anyone?"}`)
	zp := c.post(zed, sp.ID, `{"kind":"discussion","title":"Zed writes","body":"Hi"}`)
	lp := c.post(liar, sp.ID, `{"kind":"discussion","title":"Liar writes","body":"Hi"}`)
	var zc, lc posts.Comment
	c.call(zed, "POST", "/api/posts/"+bp.ID+"/comments", `{"body":"Zed answers"}`, &zc)
	c.call(liar, "POST", "/api/posts/"+bp.ID+"/comments", `{"body":"Liar answers"}`, &lc)
	c.call(bob, "POST", "/api/posts/"+zp.ID+"/report", `{"reason":"spam"}`, nil)
	c.call(bob, "POST", "/api/posts/"+lp.ID+"/report", `{"reason":"spam"}`, nil)
	tk := c.ticket(zed, acme.ID, `{"subject":"Help","product":"General","severity":"low","body":"Down"}`)
	if status, body := c.call(zed, "POST", "/api/tickets/"+tk.ID+"/replies", `{"body":"More"}`, nil); status != 200 {
		t.Fatalf("reply: %d %s", status, body)
	}
	var inv struct{ ID string }
	if status, body := c.call(zed, "POST", "/api/invitations/friend", `{"email":"friend@example.com","locale":"en"}`, &inv); status != 201 {
		t.Fatalf("friend invitation: %d %s", status, body)
	}
	c.inbox(bob, notifications.KindComment)
	waitFor(t, "both comments notified", func() bool { return c.countKind("m_bob", notifications.KindComment) == 2 })
	waitFor(t, "zed's post in bob's home stream", func() bool { return has(c.home(bob), zp.ID) && has(c.home(bob), lp.ID) })
	c.settledItems()

	if status, body := c.call(zed, "POST", "/api/me/delete", `{"confirm":true}`, nil); status != 204 {
		t.Fatalf("delete: %d %s", status, body)
	}
	waitFor(t, "zed's name erased", func() bool {
		var p posts.Post
		c.call(bob, "GET", "/api/posts/"+zp.ID, "", &p)
		return p.AuthorName == auth.DeletedName
	})
	c.settledItems()

	var p posts.Post
	c.call(bob, "GET", "/api/posts/"+zp.ID, "", &p)
	if !p.AuthorDeleted {
		t.Errorf("zed's post: %+v", p)
	}
	var lpost posts.Post // a fresh value: decoding leaves absent members as they were
	c.call(bob, "GET", "/api/posts/"+lp.ID, "", &lpost)
	if lpost.AuthorDeleted || lpost.AuthorName != auth.DeletedName {
		t.Errorf("the post of a member named %q is flagged as erased: %+v", auth.DeletedName, lpost)
	}
	var comments struct{ Comments []posts.Comment }
	c.call(bob, "GET", "/api/posts/"+bp.ID+"/comments", "", &comments)
	for _, cm := range comments.Comments {
		if cm.AuthorDeleted != (cm.ID == zc.ID) {
			t.Errorf("comment %s by %s: authorDeleted %v", cm.ID, cm.AuthorID, cm.AuthorDeleted)
		}
	}
	for _, s := range c.home(bob) {
		if (s.ID == zp.ID) != s.AuthorDeleted && (s.ID == zp.ID || s.ID == lp.ID) {
			t.Errorf("home stream entry %s: authorDeleted %v", s.ID, s.AuthorDeleted)
		}
	}
	var queue posts.Queue
	c.call(admin, "GET", "/api/moderation/queue", "", &queue)
	if len(queue.Items) != 2 {
		t.Fatalf("queue: %+v", queue)
	}
	for _, it := range queue.Items {
		if it.AuthorDeleted != (it.PostID == zp.ID) {
			t.Errorf("queue item %s: authorDeleted %v", it.PostID, it.AuthorDeleted)
		}
	}
	var view tickets.View
	c.call(admin, "GET", "/api/tickets/"+tk.ID, "", &view)
	if !view.Ticket.RequesterDeleted {
		t.Errorf("ticket: %+v", view.Ticket)
	}
	for _, r := range view.Replies {
		if r.AuthorDeleted != (r.AuthorID == "m_zed") {
			t.Errorf("reply by %q: authorDeleted %v", r.AuthorID, r.AuthorDeleted)
		}
		// The names the system writes stay reserved (the list in shared/text keeps up).
		if r.Automatic && text.ReservedName(r.AuthorName) != text.ReservedForSystem {
			t.Errorf("the automatic reply's author %q is not reserved", r.AuthorName)
		}
	}
	if text.ReservedName(auth.DeletedName) != text.ReservedForSystem {
		t.Errorf("%q is not reserved", auth.DeletedName)
	}
	var list struct{ Tickets []tickets.Summary }
	c.call(admin, "GET", "/api/spaces/"+acme.ID+"/tickets", "", &list)
	if len(list.Tickets) != 1 || !list.Tickets[0].RequesterDeleted {
		t.Errorf("ticket list: %+v", list)
	}
	// The invitation zed sent is withdrawn with the account, and its page says whose it
	// was by the flag, not by the name.
	var pub invitations.Public
	if status, body := c.call(c.visitor(), "GET", "/api/invitations/code/"+codeOf(c.mailTo("friend@example.com", "/invite/")), "", &pub); status != 200 ||
		!pub.InviterDeleted || pub.State == "pending" {
		t.Errorf("the invitation's landing page: %d %s", status, body)
	}
	var in notifications.Inbox
	c.call(bob, "GET", "/api/notifications", "", &in)
	seen := 0
	for _, n := range in.Items {
		if n.Kind == notifications.KindComment {
			seen++
			if n.ActorDeleted != (n.ActorID == "m_zed") || n.ActorName != auth.DeletedName {
				t.Errorf("notification from %s: %q deleted=%v", n.ActorID, n.ActorName, n.ActorDeleted)
			}
		}
	}
	if seen != 2 {
		t.Errorf("%d comment notifications, want 2", seen)
	}
}

// Issue 9, round 3: a member could call themselves exactly "Alice Admin" or "Sam
// Support", the names of staff members (reserved words stop only "Admin" or "Support"
// alone). A member who is no staff may not take a staff member's name, compared as the
// directory compares names; staff may share names; a member who held the name first
// keeps it; and the names Tribune gives newcomers are never a staff member's.
func TestMembersCannotTakeAStaffMembersName(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	alice := c.as("alice", policy.RoleAdmin)
	sam := c.as("sam", policy.RoleSupport)
	mo := c.as("mo", policy.RoleModerator)
	ann := c.as("ann")
	kim := c.as("kim")
	lee := c.as("lee", policy.RoleMarketer)
	c.as("carol", policy.RoleSupport) // called "carol"
	for who, name := range map[*http.Client]string{alice: "Alice Admin", sam: "Sam Support", kim: "Kim Lee"} {
		if status, body := c.call(who, "PUT", "/api/me/profile", profileJSON(name), nil); status != http.StatusOK {
			t.Fatalf("%s: %d %s", name, status, body)
		}
	}
	// A staff member may take a name a member holds already, and share another staff
	// member's name.
	for who, name := range map[*http.Client]string{lee: "Kim Lee", mo: "Alice Admin"} {
		if status, body := c.call(who, "PUT", "/api/me/profile", profileJSON(name), nil); status != http.StatusOK {
			t.Fatalf("staff named %q: %d %s", name, status, body)
		}
	}
	before := c.settledSnapshot()
	for _, name := range []string{"Alice Admin", "alice admin", "ALICE  ADMIN", "Ａｌｉｃｅ Ａｄｍｉｎ", "Sam Support", "sam support", "Kim Lee", "carol", "Carol",
		// Round 4: look-alikes (a Cyrillic А or е, an added accent or full stop).
		"\u0410lice Admin", "Alic\u0435 Admin", "Alice Admi\u0144", "Alice Admin.", "Sam Supp\u043ert"} {
		status, body := c.call(ann, "PUT", "/api/me/profile", profileJSON(name), nil)
		var p struct{ Code, Field, Detail string }
		_ = json.Unmarshal([]byte(body), &p)
		if status != http.StatusBadRequest || p.Code != "staff_display_name" || p.Field != "displayName" || p.Detail == "" {
			t.Errorf("a member named %q: %d %s, want 400 staff_display_name", name, status, body)
		}
	}
	if after := c.settledSnapshot(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Error("a refused profile wrote something")
	}
	// Names that are not a staff member's stay free; Kim, who was "Kim Lee" before the
	// marketer took it, keeps the name and may save the rest of the profile.
	for who, name := range map[*http.Client]string{ann: "Alice Adminton", kim: "Kim Lee"} {
		if status, body := c.call(who, "PUT", "/api/me/profile", profileJSON(name), nil); status != http.StatusOK {
			t.Errorf("a member named %q: %d %s, want 200", name, status, body)
		}
	}

	// The check costs a read of the staff (one query per staff role, one batch of their
	// profiles) and a read of the member only when a staff member holds the name,
	// counted on a client of its own.
	trips := &store.RoundTrips{}
	h, err := app.RegistrationHandler(app.Deps{Store: store.New(c.tbl.Client(t, trips.Option()), c.tbl.Name)})
	if err != nil {
		t.Fatal(err)
	}
	for _, call := range []struct {
		who, name string
		status    int
		trips     int64
	}{
		{"m_ann", "Ann Again", 200, 9},   // guard, the staff (4 role queries, 1 batch), then the update (read, write, read)
		{"m_ann", "Sam Support", 400, 7}, // guard, the staff, the member's own name
		{"m_mo", "Mo Again", 200, 4},     // staff: no query
	} {
		trips.Reset()
		r := httptest.NewRequest("PUT", "/api/me/profile", strings.NewReader(profileJSON(call.name)))
		r.Header.Set("Content-Type", "application/json")
		r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: cookieFor(t, c.st, call.who)})
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != call.status || trips.Count() != call.trips {
			t.Errorf("%s named %q: %d %s, %d DynamoDB calls, want %d and %d", call.who, call.name, w.Code, w.Body.String(), trips.Count(), call.status, call.trips)
		}
	}

	// A newcomer's given name is never a staff member's: the address's local part
	// "carol" (a support agent's name) gives "Member".
	if status, problem, _ := c.signUp("carol@example.org", ""); status != http.StatusOK {
		t.Fatalf("sign-up: %d %s", status, problem)
	}
	id, _, _, err := c.st.Members().Admission(context.Background(), "carol@example.org", "")
	if err != nil {
		t.Fatal(err)
	}
	if m, err := c.st.Members().GetMember(context.Background(), id); err != nil || m.DisplayName != "Member" {
		t.Fatalf("carol@example.org signed up as %q (%v), want Member", m.DisplayName, err)
	}
	// Nor a provider's name.
	e := newSocialEnv(t)
	staff := newMember(t, e.st, "alice", []string{policy.RoleMember, policy.RoleAdmin})
	if _, err := e.st.Members().UpdateProfile(context.Background(), staff, members.Profile{DisplayName: "Alice Admin", Locale: "en"}); err != nil {
		t.Fatal(err)
	}
	e.newBrowser()
	e.signIn(&mockoidc.MockUser{Subject: "sub-mallory", Email: "mallory@example.com", EmailVerified: true, PreferredUsername: "Alice Admin"})
	_, newcomer := e.me()
	if m, err := e.st.Members().GetMember(context.Background(), newcomer); err != nil || m.DisplayName != "Member" {
		t.Errorf("a provider's name \"Alice Admin\" became %q (%v), want Member", m.DisplayName, err)
	}
}
