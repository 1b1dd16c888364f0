// Package members is membership: email sign-up and sign-in by one-time link, the
// member profile, and sessions. It knows nothing of DynamoDB or Lambda.
package members

import (
	"context"
	"errors"
	"strings"
	"time"
	"tribune/shared/audit"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/policy"
	"tribune/shared/ratelimit"
	"tribune/shared/social"
	"tribune/shared/text"
)

// Statuses (auth decides what they mean for signing in) and limits.
const (
	StatusActive    = auth.StatusActive
	StatusSuspended = auth.StatusSuspended
	StatusBanned    = auth.StatusBanned
	// StatusDeleted: the member deleted their account; what they wrote stays, anonymised.
	StatusDeleted   = "deleted"
	MaxEmailBytes   = text.MaxEmailBytes
	MaxReasonLength = 500
	MaxSuspendDays  = 365
	// SuspensionSlack: a suspension that would end less than this after the member's
	// current one changes nothing (it writes nothing and logs nothing), so the same
	// suspension asked twice, or by twelve requests at once, is one suspension.
	SuspensionSlack = 10 * time.Minute
)

// ErrUnchanged is what a store answers when a change would write what is already
// stored (a repeated request): nothing was written.
var ErrUnchanged = errors.New("members: already so")

// Member is a person with an account.
type Member struct {
	ID          string `json:"id"`
	Email       string `json:"email"`
	DisplayName string `json:"displayName"`
	Locale      string `json:"locale"`
	// Roles always hold "member"; staff roles come on top (see package policy).
	Roles          []string   `json:"roles"`
	Status         string     `json:"status"`
	SuspendedUntil *time.Time `json:"suspendedUntil,omitempty"`
	CreatedAt      time.Time  `json:"createdAt"`
	// Profile fields (see Profile).
	Bio       string   `json:"bio"`
	Expertise []string `json:"expertise"`
	Interests []string `json:"interests"`
	Company   string   `json:"company"`
	Location  string   `json:"location"`
	Links     []string `json:"links"`
	HasAvatar bool     `json:"hasAvatar"`
	// RulesAccepted is the version of the community rules the member last accepted.
	RulesAccepted int `json:"rulesAccepted"`
	// ActivityEmails: activity notifications come by email too (the default).
	ActivityEmails bool `json:"activityEmails"`
	// KnowledgeEmails: news of followed knowledge-base articles and categories come by
	// email too (the default; issue 16).
	KnowledgeEmails bool `json:"knowledgeEmails"`
	// AvatarKey is the avatar's object key in the avatars bucket.
	AvatarKey string `json:"-"`
}

// IsStaff reports whether the member holds a staff role.
func (m Member) IsStaff() bool { return policy.IsStaff(m.Roles) }

// SignInToken is a pending one-time sign-in link; only the hash of its token is kept.
type SignInToken struct {
	Hash   string
	Email  string
	Locale string
	// Invitation is the code a newcomer brought, spent when the member is created.
	Invitation string
	// MemberID is set when the address belonged to a member when the link was sent.
	MemberID  string
	ExpiresAt time.Time
}

// Coded errors of this domain.
var (
	ErrInvalidEmail  = errs.InvalidField("email", "invalid_email", "Enter a valid email address.")
	ErrInvalidLocal  = errs.InvalidField("locale", "invalid_locale", "Choose a supported language: en or fr.")
	ErrLinkInvalid   = errs.New(errs.Gone, "link_invalid", "This sign-in link is not valid. Ask for a new one.")
	ErrLinkUsed      = errs.New(errs.Gone, "link_used", "This sign-in link has already been used. Ask for a new one.")
	ErrLinkExpired   = errs.New(errs.Gone, "link_expired", "This sign-in link has expired. Ask for a new one.")
	ErrRateLimited   = errs.New(errs.RateLimited, "rate_limited", "Too many sign-in requests. Wait a few minutes and try again.")
	ErrMailFailed    = errs.New(errs.Unavailable, "mail_unavailable", "We could not send the email. Try again in a moment.")
	ErrInactive      = errs.New(errs.Forbidden, "account_inactive", "This account cannot sign in.")
	ErrNoMember      = errs.New(errs.NotFound, "member_not_found", "There is no such member.")
	ErrNoSuchSess    = errs.New(errs.NotFound, "session_not_found", "There is no such session.")
	ErrBadRoles      = errs.InvalidField("roles", "invalid_roles", "Roles must be a list of: admin, moderator, support, marketer, member.")
	ErrOwnAdmin      = errs.InvalidField("roles", "own_admin_role", "You cannot remove your own admin role; ask another admin.")
	ErrBadDays       = errs.InvalidField("days", "invalid_days", "Suspend for 1 to 365 days.")
	ErrBadReason     = errs.InvalidField("reason", "invalid_reason", "Give a reason of at most 500 characters.")
	ErrModerateSelf  = errs.New(errs.Forbidden, "moderate_self", "You cannot suspend or ban yourself.")
	ErrModerateStaff = errs.New(errs.Forbidden, "moderate_staff", "Only staff can edit or delete what a staff member wrote, and only an admin can suspend or ban a staff member.")
	// ErrSwitchAccount refuses a sign-in that would silently replace this browser's
	// session of another account (login CSRF); the person must choose to switch.
	ErrSwitchAccount = errs.New(errs.Conflict, "account_switch_required",
		"This browser is signed in with another account. Choose to switch accounts, or sign out first.")
)

// EmailTakenError reports that an address already belongs to a member (a race of
// two first sign-ins); MemberID is that member.
type EmailTakenError struct{ MemberID string }

