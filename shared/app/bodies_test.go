package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"tribune/shared/eventtypes"
	"tribune/shared/mail"
	"tribune/shared/notifications"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
	"tribune/shared/tickets"
)

// Issue 9, round 2: a body that starts with an indented code block ("    @m_<dave>")
// was trimmed into a paragraph, so the code became a mention that notified and emailed
// Dave; raw HTML <code> did the same, and the text of a raw <pre> vanished. Code is
// code in every form, on posts, comments and edits, and the page shows it.
func TestMentionsInIndentedCodeAndRawHTMLCodeNotifyNobody(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	staff := c.as("sia", policy.RoleSupport)
	ann := c.as("ann")
	daveID, erinID := "m_DAVEEEEEEEEEEEEEEEEEEEEEEE", "m_ERINNNNNNNNNNNNNNNNNNNNNNN"
	dave, erin := c.as(strings.TrimPrefix(daveID, "m_")), c.as(strings.TrimPrefix(erinID, "m_"))
	sp := c.space(staff, "General", spaces.Public)
	c.join(ann, sp.ID)
	c.join(dave, sp.ID)
	c.join(erin, sp.ID)
	quote := func(s string) string { b, _ := json.Marshal(s); return string(b) }

	// The finding's post: a body that starts with an indented code block.
	indented := "    @" + daveID + "\n    more code"
	p := c.post(ann, sp.ID, `{"kind":"discussion","title":"Logs","body":`+quote(indented+"\n\n")+`}`)
	if p.Body != indented || !strings.Contains(p.HTML, "<pre><code>@"+daveID+"\nmore code\n</code></pre>") || strings.Contains(p.HTML, "/members/") {
		t.Fatalf("indented post: body %q, page %s", p.Body, p.HTML)
	}
	// Raw HTML code and pre, then one mention outside code (Erin: the control).
	raw := "<code>@" + daveID + "</code> and\n\n<pre>\ntail -f @" + daveID + "\n</pre>\n\nping @" + erinID
	p2 := c.post(ann, sp.ID, `{"kind":"discussion","title":"Raw","body":`+quote(raw)+`}`)
	for _, want := range []string{"<code>@" + daveID + "</code>", "<pre><code>tail -f @" + daveID + "\n</code></pre>", `href="/members/` + erinID + `"`} {
		if !strings.Contains(p2.HTML, want) {
			t.Fatalf("raw HTML post lacks %q: %s", want, p2.HTML)
		}
	}
	if strings.Contains(p2.HTML, "/members/"+daveID) {
		t.Fatalf("a mention inside raw code became a link: %s", p2.HTML)
	}
	// A <pre> alone keeps its text.
	p3 := c.post(ann, sp.ID, `{"kind":"discussion","title":"Pre","body":`+quote("<pre>@"+daveID+" kept</pre>")+`}`)
	if !strings.Contains(p3.HTML, "@"+daveID+" kept") {
		t.Fatalf("the content of a <pre> vanished: %q", p3.HTML)
	}

	// Comments: the finding's comment, and raw <code>; then an edit into indented code.
	for _, body := range []string{"    @" + daveID, "see <code>@" + daveID + "</code>"} {
		var cm posts.Comment
		if status, out := c.call(ann, "POST", "/api/posts/"+p.ID+"/comments", `{"body":`+quote(body)+`}`, &cm); status != 201 {
			t.Fatalf("comment: %d %s", status, out)
		}
		if cm.Body != body || strings.Contains(cm.HTML, "/members/") || !strings.Contains(cm.HTML, "<code>@"+daveID) {
			t.Fatalf("comment %q: body %q, page %s", body, cm.Body, cm.HTML)
		}
	}
	if status, out := c.call(ann, "PATCH", "/api/posts/"+p3.ID, `{"title":"Pre","body":`+quote("\n    @"+daveID)+`}`, nil); status != 200 {
		t.Fatalf("edit: %d %s", status, out)
	}

	c.inbox(erin, notifications.KindMention)
	if n := c.countEvents(eventtypes.MemberMentionedType, map[string]string{"memberId": daveID}); n != 0 {
		t.Fatalf("%d member.mentioned events for mentions inside code", n)
	}
	if n := c.countKind(daveID, notifications.KindMention); n != 0 {
		t.Fatalf("dave has %d mention notifications", n)
	}
	msgs, _ := mail.ReadOutbox(c.outbox)
	for _, m := range msgs {
		if strings.Contains(strings.ToLower(m.To), "daveeee") {
			t.Fatalf("dave got an email: %s", m.Subject)
		}
	}

	// Tickets (descriptions and replies are Markdown too): indentation stays code.
	admin := c.as("boss", policy.RoleAdmin)
	acme := c.customerSpace(admin, "Acme", "m_ann")
	c.join(ann, acme.ID)
	tk := c.ticket(ann, acme.ID, `{"subject":"Crash","product":"General","severity":"low","body":`+quote("    panic: nil map\n    at main.go:3")+`}`)
	var full struct {
		Ticket  tickets.Ticket
		Replies []tickets.Reply
	}
	if status, out := c.call(ann, "POST", "/api/tickets/"+tk.ID+"/replies", `{"body":`+quote("    stack trace")+`}`, &full); status != 200 {
		t.Fatalf("reply: %d %s", status, out)
	}
	if full.Ticket.Body != "    panic: nil map\n    at main.go:3" || !strings.Contains(full.Ticket.HTML, "<pre><code>panic: nil map\nat main.go:3") {
		t.Fatalf("the ticket description lost its indentation: %+v", full.Ticket)
	}
	if last := full.Replies[len(full.Replies)-1]; last.Body != "    stack trace" || !strings.Contains(last.HTML, "<pre><code>stack trace") {
		t.Fatalf("the reply lost its indentation: %+v", last)
	}
}

