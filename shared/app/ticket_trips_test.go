package app_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"tribune/shared/auth"
	"tribune/shared/policy"
)

// tripsOfCall counts the DynamoDB calls of one request by a member, on a client of its
// own (the event path works on the same table meanwhile), and fails unless it answers
// want.
func (c *community) tripsOfCall(memberID, method, path, body string, want int) int64 {
	c.t.Helper()
	h, trips := c.countingHandler()
	cookie := cookieFor(c.t, c.st, memberID)
	trips.Reset()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: cookie})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != want {
		c.t.Fatalf("%s %s: %d %s", method, path, w.Code, w.Body.String())
	}
	return trips.Count()
}

// Issue 11: a ticket's page and a reply to it cost a stated number of DynamoDB calls,
// for the customer and for an agent (before issue 11: 4 and 10).
//   - The page: the session check, one query of the ticket's partition (the ticket and
//     its replies), the space and the caller's membership together (access): 3.
//   - A reply: the session check (which brings the caller's member item, for the
//     reply's author name), the ticket, access, the transaction, the replies read again
//     for the answer, the answer kept for a repeat: 6; one more (the support settings,
//     for the auto-close time) when the reply also moves the ticket.
//
// A text that mentions someone adds one read of the names, on both.
func TestTicketViewAndReplyWithinTheirRoundTripBudgets(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	c.as("sam", policy.RoleSupport)
	cara := c.as("cara")
	acme := c.customerSpace(admin, "Acme", "m_cara")
	c.join(cara, acme.ID)
	tk := c.ticket(cara, acme.ID, `{"subject":"Sync is down","product":"General","severity":"high","body":"Since **9:00**."}`)
	for _, step := range []struct {
		who, method, path, body string
		budget                  int64
	}{
		{"m_cara", "GET", "/api/tickets/" + tk.ID, "", 3},
		{"m_sam", "GET", "/api/tickets/" + tk.ID, "", 3},
		{"m_cara", "POST", "/api/tickets/" + tk.ID + "/replies", `{"body":"Still down."}`, 6},
		{"m_sam", "POST", "/api/tickets/" + tk.ID + "/replies", `{"body":"Looking."}`, 6},
		{"m_sam", "POST", "/api/tickets/" + tk.ID + "/replies", `{"body":"A note.","internal":true}`, 6},
		{"m_sam", "POST", "/api/tickets/" + tk.ID + "/replies", `{"body":"Fixed.","status":"solved"}`, 7},
		{"m_cara", "GET", "/api/tickets/" + tk.ID, "", 3},
	} {
		if n := c.tripsOfCall(step.who, step.method, step.path, step.body, 200); n != step.budget {
			t.Errorf("%s %s by %s: %d DynamoDB calls, want %d", step.method, step.path, step.who, n, step.budget)
		}
	}
	// The answers are what they were: the customer sees the public replies, not the note.
	var view struct {
		Ticket  struct{ Status string }
		Replies []struct{ Body string }
	}
	c.call(cara, "GET", "/api/tickets/"+tk.ID, "", &view)
	if view.Ticket.Status != "solved" || len(view.Replies) != 4 || view.Replies[3].Body != "Fixed." {
		t.Fatalf("the customer's view after the replies: %+v", view)
	}
}
