package app_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"tribune/shared/bus"
	"tribune/shared/eventtypes"
	"tribune/shared/notifications"
	"tribune/shared/policy"
	"tribune/shared/tickets"
)

// ticketView reads a ticket as who sees it.
func (c *community) ticketView(who *http.Client, id string) tickets.Ticket {
	c.t.Helper()
	var v tickets.View
	if status, body := c.call(who, "GET", "/api/tickets/"+id, "", &v); status != 200 {
		c.t.Fatalf("ticket: %d %s", status, body)
	}
	return v.Ticket
}

// The tester's example: an agent took a ticket, then lost the support role; the
// customer replied, solved, reopened, an urgent target was missed, and nobody was told
// (the ex-agent is rightly filtered out, with no fallback), the ticket staying assigned to
// a non-agent. Losing the role (or the account) now takes the member off their tickets
// (a consumer of member.roles_changed; the erasure for a deleted account), and until
// then any ticket news meant for an assignee who is no longer an agent goes to every
// agent, as for an unassigned ticket.
func TestTicketsOfAnAgentWhoLostTheRoleGoBackToEveryAgent(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	sam, sue := c.as("sam", policy.RoleSupport), c.as("sue", policy.RoleSupport)
	dan := c.as("dan", policy.RoleSupport)
	cara := c.as("cara")
	acme := c.customerSpace(admin, "Acme", "m_cara")
	c.join(cara, acme.ID)
	tk := c.ticket(cara, acme.ID, `{"subject":"Down","product":"General","severity":"urgent","body":"All down."}`)
	other := c.ticket(cara, acme.ID, `{"subject":"Slow","product":"General","severity":"low","body":"Slow."}`)
	if status, body := c.call(sam, "POST", "/api/tickets/"+tk.ID+"/assign", `{"assigneeId":"m_sam"}`, nil); status != 200 {
		t.Fatalf("assign: %d %s", status, body)
	}
	if status, body := c.call(dan, "POST", "/api/tickets/"+other.ID+"/assign", `{"assigneeId":"m_dan"}`, nil); status != 200 {
		t.Fatalf("assign: %d %s", status, body)
	}
	c.settledItems()
	before := c.countKind("m_sue", notifications.KindTicketReply)

	// News meant for sam, delivered after he lost the role and before his tickets were
	// unassigned (as the sweeper or a reply published it), reaches the other agents.
	if status, body := c.call(admin, "PUT", "/api/members/m_sam/roles", `{"roles":["member"]}`, nil); status != 200 {
		t.Fatalf("roles: %d %s", status, body)
	}
	c.deliver(bus.ConsumerNotifications, eventtypes.TicketRepliedType, &eventtypes.TicketReplied{TicketID: tk.ID, Number: tk.Number,
		SpaceID: acme.ID, Subject: tk.Subject, ReplyID: "r_late", AuthorID: "m_cara", AuthorName: "cara", RequesterID: "m_cara",
		AssigneeID: "m_sam", Excerpt: "Still down"})
	c.deliver(bus.ConsumerNotifications, eventtypes.TicketSLABreachedType, &eventtypes.TicketSLABreached{TicketID: tk.ID, Number: tk.Number,
		SpaceID: acme.ID, Subject: tk.Subject, Severity: "urgent", Target: "first_response", Due: time.Now(), AssigneeID: "m_sam"})
	if n := c.countKind("m_sue", notifications.KindTicketReply); n != before+1 {
		t.Fatalf("a reply meant for an ex-agent: sue was told %d times, want 1", n-before)
	}
	if n := c.countKind("m_sue", notifications.KindTicketBreached); n != 1 {
		t.Fatalf("a missed target of an ex-agent's ticket: sue was told %d times, want 1", n)
	}

	// The role change takes sam off the ticket: the queue shows it unassigned.
	waitFor(t, "sam's ticket unassigned", func() bool { return c.ticketView(admin, tk.ID).AssigneeID == "" })
	var queue tickets.Page
	c.call(sue, "GET", "/api/support/queue?assignee=m_sam", "", &queue)
	if len(queue.Tickets) != 0 {
		t.Fatalf("the queue still shows tickets of sam: %+v", queue.Tickets)
	}
	if got := c.ticketView(admin, other.ID); got.AssigneeID != "m_dan" {
		t.Fatalf("dan's ticket was touched: %+v", got)
	}

	// The customer replies, solves, reopens: every agent hears of it, sam of nothing.
	if status, body := c.call(cara, "POST", "/api/tickets/"+tk.ID+"/replies", `{"body":"Still down?"}`, nil); status != 200 && status != 201 {
		t.Fatalf("reply: %d %s", status, body)
	}
	for _, st := range []string{tickets.StatusSolved, tickets.StatusOpen} {
		if status, body := c.call(cara, "POST", "/api/tickets/"+tk.ID+"/status", `{"status":"`+st+`"}`, nil); status != 200 {
			t.Fatalf("status %s: %d %s", st, status, body)
		}
	}
	for _, who := range []string{"m_sue", "m_ada", "m_dan"} {
		if c.countKind(who, notifications.KindTicketReply) < 1 || c.countKind(who, notifications.KindTicketReopened) != 1 {
			t.Fatalf("%s was not told of the reply and the reopening: %v", who, c.notificationsOf(who))
		}
	}
	for _, n := range c.notificationsOf("m_sam") {
		if n.Kind != notifications.KindTicketOpened && n.Kind != notifications.KindTicketAssigned {
			t.Fatalf("sam, no longer an agent, was told %s", n.Kind)
		}
	}

	// Giving the same roles again publishes nothing; an agent who deletes their account
	// leaves their tickets unassigned too.
	c.call(admin, "PUT", "/api/members/m_sam/roles", `{"roles":["member"]}`, nil)
	if n := c.countEvents(eventtypes.MemberRolesChangedType, map[string]string{"memberId": "m_sam"}); n != 1 {
		t.Fatalf("%d member.roles_changed events for one change asked twice", n)
	}
	if status, body := c.call(dan, "POST", "/api/me/delete", `{"confirm":true}`, nil); status != 204 {
		t.Fatalf("delete: %d %s", status, body)
	}
	waitFor(t, "the deleted agent's ticket unassigned", func() bool { return c.ticketView(admin, other.ID).AssigneeID == "" })
}

