package app_test

import (
	"testing"

	"tribune/shared/notifications"
	"tribune/shared/policy"
	"tribune/shared/spaces"
)

func TestSpaceDirectoryInvitationsRolesAndGroups(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	ann, bob := c.as("ann"), c.as("bob")
	public, closed, hidden := c.space(admin, "Zebra fans", spaces.Public), c.space(admin, "Acme customers", spaces.Closed), c.space(admin, "Board", spaces.Hidden)

	// The directory lists public and closed spaces by name, never hidden ones.
	var dir spaces.Directory
	c.call(bob, "GET", "/api/spaces", "", &dir)
	if len(dir.Spaces) != 2 || dir.Spaces[0].ID != closed.ID || dir.Spaces[1].ID != public.ID {
		t.Fatalf("directory: %+v", dir.Spaces)
	}

	// Members create project groups only when the admins allow it.
	group := `{"name":"Our project","visibility":"closed","kind":"project"}`
	if status, _ := c.call(ann, "POST", "/api/spaces", group, nil); status != 403 {
		t.Fatalf("a member creates a group before it is allowed: %d", status)
	}
	if status, _ := c.call(ann, "PUT", "/api/community/spaces", `{"membersCreateGroups":true}`, nil); status != 403 {
		t.Fatalf("a member changes the space settings: %d", status)
	}
	if status, _ := c.call(admin, "PUT", "/api/community/spaces", `{"membersCreateGroups":true}`, nil); status != 200 {
		t.Fatalf("allow groups: %d", status)
	}
	var own spaces.Space
	if status, body := c.call(ann, "POST", "/api/spaces", group, &own); status != 201 || own.Kind != "project" {
		t.Fatalf("a member creates a group: %d %s", status, body)
	}
	if status, _ := c.call(ann, "POST", "/api/spaces", `{"name":"Customers","visibility":"public","kind":"customer"}`, nil); status != 403 {
		t.Fatalf("a member creates a customer space: %d", status)
	}

	// Invitations: the only way into a hidden space.
	if status, _ := c.call(bob, "POST", "/api/spaces/"+hidden.ID+"/invitations", `{"memberId":"m_ann"}`, nil); status != 404 {
		t.Fatalf("an outsider invites into a hidden space: %d", status)
	}
	if status, _ := c.call(admin, "POST", "/api/spaces/"+hidden.ID+"/invitations", `{"memberId":"m_nobody"}`, nil); status != 404 {
		t.Fatalf("inviting an unknown member: %d", status)
	}
	var m spaces.Membership
	if c.call(admin, "POST", "/api/spaces/"+hidden.ID+"/invitations", `{"memberId":"m_bob"}`, &m); m.Status != spaces.StatusInvited {
		t.Fatalf("invitation: %+v", m)
	}
	if n := c.inbox(bob, notifications.KindSpaceInvite); n.SpaceID != hidden.ID || n.Detail != "Board" || n.ActorName != "ada" {
		t.Fatalf("invitation notification: %+v", n)
	}
	var view spaces.SpaceView
	if status, _ := c.call(bob, "GET", "/api/spaces/"+hidden.ID, "", &view); status != 200 || view.Membership.Status != spaces.StatusInvited {
		t.Fatalf("the invited see the space: %d %+v", status, view)
	}
	if status, _ := c.call(bob, "GET", "/api/spaces/"+hidden.ID+"/posts", "", nil); status != 403 {
		t.Fatalf("the invited read its content before accepting: %d", status)
	}
	if status, _ := c.call(ann, "GET", "/api/spaces/"+hidden.ID, "", nil); status != 404 {
		t.Fatalf("someone not invited: %d", status)
	}
	if c.call(bob, "POST", "/api/spaces/"+hidden.ID+"/join", "", &m); m.Status != spaces.StatusActive {
		t.Fatalf("accepting: %+v", m)
	}
	c.post(bob, hidden.ID, `{"kind":"status","body":"glad to be here"}`)

	// Roles: the owner (or staff) names space moderators.
	if status, _ := c.call(bob, "PUT", "/api/spaces/"+hidden.ID+"/members/m_bob/role", `{"role":"moderator"}`, nil); status != 403 {
		t.Fatalf("a member promotes themselves: %d", status)
	}
	if status, _ := c.call(admin, "PUT", "/api/spaces/"+hidden.ID+"/members/m_bob/role", `{"role":"owner"}`, nil); status != 400 {
		t.Fatalf("a bad role: %d", status)
	}
	if status, _ := c.call(admin, "PUT", "/api/spaces/"+hidden.ID+"/members/m_ada/role", `{"role":"member"}`, nil); status != 409 {
		t.Fatalf("the owner's role: %d", status)
	}
	if c.call(admin, "PUT", "/api/spaces/"+hidden.ID+"/members/m_bob/role", `{"role":"moderator"}`, &m); m.Role != spaces.RoleModerator {
		t.Fatalf("promoted: %+v", m)
	}
	if c.call(bob, "GET", "/api/spaces/"+hidden.ID, "", &view); !view.CanModerate {
		t.Fatalf("a space moderator: %+v", view)
	}
	// A space moderator invites; only moderators see who is invited.
	c.call(bob, "POST", "/api/spaces/"+hidden.ID+"/invitations", `{"memberId":"m_ann"}`, nil)
	var list spaces.MembershipList
	if c.call(bob, "GET", "/api/spaces/"+hidden.ID+"/members", "", &list); len(list.Memberships) != 3 {
		t.Fatalf("members as a moderator: %+v", list.Memberships)
	}
	c.call(admin, "PUT", "/api/spaces/"+hidden.ID+"/members/m_bob/role", `{"role":"member"}`, nil)
	if c.call(bob, "GET", "/api/spaces/"+hidden.ID+"/members", "", &list); len(list.Memberships) != 2 || list.Memberships[0].MemberName == "" {
		t.Fatalf("members as a member: %+v", list.Memberships)
	}
}

