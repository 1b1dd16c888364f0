package app_test

import (
	"fmt"
	"strings"
	"testing"

	"tribune/shared/audit"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
	"tribune/shared/tickets"
)

// Kind 5 of issue 9, staff pages: every answer that names a space, post or member
// checks the caller's access to it now, and shows the content as it is now.

// The moderation queue shows reported content as it is: an edit that took a password
// out leaves it nowhere in the queue; a move shows the new space.
func TestModerationQueueShowsReportedContentAsItIsNow(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	mod := c.as("mia", policy.RoleModerator)
	ann, bob := c.as("ann"), c.as("bob")
	sp, other := c.space(mod, "General", spaces.Public), c.space(mod, "Elsewhere", spaces.Public)
	c.join(ann, sp.ID)
	c.join(bob, sp.ID)
	const password = "queue-canary-51d0"
	p := c.post(ann, sp.ID, fmt.Sprintf(`{"kind":"discussion","title":"Creds","body":"root / %s"}`, password))
	var cm posts.Comment
	c.call(ann, "POST", "/api/posts/"+p.ID+"/comments", fmt.Sprintf(`{"body":"also %s"}`, password), &cm)
	c.call(bob, "POST", "/api/posts/"+p.ID+"/report", `{"reason":"inappropriate"}`, nil)
	c.call(bob, "POST", "/api/posts/"+p.ID+"/report", fmt.Sprintf(`{"reason":"inappropriate","commentId":%q}`, cm.ID), nil)
	c.call(ann, "PATCH", "/api/posts/"+p.ID, `{"title":"Creds","body":"ask the vault"}`, nil)
	c.call(ann, "PATCH", "/api/posts/"+p.ID+"/comments/"+cm.ID, `{"body":"also in the vault"}`, nil)
	c.call(mod, "POST", "/api/posts/"+p.ID+"/move", fmt.Sprintf(`{"spaceId":%q}`, other.ID), nil)
	var q posts.Queue
	if status, body := c.call(mod, "GET", "/api/moderation/queue", "", &q); status != 200 || len(q.Items) != 2 {
		t.Fatalf("queue: %d %s", status, body)
	}
	for _, it := range q.Items {
		if strings.Contains(it.Title+it.Excerpt, password) || it.SpaceName != "Elsewhere" {
			t.Fatalf("a queue item as reported, not as it is: %+v", it)
		}
	}
	// A deleted comment leaves the page, even before anyone dismisses it.
	c.call(ann, "DELETE", "/api/posts/"+p.ID+"/comments/"+cm.ID, "", nil)
	if c.call(mod, "GET", "/api/moderation/queue", "", &q); len(q.Items) != 1 || q.Items[0].CommentID != "" {
		t.Fatalf("queue after deleting the comment: %+v", q.Items)
	}
}

// The audit log is read by every staff role; what it says about a post is only for those
// who may read and moderate it now (round 2: a marketer moderates nothing, so reads
// every entry redacted; the full rules: TestModerationLogShowsOnlyWhatTheReaderMayReadAndModerate).
func TestAuditLogNamesOnlyWhatTheReaderMayRead(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	mark := c.as("mark", policy.RoleMarketer)
	ann := c.as("ann")
	board := c.hiddenSpace(admin, "Board", ann)
	open := c.space(admin, "Open", spaces.Public)
	secret := c.post(ann, board.ID, `{"kind":"discussion","title":"Layoffs","body":"x"}`)
	public := c.post(admin, open.ID, `{"kind":"discussion","title":"Hello","body":"x"}`)
	c.call(admin, "POST", "/api/posts/"+secret.ID+"/lock", `{"reason":"Layoffs are confidential"}`, nil)
	c.call(admin, "POST", "/api/posts/"+public.ID+"/lock", `{"reason":"Enough said"}`, nil)
	// Moving a post out of the board names the board in the reason.
	moved := c.post(ann, board.ID, `{"kind":"discussion","title":"Moved out","body":"x"}`)
	c.call(admin, "POST", "/api/posts/"+moved.ID+"/move", fmt.Sprintf(`{"spaceId":%q,"reason":"wrong place"}`, open.ID), nil)

	var log audit.Page
	if status, body := c.call(mark, "GET", "/api/moderation/audit", "", &log); status != 200 {
		t.Fatalf("audit: %d %s", status, body)
	}
	raw := fmt.Sprintf("%+v", log.Entries)
	for _, leak := range []string{secret.ID, "Layoffs", "Board"} {
		if strings.Contains(raw, leak) {
			t.Fatalf("a marketer's audit log names %q: %s", leak, raw)
		}
	}
	if strings.Contains(raw, public.ID) || strings.Contains(raw, "Enough said") {
		t.Fatalf("a marketer, who moderates nothing, reads a moderation entry in full: %s", raw)
	}
	if len(log.Entries) != 3 {
		t.Fatalf("entries: %d, want 3 (none dropped, all redacted)", len(log.Entries))
	}
	// A community moderator moderates the open space: its entry in full.
	moe := c.as("moe", policy.RoleModerator)
	c.call(moe, "GET", "/api/moderation/audit", "", &log)
	if raw := fmt.Sprintf("%+v", log.Entries); !strings.Contains(raw, public.ID) || !strings.Contains(raw, "Enough said") {
		t.Fatalf("a moderator's audit log: %s", raw)
	}
	// Admins moderate everything: nothing redacted.
	c.call(admin, "GET", "/api/moderation/audit", "", &log)
	if raw := fmt.Sprintf("%+v", log.Entries); !strings.Contains(raw, secret.ID) || !strings.Contains(raw, "Board") {
		t.Fatalf("an admin's audit log: %s", raw)
	}
}

// A ticket made from a question names the question only to those who may read it.
func TestTicketNamesItsQuestionOnlyToThoseWhoMayReadIt(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	cara, colleague := c.as("cara"), c.as("carl")
	acme := c.customerSpace(admin, "Acme", "m_cara", "m_carl")
	c.join(cara, acme.ID)
	c.join(colleague, acme.ID)
	club := c.hiddenSpace(admin, "Beta club", cara)
	q := c.post(cara, club.ID, `{"kind":"question","title":"Beta export","body":"It fails."}`)
	var tk tickets.Ticket
	body := fmt.Sprintf(`{"spaceId":%q,"product":"General","severity":"normal"}`, acme.ID)
	// An admin works tickets and reads every space.
	if status, raw := c.call(admin, "POST", "/api/posts/"+q.ID+"/ticket", body, &tk); status != 201 {
		t.Fatalf("from the question: %d %s", status, raw)
	}
	var view tickets.View
	if c.call(cara, "GET", "/api/tickets/"+tk.ID, "", &view); view.Ticket.QuestionID != q.ID {
		t.Fatalf("the asker's view: %+v", view.Ticket)
	}
	view = tickets.View{}
	if status, _ := c.call(colleague, "GET", "/api/tickets/"+tk.ID, "", &view); status != 200 || view.Ticket.QuestionID != "" {
		t.Fatalf("a colleague outside the club is told the question: %d %+v", status, view.Ticket.QuestionID)
	}
}
