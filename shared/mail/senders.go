package mail

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"net/smtp"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
)

// SMTP sends through a plain SMTP server such as a local Mailpit.
type SMTP struct {
	Addr string
	From string
}

// Send implements Sender.
func (s SMTP) Send(ctx context.Context, m Message) error {
	if err := smtp.SendMail(s.Addr, nil, s.From, []string{m.To}, Compose(s.From, m, time.Now())); err != nil {
		return fmt.Errorf("mail.SMTP.Send: %w", err)
	}
	return nil
}

// Outbox writes each message as one .eml file in Dir, for local runs and tests.
type Outbox struct {
	Dir  string
	From string
}

// Send implements Sender. The file appears whole (written, then moved into place). A
// message with an ID is written once: its file is named after the ID, and a resend
// (a redelivered event) finds it there and writes nothing.
func (o Outbox) Send(ctx context.Context, m Message) error {
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return fmt.Errorf("mail.Outbox.Send: %w", err)
	}
	now := time.Now().UTC()
	name := now.Format("20060102T150405.000000000") + "-" + strings.ToLower(rand.Text()[:8]) + ".eml"
	if m.ID != "" {
		name = "id-" + idHash(m.ID) + ".eml"
		if _, err := os.Stat(filepath.Join(o.Dir, name)); err == nil {
			return nil
		}
	}
	tmp, err := os.CreateTemp(o.Dir, ".*.eml")
	if err != nil {
		return fmt.Errorf("mail.Outbox.Send: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(Compose(o.From, m, now))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("mail.Outbox.Send: %w", err)
	}
	// A hard link never replaces an existing file, so two sends of the same message
	// racing each other leave one file.
	if err := os.Link(tmp.Name(), filepath.Join(o.Dir, name)); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("mail.Outbox.Send: %w", err)
	}
	return nil
}

// SESAPI is the part of the SES v2 client the sender uses.
type SESAPI interface {
	SendEmail(ctx context.Context, in *sesv2.SendEmailInput, opts ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error)
}

// SES sends through Amazon SES v2 with a configuration set, whose bounce and
// complaint events feed the suppression list.
type SES struct {
	Client           SESAPI
	From             string
	ConfigurationSet string
}

// Send implements Sender.
func (s SES) Send(ctx context.Context, m Message) error {
	in := &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(s.From),
		Destination:      &types.Destination{ToAddresses: []string{m.To}},
		Content: &types.EmailContent{Simple: &types.Message{
			Subject: &types.Content{Data: aws.String(m.Subject), Charset: aws.String("UTF-8")},
			Body: &types.Body{
				Text: &types.Content{Data: aws.String(m.Text), Charset: aws.String("UTF-8")},
				Html: &types.Content{Data: aws.String(m.HTML), Charset: aws.String("UTF-8")},
			},
		}},
	}
	for _, h := range ExtraHeaders(m) {
		in.Content.Simple.Headers = append(in.Content.Simple.Headers, types.MessageHeader{Name: aws.String(h[0]), Value: aws.String(h[1])})
	}
	if s.ConfigurationSet != "" {
		in.ConfigurationSetName = aws.String(s.ConfigurationSet)
	}
	if _, err := s.Client.SendEmail(ctx, in); err != nil {
		return fmt.Errorf("mail.SES.Send: %w", err)
	}
	return nil
}
