// Package invitations lets staff invite people in bulk, members invite a friend, and
// anyone with the right share a link; pending invitations are listed, resent and
// revoked. Accepting happens at registration (package members consumes the code).
package invitations

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/locale"
	"tribune/shared/policy"
	"tribune/shared/ratelimit"
	"tribune/shared/text"
)

// Kinds of invitations.
const (
	KindEmail = "email"
	KindLink  = "link"
)

// Limits.
const (
	MaxBulk        = 100
	MaxMessage     = 1000
	MaxLinkUses    = 1000
	MaxValidDays   = 30
	DefaultDays    = 14
	ListWindowDays = MaxValidDays + 1
)

// LimitMemberInvites is a member's daily quota of friend invitations; staff have
// LimitStaffInvites.
var (
	LimitMemberInvites = ratelimit.Rule{Name: "invite-member", Limit: 5, Window: 24 * time.Hour}
	LimitStaffInvites  = ratelimit.Rule{Name: "invite-staff", Limit: 1000, Window: 24 * time.Hour}
)

// Invitation is an invitation as staff see it. The secret code is never stored:
// only its hash, and it reaches the invitee once, in the email or the created link.
type Invitation struct {
	ID          string     `json:"id"`
	Kind        string     `json:"kind"`
	Email       string     `json:"email,omitempty"`
	Roles       []string   `json:"roles"`
	Message     string     `json:"message,omitempty"`
	InviterID   string     `json:"inviterId"`
	InviterName string     `json:"inviterName"`
	Locale      string     `json:"locale"`
	MaxUses     int        `json:"maxUses"`
	Uses        int        `json:"uses"`
	CreatedAt   time.Time  `json:"createdAt"`
	ValidUntil  time.Time  `json:"validUntil"`
	RevokedAt   *time.Time `json:"revokedAt,omitempty"`
	CodeHash    string     `json:"-"`
	// InviterDeleted: the inviter deleted their account (InviterName is then
	// auth.DeletedName, shown in the reader's language). Set by the erasure.
	InviterDeleted bool `json:"inviterDeleted,omitempty"`
}

// State tells whether an invitation can still be used at now.
func (i Invitation) State(now time.Time) string {
	switch {
	case i.RevokedAt != nil:
		return "revoked"
	case i.Uses >= i.MaxUses:
		return "used"
	case !now.Before(i.ValidUntil):
		return "expired"
	}
	return "pending"
}

// Errors.
var (
	ErrInvalidEmail   = errs.InvalidField("email", "invalid_email", "Enter a valid email address.")
	ErrNoEmails       = errs.InvalidField("emails", "no_emails", "Give between 1 and 100 email addresses.")
	ErrMessage        = errs.InvalidField("message", "message_too_long", "The message can be at most 1000 characters.")
	ErrRoles          = errs.InvalidField("roles", "invalid_roles", "Roles must be among: admin, moderator, support, marketer, member.")
	ErrRolesNotYours  = errs.New(errs.Forbidden, "roles_not_allowed", "Only an admin can invite with staff roles.")
	ErrDays           = errs.InvalidField("validDays", "invalid_valid_days", "An invitation is valid for 1 to 30 days.")
	ErrUses           = errs.InvalidField("maxUses", "invalid_max_uses", "A link can be used 1 to 1000 times.")
	ErrNotFound       = errs.New(errs.NotFound, "invitation_not_found", "There is no such invitation.")
	ErrNotResendable  = errs.New(errs.Conflict, "invitation_not_pending", "Only a pending email invitation can be resent.")
	ErrQuota          = errs.New(errs.RateLimited, "invitation_quota", "You have sent as many invitations as you can today. Try again tomorrow.")
	ErrMalformedCode  = errs.New(errs.Gone, "invitation_invalid", "This invitation link is not valid.")
	ErrAlreadyPending = errs.New(errs.Conflict, "invitation_pending", "This address already has a pending invitation: no second one was sent.")
	// ErrResentMeanwhile: another resend of the invitation won a race with this one; the
	// service answers the invitation as that resend left it (one email, not two).
	ErrResentMeanwhile = errors.New("invitations: resent meanwhile by another request")
)

