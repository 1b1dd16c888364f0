package app_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"tribune/shared/eventtypes"
	"tribune/shared/invitations"
	"tribune/shared/metrics"
	"tribune/shared/policy"
	"tribune/shared/store"
)

// An address invited by email that registers without the invitation's code (the
// community is open) spends its invitation: it no longer reads pending, with Resend and
// Revoke, and its landing page says it was used (findings of 2026-11-30, 10). A repeated
// event spends nothing more; an invitation revoked first stays revoked.
func TestRegisteringWithAnInvitedAddressSpendsTheInvitation(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	var list invitations.InvitationList
	if status, body := c.call(admin, "POST", "/api/invitations", `{"emails":["dee@example.com","eve@example.com"]}`, &list); status != 201 || len(list.Invitations) != 2 {
		t.Fatalf("invite: %d %s", status, body)
	}
	dee, eve := list.Invitations[0], list.Invitations[1]
	code := codeOf(c.mailTo("dee@example.com", "/invite/"))
	if status, _ := c.call(admin, "POST", "/api/invitations/"+eve.ID+"/revoke", "", nil); status != 200 {
		t.Fatalf("revoke eve's: %d", status)
	}
	// Both register from the sign-in page, without a code.
	for _, who := range []string{"dee@example.com", "eve@example.com"} {
		if status, body, _ := c.signUp(who, ""); status != http.StatusOK {
			t.Fatalf("%s registers: %d %s", who, status, body)
		}
	}
	waitFor(t, "dee's invitation spent", func() bool {
		var pending invitations.InvitationList
		c.call(admin, "GET", "/api/invitations", "", &pending)
		return len(pending.Invitations) == 0
	})
	var pub invitations.Public
	if status, _ := c.call(c.visitor(), "GET", "/api/invitations/code/"+code, "", &pub); status != 200 || pub.State != "used" {
		t.Fatalf("dee's code after she registered: %d %+v", status, pub)
	}
	inv, err := c.st.Invitations().GetInvitation(context.Background(), dee.ID)
	if err != nil || inv.State(time.Now()) != "used" || inv.Uses != 1 {
		t.Fatalf("dee's invitation: %+v %v", inv, err)
	}
	if inv, err := c.st.Invitations().GetInvitation(context.Background(), eve.ID); err != nil || inv.State(time.Now()) != "revoked" || inv.Uses != 0 {
		t.Fatalf("eve's revoked invitation: %+v %v", inv, err)
	}
	// Counted as accepted, once, even when the registration's event comes again.
	c.settledItems()
	deeID, _, _, err := c.st.Members().Admission(context.Background(), "dee@example.com", "")
	if err != nil || deeID == "" {
		t.Fatalf("dee's member: %q %v", deeID, err)
	}
	again := invitations.Registered{Store: &store.Invitations{Store: c.st}}
	if err := again.OnMemberRegistered(context.Background(), eventtypes.MemberRegistered{Meta: eventtypes.NewMeta(time.Now()), MemberID: deeID, Email: "dee@example.com"}); err != nil {
		t.Fatal(err)
	}
	if inv, _ := c.st.Invitations().GetInvitation(context.Background(), dee.ID); inv.Uses != 1 {
		t.Fatalf("a repeated registration event spent it again: %+v", inv)
	}
	svc := &metrics.Service{Store: c.st, Values: c.st, Now: time.Now}
	if n, err := svc.Store.Counter(context.Background(), metrics.InvitationsAccepted, metrics.Day(time.Now())); err != nil || n != 1 {
		t.Fatalf("invitations accepted today: %d %v", n, err)
	}
}