// Issue 9, round 3: "x <code\nclass=\"a\">@m_<bob></code> y" and the block
// "<code\nclass=x>\n@m_<bob>\n</code>" notified and emailed Bob, and the page showed a
// linked "@Bob": a line break after the tag name ends it as a space does. And
// "![@m_<bob>](…)" notified Bob while the page showed his name nowhere. In posts,
// comments and edits, none of these tells Bob, and the page shows no "@Bob".
func TestRawCodeTagsWithLineBreaksAndImageDescriptionsNotifyNobody(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	staff := c.as("sia", policy.RoleSupport)
	ann := c.as("ann")
	bobID, erinID := "m_BOBBBBBBBBBBBBBBBBBBBBBBBB", "m_ERINNNNNNNNNNNNNNNNNNNNNNN"
	bob, erin := c.as(strings.TrimPrefix(bobID, "m_")), c.as(strings.TrimPrefix(erinID, "m_"))
	sp := c.space(staff, "General", spaces.Public)
	c.join(ann, sp.ID)
	c.join(bob, sp.ID)
	c.join(erin, sp.ID)
	quote := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	bodies := []string{
		"x <code\nclass=\"a\">@" + bobID + "</code> y",
		"<code\nclass=x>\n@" + bobID + "\n</code>",
		"<code title=\"a>b\">@" + bobID + "</code>",
		"x <pre\tclass=a\n  data-x=\"1\">@" + bobID + "</pre>",
		"![@" + bobID + "](http://e.com/a.png)",
	}
	var first posts.Post
	for i, body := range bodies {
		p := c.post(ann, sp.ID, `{"kind":"discussion","title":"Code","body":`+quote(body)+`}`)
		if i == 0 {
			first = p
		}
		if p.Body != body || strings.Contains(p.HTML, "/members/") || strings.Contains(p.HTML, "@Bob") {
			t.Errorf("post %q: body %q, page %s", body, p.Body, p.HTML)
		}
		cm := c.comment(ann, p.ID, `{"body":`+quote(body)+`}`)
		if strings.Contains(cm.HTML, "/members/") {
			t.Errorf("comment %q: page %s", body, cm.HTML)
		}
		// An edit into the same form tells nobody either.
		var edited posts.Comment
		if status, raw := c.call(ann, "PATCH", "/api/posts/"+p.ID+"/comments/"+cm.ID, `{"body":`+quote("see: "+body)+`}`, &edited); status != 200 ||
			strings.Contains(edited.HTML, "/members/") {
			t.Errorf("comment edit %q: %d %s", body, status, raw)
		}
	}
	// The code shows as code on the page.
	if !strings.Contains(first.HTML, "<code>@"+bobID+"</code>") {
		t.Errorf("the code is not shown as code: %s", first.HTML)
	}
	// The control: a mention in plain text tells Erin.
	c.post(ann, sp.ID, `{"kind":"discussion","title":"Hi","body":"Hi @`+erinID+`"}`)
	c.inbox(erin, notifications.KindMention)
	c.settledItems()
	if n := c.countEvents(eventtypes.MemberMentionedType, map[string]string{"memberId": bobID}); n != 0 {
		t.Fatalf("%d member.mentioned events for bob", n)
	}
	if n := c.countKind(bobID, notifications.KindMention); n != 0 {
		t.Fatalf("bob has %d mention notifications", n)
	}
	msgs, _ := mail.ReadOutbox(c.outbox)
	for _, m := range msgs {
		if strings.Contains(strings.ToLower(m.To), "bobbbb") {
			t.Fatalf("bob got an email: %s", m.Subject)
		}
	}
}

