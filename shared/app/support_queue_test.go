package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"tribune/shared/policy"
	"tribune/shared/tickets"
)

// queueIDs reads the agents' queue with a query and returns the ticket ids and the raw
// answer.
func (c *community) queueIDs(agent *http.Client, query string) ([]string, string) {
	c.t.Helper()
	var q tickets.Page
	status, raw := c.call(agent, "GET", "/api/support/queue"+query, "", &q)
	if status != 200 {
		c.t.Fatalf("queue%s: %d %s", query, status, raw)
	}
	ids := make([]string, 0, len(q.Tickets))
	for _, t := range q.Tickets {
		ids = append(ids, t.ID)
	}
	return ids, raw
}

// A solved ticket has nothing due: no list answers a due time for it (never Go's zero
// time, "0001-01-01T00:00:00Z", which the page showed as "due 1 January 1").
func TestATicketWithNothingDueHasNoDueTime(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	sam := c.as("sam", policy.RoleSupport)
	cara := c.as("cara")
	acme := c.customerSpace(admin, "Acme", "m_cara")
	c.join(cara, acme.ID)
	working := c.ticket(cara, acme.ID, `{"subject":"Sync is down","product":"General","severity":"high","body":"Since 9:00."}`)
	solved := c.ticket(cara, acme.ID, `{"subject":"Export fails","product":"General","severity":"low","body":"Every time."}`)
	if status, body := c.call(sam, "POST", "/api/tickets/"+solved.ID+"/status", `{"status":"solved"}`, nil); status != 200 {
		t.Fatalf("solve: %d %s", status, body)
	}

	type reader struct {
		name   string
		client *http.Client
	}
	for _, path := range []string{"/api/support/queue?status=solved", "/api/support/queue?status=all", "/api/spaces/" + acme.ID + "/tickets"} {
		readers := []reader{{"sam", sam}}
		if strings.HasPrefix(path, "/api/spaces/") {
			readers = append(readers, reader{"cara", cara})
		}
		for _, who := range readers {
			status, raw := c.call(who.client, "GET", path, "", nil)
			if status != 200 {
				t.Errorf("%s as %s: %d %s", path, who.name, status, raw)
				continue
			}
			if strings.Contains(raw, "0001-01-01") {
				t.Errorf("%s as %s answers Go's zero time: %s", path, who.name, raw)
			}
			var page struct {
				Tickets []map[string]json.RawMessage `json:"tickets"`
			}
			if err := json.Unmarshal([]byte(raw), &page); err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, tk := range page.Tickets {
				var id string
				_ = json.Unmarshal(tk["id"], &id)
				seen[id] = true
				_, has := tk["nextDue"]
				switch id {
				case solved.ID:
					if has {
						t.Errorf("%s as %s: the solved ticket carries nextDue %s", path, who.name, tk["nextDue"])
					}
				case working.ID:
					if !has {
						t.Errorf("%s as %s: the working ticket carries no nextDue", path, who.name)
					}
				}
			}
			if !seen[solved.ID] {
				t.Errorf("%s as %s does not list the solved ticket: %s", path, who.name, raw)
			}
		}
	}
	// The ticket itself answers no zero time either.
	if status, raw := c.call(sam, "GET", "/api/tickets/"+solved.ID, "", nil); status != 200 || strings.Contains(raw, "0001-01-01") {
		t.Errorf("the solved ticket: %d %s", status, raw)
	}
}

