package app_test

import (
	"fmt"
	"net/http"
	"sort"
	"sync"
	"testing"

	"tribune/shared/eventtypes"
	"tribune/shared/notifications"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
	"tribune/shared/tickets"
)

// The example: eight simultaneous joins of the same member raised the count by
// up to four, and leaving left it too high. Every way in and out of a space counts
// once, however often and however simultaneously it is asked.
func TestSpaceMembershipCountsOnceUnderRepeatsAndRaces(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	ann, bob, carl, dave := c.as("ann"), c.as("bob"), c.as("carl"), c.as("dave")
	public, closed, hidden := c.space(admin, "Lobby", spaces.Public), c.space(admin, "Club", spaces.Closed), c.space(admin, "Board", spaces.Hidden)

	// Join a public space: 8 at once, then once more.
	if got := c.statuses(8, ann, "POST", "/api/spaces/"+public.ID+"/join", ""); got[200] != 8 {
		t.Fatalf("joins: %v", got)
	}
	c.join(ann, public.ID)
	if n := c.members(admin, public.ID); n != 2 {
		t.Fatalf("after 9 joins of one member: %d members, want 2", n)
	}
	// Leave: 8 at once, then once more.
	if got := c.statuses(8, ann, "POST", "/api/spaces/"+public.ID+"/leave", ""); got[204] != 8 {
		t.Fatalf("leaves: %v", got)
	}
	c.call(ann, "POST", "/api/spaces/"+public.ID+"/leave", "", nil)
	if n := c.members(admin, public.ID); n != 1 {
		t.Fatalf("after 9 leaves: %d members, want 1", n)
	}

	// A closed space: 8 requests are one; 8 approvals at once count once.
	if got := c.statuses(8, bob, "POST", "/api/spaces/"+closed.ID+"/join", ""); got[200] != 8 {
		t.Fatalf("requests: %v", got)
	}
	var reqs spaces.MembershipList
	if c.call(admin, "GET", "/api/spaces/"+closed.ID+"/requests", "", &reqs); len(reqs.Memberships) != 1 {
		t.Fatalf("requests after 8: %+v", reqs.Memberships)
	}
	// Round 4: the twins answered 404 (the request was gone). An approval repeated, or
	// its twin at the same moment, answers as the one that wrote.
	if got := c.statuses(8, admin, "POST", "/api/spaces/"+closed.ID+"/requests/m_bob/approve", ""); got[200] != 8 {
		t.Fatalf("8 approvals at once: %v, want eight 200", got)
	}
	if status, _ := c.call(admin, "POST", "/api/spaces/"+closed.ID+"/requests/m_bob/approve", "", nil); status != 200 {
		t.Fatalf("approving again: %d", status)
	}
	// Approving someone who asked nothing is still refused.
	if status, _ := c.call(admin, "POST", "/api/spaces/"+closed.ID+"/requests/m_nobody/approve", "", nil); status != 404 {
		t.Fatalf("approving no request: %d", status)
	}
	if n := c.members(admin, closed.ID); n != 2 {
		t.Fatalf("after the approvals: %d members, want 2", n)
	}

	// Invitations: 8 at once tell the member once; 8 acceptances count once.
	if got := c.statuses(8, admin, "POST", "/api/spaces/"+hidden.ID+"/invitations", `{"memberId":"m_carl"}`); got[200] != 8 {
		t.Fatalf("invitations: %v", got)
	}
	if got := c.statuses(8, carl, "POST", "/api/spaces/"+hidden.ID+"/join", ""); got[200] != 8 {
		t.Fatalf("acceptances: %v", got)
	}
	c.call(admin, "POST", "/api/spaces/"+hidden.ID+"/invitations", `{"memberId":"m_carl"}`, nil)
	if n := c.members(admin, hidden.ID); n != 2 {
		t.Fatalf("after the acceptances: %d members, want 2", n)
	}
	c.inbox(carl, notifications.KindSpaceInvite)
	if n := c.countEvents(eventtypes.SpaceInvitedType, map[string]string{"memberId": "m_carl"}); n != 1 {
		t.Fatalf("%d space.invited events for 9 invitations, want 1", n)
	}
	if n := c.countKind("m_carl", notifications.KindSpaceInvite); n != 1 {
		t.Fatalf("carl was told %d times", n)
	}

	// A role change racing a leave never brings the member back.
	for round := range 4 {
		c.join(dave, public.ID)
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			if status, body := c.call(admin, "PUT", "/api/spaces/"+public.ID+"/members/m_dave/role", `{"role":"moderator"}`, nil); status != 200 && status != 404 {
				t.Errorf("round %d: role: %d %s", round, status, body)
			}
		}()
		go func() {
			defer wg.Done()
			c.call(dave, "POST", "/api/spaces/"+public.ID+"/leave", "", nil)
		}()
		wg.Wait()
		if n := c.members(admin, public.ID); n != 1 {
			t.Fatalf("round %d: %d members after dave left, want 1", round, n)
		}
	}
}

