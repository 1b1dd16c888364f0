package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"tribune/shared/auth"
	"tribune/shared/bus"
	"tribune/shared/eventtypes"
	"tribune/shared/invitations"
	"tribune/shared/metrics"
	"tribune/shared/notifications"
	"tribune/shared/policy"
)

// invitationCount is how many invitations exist (read straight from the store).
func (c *community) invitationCount() int {
	list, err := c.st.Invitations().ListInvitations(context.Background(), time.Now().Add(-time.Hour), time.Now())
	if err != nil {
		c.t.Fatal(err)
	}
	return len(list)
}

func TestInviteOnlyCommunityAdmitsInviteesWithTheirRoles(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	if status, body := c.call(admin, "PUT", "/api/community/access", `{"accessMode":"invite"}`, nil); status != 200 {
		t.Fatalf("access mode: %d %s", status, body)
	}
	if status, body, _ := c.signUp("walkin@example.com", ""); status != 202 || !strings.Contains(body, "by invitation only") {
		t.Fatalf("sign-up without invitation: %d %s", status, body)
	}

	// Every address is checked before any invitation is written.
	status, body := c.call(admin, "POST", "/api/invitations", `{"emails":["bea@example.com","not-an-address"]}`, nil)
	if status != 400 || c.invitationCount() != 0 {
		t.Fatalf("bulk with a bad address: %d %s, %d invitations written", status, body, c.invitationCount())
	}
	var list invitations.InvitationList
	status, body = c.call(admin, "POST", "/api/invitations",
		`{"emails":["Bea@example.com","cal@example.com"],"roles":["moderator"],"message":"Welcome aboard","validDays":7}`, &list)
	if status != 201 || len(list.Invitations) != 2 || list.Invitations[0].Email != "bea@example.com" {
		t.Fatalf("bulk invite: %d %s", status, body)
	}
	link := c.mailTo("bea@example.com", "/invite/")
	code := codeOf(link)
	var pub invitations.Public
	if status, _ := c.call(c.visitor(), "GET", "/api/invitations/code/"+code, "", &pub); status != 200 || pub.InviterName != "ada" || pub.Message != "Welcome aboard" || pub.State != "pending" {
		t.Fatalf("landing page data: %d %+v", status, pub)
	}
	if status, body, _ := c.signUp("someone.else@example.com", code); status != 202 || !strings.Contains(body, "sent to another address") {
		t.Fatalf("invitation used by another address: %d %s", status, body)
	}
	status, body, roles := c.signUp("bea@example.com", code)
	if status != http.StatusOK || strings.Join(roles, ",") != "member,moderator" {
		t.Fatalf("invitee sign-up: %d %s roles %v", status, body, roles)
	}
	// Used up: a second registration with it is refused (a member signing in is not).
	if status, body, _ := c.signUp("bea@example.com", code); status != http.StatusOK {
		t.Fatalf("the invitee signs in again: %d %s", status, body)
	}
	waitFor(t, "invitations counted", func() bool {
		sent := counted(c.st, metrics.InvitationsSent)
		accepted := counted(c.st, metrics.InvitationsAccepted)
		return sent == 2 && accepted == 1
	})

	// Revoked: the link stops working. Resent: the old link stops, the new one works.
	calID := list.Invitations[1].ID
	calCode := codeOf(c.mailTo("cal@example.com", "/invite/"))
	if status, _ := c.call(admin, "POST", "/api/invitations/"+calID+"/resend", "", nil); status != 200 {
		t.Fatalf("resend: %d", status)
	}
	if status, _ := c.call(c.visitor(), "GET", "/api/invitations/code/"+calCode, "", nil); status != 410 {
		t.Fatalf("old code after resend: %d, want 410", status)
	}
	var pending invitations.InvitationList
	c.call(admin, "GET", "/api/invitations", "", &pending)
	if len(pending.Invitations) != 1 || pending.Invitations[0].ID != calID {
		t.Fatalf("pending after one acceptance: %+v", pending)
	}
	if status, _ := c.call(admin, "POST", "/api/invitations/"+calID+"/revoke", "", nil); status != 200 {
		t.Fatalf("revoke: %d", status)
	}
	if status, body, _ := c.signUp("cal@example.com", calCode); status != 202 || !strings.Contains(body, "link used is not valid") {
		t.Fatalf("old code after resend: %d %s", status, body)
	}
	if status, _ := c.call(admin, "POST", "/api/invitations/"+calID+"/resend", "", nil); status != 409 {
		t.Fatalf("resend a revoked invitation: %d, want 409", status)
	}
}

