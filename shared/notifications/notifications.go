// Package notifications turns domain events into messages to members (for now the
// welcome email). Every handler is idempotent: an event delivered twice sends once.
package notifications

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/locale"
	"tribune/shared/logx"
	"tribune/shared/mail"
)

// Consumer is this package's name in idempotency records and the routing table.
const Consumer = "notifications"

//go:embed templates
var templatesDir embed.FS

// Store records which messages were sent.
type Store interface {
	// ClaimEvent records that consumer is about to do the work of eventID; it returns
	// eventtypes.ErrDuplicate once that work was marked done (DoneEvent). A claim left
	// by an attempt that stopped before DoneEvent (a crash between claim and send)
	// does not block: the next delivery does the work again.
	ClaimEvent(ctx context.Context, consumer, eventID string, now time.Time) error
	// DoneEvent marks the work of eventID done: later deliveries skip it.
	DoneEvent(ctx context.Context, consumer, eventID string, now time.Time) error
}

// People says who someone is when an email is written, which may be long after the
// event: an account deleted meanwhile gets no welcome, and an invitation that can no
// longer be used (revoked, its inviter deleted, resent with another code) is not sent.
type People interface {
	Recipient(ctx context.Context, memberID string) (Recipient, error)
	// Invitation is an invitation as it is now (errs.ErrNotFound when gone).
	Invitation(ctx context.Context, invitationID string) (SentInvitation, error)
}

// SentInvitation is what an invitation email needs to know at delivery.
type SentInvitation struct {
	// InviterName is the inviter's name as it is now ("Deleted member", with
	// InviterDeleted, once their account is deleted).
	InviterName    string
	InviterDeleted bool
	// CodeHash is the hash of the code its link must carry (a resend replaces it).
	CodeHash string
	// Usable: not revoked, used up or expired, and its inviter's account not deleted.
	Usable bool
}

// Service sends notifications.
type Service struct {
	Store     Store
	Mail      mail.Sender
	Templates mail.Templates
	PublicURL string
	Now       func() time.Time
	// People, when set, is asked at delivery (see People).
	People People
}

// NewService returns a service with this package's templates.
func NewService(store Store, sender mail.Sender, publicURL string) *Service {
	return &Service{Store: store, Mail: sender, Templates: mail.TemplatesIn(templatesDir, "templates"), PublicURL: publicURL, Now: time.Now}
}

// compose writes a message from what it names as it is now; ok false means it is no
// longer to be sent (its recipient or subject is gone, or out of their reach).
type compose func(ctx context.Context) (msg mail.Message, ok bool, err error)

// send sends the message write composes for the work key (an event, or an event and a
// recipient) unless it was sent already. write runs after the claim, as the very last
// thing before the message is handed to the sender, so what it reads (the actor's name,
// the recipient, their access) is as current as it can be: an email whose final read
// came after an account's deletion committed never names that member (docs/identity.md,
// "Profiles and privacy"). Mail is at least once: the claim is marked done only after
// the sender accepted the message (or write decided it goes to nobody), so a crash or a
// failure in between sends it again on the next delivery (losing a mail is worse than a
// rare double). key is also the message's id, so a sender that deduplicates (the outbox
// folder, a Mailpit keeping one message per Message-ID) delivers a resend once.
func (s *Service) send(ctx context.Context, key string, write compose) error {
	err := s.Store.ClaimEvent(ctx, Consumer, key, s.Now())
	if errors.Is(err, eventtypes.ErrDuplicate) {
		slog.InfoContext(ctx, "event already handled", "event_id", key)
		return nil
	}
	if err != nil {
		return err
	}
	msg, ok, err := write(ctx)
	if err != nil {
		return err
	}
	if ok {
		if msg.ID == "" {
			msg.ID = key
		}
		if err := s.Mail.Send(ctx, msg); err != nil {
			return err
		}
	}
	return s.Store.DoneEvent(ctx, Consumer, key, s.Now())
}

// OnInvitationCreated emails an invitation (links have no address: nothing to send).
func (s *Service) OnInvitationCreated(ctx context.Context, evt eventtypes.InvitationCreated) error {
	if evt.Email == "" {
		return nil
	}
	// The invitation and its inviter are read at the last moment before sending.
	err := s.send(ctx, evt.EventID, func(ctx context.Context) (mail.Message, bool, error) {
		inviter, deleted := evt.InviterName, false
		if s.People != nil {
			inv, err := s.People.Invitation(ctx, evt.InvitationID)
			if err != nil && !errs.Is(err, errs.ErrNotFound.Code) {
				return mail.Message{}, false, err
			}
			// An invitation revoked (its inviter's account deleted, say), used, expired or
			// resent since (another code: the newer email carries it) is not sent.
			_, secret, _ := strings.Cut(evt.Code, "-")
			if err != nil || !inv.Usable || inv.CodeHash != auth.Hash(secret) {
				slog.InfoContext(ctx, "invitation not sent: it can no longer be used", "event_id", evt.EventID, "invitation_id", evt.InvitationID)
				return mail.Message{}, false, nil
			}
			inviter, deleted = inv.InviterName, inv.InviterDeleted
		}
		msg, err := s.Templates.Render("invitation", evt.Locale, evt.Email, map[string]any{
			"Inviter": personName(evt.Locale, inviter, deleted), "Message": evt.Message, "Link": s.PublicURL + "/invite/" + evt.Code,
			"ValidUntil": locale.Date(evt.Locale, evt.ValidUntil),
		})
		return msg, err == nil, err
	})
	if err != nil {
		return fmt.Errorf("notifications.OnInvitationCreated %s: %w", evt.EventID, err)
	}
	slog.InfoContext(ctx, "invitation handled", "event_id", evt.EventID, "invitation_id", evt.InvitationID, "to", logx.Email(evt.Email))
	return nil
}

// OnMemberRegistered welcomes a new member by email, once.
func (s *Service) OnMemberRegistered(ctx context.Context, evt eventtypes.MemberRegistered) error {
	// The account is read at the last moment before sending: one deleted meanwhile has
	// its address erased and gets no welcome.
	err := s.send(ctx, evt.EventID, func(ctx context.Context) (mail.Message, bool, error) {
		// The member's language: the one they signed up in, or the one they chose since.
		lang := evt.Locale
		if s.People != nil {
			to, err := s.People.Recipient(ctx, evt.MemberID)
			if err != nil || !to.Active {
				if err == nil {
					slog.InfoContext(ctx, "welcome not sent: the account is gone", "event_id", evt.EventID)
				}
				return mail.Message{}, false, err
			}
			if locale.Valid(to.Locale) {
				lang = to.Locale
			}
		}
		msg, err := s.Templates.Render("welcome", lang, evt.Email, map[string]any{"Name": evt.DisplayName, "Link": s.PublicURL + "/"})
		return msg, err == nil, err
	})
	if err != nil {
		return fmt.Errorf("notifications.OnMemberRegistered %s: %w", evt.EventID, err)
	}
	slog.InfoContext(ctx, "welcome handled", "event_id", evt.EventID, "to", logx.Email(evt.Email))
	return nil
}