// Votes, reactions and reports: one per member, whatever the number of requests.
func TestVotesReactionsAndReportsCountOncePerMember(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	ann, bob := c.as("ann"), c.as("bob")
	sp := c.space(admin, "Ideas", spaces.Public)
	c.join(ann, sp.ID)
	c.join(bob, sp.ID)
	idea := c.post(ann, sp.ID, `{"kind":"idea","title":"Dark mode","body":"Please."}`)
	poll := c.post(ann, sp.ID, `{"kind":"poll","title":"Lunch?","body":"","options":["Pizza","Salad"]}`)
	var cm posts.Comment
	c.call(ann, "POST", "/api/posts/"+idea.ID+"/comments", `{"body":"Yes"}`, &cm)

	if got := c.statuses(8, bob, "POST", "/api/posts/"+idea.ID+"/vote", `{}`); got[200] != 1 || got[409] != 7 {
		t.Fatalf("8 votes on an idea at once: %v", got)
	}
	if got := c.statuses(8, bob, "POST", "/api/posts/"+poll.ID+"/vote", `{"option":"o1"}`); got[200] != 1 || got[409] != 7 {
		t.Fatalf("8 votes in a poll at once: %v", got)
	}
	reactPath := "/api/posts/" + idea.ID + "/reactions/love"
	// PUT and DELETE of a reaction are idempotent (round 4: repeats answered 409, 404).
	if got := c.statuses(8, bob, "PUT", reactPath, ""); got[200] != 8 {
		t.Fatalf("8 reactions at once: %v", got)
	}
	commentReaction := "/api/posts/" + idea.ID + "/comments/" + cm.ID + "/reactions/like"
	if got := c.statuses(8, bob, "PUT", commentReaction, ""); got[200] != 8 {
		t.Fatalf("8 comment reactions at once: %v", got)
	}
	var p posts.Post
	c.call(bob, "GET", "/api/posts/"+idea.ID, "", &p)
	var pl posts.Post
	c.call(bob, "GET", "/api/posts/"+poll.ID, "", &pl)
	var thread posts.Thread
	c.call(bob, "GET", "/api/posts/"+idea.ID+"/comments", "", &thread)
	if p.Votes != 1 || pl.Tally["o1"] != 1 || p.Reactions["love"] != 1 || thread.Comments[0].Reactions["like"] != 1 {
		t.Fatalf("counts: votes %d, tally %v, reactions %v, comment reactions %v", p.Votes, pl.Tally, p.Reactions, thread.Comments[0].Reactions)
	}
	// Taking back: 8 at once take one off.
	if got := c.statuses(8, bob, "DELETE", reactPath, ""); got[200] != 8 {
		t.Fatalf("8 take-backs at once: %v", got)
	}
	if got := c.statuses(8, bob, "DELETE", commentReaction, ""); got[200] != 8 {
		t.Fatalf("8 comment take-backs at once: %v", got)
	}
	c.call(bob, "GET", "/api/posts/"+idea.ID, "", &p)
	c.call(bob, "GET", "/api/posts/"+idea.ID+"/comments", "", &thread)
	if p.Reactions["love"] != 0 || thread.Comments[0].Reactions["like"] != 0 {
		t.Fatalf("after taking back: %v %v", p.Reactions, thread.Comments[0].Reactions)
	}

	// Reports: one per member and content; the moderators are told once. The same report
	// at once is one request (round 3): every answer is the first one's.
	if got := c.statuses(8, bob, "POST", "/api/posts/"+idea.ID+"/report", `{"reason":"spam"}`); got[200]+got[409] != 8 || got[200] < 1 {
		t.Fatalf("8 reports at once: %v", got)
	}
	if status, _ := c.call(bob, "POST", "/api/posts/"+idea.ID+"/report", `{"reason":"harassment"}`, nil); status != 409 {
		t.Fatalf("another report of the same post: %d, want 409", status)
	}
	var queue posts.Queue
	if c.call(admin, "GET", "/api/moderation/queue", "", &queue); len(queue.Items) != 1 || queue.Items[0].Reports != 1 {
		t.Fatalf("queue: %+v", queue.Items)
	}
	c.inbox(admin, notifications.KindReport)

	// Deleting a comment: 8 at once take one off the count and log it once.
	if got := c.statuses(8, ann, "DELETE", "/api/posts/"+idea.ID+"/comments/"+cm.ID, ""); got[204] != 1 || got[404] != 7 {
		t.Fatalf("8 deletions of a comment at once: %v", got)
	}
	if c.call(bob, "GET", "/api/posts/"+idea.ID, "", &p); p.Comments != 0 {
		t.Fatalf("comment count after deleting the only comment: %d", p.Comments)
	}

	for _, want := range []struct {
		detailType string
		match      map[string]string
	}{
		{eventtypes.IdeaVotedType, map[string]string{"voterId": "m_bob"}},
		{eventtypes.PollVotedType, map[string]string{"voterId": "m_bob"}},
		{eventtypes.ContentReportedType, map[string]string{"reporterId": "m_bob"}},
	} {
		if n := c.countEvents(want.detailType, want.match); n != 1 {
			t.Fatalf("%d %s events, want 1", n, want.detailType)
		}
	}
	if n := c.auditEntries("comment.delete", cm.ID); n != 1 {
		t.Fatalf("%d audit entries for one deletion", n)
	}
	if n := c.countKind("m_ada", notifications.KindReport); n != 1 {
		t.Fatalf("the space's owner was told of the report %d times", n)
	}
}

