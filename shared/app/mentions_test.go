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
