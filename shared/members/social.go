package members

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/locale"
	"tribune/shared/policy"
	"tribune/shared/ratelimit"
	"tribune/shared/social"
)

// SocialFlowTTL is how long a person has to come back from the provider.
const SocialFlowTTL = 10 * time.Minute

// LimitSocialPerClient bounds social sign-in starts per client.
var LimitSocialPerClient = ratelimit.Rule{Name: "social-client", Limit: 60, Window: 15 * time.Minute}

// Errors of social sign-in.
var (
	ErrEmailUnverified = errs.New(errs.Forbidden, "email_unverified",
		"Your account with this provider has no verified email address. Verify it there, or sign in with your email.")
	ErrNoEmail = errs.New(errs.Forbidden, "email_missing", "This provider did not share an email address. Allow it, or sign in with your email.")
)

// SocialStore is what social sign-in needs from storage, on top of Store.
type SocialStore interface {
	// SaveAuthFlow keeps a started flow until expires, under the rate-limit hits.
	SaveAuthFlow(ctx context.Context, f social.Flow, expires time.Time, hits []ratelimit.Hit, now time.Time) error
	// TakeAuthFlow returns and deletes a flow, once (social.ErrBadState otherwise).
	TakeAuthFlow(ctx context.Context, state string, now time.Time) (social.Flow, error)
	// MemberIDByIdentity finds the member an external identity belongs to.
	MemberIDByIdentity(ctx context.Context, provider, subject string) (string, error)
	// LinkIdentity attaches an identity to an active member and starts a session.
	LinkIdentity(ctx context.Context, memberID string, id social.Identity, s auth.Session) error
}

// Social is social sign-in on top of the membership service.
type Social struct {
	Service   *Service
	Store     SocialStore
	Providers *social.Registry
}

// Start begins a sign-in with a provider; state goes into a browser-bound cookie.
func (s *Social) Start(ctx context.Context, provider, returnTo, clientIP string) (redirect, state string, err error) {
	url, flow, err := s.Providers.Start(ctx, provider, safeReturn(returnTo), "")
	if err != nil {
		return "", "", fmt.Errorf("members.Social.Start %s: %w", provider, err)
	}
	now := s.Service.Now()
	hits := []ratelimit.Hit{{Rule: LimitSocialPerClient, Key: clientIP}}
	if err := s.Store.SaveAuthFlow(ctx, flow, now.Add(SocialFlowTTL), hits, now); err != nil {
		return "", "", fmt.Errorf("members.Social.Start %s: %w", provider, err)
	}
	return url, flow.State, nil
}

// Callback is what the provider sent back.
type Callback struct {
	Provider    string
	State       string
	StateCookie string
	Code        string
	// Error is set when the person refused or the provider failed.
	Error     string
	Lang      string
	UserAgent string
}

// Finish completes a sign-in: the identity's member (linked by verified email, or
// created), a new session and its cookie value, and where to go next.
func (s *Social) Finish(ctx context.Context, cb Callback) (Member, auth.Session, string, string, error) {
	fail := func(err error) (Member, auth.Session, string, string, error) {
		return Member{}, auth.Session{}, "", "", fmt.Errorf("members.Social.Finish %s: %w", cb.Provider, err)
	}
	// The state must come back to the browser that started the flow (no login CSRF).
	if cb.State == "" || cb.StateCookie != cb.State {
		return fail(social.ErrBadState)
	}
	now := s.Service.Now()
	flow, err := s.Store.TakeAuthFlow(ctx, cb.State, now)
	if err != nil {
		return fail(err)
	}
	if flow.Provider != cb.Provider {
		return fail(social.ErrBadState)
	}
	if cb.Error != "" || cb.Code == "" {
		return fail(social.ErrProviderDenied)
	}
	id, err := s.Providers.Finish(ctx, flow, cb.Code)
	if err != nil {
		return fail(err)
	}
	m, sess, cookie, err := s.signIn(ctx, id, cb.Lang, cb.UserAgent, now)
	if err != nil {
		return fail(err)
	}
	return m, sess, cookie, flow.Return, nil
}

func (s *Social) signIn(ctx context.Context, id social.Identity, lang, userAgent string, now time.Time) (Member, auth.Session, string, error) {
	memberID, err := s.Store.MemberIDByIdentity(ctx, id.Provider, id.Subject)
	if err == nil {
		return s.Service.signIn(ctx, memberID, now, userAgent)
	}
	if !isNotFound(err) {
		return Member{}, auth.Session{}, "", err
	}
	// A new identity: it may only attach to an account through a verified address.
	if id.Email == "" {
		return Member{}, auth.Session{}, "", ErrNoEmail
	}
	if !id.EmailVerified {
		return Member{}, auth.Session{}, "", ErrEmailUnverified
	}
	email, err := NormalizeEmail(id.Email)
	if err != nil {
		return Member{}, auth.Session{}, "", err
	}
	memberID, err = s.Service.Store.MemberIDByEmail(ctx, email)
	if err == nil {
		sess, cookie := auth.NewSession(memberID, now, userAgent)
		if err := s.Store.LinkIdentity(ctx, memberID, id, sess); err != nil {
			return Member{}, auth.Session{}, "", err
		}
		slog.InfoContext(ctx, "identity linked", "member_id", memberID, "provider", id.Provider)
		return Member{ID: memberID}, sess, cookie, nil
	}
	if !isNotFound(err) {
		return Member{}, auth.Session{}, "", err
	}
	return s.register(ctx, id, email, lang, userAgent, now)
}

func (s *Social) register(ctx context.Context, id social.Identity, email, lang, userAgent string, now time.Time) (Member, auth.Session, string, error) {
	roles := []string{policy.RoleMember}
	if slices.Contains(s.Service.AdminEmails, email) {
		roles = append(roles, policy.RoleAdmin)
	}
	name := strings.TrimSpace(id.Name)
	if name == "" || len(name) > 60 {
		name = defaultDisplayName(email)
	}
	m := Member{ID: "m_" + rand.Text(), Email: email, DisplayName: name, Locale: locale.Pick(lang, ""),
		Roles: roles, Status: StatusActive, CreatedAt: now.UTC()}
	sess, cookie := auth.NewSession(m.ID, now, userAgent)
	meta := eventtypes.NewMeta(now)
	event, err := eventtypes.NewEnvelope(eventtypes.SourceMembers, eventtypes.MemberRegisteredType, meta,
		eventtypes.MemberRegistered{Meta: meta, MemberID: m.ID, Email: m.Email, DisplayName: m.DisplayName, Locale: m.Locale})
	if err != nil {
		return Member{}, auth.Session{}, "", err
	}
	err = s.Service.Store.Register(ctx, m, sess, event, &id)
	var taken *EmailTakenError
	if errors.As(err, &taken) {
		// Registered a moment ago by another path: link to it instead.
		sess, cookie = auth.NewSession(taken.MemberID, now, userAgent)
		if err := s.Store.LinkIdentity(ctx, taken.MemberID, id, sess); err != nil {
			return Member{}, auth.Session{}, "", err
		}
		return Member{ID: taken.MemberID}, sess, cookie, nil
	}
	if err != nil {
		return Member{}, auth.Session{}, "", err
	}
	slog.InfoContext(ctx, "member registered", "member_id", m.ID, "provider", id.Provider)
	return m, sess, cookie, nil
}

// safeReturn keeps only a local path, so a crafted link cannot send a person elsewhere.
func safeReturn(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || len(p) > 200 {
		return "/"
	}
	return p
}
