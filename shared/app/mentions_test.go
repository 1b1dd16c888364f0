package app_test

import (
	"encoding/json"
	"strings"
	"testing"

	"tribune/shared/eventtypes"
	"tribune/shared/mail"
	"tribune/shared/notifications"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
)

// A mention written inside code (a fenced block, an indented block, a code span)
// notifies nobody, and the code keeps the text as written, in the stored text and on
// the page; a mention outside code still works, in the same text.
func TestMentionsInsideCodeNotifyNobodyAndStayLiteral(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	staff := c.as("sia", policy.RoleSupport)
	ann := c.as("ann")
	bobID, carlID := "m_BOBBBBBBBBBBBBBBBBBBBBBBBB", "m_CARLLLLLLLLLLLLLLLLLLLLLLL"
	bob, carl := c.as(strings.TrimPrefix(bobID, "m_")), c.as(strings.TrimPrefix(carlID, "m_"))
	sp := c.space(staff, "General", spaces.Public)
	c.join(ann, sp.ID)
	c.join(bob, sp.ID)
	c.join(carl, sp.ID)

	code := "Run this:\n\n```\ngit blame @" + bobID + "\n```\n\n    # and @" + bobID + "\n\nor `ping @" + bobID + "`."
	body, _ := json.Marshal(map[string]string{"kind": "discussion", "title": "Scripts", "body": code})
	p := c.post(ann, sp.ID, string(body))
	if p.Body != code {
		t.Fatalf("the stored text was rewritten: %q", p.Body)
	}
	for _, want := range []string{"git blame @" + bobID, "# and @" + bobID, "<code>ping @" + bobID + "</code>"} {
		if !strings.Contains(p.HTML, want) {
			t.Fatalf("code changed on the page (%q missing): %s", want, p.HTML)
		}
	}
	if strings.Contains(p.HTML, "/members/") || strings.Contains(p.HTML, "@"+strings.TrimPrefix(bobID, "m_")+"<") {
		t.Fatalf("a mention inside code was rendered as a mention: %s", p.HTML)
	}
	var got posts.Post
	c.call(bob, "GET", "/api/posts/"+p.ID, "", &got)
	if got.Body != code || got.HTML != p.HTML {
		t.Fatalf("read back: %+v", got)
	}

	// A comment: code mentions bob, the text mentions carl: only carl is told.
	comment := "Try `@" + bobID + "` as @" + carlID + " said.\n\n```\n@" + bobID + "\n```"
	cbody, _ := json.Marshal(map[string]string{"body": comment})
	var cm posts.Comment
	if status, raw := c.call(ann, "POST", "/api/posts/"+p.ID+"/comments", string(cbody), &cm); status != 201 {
		t.Fatalf("comment: %d %s", status, raw)
	}
	if cm.Body != comment || !strings.Contains(cm.HTML, `href="/members/`+carlID+`"`) || strings.Contains(cm.HTML, `/members/`+bobID) {
		t.Fatalf("comment rendered: %s", cm.HTML)
	}
	// An edit that puts a mention into code tells nobody either.
	edit, _ := json.Marshal(map[string]string{"title": "Scripts", "body": code + "\n\n```\n@" + carlID + "\n```"})
	if status, raw := c.call(ann, "PATCH", "/api/posts/"+p.ID, string(edit), nil); status != 200 {
		t.Fatalf("edit: %d %s", status, raw)
	}

	c.inbox(carl, notifications.KindMention)
	if n := c.countEvents(eventtypes.MemberMentionedType, map[string]string{"memberId": bobID}); n != 0 {
		t.Fatalf("%d member.mentioned events for a mention inside code", n)
	}
	if n := c.countEvents(eventtypes.MemberMentionedType, map[string]string{"memberId": carlID}); n != 1 {
		t.Fatalf("%d member.mentioned events for carl, want 1", n)
	}
	if n := c.countKind(bobID, notifications.KindMention); n != 0 {
		t.Fatalf("bob has %d mention notifications", n)
	}
	msgs, _ := mail.ReadOutbox(c.outbox)
	for _, m := range msgs {
		if strings.Contains(strings.ToLower(m.To), strings.ToLower(strings.TrimPrefix(bobID, "m_"))) {
			t.Fatalf("bob got an email: %s", m.Subject)
		}
	}
}

