// Package ratelimit describes fixed-window limits. The store enforces them with a
// conditional counter in the same transaction as the write they guard, so a refused
// request writes nothing and a limit costs no extra round trip.
package ratelimit

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Rule is a limit: at most Limit hits per Window.
type Rule struct {
	Name   string
	Limit  int
	Window time.Duration
}

// Hit is one use of a rule by one key (an address, a client, a member).
type Hit struct {
	Rule Rule
	// Key is hashed before it is stored, so no address ends up in a key.
	Key string
}

// KeyHash is how a key is stored.
func (h Hit) KeyHash() string {
	sum := sha256.Sum256([]byte(h.Rule.Name + "\x00" + h.Key))
	return hex.EncodeToString(sum[:12])
}

// WindowStart is the start of the window now falls in.
func (h Hit) WindowStart(now time.Time) time.Time {
	return now.Truncate(h.Rule.Window)
}
