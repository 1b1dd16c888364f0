// Package auth holds sessions: opaque random tokens whose hash alone is stored, the
// session cookie, the lookup of who is making a request, and the guard that asks the
// policy package whether they may.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"tribune/shared/errs"
	"tribune/shared/httpx"
	"tribune/shared/policy"
)

// SessionCookie is the name of the session cookie.
const SessionCookie = "tribune_session"

// SessionTTL is how long a session lives without signing in again.
const SessionTTL = 30 * 24 * time.Hour

// Member statuses, as far as signing in is concerned.
const (
	StatusActive    = "active"
	StatusSuspended = "suspended"
	StatusBanned    = "banned"
	StatusDeleted   = "deleted"
)

// DeletedName is what stands for a deleted member wherever their name was shown (their
// content's author, mentions, notifications, tickets). Readers see it in their own
// language: the web app and the emails translate this exact value (docs/decisions.md).
const DeletedName = "Deleted member"

var (
	// ErrNoSession answers requests that need a signed-in member.
	ErrNoSession = errs.New(errs.Unauthenticated, "not_signed_in", "Sign in to continue.")
	// ErrForbidden answers a member whose roles do not allow the action.
	ErrForbidden = errs.New(errs.Forbidden, "forbidden", "You are not allowed to do this.")
	ErrBanned    = errs.New(errs.Forbidden, "account_banned", "This account has been banned from the community.")
	ErrSuspended = errs.New(errs.Forbidden, "account_suspended", "This account is suspended for now.")
)

// NewToken returns a random token for a link or a cookie, and the hash to store.
func NewToken() (raw, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+).
	raw = base64.RawURLEncoding.EncodeToString(b)
	return raw, Hash(raw)
}

// Hash is what the store keeps of a token: a leak of the table grants no session.
func Hash(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:])
}

// Session is a signed-in browser.
type Session struct {
	Hash      string
	MemberID  string
	CreatedAt time.Time
	ExpiresAt time.Time
	// Device is the browser's User-Agent, shortened, for the sessions page.
	Device string
}

// NewSession starts a session for a member; the cookie value is "<memberId>.<token>",
// so one batched read finds both the session and the member.
func NewSession(memberID string, now time.Time, userAgent string) (s Session, cookie string) {
	raw, hash := NewToken()
	if len(userAgent) > 200 {
		userAgent = userAgent[:200]
	}
	return Session{Hash: hash, MemberID: memberID, CreatedAt: now.UTC(), ExpiresAt: now.Add(SessionTTL), Device: userAgent}, memberID + "." + raw
}

// Account is what the guard needs to know of a member on every request.
type Account struct {
	Roles          []string
	Status         string
	SuspendedUntil time.Time
}

// SessionStore finds a session with its member's account in one round trip. A missing
// or expired session is an error wrapping errs.ErrNotFound.
type SessionStore interface {
	LookupSession(ctx context.Context, memberID, hash string) (Session, Account, error)
}

// Principal is who is making a request.
type Principal struct {
	MemberID    string
	Roles       []string
	SessionHash string
}

type principalKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// Caller returns the principal the guard found for a request (the zero principal, a
// visitor, when there is none).
func Caller(r *http.Request) Principal {
	p, _ := PrincipalFrom(r.Context())
	return p
}

// PrincipalFrom returns the principal the guard found, if any.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// Sessions resolves the session cookie of a request. Roles and status are read from
// the member on every request, so a ban or a removed role counts at once.
type Sessions struct {
	Store SessionStore
	Now   func() time.Time
	// VisitorsMayRead reports whether people who are not signed in may read public
	// content (the community's access mode); nil means never.
	VisitorsMayRead func(ctx context.Context) (bool, error)
}

// Principal returns the signed-in member of r: ErrNoSession, ErrBanned or ErrSuspended
// otherwise.
func (s Sessions) Principal(r *http.Request) (Principal, error) {
	c, err := r.Cookie(SessionCookie)
	if err != nil || len(c.Value) > 200 {
		return Principal{}, ErrNoSession
	}
	memberID, raw, ok := strings.Cut(c.Value, ".")
	if !ok || memberID == "" || raw == "" {
		return Principal{}, ErrNoSession
	}
	hash := Hash(raw)
	sess, acct, err := s.Store.LookupSession(r.Context(), memberID, hash)
	if err != nil {
		if errs.Is(err, errs.ErrNotFound.Code) {
			return Principal{}, ErrNoSession
		}
		return Principal{}, fmt.Errorf("auth.Principal: %w", err)
	}
	now := s.Now()
	if sess.MemberID != memberID || !sess.ExpiresAt.After(now) {
		return Principal{}, ErrNoSession
	}
	switch {
	case acct.Status == StatusDeleted:
		return Principal{}, ErrNoSession
	case acct.Status == StatusBanned:
		return Principal{}, ErrBanned
	case acct.Status == StatusSuspended && acct.SuspendedUntil.After(now):
		return Principal{}, ErrSuspended
	}
	return Principal{MemberID: memberID, Roles: acct.Roles, SessionHash: hash}, nil
}

// Guard wraps a handler so it runs only for someone allowed the action; the principal
// is in the handler's context.
func (s Sessions) Guard(action policy.Action, h http.HandlerFunc) http.HandlerFunc {
	if action == policy.Public {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := s.Principal(r)
		if errors.Is(err, ErrNoSession) && action == policy.Visitors {
			s.asVisitor(w, r, h)
			return
		}
		if err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		if !policy.Allowed(p.Roles, action) {
			httpx.WriteError(w, r, ErrForbidden)
			return
		}
		h(w, r.WithContext(WithPrincipal(r.Context(), p)))
	}
}

// asVisitor runs h without a principal if the community lets visitors read.
func (s Sessions) asVisitor(w http.ResponseWriter, r *http.Request, h http.HandlerFunc) {
	ok := false
	var err error
	if s.VisitorsMayRead != nil {
		ok, err = s.VisitorsMayRead(r.Context())
	}
	switch {
	case err != nil:
		httpx.WriteError(w, r, fmt.Errorf("auth.Guard: %w", err))
	case !ok:
		httpx.WriteError(w, r, ErrNoSession)
	default:
		h(w, r)
	}
}

// SetCookie gives the browser its session. Secure is off only for plain-http local runs.
func SetCookie(w http.ResponseWriter, value string, expires time.Time, secure bool) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: value, Path: "/", Expires: expires, MaxAge: int(time.Until(expires).Seconds()),
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode,
	})
}

// ClearCookie removes the session cookie.
func ClearCookie(w http.ResponseWriter, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
}
