package store_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/invitations"
	"tribune/shared/members"
	"tribune/shared/ratelimit"
	"tribune/shared/social"
)

func TestRegisterWritesMemberEmailSessionAndEventTogether(t *testing.T) {
	t.Parallel()
	st, tbl := newStore(t)
	now := time.Now()
	if id, _, _, err := st.Members().Admission(ctx, "ann@example.com", ""); err != nil || id != "" {
		t.Fatalf("Admission before = %q, %v, want no member", id, err)
	}
	m, sess := register(t, st, "ann@example.com", now)
	if n := itemCount(t, tbl); n != 5 {
		t.Fatalf("items after Register = %d, want 5 (email, member, session, outbox, the name's one search key)", n)
	}
	id, _, _, err := st.Members().Admission(ctx, "ann@example.com", "")
	if err != nil || id != m.ID {
		t.Fatalf("Admission = %q, %v", id, err)
	}
	got, err := st.Members().GetMember(ctx, m.ID)
	if err != nil || got.Email != m.Email || !got.CreatedAt.Equal(m.CreatedAt) {
		t.Fatalf("GetMember = %+v, %v", got, err)
	}
	s, acct, err := st.Members().LookupSession(ctx, m.ID, sess.Hash)
	if err != nil || s.MemberID != m.ID || acct.Status != members.StatusActive || len(acct.Roles) != 1 {
		t.Fatalf("LookupSession = %+v, %+v, %v", s, acct, err)
	}

	// A second registration of the same address names the first member and writes nothing.
	other := members.Member{ID: "m_other", Email: "ann@example.com", Status: members.StatusActive}
	sess2, _ := auth.NewSession(other.ID, now, "test")
	meta := eventtypes.NewMeta(now)
	env, _ := eventtypes.Wrap(eventtypes.MemberRegistered{Meta: meta})
	err = st.Members().Register(ctx, other, sess2, env, nil, nil)
	var taken *members.EmailTakenError
	if !errors.As(err, &taken) || taken.MemberID != m.ID {
		t.Fatalf("second Register = %v, want EmailTakenError for %s", err, m.ID)
	}
	if n := itemCount(t, tbl); n != 5 {
		t.Fatalf("items after refused Register = %d, want 5", n)
	}
}

func TestSignInTokenIsSpentOnceAndExpires(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	now := time.Now()
	for _, c := range []struct {
		hash    string
		validTo time.Time
	}{{"fresh", now.Add(15 * time.Minute)}, {"stale", now.Add(-time.Minute)}} {
		if err := st.Members().SaveSignInToken(ctx, members.SignInToken{Hash: c.hash, Email: "bo@example.com", Locale: "fr", ExpiresAt: c.validTo}, nil, now); err != nil {
			t.Fatal(err)
		}
	}
	// Reading spends nothing, however often.
	for range 2 {
		if tok, err := st.Members().PeekSignInToken(ctx, "fresh", now); err != nil || tok.Email != "bo@example.com" || tok.Locale != "fr" {
			t.Fatalf("Peek = %+v, %v", tok, err)
		}
	}
	tok, err := st.Members().ConsumeSignInToken(ctx, "fresh", now)
	if err != nil || tok.Email != "bo@example.com" || tok.Locale != "fr" || tok.MemberID != "" {
		t.Fatalf("first Consume = %+v, %v", tok, err)
	}
	for hash, want := range map[string]error{"fresh": members.ErrLinkUsed, "stale": members.ErrLinkExpired, "unknown": members.ErrLinkInvalid} {
		if _, err := st.Members().PeekSignInToken(ctx, hash, now); !errors.Is(err, want) {
			t.Fatalf("Peek %s = %v, want %v", hash, err, want)
		}
	}
	if _, err := st.Members().PeekSignInToken(ctx, "stale", now.Add(48*time.Hour)); !errors.Is(err, members.ErrLinkInvalid) {
		t.Fatalf("TTL-expired Peek = %v, want ErrLinkInvalid", err)
	}
	if _, err := st.Members().ConsumeSignInToken(ctx, "fresh", now); !errors.Is(err, members.ErrLinkUsed) {
		t.Fatalf("second Consume = %v, want ErrLinkUsed", err)
	}
	if _, err := st.Members().ConsumeSignInToken(ctx, "stale", now); !errors.Is(err, members.ErrLinkExpired) {
		t.Fatalf("stale Consume = %v, want ErrLinkExpired", err)
	}
	if _, err := st.Members().ConsumeSignInToken(ctx, "unknown", now); !errors.Is(err, members.ErrLinkInvalid) {
		t.Fatalf("unknown Consume = %v, want ErrLinkInvalid", err)
	}
	// Once its TTL passes the token reads as absent, even if DynamoDB has not deleted it.
	if _, err := st.Members().ConsumeSignInToken(ctx, "stale", now.Add(48*time.Hour)); !errors.Is(err, members.ErrLinkInvalid) {
		t.Fatalf("TTL-expired Consume = %v, want ErrLinkInvalid", err)
	}
}

