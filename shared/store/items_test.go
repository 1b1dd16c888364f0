package store

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"

	"tribune/shared/invitations"
	"tribune/shared/spaces"
	"tribune/shared/tickets"
)

// Issue 11: items are the store's own types, converted explicitly to and from the
// domain's. Their attribute names are the stored data's: these lists are the names
// the items had when they embedded the domain types, so renaming a domain field (or
// an item's) fails here before it could strand stored data.
func TestItemAttributeNamesStay(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	tk := tickets.Ticket{ID: "t_1", Number: 1001, SpaceID: "s_1", SpaceName: "Acme", Subject: "Down", Product: "General",
		Severity: "high", Body: "b", HTML: "<p>b</p>", Status: "open", RequesterID: "m_1", RequesterName: "Cara",
		AssigneeID: "m_2", AssigneeName: "Sam", Attachments: []tickets.Attachment{{Key: "k", Name: "n", ContentType: "image/png", Size: 3}},
		CreatedAt: now, UpdatedAt: now, FirstResponseDue: now, ResolutionDue: now, FirstResponseAt: &now, SolvedAt: &now,
		FirstResponseBreach: true, ResolutionBreach: true, AutoCloseAt: &now, Rating: &tickets.Rating{Good: true, Comment: "c", At: now},
		QuestionID: "p_1", RequesterDeleted: true, AssigneeDeleted: true, Mentions: map[string]string{"m_3": "Ann"}}
	r := tickets.Reply{ID: "r_1", TicketID: "t_1", Body: "b", HTML: "h", AuthorID: "m_1", AuthorName: "Cara", Internal: true,
		Automatic: true, FromAgent: true, Attachments: tk.Attachments, CreatedAt: now, AuthorDeleted: true, Mentions: tk.Mentions}
	space := spaces.Space{ID: "s_1", Name: "Acme", Description: "d", Icon: "i", Visibility: spaces.Closed, Kind: spaces.KindCustomer,
		CreatedBy: "m_1", CreatedAt: now, Members: 3}
	sp := newSpaceItem(space)
	m := spaces.Membership{SpaceID: "s_1", MemberID: "m_1", Role: "member", Status: "active", JoinedAt: now, MemberName: "Cara",
		InvitedBy: "m_2", ApprovedBy: "m_3", DeclinedBy: "m_4", DeclinedAt: now, SpaceName: "Acme", SpaceVisibility: spaces.Closed, ByRole: true}
	membership := []string{"SpaceID", "MemberID", "Role", "Status", "JoinedAt", "MemberName", "InvitedBy", "ApprovedBy", "DeclinedBy",
		"DeclinedAt", "SpaceName", "SpaceVisibility", "ByRole"}
	for _, c := range []struct {
		name  string
		item  any
		names []string
	}{
		{"ticket", newTicketItem(ticketPK(tk.ID), skTicket, typeTicket, tk), []string{"PK", "SK", "Type", "ID", "Number", "SpaceID",
			"SpaceName", "Subject", "Product", "Severity", "Body", "HTML", "Status", "RequesterID", "RequesterName", "AssigneeID",
			"AssigneeName", "Attachments", "CreatedAt", "UpdatedAt", "FirstResponseDue", "ResolutionDue", "FirstResponseAt", "SolvedAt",
			"FirstResponseBreach", "ResolutionBreach", "AutoCloseAt", "Rating", "QuestionID", "RequesterDeleted", "AssigneeDeleted", "Mentions"}},
		{"reply", newTicketReplyItem(r), []string{"PK", "SK", "Type", "ID", "TicketID", "Body", "HTML", "AuthorID", "AuthorName",
			"Internal", "Automatic", "FromAgent", "Attachments", "CreatedAt", "AuthorDeleted", "Mentions"}},
		{"ticket list entry", newTicketListItem(tk, now), []string{"PK", "SK", "Type", "ID", "Number", "SpaceID", "SpaceName", "Subject",
			"Severity", "Status", "RequesterName", "AssigneeID", "AssigneeName", "CreatedAt", "UpdatedAt", "NextDue", "Breached", "Soon",
			"RequesterDeleted", "AssigneeDeleted"}},
		{"attachment", attachmentItems(tk.Attachments)[0], []string{"Key", "Name", "ContentType", "Size"}},
		{"rating", *newTicketItem("", "", "", tk).Rating, []string{"Good", "Comment", "At"}},
		{"support settings", newSupportSettingsItem(tickets.DefaultSettings), []string{"PK", "SK", "Type", "Products", "Targets", "AutoCloseDays"}},
		{"targets", targetsItem{}, []string{"FirstResponseMinutes", "ResolutionMinutes"}},
		{"space", sp, []string{"PK", "SK", "Type", "GSI1PK", "GSI1SK", "ID", "Name", "Description", "Icon", "Visibility", "Kind",
			"CreatedBy", "CreatedAt", "Members"}},
		{"space membership", newSpaceMemberItem(m), append([]string{"PK", "SK", "Type", "GSI1PK", "GSI1SK"}, membership...)},
		{"declined request", declinedItem{membershipAttrs: newMembershipAttrs(m)}, append([]string{"PK", "SK", "Type", "ExpiresAt"}, membership...)},
		{"invitee claim", newInviteeClaimItem(invitations.Invitation{ID: "i_1", Email: "a@example.com"}, now),
			[]string{"PK", "SK", "Type", "InvitationID", "ExpiresAt"}},
	} {
		av, err := attributevalue.MarshalMap(c.item)
		if err != nil {
			t.Fatal(err)
		}
		got := slices.Sorted(maps.Keys(av))
		want := slices.Sorted(slices.Values(c.names))
		if !slices.Equal(got, want) {
			t.Errorf("%s item attributes: %v, want %v", c.name, got, want)
		}
	}
	// And back: the conversions lose nothing.
	if back := newTicketItem("", "", "", tk).ticket(); !equalJSON(t, back, tk) {
		t.Errorf("ticket round trip: %+v", back)
	}
	if back := newTicketReplyItem(r).reply(); !equalJSON(t, back, r) {
		t.Errorf("reply round trip: %+v", back)
	}
	if back := newTicketListItem(tk, now).summary(); !equalJSON(t, back, tk.Summary(now)) {
		t.Errorf("summary round trip: %+v", back)
	}
	if back := sp.space(); !equalJSON(t, back, space) {
		t.Errorf("space round trip: %+v", back)
	}
	if back := newMembershipAttrs(m).membership(); back != m {
		t.Errorf("membership round trip: %+v", back)
	}
	if back := newSupportSettingsItem(tickets.DefaultSettings).settings(); !equalJSON(t, back, tickets.DefaultSettings) {
		t.Errorf("settings round trip: %+v", back)
	}
}

func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	x, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	y, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(x) == string(y)
}