// Every multi-line field keeps the indentation of its first line (text.Body is the one
// rule): bios, moderators' reasons, warnings, invitation messages, rules, staff notes,
// as well as the Markdown bodies of posts, comments, tickets and replies.
func TestEveryBodyFieldKeepsItsFirstLineIndentation(t *testing.T) {
	t.Parallel()
	e := newInputEnv(t)
	fields := []struct{ method, path, body, field string }{
		{"PUT", "/api/me/profile", `{"displayName":"Ann","bio":%s,"expertise":[],"interests":[],"company":"","location":"","links":[],"locale":"en"}`, "bio"},
		{"POST", "/api/spaces/" + e.space + "/posts", `{"kind":"discussion","title":"Hi","body":%s}`, "body"},
		{"PATCH", "/api/posts/" + e.post, `{"title":"How?","body":%s}`, "body"},
		{"POST", "/api/posts/" + e.post + "/comments", `{"body":%s}`, "body"},
		{"PATCH", "/api/posts/" + e.post + "/comments/" + e.comment, `{"body":%s}`, "body"},
		{"POST", "/api/moderation/warnings", `{"memberId":"` + e.target + `","message":%s}`, "message"},
		{"POST", "/api/invitations", `{"emails":["x@example.com"],"message":%s}`, "message"},
		{"PUT", "/api/community/rules", `{"text":%s}`, "text"},
		{"PUT", "/api/members/" + e.target + "/staff", `{"crmRef":"","leadStatus":"","notes":%s}`, "notes"},
		{"POST", "/api/spaces/" + e.customer + "/tickets", `{"subject":"Down","product":"General","severity":"low","body":%s}`, "body"},
		{"POST", "/api/tickets/" + e.ticket + "/replies", `{"body":%s}`, "body"},
		{"POST", "/api/posts/" + e.post + "/hide", `{"reason":%s}`, "reason"},
		{"POST", "/api/members/" + e.target + "/suspend", `{"days":1,"reason":%s}`, "reason"},
	}
	quote := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	for i, f := range fields {
		text := fmt.Sprintf("    indented-%d\n  second line", i)
		w := e.serve(f.method, f.path, fmt.Sprintf(f.body, quote("\n"+text+"\n\n")))
		if w.Code >= 300 {
			t.Fatalf("%s %s: %d %s", f.method, f.path, w.Code, w.Body.String())
		}
		if !e.stored(text) {
			t.Errorf("%s %s %s: the text was not stored as written (%q)", f.method, f.path, f.field, text)
		}
	}
}

// stored reports whether an item of the table holds s as a whole string attribute (at
// any depth).
func (e *inputEnv) stored(s string) bool {
	e.t.Helper()
	in := &dynamodb.ScanInput{TableName: &e.tbl.Name}
	for {
		out, err := e.tbl.DB.Scan(context.Background(), in)
		if err != nil {
			e.t.Fatal(err)
		}
		for _, it := range out.Items {
			var m map[string]any
			if err := attributevalue.UnmarshalMap(it, &m); err != nil {
				e.t.Fatal(err)
			}
			if holds(m, s) {
				return true
			}
		}
		if len(out.LastEvaluatedKey) == 0 {
			return false
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

func holds(v any, s string) bool {
	switch v := v.(type) {
	case string:
		return v == s
	case map[string]any:
		for _, x := range v {
			if holds(x, s) {
				return true
			}
		}
	case []any:
		for _, x := range v {
			if holds(x, s) {
				return true
			}
		}
	}
	return false
}
