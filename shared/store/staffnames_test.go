package store_test

import (
	"testing"
	"time"

	"tribune/shared/audit"
	"tribune/shared/members"
)

// Issue 9, round 3: a member could call themselves exactly "Alice Admin" or "Sam
// Support", the names of staff members; round 4: or "Аlice Admin" with a Cyrillic А.
// StaffNamed finds an active or suspended staff member (any staff role) whose name
// looks the same (text.LookalikeKey), never the member asking, nobody banned, and no longer name that
// merely starts with the same key.
func TestStaffNamedFindsOnlyStaffHoldingThatExactName(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	now := time.Now()
	named := func(email, name string, roles ...string) members.Member {
		t.Helper()
		m, _ := register(t, st, email, now)
		if _, err := st.Members().UpdateProfile(ctx, m.ID, members.Profile{DisplayName: name, Locale: "en"}); err != nil {
			t.Fatal(err)
		}
		if len(roles) > 0 {
			if _, err := st.Members().SetRoles(ctx, m.ID, append([]string{"member"}, roles...), rolesEvent(m.ID)); err != nil {
				t.Fatal(err)
			}
		}
		return m
	}
	alice := named("alice@example.com", "Alice Admin", "admin")
	named("sam@example.com", "Sam Support", "support")
	named("mona@example.com", "Mona", "moderator")
	named("mark@example.com", "Mark Eting", "marketer")
	named("bob@example.com", "Bob Member")
	named("hash@example.com", "Alice Admin#x", "admin")
	ben := named("ben@example.com", "Banned Ben", "moderator")
	if _, err := st.Members().ModerateMember(ctx, ben.ID, members.StatusBanned, nil, audit.Entry{At: now.UTC(), ActorID: alice.ID,
		Action: "member.ban", TargetType: "member", TargetID: ben.ID, SubjectID: ben.ID}); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{
		"Alice Admin": true, "alice admin": true, "ALICE ADMIN": true, "Ａｌｉｃｅ Admin": true, "  Alice   Admin ": true,
		"Sam Support": true, "mona": true, "Mark Eting": true,
		"\u0410lice Admin": true, "Alic\u0435 Admin": true, "Alice Admi\u0144": true, "Alice Admin.": true, "AliceAdmin": true,
		"Bob Member": false, "Alice": false, "Alice Admin2": false, "Alice Admins": false, "Banned Ben": false, "Nobody": false,
	} {
		got, err := st.Members().StaffNamed(ctx, name, "m_someone")
		if err != nil || got != want {
			t.Errorf("StaffNamed(%q) = %v, %v; want %v", name, got, err, want)
		}
	}
	// The staff member themselves is not "someone else holding it".
	if got, err := st.Members().StaffNamed(ctx, "Alice Admin", alice.ID); err != nil || got {
		t.Errorf("StaffNamed(Alice Admin, except Alice) = %v, %v", got, err)
	}
}
