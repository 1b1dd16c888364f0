// Package idempotency makes a repeated unsafe request one request. A request names
// itself by the Idempotency-Key header (draft-ietf-httpapi-idempotency-key-header) or,
// on routes that create something, by what it is: the same member, route, target and
// body within a short window (docs/api.md, "Repeated requests").
//
// Each name is a Claim carried in the request's context. The store puts the claims
// into the request's first write transaction, on the condition that no live claim of
// that name exists, so an original and its repeat can never both write: the loser's
// transaction writes nothing and the loser answers what the winner answered. The HTTP
// side (package httpx) makes the claims, reads them with the session, records the
// answer and replays it.
package idempotency

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sync"
	"time"

	"tribune/shared/errs"
)

// How long a name holds.
const (
	// KeyTTL is how long an Idempotency-Key is remembered (the draft leaves it to the
	// resource; 24 hours covers a client's retries, as Stripe and others do).
	KeyTTL = 24 * time.Hour
	// Window is how long an identical submission of a creating route is the same
	// request: Discourse refuses a post identical to one its author made within
	// unique_posts_mins, 5 minutes by default.
	Window = 5 * time.Minute
	// MaxKeyLength bounds a key, in characters.
	MaxKeyLength = 255
	// Lease is how long a claim without an answer holds its name, counted from the
	// write that placed it: longer than what is left of any request after its write
	// (the API functions time out 10 seconds after they begin), so a claim older than
	// that whose answer never came is its request's, dead between its write and the
	// record of its answer. Such a claim counts as absent: a repeat runs again, rather
	// than hearing request_in_progress until the name lapses. Counted from the request's
	// start instead, a slow request (reads of 15 s on a loaded machine, where no timeout
	// kills it) lost its name before its write, and its twin wrote a second time.
	Lease = 15 * time.Second
)

// Errors a repeated request is answered with (RFC 9457 problems, codes in docs/api.md).
var (
	// ErrInvalidKey: the header is not one String of 1–255 printable ASCII characters.
	ErrInvalidKey = errs.New(errs.Invalid, "invalid_idempotency_key",
		"The Idempotency-Key header must be one string of 1 to 255 printable ASCII characters.")
	// ErrKeyReused: the key was used for a different request (the draft's 422).
	ErrKeyReused = errs.New(errs.Unprocessable, "idempotency_key_reused",
		"This Idempotency-Key was already used for a different request. Use a new key for a new request.")
	// ErrInProgress: the first request of that name is still running (the draft's 409).
	ErrInProgress = errs.New(errs.Conflict, "request_in_progress",
		"The same request is still being processed. Reload in a moment to see its result.")
	// ErrRepeated is what the store returns when a transaction lost to a claim of the
	// same name: the request is a repeat and wrote nothing. The HTTP layer answers it
	// with the first request's answer; it never reaches a client as such.
	ErrRepeated = errors.New("idempotency: the request is a repeat of an earlier one")
)

// Record is a claim as stored: whose it is, what it was for, and once the first
// request finished, its answer.
type Record struct {
	// Fingerprint is the hash of the request (method, path and normalised body).
	Fingerprint string
	// Owner is the attempt that wrote the claim.
	Owner string
	// Status is the answer's HTTP status; 0 while the first request runs.
	Status      int
	ContentType string
	Location    string
	Body        []byte
	ExpiresAt   time.Time
}

// Done reports whether the first request's answer is recorded.
func (r Record) Done() bool { return r.Status != 0 }

// Claim is one name of a request.
type Claim struct {
	// Scope is whose names these are: the signed-in member's id (bound by the session
	// check, see Bind), or on routes open to anyone a visitor's (VisitorScope).
	Scope string
	// Name is the claim's sort key: "KEY#<hash of the key>" or "SAME#<fingerprint>".
	Name string
	// Explicit is true for an Idempotency-Key, false for the window of identical
	// submissions.
	Explicit    bool
	Fingerprint string
	Owner       string
	// ExpiresAt is when the name lapses: the request's start plus KeyTTL or the window.
	// (How long a claim without an answer holds, Lease, counts from its write: the
	// store stamps it then.)
	ExpiresAt time.Time

	mu      sync.Mutex
	placed  bool
	lost    *Record
	found   *Record
	fetched bool
}

