package members

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/locale"
	"tribune/shared/ratelimit"
	"tribune/shared/social"
	"tribune/shared/text"
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
	LinkIdentity(ctx context.Context, memberID string, id social.Identity, s auth.Session, events ...eventtypes.Envelope) error
}

// Social is social sign-in on top of the membership service.
type Social struct {
	Service   *Service
	Store     SocialStore
	Providers *social.Registry
}

// Start begins a sign-in with a provider; state goes into a browser-bound cookie.
// switchAccount is the person's choice that the sign-in may replace this browser's
// session of another account (Finish refuses to otherwise).
// lang is the language of the page that starts it (a newcomer's account takes it).
func (s *Social) Start(ctx context.Context, provider, returnTo, invitation, clientIP, lang string, switchAccount bool) (redirect, state string, err error) {
	if len(invitation) > 120 {
		return "", "", fmt.Errorf("members.Social.Start: %w", ErrInvitationInvalid)
	}
	url, flow, err := s.Providers.Start(ctx, provider, safeReturn(returnTo), invitation)
	if err != nil {
		return "", "", fmt.Errorf("members.Social.Start %s: %w", provider, err)
	}
	flow.SwitchAccount, flow.Locale = switchAccount, lang
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
	// Current is who this browser is signed in as (the zero Principal for nobody).
	Current auth.Principal
}

// Finished is a completed social sign-in.
type Finished struct {
	LinkResult
	// Return is where the web app lands next (a local path).
	Return string
}

// Finish completes a sign-in: the identity's member (linked by verified email, or
// created), a new session and its cookie value, and where to go next. A browser signed
// in with the identity's member keeps its session (Kept); one signed in with another
// account is refused with ErrSwitchAccount, before anything but the flow is written,
// unless the flow was started with switchAccount (then that session ends: Switched).
func (s *Social) Finish(ctx context.Context, cb Callback) (Finished, error) {
	fail := func(err error) (Finished, error) {
		return Finished{}, fmt.Errorf("members.Social.Finish %s: %w", cb.Provider, err)
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
	// May this browser's session be replaced by the member the identity signs in?
	current := cb.Current.MemberID
	may := func(target string) error {
		if current != "" && target != current && !flow.SwitchAccount {
			return ErrSwitchAccount
		}
		return nil
	}
	// A newcomer's language is the one of the page they started from (the browser's
	// when the flow did not say).
	res, err := s.signIn(ctx, id, flow.Invitation, locale.Pick(flow.Locale, cb.Lang), cb.UserAgent, current, may, now)
	if err != nil {
		return fail(err)
	}
	if current != "" && !res.Kept {
		res.Switched = res.MemberID != current
		s.Service.endReplaced(ctx, cb.Current)
	}
	return Finished{LinkResult: res, Return: flow.Return}, nil
}

// signIn finds or creates the identity's member; may(target) is asked before anything
// is written ("" for a member about to be created).
func (s *Social) signIn(ctx context.Context, id social.Identity, invitation, lang, userAgent, current string, may func(string) error, now time.Time) (LinkResult, error) {
	done := func(m Member, sess auth.Session, cookie string, err error) (LinkResult, error) {
		return LinkResult{MemberID: m.ID, Session: sess, Cookie: cookie}, err
	}
	memberID, err := s.Store.MemberIDByIdentity(ctx, id.Provider, id.Subject)
	if err == nil {
		if err := may(memberID); err != nil {
			return LinkResult{}, err
		}
		if memberID == current {
			return LinkResult{MemberID: memberID, Kept: true}, nil
		}
		return done(s.Service.signInBy(ctx, memberID, now, userAgent, SignedInSocial))
	}
	if !errors.Is(err, errs.ErrNotFound) {
		return LinkResult{}, err
	}
	// A new identity: it may only attach to an account through a verified address.
	if id.Email == "" {
		return LinkResult{}, ErrNoEmail
	}
	if !id.EmailVerified {
		return LinkResult{}, ErrEmailUnverified
	}
	email, err := NormalizeEmail(id.Email)
	if err != nil {
		return LinkResult{}, err
	}
	id.Email = email // the identity keeps the address in the one spelling too
	memberID, grant, err := s.Service.admit(ctx, email, invitation)
	if err != nil {
		return LinkResult{}, err
	}
	if err := may(memberID); err != nil {
		return LinkResult{}, err
	}
	if memberID != "" {
		sess, cookie := auth.NewSession(memberID, now, userAgent)
		signedIn, err := eventtypes.Wrap(eventtypes.MemberSignedIn{Meta: eventtypes.NewMeta(now), MemberID: memberID, Method: SignedInSocial})
		if err != nil {
			return LinkResult{}, err
		}
		if err := s.Store.LinkIdentity(ctx, memberID, id, sess, signedIn); err != nil {
			return LinkResult{}, err
		}
		slog.InfoContext(ctx, "identity linked", "member_id", memberID, "provider", id.Provider)
		return LinkResult{MemberID: memberID, Session: sess, Cookie: cookie}, nil
	}
	// The provider's name follows the profile's rules (a newcomer is no staff yet, so
	// no reserved name); a name they refuse gives way to the address's local part, as
	// for email sign-up.
	name, nerr := text.Name("displayName", id.Name)
	if nerr != nil || name == "" || utf8.RuneCountInString(name) > MaxNameRunes || text.ReservedName(name) != text.NotReserved {
		name = defaultDisplayName(email)
	}
	return done(s.Service.register(ctx, email, name, lang, userAgent, &id, grant, now))
}

// safeReturn keeps only a local path, so a crafted link cannot send a person elsewhere.
func safeReturn(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || len(p) > 200 {
		return "/"
	}
	return p
}