func TestRateLimitRefusesAndWritesNothing(t *testing.T) {
	t.Parallel()
	st, tbl := newStore(t)
	now := time.Now()
	rule := ratelimit.Rule{Name: "test", Limit: 2, Window: time.Hour}
	hits := []ratelimit.Hit{{Rule: rule, Key: "cy@example.com"}, {Rule: ratelimit.Rule{Name: "client", Limit: 10, Window: time.Hour}, Key: "127.0.0.1"}}
	for i, h := range []string{"a", "b"} {
		if err := st.Members().SaveSignInToken(ctx, members.SignInToken{Hash: h, Email: "cy@example.com", ExpiresAt: now.Add(time.Minute)}, hits, now); err != nil {
			t.Fatalf("hit %d: %v", i, err)
		}
	}
	before := itemCount(t, tbl)
	err := st.Members().SaveSignInToken(ctx, members.SignInToken{Hash: "c", Email: "cy@example.com", ExpiresAt: now.Add(time.Minute)}, hits, now)
	if !errors.Is(err, members.ErrRateLimited) {
		t.Fatalf("third hit = %v, want ErrRateLimited", err)
	}
	if after := itemCount(t, tbl); after != before {
		t.Fatalf("refused hit wrote %d items", after-before)
	}
	if _, err := st.Members().ConsumeSignInToken(ctx, "c", now); !errors.Is(err, members.ErrLinkInvalid) {
		t.Fatalf("token of a refused request exists: %v", err)
	}
	// The next window starts afresh.
	if err := st.Members().SaveSignInToken(ctx, members.SignInToken{Hash: "d", Email: "cy@example.com", ExpiresAt: now.Add(2 * time.Hour)}, hits, now.Add(time.Hour)); err != nil {
		t.Fatalf("next window: %v", err)
	}
}

func TestSessionsAreCreatedOnlyForActiveMembersAndExpire(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	now := time.Now()
	m, first := register(t, st, "di@example.com", now)
	sess, _ := auth.NewSession(m.ID, now, "test")
	if err := st.Members().CreateSession(ctx, sess); err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	ghost, _ := auth.NewSession("m_nobody", now, "test")
	if err := st.Members().CreateSession(ctx, ghost); !errors.Is(err, members.ErrInactive) {
		t.Fatalf("CreateSession for a missing member = %v, want ErrInactive", err)
	}
	if err := st.Members().DeleteSession(ctx, "m_someone_else", first.Hash); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("deleting another member's session = %v, want not found", err)
	}
	if err := st.Members().DeleteSession(ctx, m.ID, first.Hash); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Members().LookupSession(ctx, m.ID, first.Hash); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("deleted session = %v, want not found", err)
	}
	old, _ := auth.NewSession(m.ID, now.Add(-2*auth.SessionTTL), "test")
	if err := st.Members().CreateSession(ctx, old); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Members().LookupSession(ctx, m.ID, old.Hash); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("expired session = %v, want not found", err)
	}
	if _, _, err := st.Members().LookupSession(ctx, "m_nobody", sess.Hash); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("session looked up under another member id = %v, want not found", err)
	}
}

func TestClaimAndCountAreOncePerEvent(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	now := time.Now()
	if err := st.ClaimEvent(ctx, "notifications", "e1", now); err != nil {
		t.Fatal(err)
	}
	// A claim never marked done is what a crash between claim and send leaves: the
	// next delivery must do the work again (at least once), not skip it.
	if err := st.ClaimEvent(ctx, "notifications", "e1", now); err != nil {
		t.Fatalf("claim after an unfinished claim = %v, want nil", err)
	}
	if err := st.DoneEvent(ctx, "notifications", "e1", now); err != nil {
		t.Fatal(err)
	}
	if err := st.ClaimEvent(ctx, "notifications", "e1", now); !errors.Is(err, eventtypes.ErrDuplicate) {
		t.Fatalf("claim after done = %v, want ErrDuplicate", err)
	}
	if err := st.ClaimEvent(ctx, "metrics", "e1", now); err != nil {
		t.Fatalf("another consumer's claim: %v", err)
	}
	// DynamoDB Local never deletes expired items: an expired done claim counts as absent.
	if err := st.ClaimEvent(ctx, "notifications", "e1", now.Add(8*24*time.Hour)); err != nil {
		t.Fatalf("claim after the done claim expired: %v", err)
	}
	for _, id := range []string{"e1", "e2", "e1"} {
		err := st.CountOnce(ctx, "metrics-test", id, "registrations", "2026-11-24", 1, now)
		if err != nil && !errors.Is(err, eventtypes.ErrDuplicate) {
			t.Fatal(err)
		}
	}
	if n, err := st.Counter(ctx, "registrations", "2026-11-24"); err != nil || n != 2 {
		t.Fatalf("Counter = %d, %v, want 2", n, err)
	}
	if n, err := st.Counter(ctx, "registrations", "2026-11-25"); err != nil || n != 0 {
		t.Fatalf("Counter of an empty day = %d, %v, want 0", n, err)
	}
}

