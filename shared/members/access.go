package members

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/text"
)

// Access modes of a community.
const (
	AccessOpen   = "open"   // anyone may register
	AccessInvite = "invite" // registration needs an invitation; nothing is public
	AccessHybrid = "hybrid" // visitors read public content; registration open or by invitation
)

// Settings are the community's membership rules.
type Settings struct {
	AccessMode string `json:"accessMode"`
	// HybridRegistration is "open" or "invite" in hybrid mode.
	HybridRegistration string `json:"hybridRegistration,omitempty"`
}

// DefaultSettings hold until an admin changes them.
var DefaultSettings = Settings{AccessMode: AccessOpen}

// NeedsInvitation reports whether a newcomer must bring an invitation.
func (s Settings) NeedsInvitation() bool {
	return s.AccessMode == AccessInvite || (s.AccessMode == AccessHybrid && s.HybridRegistration == AccessInvite)
}

// VisitorsMayRead reports whether people who are not signed in may read public content.
func (s Settings) VisitorsMayRead() bool {
	return s.AccessMode != AccessInvite
}

func (s Settings) validate() error {
	switch {
	case s.AccessMode == AccessOpen || s.AccessMode == AccessInvite:
		if s.HybridRegistration != "" {
			return ErrBadSettings
		}
	case s.AccessMode == AccessHybrid:
		if s.HybridRegistration != AccessOpen && s.HybridRegistration != AccessInvite {
			return ErrBadSettings
		}
	default:
		return ErrBadSettings
	}
	return nil
}

// InvitationGrant is an invitation as registration sees it (package invitations owns
// invitations; this is the part membership needs, read from the same item).
type InvitationGrant struct {
	ID         string
	Email      string
	Roles      []string
	InviterID  string
	CodeHash   string
	MaxUses    int
	Uses       int
	ValidUntil time.Time
	Revoked    bool
}

// Acceptance is the use of an invitation by a registration.
type Acceptance struct {
	InvitationID string
	CodeHash     string
	InviterID    string
}

// Errors of admission.
var (
	ErrBadSettings        = errs.InvalidField("accessMode", "invalid_access_mode", "The access mode is open, invite or hybrid (with hybridRegistration open or invite).")
	ErrInvitationRequired = errs.New(errs.Forbidden, "invitation_required", "This community is invite-only. Ask a member or the community team for an invitation.")
	ErrInvitationInvalid  = errs.New(errs.Gone, "invitation_invalid", "This invitation link is not valid.")
	ErrInvitationExpired  = errs.New(errs.Gone, "invitation_expired", "This invitation has expired. Ask for a new one.")
	ErrInvitationUsed     = errs.New(errs.Gone, "invitation_used", "This invitation has already been used.")
	ErrInvitationRevoked  = errs.New(errs.Gone, "invitation_revoked", "This invitation has been withdrawn.")
	ErrInvitationEmail    = errs.New(errs.Forbidden, "invitation_other_email", "This invitation was sent to another email address. Sign up with that address.")
)

// NewcomerRefused is admit's answer for an address with no account that may not join:
// Reason is ErrInvitationRequired, or what is wrong with the invitation it brings
// (ErrInvitationInvalid, ErrInvitationRevoked, ErrInvitationUsed, ErrInvitationExpired,
// ErrInvitationEmail). It unwraps to Reason. A known address signs in whatever
// invitation comes with it, so these answers would tell that an address has no account:
// sign-in start answers them as it answers a known address and tells the address why
// by email (docs/decisions.md, round 3). A malformed invitation code is refused the
// same way for every address and is not one of these.
type NewcomerRefused struct{ Reason *errs.Error }

func (e *NewcomerRefused) Error() string { return "members: newcomer refused: " + e.Reason.Code }

// Unwrap returns Reason.
func (e *NewcomerRefused) Unwrap() error { return e.Reason }

func refuse(reason *errs.Error) *NewcomerRefused { return &NewcomerRefused{Reason: reason} }

// admit decides whether email may sign in or register: the existing member's id, or
// for a newcomer the invitation they bring (nil when none is needed or given); a
// newcomer who may not join is a *NewcomerRefused.
func (s *Service) admit(ctx context.Context, email, code string) (string, *InvitationGrant, error) {
	invitationID, secret := "", ""
	if code != "" {
		var ok bool
		invitationID, secret, ok = strings.Cut(code, "-")
		if !ok || invitationID == "" || len(invitationID) > 40 || len(secret) < 26 || len(secret) > 64 {
			return "", nil, ErrInvitationInvalid
		}
	}
	memberID, settings, grant, err := s.Store.Admission(ctx, email, invitationID)
	if err != nil {
		return "", nil, err
	}
	if memberID != "" {
		return memberID, nil, nil // a member signs in; an invitation changes nothing
	}
	if code == "" {
		if settings.NeedsInvitation() {
			return "", nil, refuse(ErrInvitationRequired)
		}
		return "", nil, nil
	}
	now := s.Now()
	switch {
	case grant == nil || grant.CodeHash != auth.Hash(secret):
		return "", nil, refuse(ErrInvitationInvalid)
	case grant.Revoked:
		return "", nil, refuse(ErrInvitationRevoked)
	case grant.Uses >= grant.MaxUses:
		return "", nil, refuse(ErrInvitationUsed)
	case !now.Before(grant.ValidUntil):
		return "", nil, refuse(ErrInvitationExpired)
	case grant.Email != "" && normalOr(grant.Email) != email:
		return "", nil, refuse(ErrInvitationEmail)
	}
	return "", grant, nil
}

// Settings returns the community's membership rules.
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	st, err := s.Store.GetSettings(ctx)
	if errors.Is(err, errs.ErrNotFound) {
		return DefaultSettings, nil
	}
	if err != nil {
		return Settings{}, fmt.Errorf("members.Settings: %w", err)
	}
	return st, nil
}

// SaveSettings changes the community's membership rules.
func (s *Service) SaveSettings(ctx context.Context, st Settings) error {
	if err := st.validate(); err != nil {
		return fmt.Errorf("members.SaveSettings: %w", err)
	}
	if err := s.Store.SaveSettings(ctx, st); err != nil {
		return fmt.Errorf("members.SaveSettings: %w", err)
	}
	return nil
}

// normalOr is an address stored by an older release in today's spelling
// (text.NormalizeEmail), or as it is when today's rules refuse it.
func normalOr(email string) string {
	if n, ok := text.NormalizeEmail(email); ok {
		return n
	}
	return email
}
