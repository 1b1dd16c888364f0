package spaces

import (
	"errors"
	"slices"
	"testing"

	"tribune/shared/errs"
)

// A space role makes a moderator only through an active membership; the moderated
// spaces are those.
func TestMembershipRules(t *testing.T) {
	t.Parallel()
	list := []Membership{
		{SpaceID: "owner", Role: RoleOwner, Status: StatusActive},
		{SpaceID: "mod", Role: RoleModerator, Status: StatusActive},
		{SpaceID: "member", Role: RoleMember, Status: StatusActive},
		{SpaceID: "invited-mod", Role: RoleModerator, Status: StatusInvited},
		{SpaceID: "pending", Role: RoleMember, Status: StatusPending},
	}
	if got := ModeratedSpaces(list); !slices.Equal(got, []string{"owner", "mod"}) {
		t.Fatalf("moderated %v", got)
	}
	var none *Membership
	if none.Active() || none.Moderates() || (Access{}).Member() {
		t.Error("no membership is active")
	}
	if !(Access{Membership: &list[2]}).Member() || (Access{Membership: &list[4]}).Member() {
		t.Error("only an active membership makes a member")
	}
}

// The refusal names the space (the page offers to join) without changing the shared
// error.
func TestNotMemberOfNamesTheSpace(t *testing.T) {
	t.Parallel()
	err := NotMemberOf("s1")
	var e *errs.Error
	if !errors.As(err, &e) || e.SpaceID != "s1" || e.Code != ErrNotMember.Code || e.Kind != errs.Forbidden {
		t.Fatalf("%#v", err)
	}
	if ErrNotMember.SpaceID != "" {
		t.Fatal("the shared ErrNotMember was changed")
	}
}

// Experts and editors edit the space's articles and documents without moderating it;
// only an active membership counts, and every role SetRole gives is one of SpaceRoles.
func TestEditingRoles(t *testing.T) {
	t.Parallel()
	cases := []struct {
		m              Membership
		edits, moderat bool
	}{
		{Membership{Role: RoleOwner, Status: StatusActive}, true, true},
		{Membership{Role: RoleModerator, Status: StatusActive}, true, true},
		{Membership{Role: RoleExpert, Status: StatusActive}, true, false},
		{Membership{Role: RoleEditor, Status: StatusActive}, true, false},
		{Membership{Role: RoleMember, Status: StatusActive}, false, false},
		{Membership{Role: RoleEditor, Status: StatusInvited}, false, false},
		{Membership{Role: RoleExpert, Status: StatusPending}, false, false},
	}
	for _, c := range cases {
		if c.m.Edits() != c.edits || c.m.Moderates() != c.moderat {
			t.Errorf("%s %s: edits %v moderates %v", c.m.Role, c.m.Status, c.m.Edits(), c.m.Moderates())
		}
	}
	var none *Membership
	if none.Edits() {
		t.Error("no membership edits")
	}
	for _, r := range []string{RoleMember, RoleModerator, RoleExpert, RoleEditor} {
		if !slices.Contains(SpaceRoles, r) {
			t.Errorf("%s is not given", r)
		}
	}
	if slices.Contains(SpaceRoles, RoleOwner) {
		t.Error("the owner's role is never given")
	}
}