func TestSessionsOfAMemberAreListedAndEndedTogether(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	now := time.Now()
	m, first := register(t, st, "eli@example.com", now)
	second, _ := auth.NewSession(m.ID, now.Add(time.Second), "Firefox")
	if err := st.Members().CreateSession(ctx, second); err != nil {
		t.Fatal(err)
	}
	other, _ := register(t, st, "fox@example.com", now)
	list, err := st.Members().ListSessions(ctx, m.ID)
	if err != nil || len(list) != 2 || list[0].Hash != second.Hash || list[1].Hash != first.Hash || list[0].Device != "Firefox" {
		t.Fatalf("ListSessions = %+v, %v; want the two sessions, newest first", list, err)
	}
	if err := st.Members().DeleteAllSessions(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := st.Members().ListSessions(ctx, m.ID); len(list) != 0 {
		t.Fatalf("%d sessions left after DeleteAllSessions", len(list))
	}
	if list, _ := st.Members().ListSessions(ctx, other.ID); len(list) != 1 {
		t.Fatalf("another member lost sessions: %d left", len(list))
	}
}

func TestRolesAndStatusReachTheSessionLookup(t *testing.T) {
	t.Parallel()
	st, tbl := newStore(t)
	now := time.Now()
	m, sess := register(t, st, "gus@example.com", now)
	// A role change writes its event; the same roles again write nothing.
	for range 2 {
		if got, err := st.Members().SetRoles(ctx, m.ID, []string{"member", "moderator"}, rolesEvent(m.ID)); err != nil || len(got.Roles) != 2 {
			t.Fatal(got, err)
		}
	}
	if n := outboxCount(t, tbl.DB, tbl.Name, eventtypes.MemberRolesChangedType); n != 1 {
		t.Fatalf("%d member.roles_changed events for one change made twice, want 1", n)
	}
	until := now.Add(48 * time.Hour)
	got, err := st.Members().SetStatus(ctx, m.ID, members.StatusSuspended, &until)
	if err != nil || got.Status != members.StatusSuspended || got.SuspendedUntil == nil || got.SuspendedUntil.Unix() != until.Unix() {
		t.Fatalf("SetStatus = %+v, %v", got, err)
	}
	_, acct, err := st.Members().LookupSession(ctx, m.ID, sess.Hash)
	if err != nil || len(acct.Roles) != 2 || acct.Status != members.StatusSuspended || acct.SuspendedUntil.Unix() != until.Unix() {
		t.Fatalf("LookupSession account = %+v, %v", acct, err)
	}
	// While suspended no new session starts; once the suspension has run out, it does.
	during, _ := auth.NewSession(m.ID, now, "x")
	if err := st.Members().CreateSession(ctx, during); !errors.Is(err, members.ErrInactive) {
		t.Fatalf("CreateSession while suspended = %v, want ErrInactive", err)
	}
	after, _ := auth.NewSession(m.ID, now.Add(72*time.Hour), "x")
	if err := st.Members().CreateSession(ctx, after); err != nil {
		t.Fatalf("CreateSession after the suspension = %v", err)
	}
	if got, err := st.Members().SetStatus(ctx, m.ID, members.StatusActive, nil); err != nil || got.SuspendedUntil != nil {
		t.Fatalf("reinstate = %+v, %v", got, err)
	}
	if _, err := st.Members().SetRoles(ctx, "m_nobody", []string{"member"}, rolesEvent("m_nobody")); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("SetRoles of a missing member = %v, want not found", err)
	}
}

