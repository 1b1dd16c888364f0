package members

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"tribune/shared/auth"
	"tribune/shared/eventtypes"
	"tribune/shared/locale"
	"tribune/shared/logx"
	"tribune/shared/mail"
	"tribune/shared/ratelimit"
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
	Now       func() time.Time
}

// NewService returns a service with this package's email templates.
func NewService(store Store, sender mail.Sender, publicURL string) *Service {
	return &Service{Store: store, Mail: sender, Templates: mail.TemplatesIn(templatesDir, "templates"), PublicURL: publicURL, Now: time.Now}
}

// StartEmailSignIn sends a one-time sign-in link to an address, known or not, so the
// answer never tells whether an account exists.
func (s *Service) StartEmailSignIn(ctx context.Context, rawEmail, lang, clientIP string) error {
	email, err := NormalizeEmail(rawEmail)
	if err != nil {
		return fmt.Errorf("members.StartEmailSignIn: %w", err)
	}
	memberID, err := s.Store.MemberIDByEmail(ctx, email)
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("members.StartEmailSignIn: %w", err)
	}
	now := s.Now()
	raw, hash := auth.NewToken()
	tok := SignInToken{Hash: hash, Email: email, Locale: lang, MemberID: memberID, ExpiresAt: now.Add(SignInLinkTTL)}
	hits := []ratelimit.Hit{{Rule: LimitPerAddress, Key: email}, {Rule: LimitPerClient, Key: clientIP}}
	if err := s.Store.SaveSignInToken(ctx, tok, hits, now); err != nil {
		return fmt.Errorf("members.StartEmailSignIn: %w", err)
	}
	name := "signin"
	if memberID == "" {
		name = "signup"
	}
	link := s.PublicURL + "/api/auth/email/verify?token=" + url.QueryEscape(raw)
	msg, err := s.Templates.Render(name, lang, email, map[string]any{"Link": link, "Minutes": int(SignInLinkTTL.Minutes())})
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

// VerifyEmail spends a sign-in token: the member (created on first use) and the raw
// session token for the cookie.
func (s *Service) VerifyEmail(ctx context.Context, rawToken string) (Member, auth.Session, string, error) {
	if rawToken == "" || len(rawToken) > 128 {
		return Member{}, auth.Session{}, "", fmt.Errorf("members.VerifyEmail: %w", ErrLinkInvalid)
	}
	now := s.Now()
	tok, err := s.Store.ConsumeSignInToken(ctx, auth.Hash(rawToken), now)
	if err != nil {
		return Member{}, auth.Session{}, "", fmt.Errorf("members.VerifyEmail: %w", err)
	}
	if tok.MemberID != "" {
		return s.signIn(ctx, tok.MemberID, now)
	}
	m := Member{
		ID: "m_" + rand.Text(), Email: tok.Email, DisplayName: defaultDisplayName(tok.Email),
		Locale: locale.Pick(tok.Locale, ""), Role: RoleMember, Status: StatusActive, CreatedAt: now.UTC(),
	}
	sess, raw := auth.NewSession(m.ID, now)
	meta := eventtypes.NewMeta(now)
	event, err := eventtypes.NewEnvelope(eventtypes.SourceMembers, eventtypes.MemberRegisteredType, meta,
		eventtypes.MemberRegistered{Meta: meta, MemberID: m.ID, Email: m.Email, DisplayName: m.DisplayName, Locale: m.Locale})
	if err != nil {
		return Member{}, auth.Session{}, "", fmt.Errorf("members.VerifyEmail: %w", err)
	}
	err = s.Store.Register(ctx, m, sess, event)
	var taken *EmailTakenError
	if errors.As(err, &taken) {
		// Two links were sent before the first was used: the first one made the member.
		return s.signIn(ctx, taken.MemberID, now)
	}
	if err != nil {
		return Member{}, auth.Session{}, "", fmt.Errorf("members.VerifyEmail: %w", err)
	}
	slog.InfoContext(ctx, "member registered", "member_id", m.ID)
	return m, sess, raw, nil
}

func (s *Service) signIn(ctx context.Context, memberID string, now time.Time) (Member, auth.Session, string, error) {
	sess, raw := auth.NewSession(memberID, now)
	if err := s.Store.CreateSession(ctx, sess); err != nil {
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

// Logout ends one session.
func (s *Service) Logout(ctx context.Context, sessionHash string) error {
	if err := s.Store.DeleteSession(ctx, sessionHash); err != nil {
		return fmt.Errorf("members.Logout: %w", err)
	}
	return nil
}
