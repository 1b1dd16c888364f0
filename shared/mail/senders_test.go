package mail

import (
	"context"
	"io"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
)

// receiveOne accepts one SMTP session on ln and returns the envelope and data.
func receiveOne(t *testing.T, ln net.Listener) <-chan []string {
	got := make(chan []string, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			got <- nil
			return
		}
		defer conn.Close()
		tp := textproto.NewConn(conn)
		var lines []string
		_ = tp.PrintfLine("220 test ESMTP")
		for {
			line, err := tp.ReadLine()
			if err != nil {
				got <- lines
				return
			}
			cmd := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
			switch {
			case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
				_ = tp.PrintfLine("250 test")
			case cmd == "MAIL", cmd == "RCPT":
				lines = append(lines, line)
				_ = tp.PrintfLine("250 ok")
			case cmd == "DATA":
				_ = tp.PrintfLine("354 go ahead")
				data, _ := io.ReadAll(tp.DotReader())
				lines = append(lines, string(data))
				_ = tp.PrintfLine("250 queued")
			case cmd == "QUIT":
				_ = tp.PrintfLine("221 bye")
				got <- lines
				return
			default:
				_ = tp.PrintfLine("250 ok")
			}
		}
	}()
	return got
}

func TestSMTPSenderSpeaksSMTP(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := receiveOne(t, ln)
	msg := Message{To: "ann@example.com", Subject: "Bonjour", Text: "Lien : https://x.example/?token=a=b\n", HTML: "<p>x</p>"}
	if err := (SMTP{Addr: ln.Addr().String(), From: "no-reply@example.com"}).Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	lines := <-got
	if len(lines) != 3 || !strings.Contains(lines[0], "<no-reply@example.com>") || !strings.Contains(lines[1], "<ann@example.com>") {
		t.Fatalf("envelope %q", lines)
	}
	// The data parses back with the outbox reader: same parts, same link.
	path := filepath.Join(t.TempDir(), "m.eml")
	if err := os.WriteFile(path, []byte(lines[2]), 0o644); err != nil {
		t.Fatal(err)
	}
	stored, err := ReadFile(path)
	if err != nil || stored.Subject != "Bonjour" || stored.Links()[0] != "https://x.example/?token=a=b" {
		t.Fatalf("received %+v, %v", stored, err)
	}
}

type sesCapture struct{ in *sesv2.SendEmailInput }

func (c *sesCapture) SendEmail(_ context.Context, in *sesv2.SendEmailInput, _ ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error) {
	c.in = in
	return &sesv2.SendEmailOutput{}, nil
}

func TestSESSenderUsesTheConfigurationSet(t *testing.T) {
	c := &sesCapture{}
	err := SES{Client: c, From: "no-reply@example.com", ConfigurationSet: "tribune-mail"}.Send(context.Background(),
		Message{To: "ann@example.com", Subject: "S", Text: "T", HTML: "H"})
	if err != nil {
		t.Fatal(err)
	}
	in := c.in
	if aws.ToString(in.ConfigurationSetName) != "tribune-mail" || in.Destination.ToAddresses[0] != "ann@example.com" ||
		aws.ToString(in.Content.Simple.Body.Html.Data) != "H" || aws.ToString(in.Content.Simple.Body.Text.Data) != "T" {
		t.Fatalf("SendEmail input %+v", in)
	}
}

// Extra headers (RFC 8058's one-click unsubscribe) reach SES and the composed message in
// name order; one a message sets itself, or one carrying a line break, is dropped.
func TestExtraHeadersReachTheTransportsWithoutInjection(t *testing.T) {
	m := Message{To: "ann@example.com", Subject: "S", Text: "T", HTML: "H", Headers: map[string]string{
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click", "List-Unsubscribe": "<https://example.com/u?t=x>",
		"Subject": "forged", "X-Evil": "a\r\nBcc: eve@example.com", "X-Bad\r\nBcc": "eve@example.com"}}
	c := &sesCapture{}
	if err := (SES{Client: c, From: "no-reply@example.com"}).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range c.in.Content.Simple.Headers {
		got = append(got, aws.ToString(h.Name)+": "+aws.ToString(h.Value))
	}
	want := "List-Unsubscribe: <https://example.com/u?t=x>|List-Unsubscribe-Post: List-Unsubscribe=One-Click"
	if strings.Join(got, "|") != want {
		t.Errorf("SES headers %q, want %q", got, want)
	}
	raw := string(Compose("no-reply@example.com", m, time.Now()))
	head := raw[:strings.Index(raw, "\r\n\r\n")]
	if !strings.Contains(head, "\r\nList-Unsubscribe: <https://example.com/u?t=x>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n") ||
		strings.Contains(raw, "Bcc") || strings.Contains(raw, "forged") {
		t.Errorf("composed header:\n%s", head)
	}
}
