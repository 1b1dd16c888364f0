package app_test

import (
	"strings"
	"testing"
)

// A refused ticket reply and a refused directory page say what is wrong with what was
// sent, in their own words and field (findings of 2026-11-30, 8): a reply's text is no
// ticket description, a customer's reply with a status is no internal note, a bad limit
// is no bad name.
func TestTicketRepliesAndDirectoryPagesAreRefusedInTheirOwnWords(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	_, sam, cara, acme := c.supportDesk()
	tk := c.ticket(cara, acme.ID, `{"subject":"Down","product":"General","severity":"high","body":"x"}`)
	for _, tc := range []struct {
		what, body, code, field, words string
		status                         int
	}{
		{"a blank reply", `{"body":"   "}`, "invalid_reply_body", "body", "reply", 400},
		{"an empty reply", `{"body":""}`, "invalid_reply_body", "body", "reply", 400},
		{"a reply too long", `{"body":"` + strings.Repeat("x", 20001) + `"}`, "invalid_reply_body", "body", "reply", 400},
		{"a customer's reply with a status", `{"body":"done","status":"solved"}`, "reply_status_agents_only", "", "status", 403},
		{"a customer's internal note", `{"body":"psst","internal":true}`, "internal_notes_agents_only", "", "internal notes", 403},
	} {
		status, body := c.call(cara, "POST", "/api/tickets/"+tk.ID+"/replies", tc.body, nil)
		code, field := problemAndField(t, body)
		if status != tc.status || code != tc.code || field != tc.field || !strings.Contains(body, tc.words) || strings.Contains(body, "Describe the problem") {
			t.Errorf("%s: %d %s", tc.what, status, body)
		}
	}
	// The agent's reply with a status still moves the ticket.
	if status, body := c.call(sam, "POST", "/api/tickets/"+tk.ID+"/replies", `{"body":"Waiting on you","status":"pending_customer"}`, nil); status != 200 {
		t.Fatalf("an agent's reply with a status: %d %s", status, body)
	}
	for _, limit := range []string{"0", "abc", "51", "-1"} {
		status, body := c.call(cara, "GET", "/api/members?limit="+limit, "", nil)
		code, field := problemAndField(t, body)
		if status != 400 || code != "invalid_directory_limit" || field != "limit" || !strings.Contains(body, "1 to 50") {
			t.Errorf("limit=%s: %d %s", limit, status, body)
		}
	}
	if status, _ := c.call(cara, "GET", "/api/members?limit=50", "", nil); status != 200 {
		t.Fatalf("a page of 50: %d", status)
	}
}
