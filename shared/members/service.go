package members

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"
	"unicode/utf8"

	"tribune/shared/audit"
	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/locale"
	"tribune/shared/logx"
	"tribune/shared/mail"
	"tribune/shared/policy"
	"tribune/shared/ratelimit"
	"tribune/shared/social"
	"tribune/shared/text"
)

// SignInLinkTTL is how long a sign-in link works.
const SignInLinkTTL = 15 * time.Minute

// Limits on asking for sign-in links.
var (
	LimitPerAddress = ratelimit.Rule{Name: "signin-address", Limit: 5, Window: 15 * time.Minute}
	LimitPerClient  = ratelimit.Rule{Name: "signin-client", Limit: 30, Window: 15 * time.Minute}
)

// Service is membership's use cases.
type Service struct {
	Store Store
	Mail  mail.Sender
	// Templates renders this package's emails.
	Templates mail.Templates
	// PublicURL is the web app's origin; links point there.
	PublicURL string
	// AdminEmails become admins when they register (the first admin comes from
	// deployment configuration).
	AdminEmails []string
	Now         func() time.Time
}

// NewService returns a service with this package's email templates.
func NewService(store Store, sender mail.Sender, publicURL string) *Service {
	return &Service{Store: store, Mail: sender, Templates: mail.TemplatesIn(templatesDir, "templates"), PublicURL: publicURL, Now: time.Now}
}

// StartEmailSignIn sends a one-time sign-in link to an address, known or not, so the
// answer never tells whether an account exists; an address with no account that may not
// join (a *NewcomerRefused) gets an email saying why instead, answered alike (nil).
func (s *Service) StartEmailSignIn(ctx context.Context, rawEmail, lang, clientIP, invitation string) error {
	email, err := NormalizeEmail(rawEmail)
	if err != nil {
		return fmt.Errorf("members.StartEmailSignIn: %w", err)
	}
	memberID, _, err := s.admit(ctx, email, invitation)
	var refused *NewcomerRefused
	if errors.As(err, &refused) {
		return s.tellRefused(ctx, email, lang, clientIP, refused.Reason)
	}
	if err != nil {
		return fmt.Errorf("members.StartEmailSignIn: %w", err)
	}
	now := s.Now()
	raw, hash := auth.NewToken()
	tok := SignInToken{Hash: hash, Email: email, Locale: lang, MemberID: memberID, Invitation: invitation, ExpiresAt: now.Add(SignInLinkTTL)}
	hits := signInHits(email, clientIP)
	if err := s.Store.SaveSignInToken(ctx, tok, hits, now); err != nil {
		return fmt.Errorf("members.StartEmailSignIn: %w", err)
	}
	name := "signin"
	if memberID == "" {
		name = "signup"
	}
	link := s.LinkPage(raw)
	msg, err := s.Templates.Render(name, lang, email, map[string]any{"Link": link, "Validity": locale.Duration(lang, SignInLinkTTL)})
	if err != nil {
		return fmt.Errorf("members.StartEmailSignIn: %w", err)
	}
	if err := s.Mail.Send(ctx, msg); err != nil {
		slog.ErrorContext(ctx, "sign-in mail not sent", "to", logx.Email(email), "err", err.Error())
		return fmt.Errorf("members.StartEmailSignIn: %w", errors.Join(ErrMailFailed, err))
	}
	slog.InfoContext(ctx, "sign-in link sent", "to", logx.Email(email), "new", memberID == "")
	return nil
}

// signInHits are the rate-limit hits of one sign-in start.
func signInHits(email, clientIP string) []ratelimit.Hit {
	return []ratelimit.Hit{{Rule: LimitPerAddress, Key: email}, {Rule: LimitPerClient, Key: clientIP}}
}

// tellRefused answers a sign-in start for an address with no account that may not join
// as a known address's is answered (same rate limits, one write, one email, nil), so
// that neither the answer nor its timing tells whether an account exists; the email
// tells the address why (reason) and how to join. It saves no token: the address has no
// link to follow.
func (s *Service) tellRefused(ctx context.Context, email, lang, clientIP string, reason *errs.Error) error {
	if err := s.Store.CountSignInStart(ctx, signInHits(email, clientIP), s.Now()); err != nil {
		return fmt.Errorf("members.StartEmailSignIn: %w", err)
	}
	msg, err := s.Templates.Render("byinvitation", lang, email, map[string]any{"Reason": reason.Code, "URL": s.PublicURL})
	if err != nil {
		return fmt.Errorf("members.StartEmailSignIn: %w", err)
	}
	if err := s.Mail.Send(ctx, msg); err != nil {
		slog.ErrorContext(ctx, "by-invitation mail not sent", "to", logx.Email(email), "err", err.Error())
		return fmt.Errorf("members.StartEmailSignIn: %w", errors.Join(ErrMailFailed, err))
	}
	slog.InfoContext(ctx, "newcomer told the community is by invitation", "to", logx.Email(email), "reason", reason.Code)
	return nil
}