func (e *EmailTakenError) Error() string { return "members: email already registered to " + e.MemberID }

// Store is what the service needs from storage. Missing items are errors wrapping
// errs.ErrNotFound.
type Store interface {
	// Admission reads, in one round trip, the member owning an address ("" if none),
	// the community settings (DefaultSettings if never saved) and an invitation (nil
	// if invitationID is empty or unknown).
	Admission(ctx context.Context, email, invitationID string) (string, Settings, *InvitationGrant, error)
	GetSettings(ctx context.Context) (Settings, error)
	SaveSettings(ctx context.Context, s Settings) error
	// SaveSignInToken stores a token if none of the hits exceeds its limit, atomically;
	// a refused hit is ErrRateLimited and writes nothing.
	SaveSignInToken(ctx context.Context, t SignInToken, hits []ratelimit.Hit, now time.Time) error
	// CountSignInStart records the hits of a sign-in start that saves no token (an
	// address that may not join), under the same limits: ErrRateLimited writes nothing.
	CountSignInStart(ctx context.Context, hits []ratelimit.Hit, now time.Time) error
	// PeekSignInToken reads a token without spending it: ErrLinkInvalid, ErrLinkUsed or
	// ErrLinkExpired as ConsumeSignInToken.
	PeekSignInToken(ctx context.Context, hash string, now time.Time) (SignInToken, error)
	// ConsumeSignInToken marks a token used, once: ErrLinkInvalid, ErrLinkUsed or ErrLinkExpired otherwise.
	ConsumeSignInToken(ctx context.Context, hash string, now time.Time) (SignInToken, error)
	// Register writes a new member, its email claim, its first session, the
	// member.registered event, (for social sign-up) its identity and (for an invitee)
	// the use of the invitation with its invitation.accepted event, in one
	// transaction; *EmailTakenError if the address is claimed, ErrInvitationInvalid if
	// the invitation can no longer be used.
	Register(ctx context.Context, m Member, s auth.Session, event eventtypes.Envelope, identity *social.Identity, accept *Acceptance) error
	// CreateSession stores a session for an existing, active member (ErrInactive
	// otherwise), with its events (member.signed_in) in the same transaction.
	CreateSession(ctx context.Context, s auth.Session, events ...eventtypes.Envelope) error
	GetMember(ctx context.Context, id string) (Member, error)
	// ListSessions returns a member's live sessions, newest first.
	ListSessions(ctx context.Context, memberID string) ([]auth.Session, error)
	// DeleteSession ends one session of a member (errs.ErrNotFound if not theirs).
	DeleteSession(ctx context.Context, memberID, hash string) error
	// DeleteAllSessions ends every session of a member.
	DeleteAllSessions(ctx context.Context, memberID string) error
	// SetRoles replaces a member's roles and records event (member.roles_changed) in the
	// same transaction, only if they change: the same roles again write nothing.
	SetRoles(ctx context.Context, memberID string, roles []string, event eventtypes.Envelope) (Member, error)
	// ModerateMember changes a member's status (until matters for suspensions) and
	// writes the moderator's audit entry, in one transaction; banning the banned or
	// reinstating the active writes nothing and answers the member as they are.
	ModerateMember(ctx context.Context, memberID, status string, until *time.Time, entry audit.Entry) (Member, error)
	// SetPreferences saves a member's notification choices.
	SetPreferences(ctx context.Context, memberID string, p Preferences) (Member, error)
	// UpdateProfile replaces a member's profile, its directory entry and tag entries.
	UpdateProfile(ctx context.Context, memberID string, p Profile) (Member, error)
	GetStaffFields(ctx context.Context, memberID string) (StaffFields, error)
	SaveStaffFields(ctx context.Context, memberID string, f StaffFields) error
	// StaffNamed reports whether an active or suspended member other than
	// exceptMemberID who holds a staff role (policy.StaffRoles) has a name that looks
	// like name (text.LookalikeKey): a read of the staff, bounded by their number.
	StaffNamed(ctx context.Context, name, exceptMemberID string) (bool, error)
	// ListMembers, MembersByName and MembersByTag page through the directory (active
	// and suspended members, at most limit a page; cursor is opaque): everyone by name
	// key, the members one of whose NameWords starts with the key q, the members who
	// list tag as expertise.
	ListMembers(ctx context.Context, cursor string, limit int) (DirectoryPageResult, error)
	MembersByName(ctx context.Context, q, cursor string, limit int) (DirectoryPageResult, error)
	MembersByTag(ctx context.Context, tag, cursor string, limit int) (DirectoryPageResult, error)
}

// NormalizeEmail validates an address and returns its canonical form (the one rule of
// text.NormalizeEmail); ErrInvalidEmail otherwise.
func NormalizeEmail(raw string) (string, error) {
	email, ok := text.NormalizeEmail(raw)
	if !ok {
		return "", ErrInvalidEmail
	}
	return email, nil
}

// defaultDisplayName is what a new member is called until they choose a name: the
// address's local part, cut to 40 characters, or "Member" when that is not a valid
// display name (text.Name) or is a reserved one (text.ReservedName: "admin@…" and
// "support@…" do not make an "admin" or a "support", whoever signs up).
func defaultDisplayName(email string) string {
	name, err := text.Name("displayName", text.Truncate(email[:strings.LastIndexByte(email, '@')], 40))
	if err != nil || name == "" || text.ReservedName(name) != text.NotReserved {
		return "Member"
	}
	return name
}