// A moderator's action, repeated or sent several times at once, happens once: one
// audit entry, one event, one notification.
func TestModerationActionsHappenOnce(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin, mod := c.as("ada", policy.RoleAdmin), c.as("moe", policy.RoleModerator)
	ann, bob, carl := c.as("ann"), c.as("bob"), c.as("carl")
	sp, other := c.space(admin, "General", spaces.Public), c.space(admin, "Elsewhere", spaces.Public)
	for _, who := range []*http.Client{ann, bob, carl} {
		c.join(who, sp.ID)
	}
	q := c.post(ann, sp.ID, `{"kind":"question","title":"How?","body":"Tell me."}`)
	var answer posts.Comment
	c.call(bob, "POST", "/api/posts/"+q.ID+"/comments", `{"body":"Like this."}`, &answer)
	idea := c.post(ann, sp.ID, `{"kind":"idea","title":"Offline","body":"Please."}`)
	c.call(carl, "POST", "/api/posts/"+idea.ID+"/vote", `{}`, nil)
	c.call(carl, "POST", "/api/posts/"+q.ID+"/report", `{"reason":"spam"}`, nil)

	for _, step := range []struct {
		who          *http.Client
		path, body   string
		want         int
		audit        string
		target       string
		event        string
		eventMatch   map[string]string
		notifyMember string
		notifyKind   string
	}{
		{ann, "/api/posts/" + q.ID + "/comments/" + answer.ID + "/accept", "", 200, "", "", eventtypes.AnswerAcceptedType,
			map[string]string{"postId": q.ID}, "m_bob", notifications.KindAnswerAccepted},
		{admin, "/api/posts/" + idea.ID + "/status", `{"status":"planned"}`, 200, "", "", eventtypes.IdeaStatusChangedType,
			map[string]string{"postId": idea.ID, "to": "planned"}, "m_carl", notifications.KindIdeaStatus},
		{mod, "/api/moderation/queue/" + q.ID + "/dismiss", `{}`, 0, "report.dismiss", q.ID, "", nil, "", ""},
		{mod, "/api/posts/" + q.ID + "/lock", `{}`, 200, "post.lock", q.ID, "", nil, "", ""},
		{mod, "/api/posts/" + q.ID + "/comments/" + answer.ID + "/hide", `{"reason":"Breaks the rules."}`, 204, "comment.hide", answer.ID, "", nil, "", ""},
		{mod, "/api/posts/" + q.ID + "/hide", `{"reason":"Breaks the rules."}`, 200, "post.hide", q.ID, eventtypes.PostModeratedType,
			map[string]string{"postId": q.ID, "action": posts.ModerationHidden}, "", ""},
		{mod, "/api/posts/" + q.ID + "/restore", `{}`, 200, "post.restore", q.ID, eventtypes.PostModeratedType,
			map[string]string{"postId": q.ID, "action": posts.ModerationRestored}, "", ""},
		{mod, "/api/posts/" + q.ID + "/move", `{"spaceId":"` + other.ID + `"}`, 200, "post.move", q.ID, eventtypes.PostModeratedType,
			map[string]string{"postId": q.ID, "action": posts.ModerationMoved}, "", ""},
		{mod, "/api/members/m_ann/ban", `{}`, 200, "member.ban", "m_ann", "", nil, "", ""},
		{mod, "/api/members/m_ann/reinstate", "", 200, "member.reinstate", "m_ann", "", nil, "", ""},
	} {
		got := c.statuses(8, step.who, "POST", step.path, step.body)
		if step.want != 0 && got[step.want] != 8 {
			t.Fatalf("POST %s 8 times at once: %v, want eight %d", step.path, got, step.want)
		}
		if status, body := c.call(step.who, "POST", step.path, step.body, nil); step.want != 0 && status != step.want {
			t.Fatalf("POST %s again: %d %s", step.path, status, body)
		}
		if step.audit != "" {
			if n := c.auditEntries(step.audit, step.target); n != 1 {
				t.Fatalf("POST %s: %d %s audit entries, want 1", step.path, n, step.audit)
			}
		}
		if step.event != "" {
			if n := c.countEvents(step.event, step.eventMatch); n != 1 {
				t.Fatalf("POST %s: %d %s events, want 1", step.path, n, step.event)
			}
		}
		if step.notifyMember != "" {
			if n := c.countKind(step.notifyMember, step.notifyKind); n != 1 {
				t.Fatalf("POST %s: %s told %d times", step.path, step.notifyMember, n)
			}
		}
	}
	// Deleting a post: 8 at once, then again: one entry, one event.
	if got := c.statuses(8, mod, "DELETE", "/api/posts/"+idea.ID, ""); got[204] != 8 {
		t.Fatalf("8 deletions at once: %v", got)
	}
	if n := c.auditEntries("post.delete", idea.ID); n != 1 {
		t.Fatalf("%d post.delete entries", n)
	}
	if n := c.countEvents(eventtypes.PostModeratedType, map[string]string{"postId": idea.ID, "action": posts.ModerationDeleted}); n != 1 {
		t.Fatalf("%d deleted events", n)
	}
}

