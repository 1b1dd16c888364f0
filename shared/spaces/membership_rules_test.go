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