func TestInvitationsAreListedAcrossMonthsAndSpentOnce(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	quota := ratelimit.Hit{Rule: ratelimit.Rule{Name: "q", Limit: 10, Window: time.Hour}, Key: "m"}
	for i, created := range []time.Time{now.AddDate(0, 0, -20), now.AddDate(0, 0, -1), now.AddDate(0, 0, -45)} {
		inv := invitations.Invitation{ID: fmt.Sprintf("inv%05d", i), Kind: invitations.KindLink, Roles: []string{"member"}, MaxUses: 1,
			CreatedAt: created, ValidUntil: created.Add(30 * 24 * time.Hour), CodeHash: "h"}
		meta := eventtypes.NewMeta(created)
		env, _ := eventtypes.Wrap(eventtypes.InvitationCreated{Meta: meta})
		if err := st.Invitations().CreateInvitation(ctx, inv, env, quota, now, ""); err != nil {
			t.Fatal(err)
		}
	}
	list, err := st.Invitations().ListInvitations(ctx, now.AddDate(0, 0, -31), now)
	if err != nil || len(list) != 2 || list[0].ID != "inv00001" || list[1].ID != "inv00000" {
		t.Fatalf("ListInvitations = %+v, %v; want the two of the last 31 days (November and December), newest first", list, err)
	}
	if _, err := st.Invitations().RevokeInvitation(ctx, "nope", now); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("revoke a missing invitation: %v", err)
	}
	got, err := st.Invitations().RevokeInvitation(ctx, "inv00001", now)
	if err != nil || got.RevokedAt == nil {
		t.Fatalf("revoke: %+v %v", got, err)
	}
	_, settings, grant, err := st.Members().Admission(ctx, "x@example.com", "inv00001")
	if err != nil || grant == nil || !grant.Revoked || settings != members.DefaultSettings {
		t.Fatalf("Admission = %+v %+v %v", settings, grant, err)
	}
}

func TestAuthFlowIsTakenOnce(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	now := time.Now()
	f := social.Flow{Provider: "google", State: "state-1", Nonce: "n", Verifier: "v", Return: "/x", SwitchAccount: true}
	if err := st.Members().SaveAuthFlow(ctx, f, now.Add(time.Minute), nil, now); err != nil {
		t.Fatal(err)
	}
	got, err := st.Members().TakeAuthFlow(ctx, "state-1", now)
	if err != nil || got != f {
		t.Fatalf("TakeAuthFlow = %+v, %v", got, err)
	}
	if _, err := st.Members().TakeAuthFlow(ctx, "state-1", now); !errors.Is(err, social.ErrBadState) {
		t.Fatalf("second take = %v, want ErrBadState", err)
	}
	if err := st.Members().SaveAuthFlow(ctx, social.Flow{State: "old"}, now.Add(-time.Second), nil, now); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Members().TakeAuthFlow(ctx, "old", now); !errors.Is(err, social.ErrBadState) {
		t.Fatalf("expired flow = %v, want ErrBadState", err)
	}
}

func TestDirectoryPagesByNamePrefixAndTagWithSignedCursors(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	now := time.Now()
	for _, name := range []string{"anna", "anne", "annie", "bob"} {
		m, _ := register(t, st, name+"@example.com", now)
		if _, err := st.Members().UpdateProfile(ctx, m.ID, members.Profile{DisplayName: strings.ToUpper(name[:1]) + name[1:], Locale: "en", Expertise: []string{"go", name}}); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	cursor := ""
	for pages := 0; ; pages++ {
		page, err := st.Members().MembersByName(ctx, "ann", cursor, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range page.Members {
			names = append(names, m.DisplayName)
		}
		if cursor = page.Next; cursor == "" || pages > 3 {
			break
		}
	}
	if strings.Join(names, ",") != "Anna,Anne,Annie" {
		t.Fatalf("by prefix: %v", names)
	}
	page, err := st.Members().MembersByTag(ctx, "go", "", 3)
	if err != nil || len(page.Members) != 3 || page.Next == "" {
		t.Fatalf("by tag, first page: %+v %v", page, err)
	}
	if _, err := st.Members().MembersByTag(ctx, "go", page.Next[:len(page.Next)-2]+"AA", 3); !errs.Is(err, "invalid_cursor") {
		t.Fatalf("altered cursor: %v", err)
	}
	if _, err := st.Members().MembersByName(ctx, "ann", page.Next, 3); !errs.Is(err, "invalid_cursor") {
		t.Fatalf("cursor of another listing: %v", err)
	}
	// Dropping a tag removes the member from it.
	bob, _, _, _ := st.Members().Admission(ctx, "bob@example.com", "")
	if _, err := st.Members().UpdateProfile(ctx, bob, members.Profile{DisplayName: "Bob", Locale: "en", Expertise: []string{"rust"}}); err != nil {
		t.Fatal(err)
	}
	if page, _ := st.Members().MembersByTag(ctx, "go", "", 10); len(page.Members) != 3 {
		t.Fatalf("members under go after bob left it: %d", len(page.Members))
	}
	if page, _ := st.Members().MembersByTag(ctx, "rust", "", 10); len(page.Members) != 1 || page.Members[0].DisplayName != "Bob" {
		t.Fatalf("members under rust: %+v", page.Members)
	}
}
