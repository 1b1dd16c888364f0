// Package posts is what members write in spaces (status updates, discussions,
// questions) and the streams that show it: a space's stream, read from the space's
// partition, and each member's home stream, written ahead of time by fan-out (see
// docs/streams.md).
package posts

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"tribune/shared/auth"
	"tribune/shared/content"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/policy"
	"tribune/shared/ratelimit"
)

// Kinds of posts in this version.
const (
	KindStatus     = "status"
	KindDiscussion = "discussion"
	KindQuestion   = "question"
)

// Limits.
const (
	MaxTitleRunes  = 150
	MaxBodyRunes   = 20000
	MaxStatusRunes = 500
	ExcerptRunes   = 280
	StreamPage     = 20
)

// Post is one post with its rendered body.
type Post struct {
	ID         string    `json:"id"`
	SpaceID    string    `json:"spaceId"`
	SpaceName  string    `json:"spaceName"`
	Kind       string    `json:"kind"`
	Title      string    `json:"title"`
	Body       string    `json:"body"`
	HTML       string    `json:"html"`
	AuthorID   string    `json:"authorId"`
	AuthorName string    `json:"authorName"`
	CreatedAt  time.Time `json:"createdAt"`
	// Comments counts comments and replies (exact: an atomic ADD with each comment).
	Comments int `json:"comments"`
	// AcceptedAnswer is the comment accepted as a question's answer.
	AcceptedAnswer string `json:"acceptedAnswer,omitempty"`
}

// Summary is a post as a stream shows it.
type Summary struct {
	ID         string    `json:"id"`
	SpaceID    string    `json:"spaceId"`
	SpaceName  string    `json:"spaceName"`
	Kind       string    `json:"kind"`
	Title      string    `json:"title"`
	Excerpt    string    `json:"excerpt"`
	AuthorID   string    `json:"authorId"`
	AuthorName string    `json:"authorName"`
	CreatedAt  time.Time `json:"createdAt"`
}

// Page is a page of a stream and the cursor of the next.
type Page struct {
	Posts []Summary `json:"posts"`
	Next  string    `json:"next,omitempty"`
}

// Spam brakes: everyone posts at most 10 times a minute; a member in their first week
// at most 3 times, with at most 2 links a post.
var (
	LimitPosts        = ratelimit.Rule{Name: "post-member", Limit: 10, Window: time.Minute}
	LimitNewPosts     = ratelimit.Rule{Name: "post-new-member", Limit: 3, Window: time.Minute}
	NewMemberPeriod   = 7 * 24 * time.Hour
	MaxNewMemberLinks = 2
)

// Errors.
var (
	ErrRateLimited  = errs.New(errs.RateLimited, "posting_too_fast", "You are posting too fast. Wait a minute.")
	ErrTooManyLinks = errs.InvalidField("body", "too_many_links", "New members can put at most 2 links in a post.")
	ErrKind         = errs.InvalidField("kind", "invalid_post_kind", "A post is a status, a discussion or a question.")
	ErrTitle        = errs.InvalidField("title", "invalid_title", "A title has 1 to 150 characters.")
	ErrBody         = errs.InvalidField("body", "invalid_body", "Write something: at most 20,000 characters (500 for a status).")
	ErrNoPost       = errs.New(errs.NotFound, "post_not_found", "There is no such post.")
)

// Spaces answers what a member may do in a space (package spaces, through the app).
type Spaces interface {
	// CanRead and CanPost return the space's name, or a coded error (404 for a space
	// the member may not know about, 403 otherwise).
	CanRead(ctx context.Context, actor auth.Principal, spaceID string) (string, error)
	CanPost(ctx context.Context, actor auth.Principal, spaceID string) (string, error)
	// CanModerate reports whether the actor moderates the space.
	CanModerate(ctx context.Context, actor auth.Principal, spaceID string) (bool, error)
}

// Store is what posts need from storage.
type Store interface {
	// CreatePost writes the post, its space-stream entry and post.created in one
	// transaction, under the rate-limit hits (ErrRateLimited; nothing written).
	CreatePost(ctx context.Context, p Post, excerpt string, event eventtypes.Envelope, hits []ratelimit.Hit) error
	GetPost(ctx context.Context, id string) (Post, error)
	SpaceStream(ctx context.Context, spaceID, cursor string, limit int) (Page, error)
	HomeStream(ctx context.Context, memberID, cursor string, limit int) (Page, error)
	// Author returns a member's display name and when they joined the community.
	Author(ctx context.Context, memberID string) (string, time.Time, error)
}

// Service is the posting use cases.
type Service struct {
	Store  Store
	Spaces Spaces
	Now    func() time.Time
}

// NewPost is what the composer sends.
type NewPost struct {
	Kind  string `json:"kind"`
	Title string `json:"title,omitempty"`
	Body  string `json:"body"`
}