// NewKeyClaim names a request by its Idempotency-Key (kept hashed), for KeyTTL.
func NewKeyClaim(key, fingerprint, owner string, now time.Time) *Claim {
	sum := sha256.Sum256([]byte(key))
	return &Claim{Name: "KEY#" + hex.EncodeToString(sum[:]), Explicit: true, Fingerprint: fingerprint,
		Owner: owner, ExpiresAt: now.Add(KeyTTL)}
}

// NewSameClaim names a request by what it is (its fingerprint), for window.
func NewSameClaim(fingerprint, owner string, now time.Time, window time.Duration) *Claim {
	return &Claim{Name: "SAME#" + fingerprint, Fingerprint: fingerprint, Owner: owner, ExpiresAt: now.Add(window)}
}

// VisitorScope is the scope of a visitor's key: "visitor#" and the first 16 hex digits
// of the request's fingerprint (visitors' keys also spread over many partitions).
func VisitorScope(fingerprint string) string {
	return "visitor#" + fingerprint[:min(16, len(fingerprint))]
}

// NewOwner is a fresh attempt id.
func NewOwner() string { return rand.Text() }

// Placed reports whether the claim was written with the request's write.
func (c *Claim) Placed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.placed
}

// Lost returns the claim of the same name a transaction lost to, if one did.
func (c *Claim) Lost() (Record, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lost == nil {
		return Record{}, false
	}
	return *c.lost, true
}

// Found returns the live claim of the same name read before the handler ran, if any.
func (c *Claim) Found() (Record, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.found == nil {
		return Record{}, false
	}
	return *c.found, true
}

// Fetched reports whether the claim's name was read with the session.
func (c *Claim) Fetched() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fetched
}

// SetFound records what was read under the claim's name before the handler ran (nil:
// nothing live).
func (c *Claim) SetFound(r *Record) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.found, c.fetched = r, true
}

// SetPlaced records that a transaction wrote the claim.
func (c *Claim) SetPlaced() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.placed = true
}

// SetLost records the claim a transaction lost to.
func (c *Claim) SetLost(r Record) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lost = &r
}

// Request is the claims of one request.
type Request struct {
	Claims []*Claim
}

type ctxKey struct{}

// With returns a context carrying the request's claims.
func With(ctx context.Context, r *Request) context.Context {
	return context.WithValue(ctx, ctxKey{}, r)
}

// From returns the request's claims, or nil.
func From(ctx context.Context) *Request {
	r, _ := ctx.Value(ctxKey{}).(*Request)
	return r
}

// Pending returns the claims a write transaction of the request must carry: those not
// yet placed and not lost. Nil when the request has none (consumers, tools, reads).
func Pending(ctx context.Context) []*Claim {
	return selectClaims(ctx, func(c *Claim) bool { return c.Scope != "" && !c.placed && c.lost == nil })
}

// Bind gives the claims that have no scope yet the signed-in member the session check
// found (a member's names are theirs alone), and returns the claims of that scope.
func Bind(ctx context.Context, scope string) []*Claim {
	return selectClaims(ctx, func(c *Claim) bool {
		if c.Scope == "" {
			c.Scope = scope
		}
		return c.Scope == scope
	})
}

// Bound returns the claims that have a scope: the signed-in member's, or a visitor's.
func Bound(ctx context.Context) []*Claim {
	return selectClaims(ctx, func(c *Claim) bool { return c.Scope != "" })
}

// selectClaims returns the request's claims for which keep, called with the claim
// locked, is true (nil without claims).
func selectClaims(ctx context.Context, keep func(c *Claim) bool) []*Claim {
	r := From(ctx)
	if r == nil {
		return nil
	}
	var out []*Claim
	for _, c := range r.Claims {
		c.mu.Lock()
		if keep(c) {
			out = append(out, c)
		}
		c.mu.Unlock()
	}
	return out
}