// Ticket numbers follow each other without a gap or a repeat, whatever opens at once
// and whatever is refused; repeated changes of a ticket publish nothing more.
func TestTicketNumbersAndRepeatedTicketChanges(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	sam := c.as("sam", policy.RoleSupport)
	cara := c.as("cara")
	acme := c.customerSpace(admin, "Acme", "m_cara")
	c.join(cara, acme.ID)

	var mu sync.Mutex
	var numbers []int
	concurrently(t, 8, func(i int) {
		var tk tickets.Ticket
		status, body := c.call(cara, "POST", "/api/spaces/"+acme.ID+"/tickets",
			fmt.Sprintf(`{"subject":"Issue %d","product":"General","severity":"low","body":"x"}`, i), &tk)
		if status != 201 {
			t.Errorf("ticket %d: %d %s", i, status, body)
			return
		}
		mu.Lock()
		numbers = append(numbers, int(tk.Number))
		mu.Unlock()
	})
	sort.Ints(numbers)
	if fmt.Sprint(numbers) != "[1001 1002 1003 1004 1005 1006 1007 1008]" {
		t.Fatalf("numbers of 8 tickets opened at once: %v", numbers)
	}
	if status, _ := c.call(cara, "POST", "/api/spaces/"+acme.ID+"/tickets", `{"subject":"x","product":"Toaster","severity":"low","body":"x"}`, nil); status != 400 {
		t.Fatalf("a refused ticket: %d", status)
	}
	tk := c.ticket(cara, acme.ID, `{"subject":"Next","product":"General","severity":"low","body":"x"}`)
	if tk.Number != 1009 {
		t.Fatalf("the ticket after a refused one: #%d, want #1009", tk.Number)
	}
	if n := c.countEvents(eventtypes.TicketOpenedType, nil); n != 9 {
		t.Fatalf("%d ticket.opened events for 9 tickets", n)
	}

	for _, step := range []struct {
		who        *http.Client
		path, body string
		event      string
		match      map[string]string
	}{
		{sam, "/api/tickets/" + tk.ID + "/assign", `{"assigneeId":"m_sam"}`, eventtypes.TicketAssignedType, map[string]string{"ticketId": tk.ID}},
		{sam, "/api/tickets/" + tk.ID + "/status", `{"status":"solved"}`, eventtypes.TicketStatusChangedType, map[string]string{"ticketId": tk.ID, "to": "solved"}},
		{cara, "/api/tickets/" + tk.ID + "/rating", `{"good":true,"comment":"Thanks"}`, eventtypes.TicketRatedType, map[string]string{"ticketId": tk.ID}},
	} {
		if got := c.statuses(8, step.who, "POST", step.path, step.body); got[200] != 8 {
			t.Fatalf("POST %s 8 times at once: %v", step.path, got)
		}
		if status, body := c.call(step.who, "POST", step.path, step.body, nil); status != 200 {
			t.Fatalf("POST %s again: %d %s", step.path, status, body)
		}
		if n := c.countEvents(step.event, step.match); n != 1 {
			t.Fatalf("POST %s 9 times: %d %s events, want 1", step.path, n, step.event)
		}
	}
	if n := c.countKind("m_sam", notifications.KindTicketAssigned); n != 0 {
		// Assigning oneself tells nobody; the point is that nothing was told twice.
		t.Logf("sam was told %d times of assigning himself", n)
	}
	if n := c.countKind("m_cara", notifications.KindTicketStatus); n != 1 {
		t.Fatalf("cara was told of the solved ticket %d times", n)
	}
}