// PendingError is what a store answers when the address of a new email invitation
// already has one (InvitationID): nothing was written.
type PendingError struct{ InvitationID string }

func (e *PendingError) Error() string {
	return "invitations: the address has a pending invitation " + e.InvitationID
}

// Store is what invitations need from storage.
type Store interface {
	// CreateInvitation writes an invitation and its invitation.created event under the
	// inviter's quota (ErrQuota when exhausted; nothing written). An email invitation
	// claims its address in the same transaction: when another invitation holds the
	// claim (unless it is stale, an invitation the caller found no longer pending),
	// nothing is written and the error is a *PendingError naming it.
	CreateInvitation(ctx context.Context, inv Invitation, event eventtypes.Envelope, quota ratelimit.Hit, now time.Time, stale string) error
	GetInvitation(ctx context.Context, id string) (Invitation, error)
	// ListInvitations returns invitations created since, newest first.
	ListInvitations(ctx context.Context, since time.Time, now time.Time) ([]Invitation, error)
	// RevokeInvitation marks an invitation revoked.
	RevokeInvitation(ctx context.Context, id string, now time.Time) (Invitation, error)
	// RotateInvitationCode replaces the code of a pending invitation and records the
	// event of the new email.
	RotateInvitationCode(ctx context.Context, inv Invitation, codeHash string, validUntil time.Time, event eventtypes.Envelope) error
}

// Service is the invitations use cases.
type Service struct {
	Store     Store
	PublicURL string
	Now       func() time.Time
}

// Code is what an invitee's link carries: "<id>-<secret>", the secret 130 random bits.
func newCode(id string) (code, hash string) {
	secret := rand.Text()
	return id + "-" + secret, HashSecret(secret)
}

// HashSecret is how an invitation's secret is kept.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// SplitCode returns the invitation id and secret of a code.
func SplitCode(code string) (id, secret string, err error) {
	id, secret, ok := strings.Cut(code, "-")
	if !ok || len(id) < 8 || len(id) > 40 || len(secret) < 26 || len(secret) > 64 {
		return "", "", ErrMalformedCode
	}
	return id, secret, nil
}

// Link is the landing page of a code.
func (s *Service) Link(code string) string { return s.PublicURL + "/invite/" + code }

// Request is what the inviter chose.
type Request struct {
	Emails    []string
	Roles     []string
	Message   string
	ValidDays int
	MaxUses   int
	Locale    string
	// SkipInvalid: invite the valid addresses even though some entries of Emails are
	// not addresses (the inviter saw them named and confirmed); without it, one wrong
	// entry invites nobody.
	SkipInvalid bool
}

// Inviter is who invites.
type Inviter struct {
	Principal auth.Principal
	Name      string
}

