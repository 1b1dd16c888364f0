// Package auth holds sessions: opaque random tokens whose hash alone is stored, the
// session cookie, and the lookup of the signed-in member of a request.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"

	"tribune/shared/errs"
)

// SessionCookie is the name of the session cookie.
const SessionCookie = "tribune_session"

// SessionTTL is how long a session lives without signing in again.
const SessionTTL = 30 * 24 * time.Hour

// ErrNoSession answers requests that need a signed-in member.
var ErrNoSession = errs.New(errs.Unauthenticated, "not_signed_in", "Sign in to continue.")

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
}

// NewSession starts a session for a member; raw goes into the cookie.
func NewSession(memberID string, now time.Time) (s Session, raw string) {
	raw, hash := NewToken()
	return Session{Hash: hash, MemberID: memberID, CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}, raw
}

// SessionStore finds sessions by token hash. A missing or expired session is an
// error wrapping errs.ErrNotFound.
type SessionStore interface {
	GetSession(ctx context.Context, hash string) (Session, error)
}

// Principal is who is making a request.
type Principal struct {
	MemberID    string
	SessionHash string
}

// Sessions resolves the session cookie of a request. It is called by the routes
// that need it, so anonymous routes cost no lookup.
type Sessions struct {
	Store SessionStore
	Now   func() time.Time
}

// Principal returns the signed-in member of r, or ErrNoSession.
func (s Sessions) Principal(r *http.Request) (Principal, error) {
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" || len(c.Value) > 128 {
		return Principal{}, ErrNoSession
	}
	hash := Hash(c.Value)
	sess, err := s.Store.GetSession(r.Context(), hash)
	if err != nil {
		if errs.Is(err, errs.ErrNotFound.Code) {
			return Principal{}, ErrNoSession
		}
		return Principal{}, fmt.Errorf("auth.Principal: %w", err)
	}
	if !sess.ExpiresAt.After(s.Now()) {
		return Principal{}, ErrNoSession
	}
	return Principal{MemberID: sess.MemberID, SessionHash: hash}, nil
}

// SetCookie gives the browser its session. Secure is off only for plain-http local runs.
func SetCookie(w http.ResponseWriter, raw string, expires time.Time, secure bool) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: raw, Path: "/", Expires: expires, MaxAge: int(time.Until(expires).Seconds()),
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode,
	})
}

// ClearCookie removes the session cookie.
func ClearCookie(w http.ResponseWriter, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
}
