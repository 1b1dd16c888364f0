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
	"tribune/shared/logx"
	"tribune/shared/mail"
)

// Consumer is this package's name in idempotency records and the routing table.
const Consumer = "notifications"

//go:embed templates
var templatesDir embed.FS

// Store records which events were handled.
type Store interface {
	// ClaimEvent records that consumer handles eventID; eventtypes.ErrDuplicate if it already did.
	ClaimEvent(ctx context.Context, consumer, eventID string, now time.Time) error
	// ReleaseEvent forgets a claim so that a retry can do the work.
	ReleaseEvent(ctx context.Context, consumer, eventID string) error
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
	// InviterName is the inviter's name as it is now.
	InviterName string
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

// once claims an event for this consumer, runs send, and gives the claim back if
// sending fails, so the retry sends it (losing a mail is worse than a rare double).
func (s *Service) once(ctx context.Context, eventID string, send func() error) error {
	err := s.Store.ClaimEvent(ctx, Consumer, eventID, s.Now())
	if errors.Is(err, eventtypes.ErrDuplicate) {
		slog.InfoContext(ctx, "event already handled", "event_id", eventID)
		return nil
	}
	if err != nil {
		return err
	}
	if err := send(); err != nil {
		if rerr := s.Store.ReleaseEvent(ctx, Consumer, eventID); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return err
	}
	return nil
}

// OnInvitationCreated emails an invitation (links have no address: nothing to send).
func (s *Service) OnInvitationCreated(ctx context.Context, env eventtypes.Envelope) error {
	var evt eventtypes.InvitationCreated
	if err := eventtypes.Decode(env, &evt); err != nil {
		return fmt.Errorf("notifications.OnInvitationCreated: %w", err)
	}
	if evt.Email == "" {
		return nil
	}
	inviter := evt.InviterName
	if s.People != nil {
		inv, err := s.People.Invitation(ctx, evt.InvitationID)
		if err != nil && !errs.Is(err, errs.ErrNotFound.Code) {
			return fmt.Errorf("notifications.OnInvitationCreated %s: %w", evt.EventID, err)
		}
		// An invitation revoked (its inviter's account deleted, say), used, expired or
		// resent since (another code: the newer email carries it) is not sent.
		_, secret, _ := strings.Cut(evt.Code, "-")
		if err != nil || !inv.Usable || inv.CodeHash != auth.Hash(secret) {
			slog.InfoContext(ctx, "invitation not sent: it can no longer be used", "event_id", evt.EventID, "invitation_id", evt.InvitationID)
			return nil
		}
		inviter = inv.InviterName
	}
	msg, err := s.Templates.Render("invitation", evt.Locale, evt.Email, map[string]any{
		"Inviter": personName(evt.Locale, inviter), "Message": evt.Message, "Link": s.PublicURL + "/invite/" + evt.Code,
		"ValidUntil": evt.ValidUntil.Format("2006-01-02"),
	})
	if err != nil {
		return fmt.Errorf("notifications.OnInvitationCreated %s: %w", evt.EventID, err)
	}
	if err := s.once(ctx, evt.EventID, func() error { return s.Mail.Send(ctx, msg) }); err != nil {
		return fmt.Errorf("notifications.OnInvitationCreated %s: %w", evt.EventID, err)
	}
	slog.InfoContext(ctx, "invitation sent", "event_id", evt.EventID, "invitation_id", evt.InvitationID, "to", logx.Email(evt.Email))
	return nil
}

// OnMemberRegistered welcomes a new member by email, once.
func (s *Service) OnMemberRegistered(ctx context.Context, env eventtypes.Envelope) error {
	var evt eventtypes.MemberRegistered
	if err := eventtypes.Decode(env, &evt); err != nil {
		return fmt.Errorf("notifications.OnMemberRegistered: %w", err)
	}
	if s.People != nil {
		// An account deleted before its welcome went out: its address is erased.
		to, err := s.People.Recipient(ctx, evt.MemberID)
		if err != nil {
			return fmt.Errorf("notifications.OnMemberRegistered %s: %w", evt.EventID, err)
		}
		if !to.Active {
			slog.InfoContext(ctx, "welcome not sent: the account is gone", "event_id", evt.EventID)
			return nil
		}
	}
	msg, err := s.Templates.Render("welcome", evt.Locale, evt.Email, map[string]any{"Name": evt.DisplayName, "Link": s.PublicURL + "/"})
	if err != nil {
		return fmt.Errorf("notifications.OnMemberRegistered %s: %w", evt.EventID, err)
	}
	if err := s.once(ctx, evt.EventID, func() error { return s.Mail.Send(ctx, msg) }); err != nil {
		return fmt.Errorf("notifications.OnMemberRegistered %s: %w", evt.EventID, err)
	}
	slog.InfoContext(ctx, "welcome sent", "event_id", evt.EventID, "to", logx.Email(evt.Email))
	return nil
}