func (s *Service) validate(inviter Inviter, req *Request) error {
	msg, err := text.Body("message", req.Message)
	if err != nil {
		return err
	}
	if utf8.RuneCountInString(msg) > MaxMessage {
		return ErrMessage
	}
	req.Message = msg
	if req.ValidDays == 0 {
		req.ValidDays = DefaultDays
	}
	if req.ValidDays < 1 || req.ValidDays > MaxValidDays {
		return ErrDays
	}
	roles := []string{policy.RoleMember}
	for _, r := range req.Roles {
		if !policy.ValidRole(r) {
			return ErrRoles
		}
		if !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	slices.Sort(roles)
	// Granting a role is managing roles: only who may do that may invite with one.
	if len(roles) > 1 && !policy.Allowed(inviter.Principal.Roles, policy.MembersManageRoles) {
		return ErrRolesNotYours
	}
	req.Roles = roles
	req.Locale = locale.Pick(req.Locale, "")
	return nil
}

func (s *Service) quota(inviter Inviter) ratelimit.Hit {
	if policy.Allowed(inviter.Principal.Roles, policy.InvitationsStaff) {
		return ratelimit.Hit{Rule: LimitStaffInvites, Key: inviter.Principal.MemberID}
	}
	return ratelimit.Hit{Rule: LimitMemberInvites, Key: inviter.Principal.MemberID}
}

// Created is one invitation made, with its code (shown once, for links), or, Existing,
// the pending invitation the address already had (no code: nothing new was sent).
type Created struct {
	Invitation Invitation
	Code       string
	Existing   bool
}

// InvalidEmails is the answer to a bulk invitation with entries that are not email
// addresses and no SkipInvalid: nobody was invited. It names every wrong entry (its line,
// as typed, and why) and counts the distinct valid addresses, so the inviter can correct
// the list or confirm sending to those.
func InvalidEmails(bad []errs.Entry, valid int) *errs.Error {
	e := errs.InvalidField("emails", "invalid_emails", fmt.Sprintf(
		"%d of the entries are not email addresses (their lines are listed): nobody was invited. Correct them, or send again with skipInvalid to invite the %d valid addresses.",
		len(bad), valid))
	e.Entries, e.Valid = bad, valid
	return e
}

// Bulk is what a bulk invitation did: the invitations made or found (Created), and the
// entries left out because they are not addresses (Skipped, only with SkipInvalid).
type Bulk struct {
	Created []Created
	Skipped []errs.Entry
}

// InviteByEmail invites addresses, each with its own code; every address is checked
// before anything is written. Entries that are not addresses make the whole request
// fail with InvalidEmails (nothing written) unless req.SkipInvalid, when they are left
// out and listed in Skipped (and InvalidEmails still when no entry is valid). An address
// with a pending invitation gets no second one (nor a second email): its pending
// invitation comes back, Existing; sending it again is Resend.
func (s *Service) InviteByEmail(ctx context.Context, inviter Inviter, req Request) (Bulk, error) {
	if len(req.Emails) == 0 || len(req.Emails) > MaxBulk {
		return Bulk{}, fmt.Errorf("invitations.InviteByEmail: %w", ErrNoEmails)
	}
	if err := s.validate(inviter, &req); err != nil {
		return Bulk{}, fmt.Errorf("invitations.InviteByEmail: %w", err)
	}
	var emails []string
	var bad []errs.Entry
	for i, raw := range req.Emails {
		email, ok := text.NormalizeEmail(raw)
		if !ok {
			bad = append(bad, errs.Entry{Line: i + 1, Value: raw, Code: ErrInvalidEmail.Code, Detail: ErrInvalidEmail.Message})
			continue
		}
		if !slices.Contains(emails, email) {
			emails = append(emails, email)
		}
	}
	if len(bad) > 0 && (!req.SkipInvalid || len(emails) == 0) {
		return Bulk{}, fmt.Errorf("invitations.InviteByEmail: %w", InvalidEmails(bad, len(emails)))
	}
	out := Bulk{Skipped: bad}
	for _, email := range emails {
		c, err := s.create(ctx, inviter, req, KindEmail, email, 1)
		if err != nil {
			return out, fmt.Errorf("invitations.InviteByEmail: %w", err)
		}
		out.Created = append(out.Created, c)
	}
	return out, nil
}

// InviteFriend invites one address (a member's friend): ErrInvalidEmail, about the
// field email, when it is not an address; otherwise as InviteByEmail.
func (s *Service) InviteFriend(ctx context.Context, inviter Inviter, email, message, lang string) (Created, error) {
	if _, ok := text.NormalizeEmail(email); !ok {
		return Created{}, fmt.Errorf("invitations.InviteFriend: %w", ErrInvalidEmail)
	}
	done, err := s.InviteByEmail(ctx, inviter, Request{Emails: []string{email}, Message: message, Locale: lang})
	if err != nil {
		return Created{}, err
	}
	return done.Created[0], nil
}

// CreateLink makes a shareable link usable maxUses times.
func (s *Service) CreateLink(ctx context.Context, inviter Inviter, req Request) (Created, error) {
	if req.MaxUses < 1 || req.MaxUses > MaxLinkUses {
		return Created{}, fmt.Errorf("invitations.CreateLink: %w", ErrUses)
	}
	if err := s.validate(inviter, &req); err != nil {
		return Created{}, fmt.Errorf("invitations.CreateLink: %w", err)
	}
	c, err := s.create(ctx, inviter, req, KindLink, "", req.MaxUses)
	if err != nil {
		return Created{}, fmt.Errorf("invitations.CreateLink: %w", err)
	}
	return c, nil
}

func (s *Service) create(ctx context.Context, inviter Inviter, req Request, kind, email string, maxUses int) (Created, error) {
	now := s.Now().UTC()
	id := strings.ToLower(rand.Text()[:16])
	code, hash := newCode(id)
	inv := Invitation{ID: id, Kind: kind, Email: email, Roles: req.Roles, Message: req.Message, InviterID: inviter.Principal.MemberID,
		InviterName: inviter.Name, Locale: req.Locale, MaxUses: maxUses, CreatedAt: now,
		ValidUntil: now.Add(time.Duration(req.ValidDays) * 24 * time.Hour), CodeHash: hash}
	event, err := s.event(inv, code, false)
	if err != nil {
		return Created{}, err
	}
	// One pending invitation per address: a claim held by an invitation that is no
	// longer pending (revoked, used, expired) is taken over, a few times at most.
	stale := ""
	for range 3 {
		err = s.Store.CreateInvitation(ctx, inv, event, s.quota(inviter), now, stale)
		var pending *PendingError
		if !errors.As(err, &pending) {
			break
		}
		held, gerr := s.Store.GetInvitation(ctx, pending.InvitationID)
		if gerr != nil && !errors.Is(gerr, errs.ErrNotFound) {
			return Created{}, gerr
		}
		if gerr == nil && held.State(now) == "pending" && held.Email == email {
			slog.InfoContext(ctx, "invitation not repeated: the address has a pending one", "invitation_id", held.ID, "by", inviter.Principal.MemberID)
			return Created{Invitation: held, Existing: true}, nil
		}
		stale = pending.InvitationID
	}
	if pending := (*PendingError)(nil); errors.As(err, &pending) {
		err = ErrAlreadyPending // the claim kept changing hands: say so rather than fail
	}
	if err != nil {
		return Created{}, err
	}
	slog.InfoContext(ctx, "invitation created", "invitation_id", id, "kind", kind, "by", inviter.Principal.MemberID)
	return Created{Invitation: inv, Code: code}, nil
}

func (s *Service) event(inv Invitation, code string, resent bool) (eventtypes.Envelope, error) {
	meta := eventtypes.NewMeta(s.Now())
	return eventtypes.Wrap(eventtypes.InvitationCreated{
		Meta: meta, InvitationID: inv.ID, Kind: inv.Kind, Email: inv.Email, Code: code, Message: inv.Message,
		InviterName: inv.InviterName, Locale: inv.Locale, ValidUntil: inv.ValidUntil, Resent: resent,
	})
}

// Pending lists the invitations that can still be used.
func (s *Service) Pending(ctx context.Context) ([]Invitation, error) {
	now := s.Now()
	all, err := s.Store.ListInvitations(ctx, now.Add(-ListWindowDays*24*time.Hour), now)
	if err != nil {
		return nil, fmt.Errorf("invitations.Pending: %w", err)
	}
	out := []Invitation{}
	for _, inv := range all {
		if inv.State(now) == "pending" {
			out = append(out, inv)
		}
	}
	return out, nil
}

// Revoke ends an invitation.
func (s *Service) Revoke(ctx context.Context, id string) (Invitation, error) {
	inv, err := s.Store.RevokeInvitation(ctx, id, s.Now())
	if errors.Is(err, errs.ErrNotFound) {
		err = ErrNotFound
	}
	if err != nil {
		return Invitation{}, fmt.Errorf("invitations.Revoke %s: %w", id, err)
	}
	return inv, nil
}

// Resend mails a pending email invitation again, with a new code (the old link stops
// working) and a fresh validity.
func (s *Service) Resend(ctx context.Context, id string) (Invitation, error) {
	inv, err := s.Store.GetInvitation(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		err = ErrNotFound
	}
	if err != nil {
		return Invitation{}, fmt.Errorf("invitations.Resend %s: %w", id, err)
	}
	now := s.Now().UTC()
	if inv.Kind != KindEmail || inv.State(now) != "pending" {
		return Invitation{}, fmt.Errorf("invitations.Resend %s: %w", id, ErrNotResendable)
	}
	days := inv.ValidUntil.Sub(inv.CreatedAt)
	inv.ValidUntil = now.Add(days)
	code, hash := newCode(id)
	event, err := s.event(inv, code, true)
	if err != nil {
		return Invitation{}, fmt.Errorf("invitations.Resend %s: %w", id, err)
	}
	err = s.Store.RotateInvitationCode(ctx, inv, hash, inv.ValidUntil, event)
	if errors.Is(err, ErrResentMeanwhile) {
		// A resend at the same moment sent it: one email, and its invitation as it is.
		if inv, err = s.Store.GetInvitation(ctx, id); err != nil {
			return Invitation{}, fmt.Errorf("invitations.Resend %s: %w", id, err)
		}
		return inv, nil
	}
	if err != nil {
		return Invitation{}, fmt.Errorf("invitations.Resend %s: %w", id, err)
	}
	inv.CodeHash = hash
	return inv, nil
}

// Public is what the landing page of a code shows anyone holding it.
type Public struct {
	InviterName string    `json:"inviterName"`
	Message     string    `json:"message,omitempty"`
	Email       string    `json:"email,omitempty"`
	ValidUntil  time.Time `json:"validUntil"`
	State       string    `json:"state"`
	// InviterDeleted: as Invitation's.
	InviterDeleted bool `json:"inviterDeleted,omitempty"`
}

// Lookup checks a code: the invitation's public face, or ErrMalformedCode.
func (s *Service) Lookup(ctx context.Context, code string) (Public, error) {
	id, secret, err := SplitCode(code)
	if err != nil {
		return Public{}, err
	}
	inv, err := s.Store.GetInvitation(ctx, id)
	if err != nil || inv.CodeHash != HashSecret(secret) {
		if err != nil && !errors.Is(err, errs.ErrNotFound) {
			return Public{}, fmt.Errorf("invitations.Lookup: %w", err)
		}
		return Public{}, ErrMalformedCode
	}
	pub := Public{InviterName: inv.InviterName, InviterDeleted: inv.InviterDeleted, Email: inv.Email, ValidUntil: inv.ValidUntil, State: inv.State(s.Now())}
	if pub.State == "pending" {
		// The personal message is for a usable invitation only (a revoked one may be a
		// deleted member's, whose words go with them).
		pub.Message = inv.Message
	}
	return pub, nil
}

// Registered closes the email invitation of an address that registered without its
// code (from the sign-in page, or a social provider): the invitee is a member, so the
// invitation reads used, not pending with Resend and Revoke (findings of 2026-11-30, 10).
type Registered struct {
	Store interface {
		// UseInvitationOf spends the pending email invitation of address, for memberID
		// who registered with it at, recording invitation.accepted with it; nothing when
		// there is none, or it is used, revoked or expired at at already.
		UseInvitationOf(ctx context.Context, email, memberID string, at time.Time) error
	}
}

// OnMemberRegistered spends the new member's pending invitation (a repeated event
// finds it used: nothing more).
func (r Registered) OnMemberRegistered(ctx context.Context, evt eventtypes.MemberRegistered) error {
	if evt.Email == "" {
		return nil
	}
	if err := r.Store.UseInvitationOf(ctx, evt.Email, evt.MemberID, evt.OccurredAt); err != nil {
		return fmt.Errorf("invitations.OnMemberRegistered %s: %w", evt.MemberID, err)
	}
	return nil
}
