package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"

	"tribune/shared/httpx"
)

// SearchRecord is one search as the search routes (15B) report it to the analytics.
type SearchRecord struct {
	Query   string // as typed; stored normalised (trimmed, lower-case, spaces folded, ≤ 200 chars)
	Results int    // total hits shown to the caller (after the access re-check)
	Kind    string // "search" (the search page/box) or "suggest" (a composer's "before you ask")
	For     string // suggest only: "question" or "ticket"
	SpaceID string // the space the composer is in, if any
}

// recordSearch counts one search and returns its searchId (opaque, unguessable, ~24 h
// life), used by click-through and by the deflection count.
//
// Signature agreed with 15B; the counting lands in the next commits.
func recordSearch(ctx context.Context, d Deps, r SearchRecord) (string, error) {
	var b [18]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// searchAnalyticsRoutes are the analytics routes 15B appends to the search function's.
func searchAnalyticsRoutes(d Deps) []httpx.Route {
	return nil
}
