// Package bookmarks keeps what members bookmark: posts, knowledge-base articles and
// space documents (issue 16, docs/knowledge.md, "Bookmarks"). A bookmark is only ever
// shown to its member while they may still see what it points to: whether they may,
// and what the thing is called now, is the app layer's answer (Targets), asked again
// at every read.
package bookmarks

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
)

// Kinds of things bookmarked.
const (
	KindPost     = "post"
	KindArticle  = "article"
	KindDocument = "document"
)

// Kinds lists them.
var Kinds = []string{KindPost, KindArticle, KindDocument}

// Limits.
const (
	// PageSize is how many bookmarks a page of the list holds.
	PageSize = 20
	// MaxID is the longest id taken (ids of this deployment are far shorter).
	MaxID = 64
)

// Errors of bookmarks.
var (
	ErrKind = errs.InvalidField("kind", "invalid_bookmark_kind", "A bookmark is of a post, an article or a document.")
	// ErrNoTarget: there is no such thing, or not one the member may see now.
	ErrNoTarget = errs.New(errs.NotFound, "bookmark_target_not_found", "There is no such post, article or document.")
)

// Bookmark is one bookmark as its member sees it: the thing's kind and id, its title,
// the address of its page and its space ("" for community-wide articles), as they are
// now; CreatedAt is when it was bookmarked.
type Bookmark struct {
	Kind      string    `json:"kind"`
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	URL       string    `json:"url"`
	SpaceID   string    `json:"spaceId"`
	SpaceName string    `json:"spaceName"`
	CreatedAt time.Time `json:"createdAt"`
}

// Target is a thing a member may see now, as Targets describes it.
type Target struct {
	Title, URL, SpaceID, SpaceName string
}

// Targets answers what a member may see now (the app layer: posts, the knowledge base,
// documents): ErrNoTarget (or any error of kind NotFound) when there is no such thing
// or the member may not see it.
type Targets interface {
	Target(ctx context.Context, actor auth.Principal, kind, id string) (Target, error)
}

// Store is what bookmarks need from storage.
type Store interface {
	// AddBookmark writes a member's bookmark with its event in one transaction, unless
	// the member bookmarked the thing already (added false: nothing written, no event).
	AddBookmark(ctx context.Context, memberID string, b Bookmark, event eventtypes.Envelope) (added bool, err error)
	// RemoveBookmark deletes it (none: nothing to do).
	RemoveBookmark(ctx context.Context, memberID, kind, id string) error
	// Bookmarked reports whether the member bookmarked the thing.
	Bookmarked(ctx context.Context, memberID, kind, id string) (bool, error)
	// Bookmarks lists a member's bookmarks, newest first, limit a page, only of kind
	// (""; every kind), keeping those keep keeps (as keep gives them back) and reading
	// on until the page is full.
	Bookmarks(ctx context.Context, memberID, kind, cursor string, limit int, keep func(Bookmark) (Bookmark, bool, error)) ([]Bookmark, string, error)
	// RemoveAll deletes every bookmark of a member (none: nothing to do).
	RemoveAll(ctx context.Context, memberID string) error
}

