package app_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"tribune/shared/content"
	"tribune/shared/notifications"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
	"tribune/shared/tickets"
)

// noIDs fails when text shows a member id or Markdown syntax.
func noIDs(t *testing.T, where, text string) {
	t.Helper()
	for _, bad := range []string{"m_", "**", "](", "&amp;", "![", "<"} {
		if strings.Contains(text, bad) {
			t.Errorf("%s shows %q: %q", where, bad, text)
		}
	}
}

// Issue 10, "Mentions by name": texts store "@m_<id>", and every place that shows a
// text shows the member's name as it is now (after a rename, after an account
// deletion: "Deleted member"), never an id: the page of posts and comments, the
// excerpts of every stream and list, the names the edit box maps, the edit history,
// the moderation queue, notifications, emails, tickets. Excerpts are plain text made
// from the Markdown.
func TestMentionsShowCurrentNamesInEveryPlace(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	sam := c.as("sam", policy.RoleSupport)
	mod := c.as("mo", policy.RoleModerator)
	ann := c.as("ann")
	bob, carl, dora := c.as(strings.TrimPrefix(bobRef, "m_")), c.as(strings.TrimPrefix(carlRef, "m_")), c.as(strings.TrimPrefix(doraRef, "m_"))
	c.rename(bob, "Bob Martin")
	c.rename(carl, "Carl")
	c.rename(dora, "Dora Gone")
	sp := c.space(admin, "General", spaces.Public)
	for _, who := range []*http.Client{ann, bob, carl, dora} {
		c.join(who, sp.ID)
	}

	status := c.post(ann, sp.ID, jsonBody(map[string]string{"kind": "status",
		"body": "**Thanks** @" + bobRef + " and @" + carlRef + ", see [the guide](https://example.com/guide) &amp; more"}))
	if !strings.Contains(status.HTML, ">@Bob Martin</a>") || status.Mentions[bobRef] != "Bob Martin" {
		t.Fatalf("the status's page: %s %v", status.HTML, status.Mentions)
	}
	talk := c.post(ann, sp.ID, jsonBody(map[string]string{"kind": "discussion", "title": "Plans", "body": "Ask @" + bobRef + " or @" + doraRef + "."}))
	question := c.post(ann, sp.ID, jsonBody(map[string]string{"kind": "question", "title": "Who?", "body": "_Maybe_ @" + bobRef + " knows."}))
	idea := c.post(ann, sp.ID, jsonBody(map[string]string{"kind": "idea", "title": "Ideas", "body": "As @" + bobRef + " said: `code`."}))
	var comment posts.Comment
	if st, raw := c.call(carl, "POST", "/api/posts/"+talk.ID+"/comments", jsonBody(map[string]string{"body": "Agreed with @" + bobRef}), &comment); st != 201 {
		t.Fatalf("comment: %d %s", st, raw)
	}
	if st, raw := c.call(admin, "PATCH", "/api/posts/"+talk.ID, jsonBody(map[string]string{"title": "Plans", "body": "Ask @" + bobRef + " or @" + doraRef + " today."}), nil); st != 200 {
		t.Fatalf("edit: %d %s", st, raw)
	}
	if st, raw := c.call(carl, "POST", "/api/posts/"+status.ID+"/report", `{"reason":"spam"}`, nil); st != 200 {
		t.Fatalf("report: %d %s", st, raw)
	}
	acme := c.customerSpace(admin, "Acme", "m_ann")
	c.join(ann, acme.ID)
	tk := c.ticket(ann, acme.ID, jsonBody(map[string]string{"subject": "Login", "product": "General", "severity": "low",
		"body": "Like @" + bobRef + " I cannot sign in."}))
	if st, raw := c.call(sam, "POST", "/api/tickets/"+tk.ID+"/replies", jsonBody(map[string]string{"body": "**Fixed**: ask @" + carlRef + " next time."}), nil); st != 200 {
		t.Fatalf("ticket reply: %d %s", st, raw)
	}

	// Emails written when the texts were: names, plain text.
	mention := c.inbox(carl, notifications.KindMention)
	noIDs(t, "carl's mention notification", mention.PostTitle)
	if !strings.Contains(mention.PostTitle, "Thanks @Bob Martin and @Carl, see the guide & more") {
		t.Errorf("carl's mention notification names the status %q", mention.PostTitle)
	}
	reply := c.inbox(ann, notifications.KindTicketReply)
	if reply.Detail != "Fixed: ask @Carl next time." {
		t.Errorf("the ticket reply's quote: %q", reply.Detail)
	}
	waitFor(t, "the emails", func() bool {
		replied := false
		for _, m := range c.mailsTo("ann@example.com") {
			replied = replied || strings.Contains(m.Subject, "replied to the ticket")
		}
		return len(c.mailsTo(strings.ToLower(strings.TrimPrefix(carlRef, "m_"))+"@example.com")) > 0 && replied
	})
	for _, to := range []string{strings.ToLower(strings.TrimPrefix(carlRef, "m_")) + "@example.com", "ann@example.com"} {
		for _, m := range c.mailsTo(to) {
			if strings.Contains(m.Subject+m.Text, "m_") || strings.Contains(m.Subject+m.Text, "**") {
				t.Errorf("an email to %s shows an id or Markdown: %s\n%s", to, m.Subject, m.Text)
			}
		}
	}
	var carlMail string
	for _, m := range c.mailsTo(strings.ToLower(strings.TrimPrefix(carlRef, "m_")) + "@example.com") {
		carlMail += m.Subject + "\n" + m.Text
	}
	if !strings.Contains(carlMail, "@Bob Martin and @Carl") {
		t.Errorf("carl's mention email: %s", carlMail)
	}
	var annMail string
	for _, m := range c.mailsTo("ann@example.com") {
		annMail += m.Text
	}
	if !strings.Contains(annMail, "Fixed: ask @Carl next time.") {
		t.Errorf("ann's ticket reply email: %s", annMail)
	}
	waitFor(t, "the posts in bob's home stream", func() bool { return has(c.home(bob), question.ID) && has(c.home(bob), idea.ID) })

	// Bob changes his name, Dora deletes her account.
	c.rename(bob, "Robert Martin")
	if st, raw := c.call(dora, "POST", "/api/me/delete", `{"confirm":true}`, nil); st != 204 {
		t.Fatalf("delete: %d %s", st, raw)
	}
	waitFor(t, "the erasure", func() bool {
		var p posts.Post
		c.call(ann, "GET", "/api/posts/"+talk.ID, "", &p)
		return strings.Contains(p.HTML, "@Deleted member")
	})

	// The pages, and the names the edit box maps.
	var got posts.Post
	c.call(ann, "GET", "/api/posts/"+status.ID, "", &got)
	if !strings.Contains(got.HTML, `">@Robert Martin</a>`) || strings.Contains(got.HTML, "Bob Martin") || got.Mentions[bobRef] != "Robert Martin" || got.Mentions[carlRef] != "Carl" {
		t.Errorf("the status after the rename: %s %v", got.HTML, got.Mentions)
	}
	c.call(ann, "GET", "/api/posts/"+talk.ID, "", &got)
	if !strings.Contains(got.HTML, "@Deleted member") || strings.Contains(got.HTML, "Dora") || strings.Contains(got.HTML, "/members/"+doraRef) ||
		got.Mentions[doraRef] != "" || got.Mentions[bobRef] != "Robert Martin" {
		t.Errorf("the discussion after the deletion: %s %v", got.HTML, got.Mentions)
	}
	var thread posts.Thread
	c.call(ann, "GET", "/api/posts/"+talk.ID+"/comments", "", &thread)
	if len(thread.Comments) != 1 || !strings.Contains(thread.Comments[0].HTML, "@Robert Martin") || thread.Comments[0].Mentions[bobRef] != "Robert Martin" {
		t.Errorf("the comment after the rename: %+v", thread.Comments)
	}

	// Every stream and list: plain text, names as they are now.
	excerpts := map[string]string{}
	collect := func(where string, who *http.Client, path string) {
		var page posts.Page
		if st, raw := c.call(who, "GET", path, "", &page); st != 200 {
			t.Fatalf("%s: %d %s", where, st, raw)
		}
		for _, s := range append(page.Pinned, page.Posts...) {
			excerpts[where+" "+s.ID] = s.Excerpt
		}
	}
	waitFor(t, "bob's home stream", func() bool { return has(c.home(bob), status.ID) })
	collect("home", bob, "/api/stream")
	collect("space", bob, "/api/spaces/"+sp.ID+"/posts")
	collect("author", bob, "/api/members/m_ann/posts")
	collect("unanswered", bob, "/api/spaces/"+sp.ID+"/unanswered")
	collect("ideas", bob, "/api/spaces/"+sp.ID+"/ideas")
	want := map[string]string{
		status.ID:   "Thanks @Robert Martin and @Carl, see the guide & more",
		talk.ID:     "Ask @Robert Martin or @Deleted member today.",
		question.ID: "Maybe @Robert Martin knows.",
		idea.ID:     "As @Robert Martin said: code.",
	}
	for where, id := range map[string]string{"home": status.ID, "space": talk.ID, "author": question.ID, "unanswered": question.ID, "ideas": idea.ID} {
		if got := excerpts[where+" "+id]; got != want[id] {
			t.Errorf("%s stream: excerpt %q, want %q", where, got, want[id])
		}
	}
	for where, e := range excerpts {
		noIDs(t, where, e)
	}

	// The edit history (moderators): the earlier text's mentions by name.
	var history posts.History
	c.call(admin, "GET", "/api/posts/"+talk.ID+"/history", "", &history)
	if len(history.Revisions) != 1 || history.Revisions[0].Mentions[bobRef] != "Robert Martin" || history.Revisions[0].Mentions[doraRef] != "" {
		t.Errorf("history: %+v", history.Revisions)
	}

	// The moderation queue.
	var queue posts.Queue
	c.call(mod, "GET", "/api/moderation/queue", "", &queue)
	if len(queue.Items) != 1 || queue.Items[0].Excerpt != want[status.ID] || queue.Items[0].Title != want[status.ID] {
		t.Errorf("queue: %+v", queue.Items)
	}

	// Notifications read now name the status by its text as it is now.
	for _, n := range c.notes(carl) {
		if n.Kind == notifications.KindMention && n.PostID == status.ID && n.PostTitle != want[status.ID] {
			t.Errorf("carl's mention notification now: %q", n.PostTitle)
		}
	}

	// The ticket and its reply.
	var view tickets.View
	c.call(ann, "GET", "/api/tickets/"+tk.ID, "", &view)
	if shown := content.PlainText(view.Ticket.HTML); shown != "Like @Robert Martin I cannot sign in." || view.Ticket.Mentions[bobRef] != "Robert Martin" {
		t.Errorf("the ticket: %s", view.Ticket.HTML)
	}
	found := false
	for _, r := range view.Replies {
		found = found || strings.Contains(r.HTML, "@Carl")
	}
	if !found {
		t.Errorf("the ticket reply does not name carl: %+v", view.Replies)
	}
}