// Issue 9, round 3: a mention added by editing a post or comment showed as a mention
// but told nobody. As in Discourse, an edit tells the members it newly mentions (in the
// new text and not in the old one), once each, with the checks of a new post (they may
// read the space); a mention an edit keeps or removes tells nobody, and a mention
// removed and added again is not told twice.
func TestMentionsAddedByAnEditNotifyTheNewlyMentionedOnce(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	staff := c.as("sia", policy.RoleSupport)
	ann := c.as("ann")
	bobID, carlID, daveID := "m_BOBBBBBBBBBBBBBBBBBBBBBBBB", "m_CARLLLLLLLLLLLLLLLLLLLLLLL", "m_DAVEEEEEEEEEEEEEEEEEEEEEEE"
	bob, carl := c.as(strings.TrimPrefix(bobID, "m_")), c.as(strings.TrimPrefix(carlID, "m_"))
	c.as(strings.TrimPrefix(daveID, "m_")) // not in the space: may not be told
	sp := c.hiddenSpace(staff, "Team", ann, bob, carl)
	mail := func(id string) string { return strings.ToLower(strings.TrimPrefix(id, "m_")) + "@example.com" }
	quote := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	editPost := func(postID, body string) posts.Post {
		t.Helper()
		var p posts.Post
		if status, raw := c.call(ann, "PATCH", "/api/posts/"+postID, `{"title":"Plans","body":`+quote(body)+`}`, &p); status != 200 {
			t.Fatalf("edit: %d %s", status, raw)
		}
		return p
	}
	told := func(when string, want map[string]int) {
		t.Helper()
		c.settledItems()
		for id, n := range want {
			if got := c.countKind(id, notifications.KindMention); got != n {
				t.Errorf("%s: %s has %d mention notifications, want %d", when, id, got, n)
			}
		}
	}

	p := c.post(ann, sp.ID, `{"kind":"discussion","title":"Plans","body":"Hello @`+carlID+`"}`)
	told("new post", map[string]int{carlID: 1, bobID: 0})
	// The edit adds Bob: Bob is told (inbox and email); Carl, mentioned before, is not
	// told again; the page shows both.
	got := editPost(p.ID, "Hello @"+carlID+" and @"+bobID)
	if !strings.Contains(got.HTML, `href="/members/`+bobID+`"`) {
		t.Fatalf("the edited post does not show Bob's mention: %s", got.HTML)
	}
	told("edit adding Bob", map[string]int{carlID: 1, bobID: 1})
	waitFor(t, "bob's email", func() bool { return c.mailsAbout(mail(bobID), "/posts/"+p.ID) == 1 })
	// Dave, who may not read the hidden space, is not told; a mention into code is none.
	editPost(p.ID, "Hello @"+carlID+" and @"+bobID+", @"+daveID+"\n\n```\n@"+carlID+"\n```")
	told("edit adding Dave", map[string]int{carlID: 1, bobID: 1, daveID: 0})
	// Removing Bob tells nobody; adding him back does not tell him twice.
	editPost(p.ID, "Hello @"+carlID)
	told("edit removing Bob", map[string]int{carlID: 1, bobID: 1, daveID: 0})
	editPost(p.ID, "Hello again @"+carlID+" and @"+bobID)
	told("edit adding Bob back", map[string]int{carlID: 1, bobID: 1, daveID: 0})

	// Comments: an edit that adds a mention tells the member, about the comment.
	cm := c.comment(ann, p.ID, `{"body":"First"}`)
	var edited posts.Comment
	if status, raw := c.call(ann, "PATCH", "/api/posts/"+p.ID+"/comments/"+cm.ID, `{"body":`+quote("cc @"+bobID)+`}`, &edited); status != 200 {
		t.Fatalf("comment edit: %d %s", status, raw)
	}
	if !strings.Contains(edited.HTML, `href="/members/`+bobID+`"`) {
		t.Fatalf("the edited comment does not show Bob's mention: %s", edited.HTML)
	}
	told("comment edit adding Bob", map[string]int{carlID: 1, bobID: 2, daveID: 0})
	var onComment int
	for _, n := range c.notes(bob) {
		if n.Kind == notifications.KindMention && n.CommentID == cm.ID {
			onComment++
		}
	}
	if onComment != 1 {
		t.Fatalf("bob has %d mention notifications about the comment, want 1", onComment)
	}
	// The comment loses the mention, then gets it back: nobody is told.
	for _, body := range []string{"cc nobody", "cc @" + bobID + " again"} {
		if status, raw := c.call(ann, "PATCH", "/api/posts/"+p.ID+"/comments/"+cm.ID, `{"body":`+quote(body)+`}`, nil); status != 200 {
			t.Fatalf("comment edit: %d %s", status, raw)
		}
	}
	told("comment edits removing and adding Bob", map[string]int{carlID: 1, bobID: 2, daveID: 0})
	if n := c.mailsAbout(mail(bobID), "/posts/"+p.ID); n != 2 {
		t.Fatalf("bob got %d emails about the post, want 2 (the post's edit, the comment's edit)", n)
	}
	if n := c.mailsAbout(mail(carlID), "/posts/"+p.ID); n != 1 {
		t.Fatalf("carl got %d emails about the post, want 1 (the new post)", n)
	}
	if n := len(c.mailsTo(mail(daveID))); n != 0 {
		t.Fatalf("dave got %d emails", n)
	}
}
