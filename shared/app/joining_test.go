package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"tribune/shared/eventtypes"
	"tribune/shared/notifications"
	"tribune/shared/policy"
	"tribune/shared/spaces"
)

// Tests of issue 10, round 2: requests to join are declined as well as
// approved, and the requester is told either way, in their language.

// answer approves or declines a member's request, returning the status and the answer.
func (c *community) answer(who *http.Client, spaceID, memberID, verb string) (int, spaces.Membership) {
	c.t.Helper()
	var m spaces.Membership
	status, _ := c.call(who, "POST", "/api/spaces/"+spaceID+"/requests/"+memberID+"/"+verb, "", &m)
	return status, m
}

// Who may decline: those who approve (the owner, space moderators, staff), nobody else;
// a refused decline writes nothing. A decline repeated, or eight at once, answers the
// same and is recorded and told once; approving it afterwards is refused, and the
// requester may ask again at once. A decline of a request that is gone writes nothing.
func TestDeclineJoinRequestByWhomRepeatedAndTold(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	mod, ann, bob, carl := c.as("mia"), c.as("ann"), c.as("bob"), c.as("carl")
	c.speaks(bob, "bob", "fr")
	club := c.space(admin, "Club", spaces.Closed)
	// mia asks, is approved and made a space moderator; ann is a plain member.
	c.join(mod, club.ID)
	if status, m := c.answer(admin, club.ID, "m_mia", "approve"); status != 200 || m.Status != spaces.StatusActive {
		t.Fatalf("approve mia: %d %+v", status, m)
	}
	if status, body := c.call(admin, "PUT", "/api/spaces/"+club.ID+"/members/m_mia/role", `{"role":"moderator"}`, nil); status != 200 {
		t.Fatalf("role: %d %s", status, body)
	}
	c.join(ann, club.ID)
	c.answer(admin, club.ID, "m_ann", "approve")
	c.join(bob, club.ID)

	// A plain member, a non-member and a visitor may not decline; nothing is written.
	before := c.settledItems()
	for name, who := range map[string]*http.Client{"member": ann, "non-member": carl, "visitor": c.visitor()} {
		if status, _ := c.answer(who, club.ID, "m_bob", "decline"); status != 403 && status != 401 {
			t.Fatalf("a %s declined: %d", name, status)
		}
	}
	if after := c.settledItems(); after != before {
		t.Fatalf("refused declines wrote %d items", after-before)
	}

	// The space moderator declines: eight at once, then once more, all answer the same.
	var mu sync.Mutex
	answers := map[string]int{}
	concurrently(t, 8, func(int) {
		status, m := c.answer(mod, club.ID, "m_bob", "decline")
		mu.Lock()
		defer mu.Unlock()
		answers[fmt.Sprintf("%d %s %s %s", status, m.Status, m.DeclinedBy, m.DeclinedAt)]++
	})
	status, again := c.answer(mod, club.ID, "m_bob", "decline")
	want := fmt.Sprintf("%d %s %s %s", status, again.Status, again.DeclinedBy, again.DeclinedAt)
	if len(answers) != 1 || answers[want] != 8 || status != 200 || again.Status != spaces.StatusDeclined || again.DeclinedBy != "m_mia" {
		t.Fatalf("9 declines answered %v then %q, want nine times 200 declined by m_mia", answers, want)
	}
	// The owner declining it again answers the kept answer too.
	if status, m := c.answer(admin, club.ID, "m_bob", "decline"); status != 200 || m.DeclinedBy != "m_mia" {
		t.Fatalf("the owner's repeat: %d %+v", status, m)
	}
	if n := c.countEvents(eventtypes.SpaceRequestDeclinedType, map[string]string{"memberId": "m_bob", "spaceId": club.ID}); n != 1 {
		t.Fatalf("%d space.request_declined events for 10 declines, want 1", n)
	}
	// Bob is told once, in French, in the app and by email; the sentence names the space
	// and not who declined.
	told := c.inbox(bob, notifications.KindSpaceDeclined)
	if told.SpaceID != club.ID || told.ActorID != "" || told.Detail != "Club" {
		t.Fatalf("the notice: %+v", told)
	}
	if n := c.countKind("m_bob", notifications.KindSpaceDeclined); n != 1 {
		t.Fatalf("bob was told %d times", n)
	}
	c.mailSaying("bob@example.com", "Votre demande pour rejoindre l’espace « Club » a été refusée.", "/spaces/"+club.ID)
	// Nobody joined, no request is left, and an approval now is refused.
	var reqs spaces.MembershipList
	if c.call(admin, "GET", "/api/spaces/"+club.ID+"/requests", "", &reqs); len(reqs.Memberships) != 0 {
		t.Fatalf("requests after the decline: %+v", reqs.Memberships)
	}
	if status, body := c.call(admin, "POST", "/api/spaces/"+club.ID+"/requests/m_bob/approve", "", nil); status != 409 || !json.Valid([]byte(body)) ||
		!strings.Contains(body, "join_request_declined") {
		t.Fatalf("approving a declined request: %d %s", status, body)
	}
	if n := c.members(admin, club.ID); n != 3 {
		t.Fatalf("%d members after the decline, want 3", n)
	}

	// Bob may ask again at once (no cooldown); this time he is approved and told so in French.
	var m spaces.Membership
	if status, _ := c.call(bob, "POST", "/api/spaces/"+club.ID+"/join", "", &m); status != 200 || m.Status != spaces.StatusPending {
		t.Fatalf("asking again: %d %+v", status, m)
	}
	if status, m := c.answer(mod, club.ID, "m_bob", "approve"); status != 200 || m.Status != spaces.StatusActive {
		t.Fatalf("approving the new request: %d %+v", status, m)
	}
	c.inbox(bob, notifications.KindSpaceApproved)
	c.mailSaying("bob@example.com", "Votre demande pour rejoindre l’espace « Club » a été acceptée : vous en êtes maintenant membre.")
	// Declining an approved request is refused and changes nothing.
	if status, body := c.call(mod, "POST", "/api/spaces/"+club.ID+"/requests/m_bob/decline", "", nil); status != 409 || !strings.Contains(body, "join_request_approved") {
		t.Fatalf("declining an approved request: %d %s", status, body)
	}
	if n := c.members(admin, club.ID); n != 4 {
		t.Fatalf("%d members after the approval, want 4", n)
	}

	// A request withdrawn, or never filed: 404, nothing written.
	c.join(carl, club.ID)
	c.leave(carl, club.ID)
	before = c.settledItems()
	for _, id := range []string{"m_carl", "m_nobody"} {
		if status, body := c.call(mod, "POST", "/api/spaces/"+club.ID+"/requests/"+id+"/decline", "", nil); status != 404 || !strings.Contains(body, "join_request_not_found") {
			t.Fatalf("declining %s: %d %s", id, status, body)
		}
	}
	if after := c.settledItems(); after != before {
		t.Fatalf("declining a request that is gone wrote %d items", after-before)
	}
	if n := c.countKind("m_carl", notifications.KindSpaceDeclined); n != 0 {
		t.Fatalf("carl was told of a decline of nothing")
	}
}

