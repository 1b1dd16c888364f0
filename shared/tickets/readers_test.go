package tickets

import (
	"testing"

	"tribune/shared/auth"
	"tribune/shared/policy"
)

// Visitors read no ticket text; internal notes are for support agents; a text shows
// only to who may read the ticket's space (Readable).
func TestMayReadTexts(t *testing.T) {
	t.Parallel()
	visitor := auth.Principal{}
	member := auth.Principal{MemberID: "m1", Roles: []string{policy.RoleMember}}
	agent := auth.Principal{MemberID: "a1", Roles: []string{policy.RoleMember, policy.RoleSupport}}
	for _, c := range []struct {
		who      auth.Principal
		internal bool
		want     bool
	}{
		{visitor, false, false}, {visitor, true, false},
		{member, false, true}, {member, true, false},
		{agent, false, true}, {agent, true, true},
	} {
		if got := MayReadTexts(c.who, c.internal); got != c.want {
			t.Errorf("MayReadTexts(%+v, internal %v) = %v", c.who, c.internal, got)
		}
	}
	customer := Space{Customer: true}
	if Readable(customer, member.Roles) || !Readable(Space{Customer: true, Member: true}, member.Roles) || !Readable(customer, agent.Roles) {
		t.Error("a customer space's tickets are for its members and agents")
	}
	if Readable(Space{Member: true}, agent.Roles) {
		t.Error("a community space has no tickets")
	}
}