// The queue's default lists the tickets that still need work (new, open, pending
// customer, on hold); solved tickets show with status=all or status=solved.
func TestSupportQueueDefaultListsOnlyUnsolvedTickets(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	sam := c.as("sam", policy.RoleSupport)
	cara := c.as("cara")
	acme := c.customerSpace(admin, "Acme", "m_cara")
	c.join(cara, acme.ID)
	byStatus := map[string]string{}
	for i, st := range []string{tickets.StatusNew, tickets.StatusOpen, tickets.StatusPendingCustomer, tickets.StatusOnHold, tickets.StatusSolved, tickets.StatusClosed} {
		tk := c.ticket(sam, acme.ID, fmt.Sprintf(`{"subject":"Ticket %d","product":"General","severity":"normal","body":"About %s."}`, i, st))
		steps := map[string][]string{tickets.StatusOpen: {"open"}, tickets.StatusPendingCustomer: {"pending_customer"},
			tickets.StatusOnHold: {"on_hold"}, tickets.StatusSolved: {"solved"}, tickets.StatusClosed: {"solved", "closed"}}[st]
		for _, to := range steps {
			if status, body := c.call(sam, "POST", "/api/tickets/"+tk.ID+"/status", fmt.Sprintf(`{"status":%q}`, to), nil); status != 200 {
				t.Fatalf("move to %s: %d %s", to, status, body)
			}
		}
		byStatus[st] = tk.ID
	}
	want := func(statuses ...string) []string {
		var ids []string
		for _, st := range statuses {
			ids = append(ids, byStatus[st])
		}
		return ids
	}
	unsolved := want(tickets.StatusNew, tickets.StatusOpen, tickets.StatusPendingCustomer, tickets.StatusOnHold)
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"", unsolved},
		{"?status=", unsolved},
		{"?status=all", want(tickets.StatusNew, tickets.StatusOpen, tickets.StatusPendingCustomer, tickets.StatusOnHold, tickets.StatusSolved)},
		{"?status=solved", want(tickets.StatusSolved)},
		{"?status=on_hold", want(tickets.StatusOnHold)},
		{"?status=all&severity=urgent", nil},
	} {
		got, raw := c.queueIDs(sam, tc.query)
		if !slices.Equal(got, tc.want) {
			t.Errorf("queue%s: %v, want %v (%s)", tc.query, got, tc.want, raw)
		}
	}
	for _, bad := range []string{"?status=closed", "?status=unknown", "?status=ALL"} {
		if status, body := c.call(sam, "GET", "/api/support/queue"+bad, "", nil); status != 400 || !strings.Contains(body, "invalid_status") {
			t.Errorf("queue%s: %d %s, want 400 invalid_status", bad, status, body)
		}
	}
}

// The default (unsolved) fills its page past the solved tickets queued before: one read
// of the queue's first 50 entries could hold solved tickets only.
func TestSupportQueueDefaultPageSkipsManySolvedTickets(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	sam := c.as("sam", policy.RoleSupport)
	acme := c.customerSpace(admin, "Acme")
	solvedCount := tickets.QueuePage + 5
	for i := range solvedCount {
		tk := c.ticket(sam, acme.ID, fmt.Sprintf(`{"subject":"Done %d","product":"General","severity":"low","body":"x"}`, i))
		if status, body := c.call(sam, "POST", "/api/tickets/"+tk.ID+"/status", `{"status":"solved"}`, nil); status != 200 {
			t.Fatalf("solve: %d %s", status, body)
		}
	}
	waiting := c.ticket(sam, acme.ID, `{"subject":"Still down","product":"General","severity":"urgent","body":"x"}`)
	got, raw := c.queueIDs(sam, "")
	if !slices.Equal(got, []string{waiting.ID}) {
		t.Fatalf("default queue after %d solved tickets: %v, want [%s] (%s)", solvedCount, got, waiting.ID, raw)
	}
	// status=all pages through everything, each ticket once.
	seen := map[string]bool{}
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("status=all does not end")
		}
		var q tickets.Page
		if status, body := c.call(sam, "GET", "/api/support/queue?status=all&cursor="+cursor, "", &q); status != 200 {
			t.Fatalf("status=all: %d %s", status, body)
		}
		if len(q.Tickets) > tickets.QueuePage {
			t.Fatalf("a page of %d", len(q.Tickets))
		}
		for _, tk := range q.Tickets {
			if seen[tk.ID] {
				t.Fatalf("%s listed twice", tk.ID)
			}
			seen[tk.ID] = true
		}
		if cursor = q.Next; cursor == "" {
			break
		}
	}
	if len(seen) != solvedCount+1 {
		t.Fatalf("status=all listed %d tickets, want %d", len(seen), solvedCount+1)
	}
}