// VerifyEmail spends a sign-in token: the member (created on first use) and the
// session cookie value. Callers decide first whether the browser may be signed in
// (ConfirmLink).
func (s *Service) VerifyEmail(ctx context.Context, rawToken, userAgent string) (Member, auth.Session, string, error) {
	if rawToken == "" || len(rawToken) > 128 {
		return Member{}, auth.Session{}, "", fmt.Errorf("members.VerifyEmail: %w", ErrLinkInvalid)
	}
	now := s.Now()
	tok, err := s.Store.ConsumeSignInToken(ctx, auth.Hash(rawToken), now)
	if err != nil {
		return Member{}, auth.Session{}, "", fmt.Errorf("members.VerifyEmail: %w", err)
	}
	if tok.MemberID != "" {
		return s.signIn(ctx, tok.MemberID, now, userAgent)
	}
	// A link asked for before the address rules changed carries the old spelling.
	if tok.Email, err = NormalizeEmail(tok.Email); err != nil {
		return Member{}, auth.Session{}, "", fmt.Errorf("members.VerifyEmail: %w", err)
	}
	// Without an invitation the access mode was checked when the link was asked for.
	var grant *InvitationGrant
	if tok.Invitation != "" {
		var memberID string
		if memberID, grant, err = s.admit(ctx, tok.Email, tok.Invitation); err != nil {
			return Member{}, auth.Session{}, "", fmt.Errorf("members.VerifyEmail: %w", err)
		}
		if memberID != "" {
			return s.signIn(ctx, memberID, now, userAgent)
		}
	}
	m, sess, cookie, err := s.register(ctx, tok.Email, defaultDisplayName(tok.Email), tok.Locale, userAgent, nil, grant, now)
	if err != nil {
		return Member{}, auth.Session{}, "", fmt.Errorf("members.VerifyEmail: %w", err)
	}
	return m, sess, cookie, nil
}

// grantedRoles are the roles an invitation still gives: its staff roles only while its
// inviter may grant them (an admin, active), read now; an admin who lost the role or the
// account no longer makes staff by the invitations they sent before (issue 9, round 4).
func (s *Service) grantedRoles(ctx context.Context, grant InvitationGrant) ([]string, error) {
	staff := slices.ContainsFunc(grant.Roles, func(r string) bool { return slices.Contains(policy.StaffRoles, r) })
	if !staff {
		return grant.Roles, nil
	}
	inviter, err := s.Store.GetMember(ctx, grant.InviterID)
	if err != nil && !errors.Is(err, errs.ErrNotFound) {
		return nil, err
	}
	if err == nil && inviter.Status == StatusActive && policy.Allowed(inviter.Roles, policy.MembersManageRoles) {
		return grant.Roles, nil
	}
	return slices.DeleteFunc(slices.Clone(grant.Roles), func(r string) bool { return slices.Contains(policy.StaffRoles, r) }), nil
}