// A decline and an approval of the same request at the same moment: exactly one
// answers 200, the other 409 naming the answer given, and the member is told only that
// one; the count follows the answer.
func TestDeclineRacingApproveAnswersOnce(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	mod := c.as("mia", policy.RoleModerator) // community moderator: staff in community spaces
	club := c.space(admin, "Club", spaces.Closed)
	const rounds = 6
	joinedWant := 1
	for i := range rounds {
		name := fmt.Sprintf("r%d", i)
		who := c.as(name)
		c.join(who, club.ID)
		var wg sync.WaitGroup
		var approve, decline int
		wg.Add(2)
		go func() { defer wg.Done(); approve, _ = c.answer(admin, club.ID, "m_"+name, "approve") }()
		go func() { defer wg.Done(); decline, _ = c.answer(mod, club.ID, "m_"+name, "decline") }()
		wg.Wait()
		switch {
		case approve == 200 && decline == 409:
			joinedWant++
			c.inbox(who, notifications.KindSpaceApproved)
			if n := c.countKind("m_"+name, notifications.KindSpaceDeclined); n != 0 {
				t.Fatalf("round %d: approved, and told of a decline", i)
			}
		case decline == 200 && approve == 409:
			c.inbox(who, notifications.KindSpaceDeclined)
			if n := c.countKind("m_"+name, notifications.KindSpaceApproved); n != 0 {
				t.Fatalf("round %d: declined, and told of an approval", i)
			}
		default:
			t.Fatalf("round %d: approve %d, decline %d: want one 200 and one 409", i, approve, decline)
		}
		approved := c.countEvents(eventtypes.SpaceRequestApprovedType, map[string]string{"memberId": "m_" + name})
		declined := c.countEvents(eventtypes.SpaceRequestDeclinedType, map[string]string{"memberId": "m_" + name})
		if approved+declined != 1 {
			t.Fatalf("round %d: %d approvals and %d declines recorded", i, approved, declined)
		}
	}
	if n := c.members(admin, club.ID); n != joinedWant {
		t.Fatalf("%d members, want %d", n, joinedWant)
	}
}