// The inbox's unread count: what arrives after the member marked it read is unread,
// even when it is about something that happened before.
func TestUnreadCountsWhatArrivedAfterTheReadMark(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	ann, bob := c.as("ann"), c.as("bob")
	sp := c.space(admin, "General", spaces.Public)
	c.join(ann, sp.ID)
	c.join(bob, sp.ID)
	p := c.post(ann, sp.ID, `{"kind":"discussion","title":"Hi","body":"Hello"}`)
	c.call(bob, "POST", "/api/posts/"+p.ID+"/comments", `{"body":"one"}`, nil)
	c.inbox(ann, notifications.KindComment)
	c.inbox(ann, notifications.KindBadgeAwarded) // her first post's badge (issue 12)
	if got := c.statuses(8, ann, "POST", "/api/notifications/read", ""); got[204] != 8 {
		t.Fatalf("marking read: %v", got)
	}
	var in notifications.Inbox
	if c.call(ann, "GET", "/api/notifications", "", &in); in.Unread != 0 {
		t.Fatalf("unread after marking read: %d", in.Unread)
	}
	// An event of before the mark, delivered after it (a slow consumer, a retry).
	n := notifications.Notification{ID: "late-m_ann", MemberID: "m_ann", Kind: notifications.KindMention, PostID: p.ID, PostTitle: "Hi",
		At: in.Items[0].At.Add(-1)}
	if err := c.st.Notifications().PutNotification(t.Context(), n, n.At.Add(notifications.InboxKept)); err != nil {
		t.Fatal(err)
	}
	if c.call(ann, "GET", "/api/notifications", "", &in); in.Unread != 1 || len(in.Items) != 3 {
		t.Fatalf("a late notification: %d unread of %d", in.Unread, len(in.Items))
	}
	// Delivered again: still one, still unread once.
	if err := c.st.Notifications().PutNotification(t.Context(), n, n.At.Add(notifications.InboxKept)); err != nil {
		t.Fatal(err)
	}
	if c.call(ann, "GET", "/api/notifications", "", &in); in.Unread != 1 || len(in.Items) != 3 {
		t.Fatalf("delivered twice: %d unread of %d", in.Unread, len(in.Items))
	}
}
