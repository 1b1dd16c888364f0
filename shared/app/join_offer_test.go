package app_test

import (
	"net/http"
	"testing"

	"tribune/shared/policy"
	"tribune/shared/spaces"
)

// A space says what it offers the reader to join by (joinOffer), and the web offers
// exactly that. A support agent on a customer space is offered to join, not to ask:
// they admit people into it, so a request of theirs would wait for their own approval;
// joining makes them a member at once, approved by themselves (findings of 2026-11-30,
// 10: the agent was offered "Ask to join" and filed a pending request).
func TestASpaceSaysWhatItOffersToJoinBy(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	sam, sue := c.as("sam", policy.RoleSupport), c.as("sue", policy.RoleSupport)
	cara, bob := c.as("cara"), c.as("bob")
	acme := c.customerSpace(sam, "Acme", "m_cara")
	lounge := c.space(admin, "Lounge", spaces.Public)
	club := c.space(admin, "Club", spaces.Closed)
	offer := func(who *http.Client, spaceID string) spaces.SpaceView {
		t.Helper()
		var v spaces.SpaceView
		if status, body := c.call(who, "GET", "/api/spaces/"+spaceID, "", &v); status != 200 {
			t.Fatalf("space %s: %d %s", spaceID, status, body)
		}
		return v
	}
	for _, tc := range []struct {
		what  string
		who   *http.Client
		space string
		want  string
	}{
		{"an agent on a customer space", sue, acme.ID, spaces.OfferJoin},
		{"an invited customer", cara, acme.ID, spaces.OfferAccept},
		{"a member on a public space", bob, lounge.ID, spaces.OfferJoin},
		{"a member on a closed space", bob, club.ID, spaces.OfferRequest},
		{"a visitor on a public space", c.visitor(), lounge.ID, ""},
		{"its creator on a closed space", admin, club.ID, ""},
	} {
		if got := offer(tc.who, tc.space).JoinOffer; got != tc.want {
			t.Errorf("%s is offered %q, want %q", tc.what, got, tc.want)
		}
	}
	// The agent joins at once, approved by themselves; nothing waits in the requests.
	var m spaces.Membership
	if status, body := c.call(sue, "POST", "/api/spaces/"+acme.ID+"/join", "", &m); status != 200 || m.Status != spaces.StatusActive || m.ApprovedBy != "m_sue" {
		t.Fatalf("the agent joins: %d %s", status, body)
	}
	var reqs spaces.MembershipList
	if c.call(sam, "GET", "/api/spaces/"+acme.ID+"/requests", "", &reqs); len(reqs.Memberships) != 0 {
		t.Fatalf("requests after the agent joined: %+v", reqs.Memberships)
	}
	if v := offer(sue, acme.ID); v.JoinOffer != "" || v.Membership == nil || v.Membership.Status != spaces.StatusActive {
		t.Fatalf("after joining the agent is offered %q (%+v)", v.JoinOffer, v.Membership)
	}
	c.join(cara, acme.ID)
	post := c.post(cara, acme.ID, `{"kind":"discussion","title":"Plan","body":"Acme only."}`)
	if status, _ := c.call(sue, "GET", "/api/posts/"+post.ID, "", nil); status != 200 {
		t.Fatalf("the agent who joined reads the customer's post: %d", status)
	}
	// A member's request still waits, and says so (no offer while it waits).
	if status, body := c.call(bob, "POST", "/api/spaces/"+club.ID+"/join", "", &m); status != 200 || m.Status != spaces.StatusPending {
		t.Fatalf("bob asks to join: %d %s", status, body)
	}
	if v := offer(bob, club.ID); v.JoinOffer != "" || v.Membership == nil || v.Membership.Status != spaces.StatusPending {
		t.Fatalf("while bob's request waits he is offered %q", v.JoinOffer)
	}
}