// The composer's @ list offers the members the writer may mention: those who may read
// the space, found by name, never the writer, at most 8; a member who may not post in
// the space gets no list.
func TestTheMentionListOffersWhoMayReadTheSpace(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	ann := c.as("ann")
	anna := c.as("anna")
	annika := c.as("annika")
	c.rename(anna, "Anna Lopez")
	c.rename(annika, "Annika")
	outsider := c.as("annabel")
	club := c.space(admin, "Club", spaces.Closed)
	invite := func(name string, who *http.Client) {
		if st, raw := c.call(admin, "POST", "/api/spaces/"+club.ID+"/invitations", fmt.Sprintf(`{"memberId":"m_%s"}`, name), nil); st != 200 {
			t.Fatalf("invite: %d %s", st, raw)
		}
		c.join(who, club.ID)
	}
	invite("ann", ann)
	invite("anna", anna)
	invite("annika", annika)
	var choices posts.MentionChoices
	if st, raw := c.call(ann, "GET", "/api/spaces/"+club.ID+"/mentionable?q=ann", "", &choices); st != 200 {
		t.Fatalf("mentionable: %d %s", st, raw)
	}
	var names []string
	for _, m := range choices.Members {
		names = append(names, m.DisplayName)
	}
	if strings.Join(names, ",") != "Anna Lopez,Annika" {
		t.Fatalf("ann is offered %v: want the club's other members named ann…, not ann herself nor annabel (outside the club)", names)
	}
	if st, raw := c.call(ann, "GET", "/api/spaces/"+club.ID+"/mentionable?q=Anna%20L", "", &choices); st != 200 || len(choices.Members) != 1 {
		t.Fatalf("a name with a space: %d %s", st, raw)
	}
	if st, raw := c.call(outsider, "GET", "/api/spaces/"+club.ID+"/mentionable?q=ann", "", nil); st != 403 {
		t.Fatalf("someone outside the closed space: %d %s", st, raw)
	}
	for _, q := range []string{"", "%20", strings.Repeat("a", 61)} {
		if st, raw := c.call(ann, "GET", "/api/spaces/"+club.ID+"/mentionable?q="+q, "", nil); st != 400 || !strings.Contains(raw, "invalid_mention_query") {
			t.Fatalf("q=%q: %d %s", q, st, raw)
		}
	}
	// More members than the list shows: at most 8.
	for i := range 10 {
		name := fmt.Sprintf("annex%d", i)
		invite(name, c.as(name))
	}
	c.call(ann, "GET", "/api/spaces/"+club.ID+"/mentionable?q=anne", "", &choices)
	if len(choices.Members) != posts.MaxMentionChoices {
		t.Fatalf("%d choices, want %d", len(choices.Members), posts.MaxMentionChoices)
	}
}

