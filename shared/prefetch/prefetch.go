// Package prefetch lets a read route say, before the caller is authenticated, which
// space or post its handler reads first; the store then fetches those items in the
// same round trip as the session check, and hands each to its first reader once.
package prefetch

import (
	"context"
	"sync"
)

// Request is what one request will read first, and what was fetched for it.
type Request struct {
	SpaceID string
	PostID  string
	// Member: the handler reads the caller's own member item (the home stream does),
	// which the session check reads anyway.
	Member bool
	// Image names an uploaded image whose record the handler reads first (its space is
	// SpaceID, "" for an image of before spaces owned them): ImageMember, ImageFile.
	ImageMember, ImageFile string

	mu      sync.Mutex
	fetched map[string]any
}

type ctxKey struct{}

// With returns a context announcing that the request reads a space or a post first.
func With(ctx context.Context, spaceID, postID string) context.Context {
	return context.WithValue(ctx, ctxKey{}, &Request{SpaceID: spaceID, PostID: postID})
}

// WithImage returns a context announcing that the request reads an uploaded image's
// record, and its space's (spaceID "" for an image of before).
func WithImage(ctx context.Context, spaceID, memberID, file string) context.Context {
	return context.WithValue(ctx, ctxKey{}, &Request{SpaceID: spaceID, ImageMember: memberID, ImageFile: file})
}

// WithMember returns a context announcing that the request reads the caller's member item.
func WithMember(ctx context.Context) context.Context {
	return context.WithValue(ctx, ctxKey{}, &Request{Member: true})
}

// From returns the request's prefetch, or nil.
func From(ctx context.Context) *Request {
	r, _ := ctx.Value(ctxKey{}).(*Request)
	return r
}

// Put records what was fetched under a key (nil: fetched, and absent).
func (r *Request) Put(key string, item any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fetched == nil {
		r.fetched = map[string]any{}
	}
	r.fetched[key] = item
}

// Take returns what was fetched under each key, and forgets it, so a later read in the
// same request (after a write) goes to the store. ok is false unless every key was
// fetched.
func (r *Request) Take(keys ...string) (items []any, ok bool) {
	if r == nil {
		return nil, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, k := range keys {
		item, found := r.fetched[k]
		if !found {
			return nil, false
		}
		items = append(items, item)
	}
	for _, k := range keys {
		delete(r.fetched, k)
	}
	return items, true
}