// Service is the bookmarks use cases.
type Service struct {
	Store   Store
	Targets Targets
	Now     func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// State is whether the member bookmarked a thing.
type State struct {
	Bookmarked bool `json:"bookmarked"`
}

// Page is a page of a member's bookmarks.
type Page struct {
	Bookmarks []Bookmark `json:"bookmarks"`
	Next      string     `json:"next"`
}

func check(kind, id string) error {
	if !slices.Contains(Kinds, kind) {
		return ErrKind
	}
	if id == "" || len(id) > MaxID {
		return ErrNoTarget
	}
	return nil
}

// notFound reports whether err says the thing is not there for the member.
func notFound(err error) bool {
	e, ok := errs.As(err)
	return errors.Is(err, errs.ErrNotFound) || (ok && e.Kind == errs.NotFound)
}

// target is the thing as the member may see it now (ErrNoTarget otherwise).
func (s *Service) target(ctx context.Context, actor auth.Principal, kind, id string) (Target, error) {
	t, err := s.Targets.Target(ctx, actor, kind, id)
	if notFound(err) {
		err = ErrNoTarget
	}
	return t, err
}

// Add bookmarks a thing the member may see now (ErrNoTarget otherwise, nothing
// written). Bookmarking it again changes nothing and publishes nothing.
func (s *Service) Add(ctx context.Context, actor auth.Principal, kind, id string) (State, error) {
	if err := check(kind, id); err != nil {
		return State{}, fmt.Errorf("bookmarks.Add: %w", err)
	}
	t, err := s.target(ctx, actor, kind, id)
	if err != nil {
		return State{}, fmt.Errorf("bookmarks.Add %s %s: %w", kind, id, err)
	}
	now := s.now()
	b := Bookmark{Kind: kind, ID: id, SpaceID: t.SpaceID, CreatedAt: now}
	event, err := eventtypes.Wrap(eventtypes.BookmarkAdded{Meta: eventtypes.NewMeta(now), MemberID: actor.MemberID, Kind: kind, ID: id, SpaceID: t.SpaceID})
	if err == nil {
		_, err = s.Store.AddBookmark(ctx, actor.MemberID, b, event)
	}
	if err != nil {
		return State{}, fmt.Errorf("bookmarks.Add %s %s: %w", kind, id, err)
	}
	return State{Bookmarked: true}, nil
}

// Remove takes a bookmark away (none: nothing to do). It does not ask whether the
// member may still see the thing: one may always forget a bookmark.
func (s *Service) Remove(ctx context.Context, actor auth.Principal, kind, id string) (State, error) {
	if err := check(kind, id); err != nil {
		return State{}, fmt.Errorf("bookmarks.Remove: %w", err)
	}
	if err := s.Store.RemoveBookmark(ctx, actor.MemberID, kind, id); err != nil {
		return State{}, fmt.Errorf("bookmarks.Remove %s %s: %w", kind, id, err)
	}
	return State{}, nil
}

// Get is whether the member bookmarked a thing they may see now (ErrNoTarget for a
// thing they may not: a bookmark says nothing of what one cannot see).
func (s *Service) Get(ctx context.Context, actor auth.Principal, kind, id string) (State, error) {
	if err := check(kind, id); err != nil {
		return State{}, fmt.Errorf("bookmarks.Get: %w", err)
	}
	if _, err := s.target(ctx, actor, kind, id); err != nil {
		return State{}, fmt.Errorf("bookmarks.Get %s %s: %w", kind, id, err)
	}
	on, err := s.Store.Bookmarked(ctx, actor.MemberID, kind, id)
	if err != nil {
		return State{}, fmt.Errorf("bookmarks.Get %s %s: %w", kind, id, err)
	}
	return State{Bookmarked: on}, nil
}

// List is a page of the member's bookmarks, newest first, of kind ("" for all): only
// those whose thing the member may see now, with its title as it is now. The others
// are skipped, not deleted (a member let back into a space finds them again), and the
// page is filled from the following ones.
func (s *Service) List(ctx context.Context, actor auth.Principal, kind, cursor string) (Page, error) {
	if kind != "" && !slices.Contains(Kinds, kind) {
		return Page{}, fmt.Errorf("bookmarks.List: %w", ErrKind)
	}
	keep := func(b Bookmark) (Bookmark, bool, error) {
		t, err := s.target(ctx, actor, b.Kind, b.ID)
		if errors.Is(err, ErrNoTarget) {
			return b, false, nil
		}
		if err != nil {
			return b, false, err
		}
		b.Title, b.URL, b.SpaceID, b.SpaceName = t.Title, t.URL, t.SpaceID, t.SpaceName
		return b, true, nil
	}
	list, next, err := s.Store.Bookmarks(ctx, actor.MemberID, kind, cursor, PageSize, keep)
	if err != nil {
		return Page{}, fmt.Errorf("bookmarks.List: %w", err)
	}
	if list == nil {
		list = []Bookmark{}
	}
	return Page{Bookmarks: list, Next: next}, nil
}

// OnMemberDeleted removes a deleted member's bookmarks: what someone kept to read again
// is theirs alone (docs/decisions.md, "Personal data after account deletion"). Repeated
// deliveries find nothing left to delete.
func (s *Service) OnMemberDeleted(ctx context.Context, evt eventtypes.MemberDeleted) error {
	if err := s.Store.RemoveAll(ctx, evt.MemberID); err != nil {
		return fmt.Errorf("bookmarks.OnMemberDeleted %s: %w", evt.MemberID, err)
	}
	return nil
}