// A text mentioning more members than the page may name is refused (400), and writes
// nothing.
func TestATextMentionsAtMostFiftyMembers(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	ann := c.as("ann")
	sp := c.space(admin, "General", spaces.Public)
	c.join(ann, sp.ID)
	var b strings.Builder
	for i := range posts.MaxNamedMentions + 1 {
		fmt.Fprintf(&b, "@m_%026d ", i)
	}
	body := strings.NewReplacer("0", "A", "1", "B", "2", "C", "3", "D", "4", "E", "5", "F", "6", "G", "7", "H", "8", "I", "9", "J").Replace(b.String())
	if st, raw := c.call(ann, "POST", "/api/spaces/"+sp.ID+"/posts", jsonBody(map[string]string{"kind": "discussion", "title": "All", "body": body}), nil); st != 400 || !strings.Contains(raw, "too_many_mentions") {
		t.Fatalf("51 mentions: %d %s", st, raw)
	}
	fifty := body[:strings.LastIndex(strings.TrimSpace(body), " ")]
	p := c.post(ann, sp.ID, jsonBody(map[string]string{"kind": "discussion", "title": "All", "body": fifty}))
	if len(p.Mentions) != posts.MaxNamedMentions || strings.Contains(p.HTML, "m_") {
		t.Fatalf("50 mentions: %d named, page %s", len(p.Mentions), p.HTML[:200])
	}
}
