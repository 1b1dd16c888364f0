package policy

import "testing"

func TestPermissionTable(t *testing.T) {
	// Who may do what, spelled out: a change to the table must change this test too.
	want := map[Action]map[string]bool{
		SignedIn:               {RoleAdmin: true, RoleModerator: true, RoleSupport: true, RoleMarketer: true, RoleMember: true},
		Visitors:               {RoleAdmin: true, RoleModerator: true, RoleSupport: true, RoleMarketer: true, RoleMember: true},
		MembersManageRoles:     {RoleAdmin: true},
		MembersModerate:        {RoleAdmin: true, RoleModerator: true},
		MembersReadStaffFields: {RoleAdmin: true, RoleModerator: true, RoleSupport: true, RoleMarketer: true},
		MembersStaffNames:      {RoleAdmin: true, RoleModerator: true, RoleSupport: true, RoleMarketer: true},
		InvitationsStaff:       {RoleAdmin: true, RoleMarketer: true},
		InvitationsFriend:      {RoleAdmin: true, RoleModerator: true, RoleSupport: true, RoleMarketer: true, RoleMember: true},
		CommunitySettings:      {RoleAdmin: true},
		SpacesCreate:           {RoleAdmin: true, RoleModerator: true, RoleSupport: true, RoleMarketer: true},
		SpacesModerateAll:      {RoleAdmin: true, RoleModerator: true},
		PostsAnnounce:          {RoleAdmin: true, RoleModerator: true, RoleSupport: true, RoleMarketer: true},
		IdeasStatus:            {RoleAdmin: true, RoleModerator: true, RoleSupport: true, RoleMarketer: true},
		ContentModerate:        {RoleAdmin: true, RoleModerator: true},
		ModerationAudit:        {RoleAdmin: true, RoleModerator: true, RoleSupport: true, RoleMarketer: true},
		TicketsWork:            {RoleAdmin: true, RoleSupport: true},
		SupportSettings:        {RoleAdmin: true},

		// Rewards: campaigns (issue 12, r2).
		CampaignsManage: {RoleAdmin: true, RoleMarketer: true},

		// Rewards: catalogue, redemptions, orders (issue 12, r3).
		RewardsCatalogue: {RoleAdmin: true, RoleMarketer: true},

		// rewards: points (r1)
		RewardsSettings: {RoleAdmin: true, RoleMarketer: true},
		RewardsStaff:    {RoleAdmin: true, RoleModerator: true, RoleSupport: true, RoleMarketer: true},

		// newsletters: audience and consent (issue 13, n2)
		NewslettersAudience: {RoleAdmin: true, RoleMarketer: true},
		NewslettersLists:    {RoleAdmin: true},

		// newsletters: results and the calendar (issue 13, n4)
		NewslettersResults:  {RoleAdmin: true, RoleMarketer: true},
		NewslettersTracking: {RoleAdmin: true},

		// newsletters: scheduling and sending (issue 13)
		NewslettersSend: {RoleAdmin: true, RoleMarketer: true},

		// newsletters: writing (issue 13, n1)
		NewslettersWrite: {RoleAdmin: true, RoleMarketer: true},

		// KPIs (issue 14, k1)
		KpisRead:   {RoleAdmin: true, RoleMarketer: true},
		KpisManage: {RoleAdmin: true},

		// Search analytics (issue 15): every staff role, no member.
		SearchAnalytics: {RoleAdmin: true, RoleModerator: true, RoleSupport: true, RoleMarketer: true},

		// Knowledge base and documents (issue 16): every staff role, no member (members
		// write through a space role: expert, editor).
		KnowledgeWrite:    {RoleAdmin: true, RoleModerator: true, RoleSupport: true, RoleMarketer: true},
		KnowledgeFeedback: {RoleAdmin: true, RoleModerator: true, RoleSupport: true, RoleMarketer: true},
	}
	if len(want) != len(Actions()) {
		t.Fatalf("%d actions in the table, %d here", len(Actions()), len(want))
	}
	for action, allowed := range want {
		for _, role := range Roles {
			if got := Allowed([]string{role}, action); got != allowed[role] {
				t.Errorf("%s may %s: %v, want %v", role, action, got, allowed[role])
			}
		}
		if Allowed(nil, action) != (action == Visitors) {
			t.Errorf("a visitor may %s: %v", action, Allowed(nil, action))
		}
	}
	if !Allowed(nil, Public) {
		t.Error("a visitor may not take a public action")
	}
}

// GET /api/me answers AllowedActions: every action of the table the roles allow, in
// the table's order, and none for no roles (a visitor).
func TestAllowedActions(t *testing.T) {
	for _, roles := range [][]string{{RoleMember}, {RoleMember, RoleSupport}, {RoleMember, RoleAdmin}, {RoleMember, RoleMarketer, RoleModerator}} {
		got := AllowedActions(roles)
		i := 0
		for _, a := range Actions() {
			if !Allowed(roles, a) {
				continue
			}
			if i >= len(got) || got[i] != a {
				t.Fatalf("%v: %v, missing or misplaced %s", roles, got, a)
			}
			i++
		}
		if i != len(got) {
			t.Fatalf("%v: %v holds more than the table allows", roles, got)
		}
	}
	if got := AllowedActions(nil); len(got) != 0 {
		t.Fatalf("a visitor's actions: %v", got)
	}
	if values := Action("").EnumValues(); len(values) != len(Actions()) {
		t.Fatalf("enum values %v", values)
	}
}