// The tester's example: a first-week member opened 16 tickets at once, all accepted,
// each emailing every agent. Opening tickets has brakes like posting's: 3 an hour in a
// member's first week, 10 an hour after; refused ones write nothing and take no number;
// support agents are exempt.
func TestOpeningTicketsHasARateLimit(t *testing.T) {
	t.Parallel()
	inAFreshWindow(tickets.LimitNewTickets.Window, 2*time.Minute)
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	sam := c.as("sam", policy.RoleSupport)
	newbie := newMemberSince(t, c.st, "newbie", []string{policy.RoleMember}, time.Now().Add(-2*24*time.Hour))
	cara := c.as("cara")
	acme := c.customerSpace(admin, "Acme", newbie, "m_cara")
	nb := c.browserWith(cookieFor(t, c.st, newbie))
	c.join(nb, acme.ID)
	c.join(cara, acme.ID)
	const ticket = `{"subject":"Help","product":"General","severity":"low","body":"Please."}`

	// Sixteen different tickets (the same one sixteen times is one ticket: repeats_test.go).
	got := map[int]int{}
	var mu sync.Mutex
	concurrently(t, 16, func(i int) {
		status, _ := c.call(nb, "POST", "/api/spaces/"+acme.ID+"/tickets", fmt.Sprintf(`{"subject":"Help %d","product":"General","severity":"low","body":"Please."}`, i), nil)
		mu.Lock()
		got[status]++
		mu.Unlock()
	})
	if got[201] != 3 || got[429] != 13 {
		t.Fatalf("16 tickets at once by a first-week member: %v, want 3 × 201 and 13 × 429", got)
	}
	status, body := c.call(nb, "POST", "/api/spaces/"+acme.ID+"/tickets", ticket, nil)
	if status != 429 || problemOf(body) != "tickets_too_fast" {
		t.Fatalf("one more: %d %s", status, body)
	}
	// The notices come through the event path: wait until it is done.
	c.settledItems()
	if n := c.countKind("m_sam", notifications.KindTicketOpened); n != 3 {
		t.Fatalf("the agent was told of %d tickets, want 3", n)
	}
	// A member of longer standing: 10 an hour; numbers have no gap.
	for i := range 10 {
		if tk := c.ticket(cara, acme.ID, fmt.Sprintf(`{"subject":"Help %d","product":"General","severity":"low","body":"Please."}`, i)); tk.Number != int64(1004+i) {
			t.Fatalf("ticket %d has number %d", i, tk.Number)
		}
	}
	if status, body := c.call(cara, "POST", "/api/spaces/"+acme.ID+"/tickets", ticket, nil); status != 429 || problemOf(body) != "tickets_too_fast" {
		t.Fatalf("an 11th ticket in the hour: %d %s", status, body)
	}
	// Agents open tickets for customers without brakes.
	for i := range 12 {
		c.ticket(sam, acme.ID, fmt.Sprintf(`{"subject":"For a customer %d","product":"General","severity":"low","body":"Please."}`, i))
	}
}
