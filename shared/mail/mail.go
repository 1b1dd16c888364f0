// Package mail sends email: one Sender interface with SES v2 (AWS), SMTP and an outbox
// folder of .eml files (local) behind it, and bilingual text + HTML templates.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"mime"
	"mime/quotedprintable"
	"slices"
	"strings"
	texttemplate "text/template"
	"time"

	"tribune/shared/locale"
)

// Message is one email to one recipient.
type Message struct {
	// ID names the message for deduplication: the same ID is the same message, and a
	// sender that can (the outbox folder; SMTP through its Message-ID) keeps a resend
	// from reaching the person twice. Empty for a one-off message.
	ID      string
	To      string
	Subject string
	Text    string
	HTML    string
	// Headers are extra header fields (e.g. RFC 8058's List-Unsubscribe and
	// List-Unsubscribe-Post), written in name order; a name the message sets itself
	// (From, To, Subject, Date, Message-ID, MIME-Version, Content-*) is ignored.
	Headers map[string]string
}

// own are the header fields Compose writes itself, lower-cased.
var own = map[string]bool{"from": true, "to": true, "subject": true, "date": true, "message-id": true, "mime-version": true,
	"content-type": true, "content-transfer-encoding": true}

// ExtraHeaders are m's extra header fields a transport may add, in name order, without
// the ones the message sets itself and without any name or value holding a line break
// (a header injection).
func ExtraHeaders(m Message) [][2]string {
	var out [][2]string
	for k, v := range m.Headers {
		if own[strings.ToLower(k)] || k == "" || strings.ContainsAny(k, "\r\n: ") || strings.ContainsAny(v, "\r\n") {
			continue
		}
		out = append(out, [2]string{k, v})
	}
	slices.SortFunc(out, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	return out
}

// Sender delivers messages.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Templates renders messages from files named <name>.<locale>.txt (first line
// "Subject: ...", a blank line, then the text body) and <name>.<locale>.html.
type Templates struct {
	FS fs.FS
}

// TemplatesIn returns the templates of folder dir of an embedded file system.
func TemplatesIn(fsys fs.FS, dir string) Templates {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(fmt.Sprintf("mail.TemplatesIn %s: %v", dir, err)) // embedded at build time
	}
	return Templates{FS: sub}
}

// Render builds the message called name in the given language for to.
func (t Templates) Render(name, lang, to string, data any) (Message, error) {
	if !locale.Valid(lang) {
		lang = locale.Default
	}
	base := name + "." + lang
	txt, err := texttemplate.ParseFS(t.FS, base+".txt")
	if err != nil {
		return Message{}, fmt.Errorf("mail.Render %s: %w", base, err)
	}
	var text bytes.Buffer
	if err := txt.Execute(&text, data); err != nil {
		return Message{}, fmt.Errorf("mail.Render %s: %w", base, err)
	}
	head, body, ok := strings.Cut(text.String(), "\n\n")
	subject, hasSubject := strings.CutPrefix(head, "Subject: ")
	if !ok || !hasSubject {
		return Message{}, fmt.Errorf("mail.Render %s: text template must start with a Subject line", base)
	}
	html, err := htmltemplate.ParseFS(t.FS, base+".html")
	if err != nil {
		return Message{}, fmt.Errorf("mail.Render %s: %w", base, err)
	}
	var htmlBody bytes.Buffer
	if err := html.Execute(&htmlBody, data); err != nil {
		return Message{}, fmt.Errorf("mail.Render %s: %w", base, err)
	}
	return Message{To: to, Subject: strings.TrimSpace(subject), Text: body, HTML: htmlBody.String()}, nil
}

// MessageID is the Message-ID header of m: derived from m.ID when it has one, so a
// resend of the same message carries the same Message-ID; random otherwise.
func MessageID(m Message) string {
	if m.ID == "" {
		return "<" + strings.ToLower(rand.Text()) + "@tribune.local>"
	}
	return "<" + idHash(m.ID) + "@tribune.local>"
}

// idHash is a message ID as 32 hex digits, safe in a header and a file name.
func idHash(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:16])
}

// Compose returns m as an RFC 5322 message with text and HTML alternatives.
func Compose(from string, m Message, now time.Time) []byte {
	boundary := "tribune-" + strings.ToLower(rand.Text())
	var b bytes.Buffer
	hdr := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	hdr("From", from)
	hdr("To", m.To)
	hdr("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	hdr("Date", now.UTC().Format(time.RFC1123Z))
	hdr("Message-ID", MessageID(m))
	for _, h := range ExtraHeaders(m) {
		hdr(h[0], h[1])
	}
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", `multipart/alternative; boundary="`+boundary+`"`)
	b.WriteString("\r\n")
	for _, part := range []struct{ typ, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		fmt.Fprintf(&b, "--%s\r\nContent-Type: %s; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", boundary, part.typ)
		qp := quotedprintable.NewWriter(&b)
		_, _ = qp.Write([]byte(strings.ReplaceAll(part.body, "\n", "\r\n")))
		_ = qp.Close()
		b.WriteString("\r\n")
	}
	fmt.Fprintf(&b, "--%s--\r\n", boundary)
	return b.Bytes()
}
