package members

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"tribune/shared/auth"
)

// An emailed sign-in link opens a page of the web app (LinkPage). The page shows whose
// link it is and spends nothing: only its button, a POST of the token (ConfirmLink),
// signs in. Mail scanners that fetch links with GET or HEAD therefore leave the link
// usable, and a browser signed in with another account is never switched to the link's
// account unless the person chooses to (docs/decisions.md, kind 3).

// LinkPagePath is the web app's page that emailed sign-in links open.
const LinkPagePath = "/sign-in/link"

// LinkPage is the address an email gives for a sign-in token. The token travels in the
// fragment, which browsers never send to a server: no access log and no Referer holds it.
func (s *Service) LinkPage(rawToken string) string {
	return s.PublicURL + LinkPagePath + "#token=" + url.QueryEscape(rawToken)
}

// This browser's session, as LinkInfo tells it.
const (
	SessionNone  = "none"
	SessionSame  = "same"
	SessionOther = "other"
)

// LinkInfo is what the confirmation page shows of a sign-in link before it is spent.
type LinkInfo struct {
	// Email is the link's address, masked ("m•••@example.com"): a leaked link does not
	// give the whole address away.
	Email string `json:"email"`
	// NewAccount: confirming creates the account (a sign-up link).
	NewAccount bool `json:"newAccount"`
	// Invitation: confirming also accepts the invitation the newcomer brought.
	Invitation bool      `json:"invitation"`
	ExpiresAt  time.Time `json:"expiresAt"`
	// Session is this browser's session: "none"; "same" (the link's account: confirming
	// only spends the link); or "other" (confirming needs switchAccount).
	Session string `json:"session"`
}

// LinkResult is what confirming a sign-in link did.
type LinkResult struct {
	MemberID string
	// Session and Cookie are the new session; zero when Kept.
	Session auth.Session
	Cookie  string
	// Kept: the browser was already signed in with the link's account; the link is
	// spent and that session goes on.
	Kept bool
	// Switched: the browser's session of another account was replaced (and ended).
	Switched bool
}

// MaskEmail keeps an address's first character and its domain ("m•••@example.com").
func MaskEmail(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at < 1 {
		return "•••"
	}
	first := []rune(email[:at])[0]
	return string(first) + "•••" + email[at:]
}

func validToken(raw string) bool { return raw != "" && len(raw) <= 128 }

// peekLink reads a link without spending it, with the member it signs in ("" when
// confirming creates one). The address may have become a member's since the link was
// sent (a social sign-up meanwhile), hence the second read for sign-up links.
func (s *Service) peekLink(ctx context.Context, rawToken string) (SignInToken, string, error) {
	if !validToken(rawToken) {
		return SignInToken{}, "", ErrLinkInvalid
	}
	tok, err := s.Store.PeekSignInToken(ctx, auth.Hash(rawToken), s.Now())
	if err != nil {
		return SignInToken{}, "", err
	}
	target := tok.MemberID
	if target == "" {
		if target, _, _, err = s.Store.Admission(ctx, tok.Email, ""); err != nil {
			return SignInToken{}, "", err
		}
	}
	return tok, target, nil
}

// DescribeLink tells what confirming a sign-in link would do, spending nothing; current
// is the member signed in in this browser ("" for none). Errors: ErrLinkInvalid,
// ErrLinkUsed, ErrLinkExpired.
func (s *Service) DescribeLink(ctx context.Context, rawToken, current string) (LinkInfo, error) {
	tok, target, err := s.peekLink(ctx, rawToken)
	if err != nil {
		return LinkInfo{}, fmt.Errorf("members.DescribeLink: %w", err)
	}
	info := LinkInfo{Email: MaskEmail(tok.Email), NewAccount: target == "", Invitation: target == "" && tok.Invitation != "",
		ExpiresAt: tok.ExpiresAt.UTC(), Session: SessionNone}
	switch {
	case current == "":
	case current == target:
		info.Session = SessionSame
	default:
		info.Session = SessionOther
	}
	return info, nil
}

// ConfirmLink spends a sign-in link for a browser whose signed-in member is current (the
// zero Principal for none). Without a session it signs in (creating the member on first
// use). With the link's own account it only spends the link (Kept). With another
// account it refuses with ErrSwitchAccount, spending and writing nothing, unless
// switchAccount is set: then it signs in and ends the other account's session. Errors
// also: ErrLinkInvalid, ErrLinkUsed, ErrLinkExpired, ErrInactive, invitation errors.
func (s *Service) ConfirmLink(ctx context.Context, rawToken, userAgent string, current auth.Principal, switchAccount bool) (LinkResult, error) {
	if current.MemberID != "" {
		tok, target, err := s.peekLink(ctx, rawToken)
		if err != nil {
			return LinkResult{}, fmt.Errorf("members.ConfirmLink: %w", err)
		}
		if target != current.MemberID && !switchAccount {
			return LinkResult{}, fmt.Errorf("members.ConfirmLink: %w", ErrSwitchAccount)
		}
		if target == current.MemberID {
			if _, err := s.Store.ConsumeSignInToken(ctx, tok.Hash, s.Now()); err != nil {
				return LinkResult{}, fmt.Errorf("members.ConfirmLink: %w", err)
			}
			return LinkResult{MemberID: target, Kept: true}, nil
		}
	}
	m, sess, cookie, err := s.VerifyEmail(ctx, rawToken, userAgent)
	if err != nil {
		return LinkResult{}, fmt.Errorf("members.ConfirmLink: %w", err)
	}
	res := LinkResult{MemberID: m.ID, Session: sess, Cookie: cookie}
	if current.MemberID != "" {
		res.Switched = current.MemberID != m.ID
		s.endReplaced(ctx, current)
	}
	return res, nil
}

// endReplaced ends the session a sign-in replaced in this browser: the browser no longer
// holds its cookie. A failure only leaves it to expire, so it is logged, not returned
// (the new session is already the browser's).
func (s *Service) endReplaced(ctx context.Context, old auth.Principal) {
	if err := s.Logout(ctx, old); err != nil {
		slog.WarnContext(ctx, "replaced session not ended", "member_id", old.MemberID, "err", err.Error())
		return
	}
	slog.InfoContext(ctx, "session replaced by another account's", "member_id", old.MemberID)
}
