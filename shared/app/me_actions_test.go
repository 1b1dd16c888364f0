package app_test

import (
	"slices"
	"testing"

	"tribune/shared/policy"
)

// GET /api/me tells the web app what the member may do: the actions the permission
// table allows their roles, and nothing else; the member's fields stay as they were
// (the answer only grew). A role granted shows on the next request.
func TestMeTellsTheActionsOfTheRoles(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	ann := c.as("ann")
	sam := c.as("sam", policy.RoleSupport)
	type me struct {
		ID          string
		DisplayName string
		Roles       []string
		Actions     []policy.Action
	}
	for _, who := range []struct {
		name  string
		roles []string
		get   func() me
	}{
		{"a member", []string{policy.RoleMember}, func() (m me) { c.call(ann, "GET", "/api/me", "", &m); return }},
		{"a support agent", []string{policy.RoleMember, policy.RoleSupport}, func() (m me) { c.call(sam, "GET", "/api/me", "", &m); return }},
	} {
		m := who.get()
		if m.ID == "" || m.DisplayName == "" || len(m.Roles) == 0 {
			t.Fatalf("%s: the member's own fields are missing: %+v", who.name, m)
		}
		var want []policy.Action
		for _, a := range policy.Actions() {
			if policy.Allowed(who.roles, a) {
				want = append(want, a)
			}
		}
		if !slices.Equal(m.Actions, want) {
			t.Errorf("%s may %v, /api/me says %v", who.name, want, m.Actions)
		}
	}
	var m me
	c.call(sam, "GET", "/api/me", "", &m)
	if !slices.Contains(m.Actions, policy.TicketsWork) || slices.Contains(m.Actions, policy.ContentModerate) || slices.Contains(m.Actions, policy.MembersManageRoles) {
		t.Fatalf("a support agent's actions: %v", m.Actions)
	}
	// An admin makes ann a moderator: her next /api/me says she moderates content.
	admin := c.as("ada", policy.RoleAdmin)
	var annID struct{ ID string }
	c.call(ann, "GET", "/api/me", "", &annID)
	c.setRoles(admin, annID.ID, policy.RoleModerator)
	c.call(ann, "GET", "/api/me", "", &m)
	if !slices.Contains(m.Actions, policy.ContentModerate) || !slices.Contains(m.Actions, policy.MembersModerate) || slices.Contains(m.Actions, policy.TicketsWork) {
		t.Fatalf("a moderator's actions: %v", m.Actions)
	}
}