func TestVisitorsReadPublicSpacesUnlessInviteOnly(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	visitor := c.visitor()
	public, closed, hidden := c.space(admin, "Open forum", spaces.Public), c.space(admin, "Acme customers", spaces.Closed), c.space(admin, "Board", spaces.Hidden)
	p := c.post(admin, public.ID, `{"kind":"question","title":"Anyone?","body":"Hello"}`)
	c.post(admin, closed.ID, `{"kind":"status","body":"members only"}`)
	read := func(want int, path string) {
		t.Helper()
		if status, body := c.call(visitor, "GET", path, "", nil); status != want {
			t.Fatalf("a visitor reads %s: %d, want %d: %s", path, status, want, body)
		}
	}
	for _, mode := range []string{`{"accessMode":"open"}`, `{"accessMode":"hybrid","hybridRegistration":"invite"}`} {
		if status, _ := c.call(admin, "PUT", "/api/community/access", mode, nil); status != 200 {
			t.Fatalf("mode %s: %d", mode, status)
		}
		read(200, "/api/spaces")
		read(200, "/api/spaces/"+public.ID+"/posts")
		read(200, "/api/posts/"+p.ID)
		read(200, "/api/posts/"+p.ID+"/comments")
		read(200, "/api/spaces/"+closed.ID)
		read(403, "/api/spaces/"+closed.ID+"/posts")
		read(404, "/api/spaces/"+hidden.ID)
		read(401, "/api/stream")
	}
	var dir spaces.Directory
	if c.call(visitor, "GET", "/api/spaces", "", &dir); len(dir.Spaces) != 2 {
		t.Fatalf("directory for visitors: %+v", dir.Spaces)
	}
	// Visitors read; they never write.
	for _, call := range [][2]string{{"POST", "/api/spaces/" + public.ID + "/posts"}, {"POST", "/api/posts/" + p.ID + "/comments"},
		{"POST", "/api/posts/" + p.ID + "/vote"}, {"POST", "/api/posts/" + p.ID + "/report"}} {
		if status, _ := c.call(visitor, call[0], call[1], `{}`, nil); status != 401 {
			t.Fatalf("a visitor %s %s: %d", call[0], call[1], status)
		}
	}
	// An invite-only community shows nothing to visitors.
	c.call(admin, "PUT", "/api/community/access", `{"accessMode":"invite"}`, nil)
	read(401, "/api/spaces")
	read(401, "/api/spaces/"+public.ID+"/posts")
	read(401, "/api/posts/"+p.ID)
}