// register creates a member (with the identity of a social sign-up and the
// invitation they brought), or signs in the member who got the address first.
func (s *Service) register(ctx context.Context, email, name, lang, userAgent string, identity *social.Identity, grant *InvitationGrant, now time.Time) (Member, auth.Session, string, error) {
	roles := []string{policy.RoleMember}
	if slices.ContainsFunc(s.AdminEmails, func(a string) bool { n, _ := text.NormalizeEmail(a); return n == email }) {
		roles = append(roles, policy.RoleAdmin)
	}
	var accept *Acceptance
	if grant != nil {
		granted, err := s.grantedRoles(ctx, *grant)
		if err != nil {
			return Member{}, auth.Session{}, "", err
		}
		for _, r := range granted {
			if !slices.Contains(roles, r) {
				roles = append(roles, r)
			}
		}
		accept = &Acceptance{InvitationID: grant.ID, CodeHash: grant.CodeHash, InviterID: grant.InviterID}
	}
	slices.Sort(roles)
	if !policy.Allowed(roles, policy.MembersStaffNames) {
		// A newcomer is not named after a staff member (their provider's name or their
		// address's local part): "Member" instead, until they choose a name.
		held, err := s.Store.StaffNamed(ctx, name, "")
		if err != nil {
			return Member{}, auth.Session{}, "", err
		}
		if held {
			name = "Member"
		}
	}
	m := Member{ID: "m_" + rand.Text(), Email: email, DisplayName: name, Locale: locale.Pick(lang, ""),
		Roles: roles, Status: StatusActive, CreatedAt: now.UTC()}
	sess, cookie := auth.NewSession(m.ID, now, userAgent)
	meta := eventtypes.NewMeta(now)
	event, err := eventtypes.Wrap(
		eventtypes.MemberRegistered{Meta: meta, MemberID: m.ID, Email: m.Email, DisplayName: m.DisplayName, Locale: m.Locale})
	if err != nil {
		return Member{}, auth.Session{}, "", err
	}
	err = s.Store.Register(ctx, m, sess, event, identity, accept)
	var taken *EmailTakenError
	if errors.As(err, &taken) {
		// Two first sign-ins raced: the first made the member; this one signs in.
		return s.signIn(ctx, taken.MemberID, now, userAgent)
	}
	if err != nil {
		return Member{}, auth.Session{}, "", err
	}
	slog.InfoContext(ctx, "member registered", "member_id", m.ID, "invited", grant != nil)
	return m, sess, cookie, nil
}

// How a member signed in (member.signed_in).
const (
	SignedInLink   = "link"
	SignedInSocial = "social"
)

func (s *Service) signIn(ctx context.Context, memberID string, now time.Time, userAgent string) (Member, auth.Session, string, error) {
	return s.signInBy(ctx, memberID, now, userAgent, SignedInLink)
}

// signInBy starts a session, with its member.signed_in event.
func (s *Service) signInBy(ctx context.Context, memberID string, now time.Time, userAgent, method string) (Member, auth.Session, string, error) {
	sess, raw := auth.NewSession(memberID, now, userAgent)
	signedIn, err := eventtypes.Wrap(eventtypes.MemberSignedIn{Meta: eventtypes.NewMeta(now), MemberID: memberID, Method: method})
	if err != nil {
		return Member{}, auth.Session{}, "", fmt.Errorf("members.signIn %s: %w", memberID, err)
	}
	if err := s.Store.CreateSession(ctx, sess, signedIn); err != nil {
		return Member{}, auth.Session{}, "", fmt.Errorf("members.signIn %s: %w", memberID, err)
	}
	slog.InfoContext(ctx, "member signed in", "member_id", memberID)
	return Member{ID: memberID}, sess, raw, nil
}

// Get returns a member.
func (s *Service) Get(ctx context.Context, id string) (Member, error) {
	m, err := s.Store.GetMember(ctx, id)
	if err != nil {
		return Member{}, fmt.Errorf("members.Get %s: %w", id, err)
	}
	return m, nil
}

// Sessions lists a member's live sessions.
func (s *Service) Sessions(ctx context.Context, memberID string) ([]auth.Session, error) {
	list, err := s.Store.ListSessions(ctx, memberID)
	if err != nil {
		return nil, fmt.Errorf("members.Sessions %s: %w", memberID, err)
	}
	return list, nil
}

// RevokeSession ends one of a member's sessions.
func (s *Service) RevokeSession(ctx context.Context, memberID, sessionID string) error {
	err := s.Store.DeleteSession(ctx, memberID, sessionID)
	if errors.Is(err, errs.ErrNotFound) {
		err = ErrNoSuchSess
	}
	if err != nil {
		return fmt.Errorf("members.RevokeSession %s: %w", memberID, err)
	}
	return nil
}

// SignOutEverywhere ends every session of a member.
func (s *Service) SignOutEverywhere(ctx context.Context, memberID string) error {
	if err := s.Store.DeleteAllSessions(ctx, memberID); err != nil {
		return fmt.Errorf("members.SignOutEverywhere %s: %w", memberID, err)
	}
	return nil
}