func (n *NewPost) validate() error {
	n.Title, n.Body = strings.TrimSpace(n.Title), strings.TrimSpace(n.Body)
	bodyRunes := utf8.RuneCountInString(n.Body)
	switch n.Kind {
	case KindStatus:
		if n.Title != "" {
			return ErrTitle
		}
		if bodyRunes < 1 || bodyRunes > MaxStatusRunes {
			return ErrBody
		}
	case KindDiscussion, KindQuestion:
		if t := utf8.RuneCountInString(n.Title); t < 1 || t > MaxTitleRunes || strings.ContainsAny(n.Title, "\r\n") {
			return ErrTitle
		}
		if bodyRunes < 1 || bodyRunes > MaxBodyRunes {
			return ErrBody
		}
	default:
		return ErrKind
	}
	return nil
}

// Excerpt is the start of a body, for streams.
func Excerpt(body string) string {
	if utf8.RuneCountInString(body) <= ExcerptRunes {
		return body
	}
	r := []rune(body)
	return string(r[:ExcerptRunes-1]) + "…"
}

// Create publishes a post in a space the actor may post in.
func (s *Service) Create(ctx context.Context, actor auth.Principal, spaceID string, n NewPost) (Post, error) {
	if err := n.validate(); err != nil {
		return Post{}, fmt.Errorf("posts.Create: %w", err)
	}
	spaceName, err := s.Spaces.CanPost(ctx, actor, spaceID)
	if err != nil {
		return Post{}, fmt.Errorf("posts.Create: %w", err)
	}
	html, err := content.Render(n.Body)
	if err != nil {
		return Post{}, fmt.Errorf("posts.Create: %w", err)
	}
	author, hits, err := s.brakes(ctx, actor, n.Body)
	if err != nil {
		return Post{}, fmt.Errorf("posts.Create: %w", err)
	}
	now := s.Now().UTC()
	p := Post{ID: "p_" + strings.ToLower(rand.Text()), SpaceID: spaceID, SpaceName: spaceName, Kind: n.Kind, Title: n.Title, Body: n.Body,
		HTML: html, AuthorID: actor.MemberID, AuthorName: author, CreatedAt: now}
	excerpt := Excerpt(n.Body)
	meta := eventtypes.NewMeta(now)
	event, err := eventtypes.NewEnvelope(eventtypes.SourcePosts, eventtypes.PostCreatedType, meta, eventtypes.PostCreated{Meta: meta,
		PostID: p.ID, SpaceID: spaceID, SpaceName: spaceName, Kind: p.Kind, Title: p.Title, Excerpt: excerpt,
		AuthorID: p.AuthorID, AuthorName: author, CreatedAt: now})
	if err != nil {
		return Post{}, fmt.Errorf("posts.Create: %w", err)
	}
	if err := s.Store.CreatePost(ctx, p, excerpt, event, hits); err != nil {
		return Post{}, fmt.Errorf("posts.Create: %w", err)
	}
	return p, nil
}

// brakes returns the author's name and the rate limits their next post or comment
// counts against; a new member's text may carry only a few links.
func (s *Service) brakes(ctx context.Context, actor auth.Principal, text string) (string, []ratelimit.Hit, error) {
	name, joined, err := s.Store.Author(ctx, actor.MemberID)
	if err != nil || policy.Allowed(actor.Roles, policy.SpacesModerateAll) {
		return name, nil, err
	}
	hits := []ratelimit.Hit{{Rule: LimitPosts, Key: actor.MemberID}}
	if s.Now().Sub(joined) < NewMemberPeriod {
		if content.Links(text) > MaxNewMemberLinks {
			return "", nil, ErrTooManyLinks
		}
		hits = append(hits, ratelimit.Hit{Rule: LimitNewPosts, Key: actor.MemberID})
	}
	return name, hits, nil
}

// Get returns a post the actor may read (hidden spaces' posts are "not found").
func (s *Service) Get(ctx context.Context, actor auth.Principal, id string) (Post, error) {
	p, err := s.Store.GetPost(ctx, id)
	if err != nil {
		if errs.Is(err, errs.ErrNotFound.Code) {
			err = ErrNoPost
		}
		return Post{}, fmt.Errorf("posts.Get %s: %w", id, err)
	}
	if _, err := s.Spaces.CanRead(ctx, actor, p.SpaceID); err != nil {
		if e, ok := errs.As(err); ok && e.Kind == errs.NotFound {
			err = ErrNoPost
		}
		return Post{}, fmt.Errorf("posts.Get %s: %w", id, err)
	}
	return p, nil
}

// SpaceStream is a space's posts, newest first.
func (s *Service) SpaceStream(ctx context.Context, actor auth.Principal, spaceID, cursor string) (Page, error) {
	if _, err := s.Spaces.CanRead(ctx, actor, spaceID); err != nil {
		return Page{}, fmt.Errorf("posts.SpaceStream: %w", err)
	}
	page, err := s.Store.SpaceStream(ctx, spaceID, cursor, StreamPage)
	if err != nil {
		return Page{}, fmt.Errorf("posts.SpaceStream: %w", err)
	}
	return page, nil
}

// HomeStream is the posts of the actor's spaces, newest first.
func (s *Service) HomeStream(ctx context.Context, actor auth.Principal, cursor string) (Page, error) {
	page, err := s.Store.HomeStream(ctx, actor.MemberID, cursor, StreamPage)
	if err != nil {
		return Page{}, fmt.Errorf("posts.HomeStream: %w", err)
	}
	return page, nil
}
