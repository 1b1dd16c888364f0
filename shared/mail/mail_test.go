package mail

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
)

var testTemplates = Templates{FS: fstest.MapFS{
	"hello.en.txt":  {Data: []byte("Subject: Hello {{.Name}}\n\nHi {{.Name}}, open {{.Link}}\n")},
	"hello.en.html": {Data: []byte("<p>Hi {{.Name}}, <a href=\"{{.Link}}\">open</a></p>")},
	"hello.fr.txt":  {Data: []byte("Subject: Bonjour {{.Name}}\n\nSalut {{.Name}}, ouvrez {{.Link}}\n")},
	"hello.fr.html": {Data: []byte("<p>Salut {{.Name}}</p>")},
}}

func TestOutboxRoundTripKeepsLinksAndAccents(t *testing.T) {
	dir := t.TempDir()
	data := map[string]string{"Name": "Zoé <b>", "Link": "http://localhost:8080/api/auth/email/verify?token=a=b_c-d"}
	msg, err := testTemplates.Render("hello", "fr", "zoe@example.com", data)
	if err != nil {
		t.Fatal(err)
	}
	if err := (Outbox{Dir: dir, From: "Tribune <no-reply@example.com>"}).Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	got, err := ReadOutbox(dir)
	if err != nil || len(got) != 1 {
		t.Fatalf("ReadOutbox = %v, %v", got, err)
	}
	m := got[0]
	if m.To != "zoe@example.com" || m.Subject != "Bonjour Zoé <b>" {
		t.Fatalf("headers: %+v", m)
	}
	if links := m.Links(); len(links) != 1 || links[0] != data["Link"] {
		t.Fatalf("links = %v, want %s", links, data["Link"])
	}
	if !strings.Contains(m.HTML, "Zoé &lt;b&gt;") {
		t.Fatalf("HTML part is not escaped: %q", m.HTML)
	}
}

func TestUnknownLocaleFallsBackToEnglish(t *testing.T) {
	msg, err := testTemplates.Render("hello", "de", "a@example.com", map[string]string{"Name": "A", "Link": "x"})
	if err != nil || msg.Subject != "Hello A" {
		t.Fatalf("Render = %+v, %v", msg, err)
	}
}

func TestTemplateWithoutSubjectIsAnError(t *testing.T) {
	bad := Templates{FS: fstest.MapFS{"x.en.txt": {Data: []byte("no subject")}, "x.en.html": {Data: []byte("x")}}}
	if _, err := bad.Render("x", "en", "a@example.com", nil); err == nil {
		t.Fatal("want an error for a template without a Subject line")
	}
}

// A message with an ID is one message however often it is sent: a redelivered event
// sends it again, and the outbox keeps one file, with the same Message-ID.
func TestOutboxKeepsAMessageWithAnIDOnce(t *testing.T) {
	dir := t.TempDir()
	out := Outbox{Dir: dir, From: "Tribune <no-reply@example.com>"}
	ctx := context.Background()
	first := Message{ID: "event-1-m_ann", To: "ann@example.com", Subject: "Bob commented", Text: "t", HTML: "h"}
	for i := 0; i < 3; i++ {
		if err := out.Send(ctx, first); err != nil {
			t.Fatal(err)
		}
	}
	if err := out.Send(ctx, Message{ID: "event-1-m_bob", To: "bob@example.com", Subject: "Ann commented", Text: "t", HTML: "h"}); err != nil {
		t.Fatal(err)
	}
	if err := out.Send(ctx, Message{To: "ann@example.com", Subject: "Your sign-in link", Text: "t", HTML: "h"}); err != nil {
		t.Fatal(err)
	}
	got, err := ReadOutbox(dir)
	if err != nil || len(got) != 3 {
		t.Fatalf("ReadOutbox = %d messages, %v; want 3", len(got), err)
	}
	// Oldest first: the order they were written in.
	if got[0].Subject != "Bob commented" || got[1].Subject != "Ann commented" || got[2].Subject != "Your sign-in link" {
		t.Fatalf("order: %q, %q, %q", got[0].Subject, got[1].Subject, got[2].Subject)
	}
	if MessageID(first) != MessageID(first) || MessageID(first) == MessageID(Message{ID: "event-1-m_bob"}) ||
		MessageID(Message{}) == MessageID(Message{}) || !strings.HasSuffix(MessageID(first), "@tribune.local>") {
		t.Fatalf("Message-IDs: %s", MessageID(first))
	}
}