// SetRoles replaces a member's community roles; "member" is always kept and an admin
// cannot remove their own admin role (someone must stay able to manage roles).
func (s *Service) SetRoles(ctx context.Context, actor auth.Principal, memberID string, roles []string) (Member, error) {
	clean := []string{policy.RoleMember}
	for _, r := range roles {
		if !policy.ValidRole(r) {
			return Member{}, fmt.Errorf("members.SetRoles %s: %w", memberID, ErrBadRoles)
		}
		if !slices.Contains(clean, r) {
			clean = append(clean, r)
		}
	}
	slices.Sort(clean)
	if actor.MemberID == memberID && !slices.Contains(clean, policy.RoleAdmin) {
		return Member{}, fmt.Errorf("members.SetRoles %s: %w", memberID, ErrOwnAdmin)
	}
	meta := eventtypes.NewMeta(s.Now())
	event, err := eventtypes.Wrap(
		eventtypes.MemberRolesChanged{Meta: meta, MemberID: memberID, Roles: clean, ChangedBy: actor.MemberID})
	if err != nil {
		return Member{}, fmt.Errorf("members.SetRoles %s: %w", memberID, err)
	}
	m, err := s.Store.SetRoles(ctx, memberID, clean, event)
	if errors.Is(err, errs.ErrNotFound) {
		err = ErrNoMember
	}
	if err != nil {
		return Member{}, fmt.Errorf("members.SetRoles %s: %w", memberID, err)
	}
	slog.InfoContext(ctx, "roles changed", "member_id", memberID, "by", actor.MemberID, "roles", clean)
	return m, nil
}

// Moderate suspends (days > 0), bans (days < 0) or reinstates (days == 0) a member.
// Suspending or banning ends every session of the member at once; only an admin may
// moderate staff, and nobody themselves.
func (s *Service) Moderate(ctx context.Context, actor auth.Principal, memberID string, days int, reason string) (Member, error) {
	reason, err := text.Body("reason", reason)
	if err != nil {
		return Member{}, fmt.Errorf("members.Moderate %s: %w", memberID, err)
	}
	if utf8.RuneCountInString(reason) > MaxReasonLength {
		return Member{}, fmt.Errorf("members.Moderate %s: %w", memberID, ErrBadReason)
	}
	if days > MaxSuspendDays {
		return Member{}, fmt.Errorf("members.Moderate %s: %w", memberID, ErrBadDays)
	}
	if actor.MemberID == memberID {
		return Member{}, fmt.Errorf("members.Moderate %s: %w", memberID, ErrModerateSelf)
	}
	target, err := s.Store.GetMember(ctx, memberID)
	if errors.Is(err, errs.ErrNotFound) {
		err = ErrNoMember
	}
	if err != nil {
		return Member{}, fmt.Errorf("members.Moderate %s: %w", memberID, err)
	}
	if target.IsStaff() && !slices.Contains(actor.Roles, policy.RoleAdmin) {
		return Member{}, fmt.Errorf("members.Moderate %s: %w", memberID, ErrModerateStaff)
	}
	status, until := StatusActive, (*time.Time)(nil)
	switch {
	case days > 0:
		t := s.Now().Add(time.Duration(days) * 24 * time.Hour).UTC()
		status, until = StatusSuspended, &t
	case days < 0:
		status = StatusBanned
	}
	action := map[string]string{StatusActive: "member.reinstate", StatusSuspended: "member.suspend", StatusBanned: "member.ban"}[status]
	entry := audit.Entry{At: s.Now().UTC(), ActorID: actor.MemberID, Action: action, TargetType: "member", TargetID: memberID,
		SubjectID: memberID, Reason: reason}
	m, err := s.Store.ModerateMember(ctx, memberID, status, until, entry)
	if err != nil {
		return Member{}, fmt.Errorf("members.Moderate %s: %w", memberID, err)
	}
	if status != StatusActive {
		if err := s.Store.DeleteAllSessions(ctx, memberID); err != nil {
			return Member{}, fmt.Errorf("members.Moderate %s: %w", memberID, err)
		}
	}
	slog.InfoContext(ctx, "member moderated", "member_id", memberID, "by", actor.MemberID, "status", status)
	return m, nil
}

// Logout ends one session.
func (s *Service) Logout(ctx context.Context, p auth.Principal) error {
	if err := s.Store.DeleteSession(ctx, p.MemberID, p.SessionHash); err != nil && !errors.Is(err, errs.ErrNotFound) {
		return fmt.Errorf("members.Logout: %w", err)
	}
	return nil
}