func TestShareableLinksHaveAUseLimitAndRolesNeedAnAdmin(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	marketer := c.as("mia", policy.RoleMarketer)
	if status, body := c.call(marketer, "POST", "/api/invitations/links", `{"maxUses":2,"roles":["admin"]}`, nil); status != 403 || !strings.Contains(body, "roles_not_allowed") {
		t.Fatalf("marketer grants admin: %d %s", status, body)
	}
	for _, bad := range []string{`{"maxUses":0}`, `{"maxUses":1001}`, `{"maxUses":2,"validDays":31}`, `{"maxUses":2,"message":"` + strings.Repeat("x", 1001) + `"}`} {
		if status, _ := c.call(marketer, "POST", "/api/invitations/links", bad, nil); status != 400 {
			t.Fatalf("link %s: %d, want 400", bad[:20], status)
		}
	}
	var created invitations.LinkCreated
	if status, body := c.call(marketer, "POST", "/api/invitations/links", `{"maxUses":2}`, &created); status != 201 || !strings.HasSuffix(created.Link, created.Code) {
		t.Fatalf("link: %d %s", status, body)
	}
	if _, secret, _ := strings.Cut(created.Code, "-"); len(secret) < 26 {
		t.Fatalf("the code's secret has fewer than 128 bits: %q", created.Code)
	}
	for _, who := range []string{"one@example.com", "two@example.com"} {
		if status, body, _ := c.signUp(who, created.Code); status != http.StatusOK {
			t.Fatalf("%s through the link: %d %s", who, status, body)
		}
	}
	if status, body, _ := c.signUp("three@example.com", created.Code); status != 202 || !strings.Contains(body, "already been used") {
		t.Fatalf("third use of a two-use link: %d %s", status, body)
	}
	if status, body, _ := c.signUp("four@example.com", "garbage"); status != 410 {
		t.Fatalf("malformed code: %d %s", status, body)
	}
}

func TestMembersInviteFriendsWithinADailyQuota(t *testing.T) {
	t.Parallel()
	inAFreshWindow(invitations.LimitMemberInvites.Window, 2*time.Minute)
	c := newCommunity(t)
	member := c.as("max")
	for i := 0; i < invitations.LimitMemberInvites.Limit; i++ {
		body := `{"email":"friend` + string(rune('a'+i)) + `@example.com","message":"come"}`
		if status, b := c.call(member, "POST", "/api/invitations/friend", body, nil); status != 201 {
			t.Fatalf("friend %d: %d %s", i, status, b)
		}
	}
	if status, body := c.call(member, "POST", "/api/invitations/friend", `{"email":"one.more@example.com"}`, nil); status != 429 || !strings.Contains(body, "invitation_quota") {
		t.Fatalf("over the quota: %d %s", status, body)
	}
	if n := c.invitationCount(); n != invitations.LimitMemberInvites.Limit {
		t.Fatalf("%d invitations after a refused one, want %d", n, invitations.LimitMemberInvites.Limit)
	}
	if status, _ := c.call(member, "GET", "/api/invitations", "", nil); status != 403 {
		t.Fatalf("a member lists invitations: %d", status)
	}
	c.mailTo("frienda@example.com", "/invite/")
}

// The tester's race: a link of 3 uses, 10 people confirm their sign-up at the same
// moment. Exactly 3 get in, and every other one is told the link is used up
// (invitation_used), not that it is invalid.
func TestTheLosersOfARaceForALinkAreToldItIsUsedUp(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	var created invitations.LinkCreated
	if status, body := c.call(admin, "POST", "/api/invitations/links", `{"maxUses":3}`, &created); status != 201 {
		t.Fatalf("link: %d %s", status, body)
	}
	const n = 10
	browsers, tokens := make([]*http.Client, n), make([]string, n)
	for i := range n {
		email := fmt.Sprintf("racer%d@example.com", i)
		browsers[i] = c.visitor()
		body, _ := json.Marshal(map[string]string{"email": email, "invitation": created.Code, "locale": "en"})
		if status, b := c.call(browsers[i], "POST", "/api/auth/email/start", string(body), nil); status != http.StatusAccepted {
			t.Fatalf("start %d: %d %s", i, status, b)
		}
		tokens[i] = tokenInLink.FindStringSubmatch(c.mailTo(email, "/sign-in/link#token="))[1]
	}
	var mu sync.Mutex
	got := map[string]int{}
	concurrently(t, n, func(i int) {
		status, body := c.call(browsers[i], "POST", "/api/auth/email/confirm", tokenJSON(tokens[i]), nil)
		key := fmt.Sprint(status)
		if status != 200 {
			key += " " + problemOf(body)
		}
		mu.Lock()
		got[key]++
		mu.Unlock()
	})
	if got["200"] != 3 || got["410 invitation_used"] != n-3 {
		t.Fatalf("10 confirmations through a 3-use link: %v, want 3 × 200 and 7 × 410 invitation_used", got)
	}
}

// mailCount counts the messages to addr whose first link contains part.
func (c *community) mailCount(addr, part string) int {
	c.t.Helper()
	c.settledItems()
	c.sendsDone()
	n := 0
	for _, m := range c.mailsTo(addr) {
		if links := m.Links(); len(links) > 0 && strings.Contains(links[0], part) {
			n++
		}
	}
	return n
}

// sendsDone waits (10 s at most) until every email the notifications consumer claimed
// was handed to the sender or dropped (its claim is marked done): the table may hold
// still while an email is being written, since the consumer reads what it names again
// after claiming it.
func (c *community) sendsDone() {
	c.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for time.Now().Before(deadline) {
		pending := 0
		for _, it := range c.scanItems("HANDLED#" + notifications.Consumer + "#") {
			if _, done := it["DoneAt"]; !done {
				pending++
			}
		}
		if pending == 0 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// emailInvitations counts the invitations to an address (read straight from the store).
func (c *community) emailInvitations(addr string) int {
	c.t.Helper()
	list, err := c.st.Invitations().ListInvitations(context.Background(), time.Now().Add(-time.Hour), time.Now())
	if err != nil {
		c.t.Fatal(err)
	}
	n := 0
	for _, inv := range list {
		if inv.Email == addr {
			n++
		}
	}
	return n
}

// The tester's example: the same bulk invitation 10 times at once (or twice in a row)
// made 10 pending invitations and 10 emails to one address; a friend invitation sent 5
// times sent 5 emails. An address has one pending invitation: a repeat, from anyone,
// writes nothing and sends nothing; staff see it under alreadyInvited, a member gets 409
// invitation_pending; sending it again is Resend; once it is no longer pending (revoked),
// a new one may be made.
func TestAnAddressHasOnePendingInvitationAndOneEmail(t *testing.T) {
	t.Parallel()
	inAFreshWindow(invitations.LimitMemberInvites.Window, 2*time.Minute)
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	max := c.as("max")

	var mu sync.Mutex
	got := map[int]int{}
	concurrently(t, 10, func(int) {
		var list invitations.InvitationList
		status, _ := c.call(admin, "POST", "/api/invitations", `{"emails":["bulk1@example.com"]}`, &list)
		mu.Lock()
		defer mu.Unlock()
		got[status]++
		if status == 200 && (len(list.Invitations) != 0 || len(list.AlreadyInvited) != 1 || list.AlreadyInvited[0].Email != "bulk1@example.com") {
			t.Errorf("a repeat answers %+v", list)
		}
	})
	if got[201] != 1 || got[200] != 9 {
		t.Fatalf("10 bulk invitations of one address at once: %v, want one 201 and nine 200", got)
	}
	var list invitations.InvitationList
	if status, body := c.call(admin, "POST", "/api/invitations", `{"emails":["bulk1@example.com","bulk2@example.com"]}`, &list); status != 201 ||
		len(list.Invitations) != 1 || list.Invitations[0].Email != "bulk2@example.com" || len(list.AlreadyInvited) != 1 {
		t.Fatalf("a bulk with one new address: %d %s", status, body)
	}
	if n, mails := c.emailInvitations("bulk1@example.com"), c.mailCount("bulk1@example.com", "/invite/"); n != 1 || mails != 1 {
		t.Fatalf("11 invitations asked for bulk1: %d pending, %d emails, want 1 and 1", n, mails)
	}

	// A member: 5 times the same friend, one after another and at once.
	if status, body := c.call(max, "POST", "/api/invitations/friend", `{"email":"samefriend@example.com"}`, nil); status != 201 {
		t.Fatalf("friend: %d %s", status, body)
	}
	for range 2 {
		if status, body := c.call(max, "POST", "/api/invitations/friend", `{"email":"samefriend@example.com"}`, nil); status != 409 || problemOf(body) != "invitation_pending" {
			t.Fatalf("the same friend again: %d %s", status, body)
		}
	}
	if got := c.statuses(3, max, "POST", "/api/invitations/friend", `{"email":"SameFriend@example.com"}`); got[409] != 3 {
		t.Fatalf("the same friend 3 times at once: %v", got)
	}
	// Nor may a member invite someone staff invited (the answer names nothing of it).
	if status, body := c.call(max, "POST", "/api/invitations/friend", `{"email":"bulk1@example.com"}`, nil); status != 409 || strings.Contains(body, "ada") {
		t.Fatalf("a friend staff invited: %d %s", status, body)
	}
	if n, mails := c.emailInvitations("samefriend@example.com"), c.mailCount("samefriend@example.com", "/invite/"); n != 1 || mails != 1 {
		t.Fatalf("6 invitations asked for samefriend: %d pending, %d emails, want 1 and 1", n, mails)
	}
	// Repeats cost no quota: 4 more friends still fit in the day's 5.
	for i := range invitations.LimitMemberInvites.Limit - 1 {
		if status, body := c.call(max, "POST", "/api/invitations/friend", fmt.Sprintf(`{"email":"other%d@example.com"}`, i), nil); status != 201 {
			t.Fatalf("friend %d after the repeats: %d %s", i, status, body)
		}
	}

	// Resend is the way to send again; once revoked, the address may be invited anew.
	id := list.AlreadyInvited[0].ID
	if status, body := c.call(admin, "POST", "/api/invitations/"+id+"/resend", "", nil); status != 200 {
		t.Fatalf("resend: %d %s", status, body)
	}
	if n := c.mailCount("bulk1@example.com", "/invite/"); n != 2 {
		t.Fatalf("after a resend: %d emails, want 2", n)
	}
	c.call(admin, "POST", "/api/invitations/"+id+"/revoke", "", nil)
	if status, body := c.call(admin, "POST", "/api/invitations", `{"emails":["bulk1@example.com"]}`, &list); status != 201 || len(list.Invitations) != 1 {
		t.Fatalf("inviting again after a revocation: %d %s", status, body)
	}
	if n := c.mailCount("bulk1@example.com", "/invite/"); n != 3 {
		t.Fatalf("after a new invitation: %d emails, want 3", n)
	}
}

// The tester's example: a deleted member's invitations stayed valid and kept being sent
// ("Deleted member invites you to join Tribune"), and the landing page still showed their
// message. Deleting an account revokes its invitations (email invitations and shareable
// links alike), drops their message, and an invitation email not yet sent is not sent.
func TestADeletedMembersInvitationsAreWithdrawn(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	max := c.as("max")
	mia := c.as("mia", policy.RoleMarketer)
	if status, body := c.call(max, "POST", "/api/invitations/friend", `{"email":"pal@example.com","message":"Join me, it is great"}`, nil); status != 201 {
		t.Fatalf("friend: %d %s", status, body)
	}
	var second invitations.Invitation
	if status, body := c.call(max, "POST", "/api/invitations/friend", `{"email":"pal2@example.com","message":"You too"}`, &second); status != 201 {
		t.Fatalf("friend: %d %s", status, body)
	}
	code, code2 := codeOf(c.mailTo("pal@example.com", "/invite/")), codeOf(c.mailTo("pal2@example.com", "/invite/"))
	var link invitations.LinkCreated
	if status, body := c.call(mia, "POST", "/api/invitations/links", `{"maxUses":5,"message":"From marketing"}`, &link); status != 201 {
		t.Fatalf("link: %d %s", status, body)
	}
	for _, who := range []*http.Client{max, mia} {
		if status, body := c.call(who, "POST", "/api/me/delete", `{"confirm":true}`, nil); status != 204 {
			t.Fatalf("delete: %d %s", status, body)
		}
	}
	for _, cd := range []string{code, link.Code} {
		waitFor(t, "the invitation revoked", func() bool {
			var pub invitations.Public
			c.call(c.visitor(), "GET", "/api/invitations/code/"+cd, "", &pub)
			return pub.State == "revoked"
		})
		var pub invitations.Public
		c.call(c.visitor(), "GET", "/api/invitations/code/"+cd, "", &pub)
		if pub.Message != "" || pub.InviterName != auth.DeletedName {
			t.Fatalf("the landing page of a deleted member's invitation: %+v", pub)
		}
	}
	if status, body, _ := c.signUp("pal@example.com", code); status != 202 || !strings.Contains(body, "has been withdrawn") {
		t.Fatalf("signing up with a deleted member's invitation: %d %s", status, body)
	}
	if status, body, _ := c.signUp("newbie@example.com", link.Code); status != 202 || !strings.Contains(body, "has been withdrawn") {
		t.Fatalf("signing up through a deleted staff member's link: %d %s", status, body)
	}
	// An invitation email delivered after the deletion (late, or redelivered) is not sent.
	before := c.mailCount("pal2@example.com", "/invite/")
	c.deliver(bus.ConsumerNotifications, eventtypes.InvitationCreatedType, &eventtypes.InvitationCreated{InvitationID: second.ID,
		Kind: invitations.KindEmail, Email: "pal2@example.com", Code: code2, Message: "You too", InviterName: "max", Locale: "en",
		ValidUntil: second.ValidUntil})
	if n := c.mailCount("pal2@example.com", "/invite/"); n != before {
		t.Fatalf("a deleted member's invitation was emailed again: %d emails, were %d", n, before)
	}
}
