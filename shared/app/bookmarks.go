package app

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"tribune/shared/auth"
	"tribune/shared/bookmarks"
	"tribune/shared/errs"
	"tribune/shared/httpx"
	"tribune/shared/knowledge"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
	"tribune/shared/store"
)

// Members' bookmarks (issue 16; docs/knowledge.md, "Bookmarks"). What a bookmark points
// to is read again, with the member's access to it, at every read (bookmarkTargets):
// a post, article or document the member can no longer see drops out of their list.

// articleTargetFunc reads a knowledge-base article for bookmarks as actor may read it
// now (bookmarks.ErrNoTarget when they may not).
type articleTargetFunc func(ctx context.Context, actor auth.Principal, id string) (bookmarks.Target, error)

// articleTargetOf reads articles through the knowledge base's own rule
// (knowledge.Service.MayRead: published in a place the member reads, or one they edit).
func articleTargetOf(d Deps) articleTargetFunc {
	kb := newKnowledge(d)
	sp := &spaces.Service{Store: d.Store.Spaces(), Now: time.Now}
	return func(ctx context.Context, actor auth.Principal, id string) (bookmarks.Target, error) {
		if !knowledge.ValidArticleID(id) {
			return bookmarks.Target{}, bookmarks.ErrNoTarget
		}
		ok, a, err := kb.MayRead(ctx, actor, id)
		if err != nil {
			return bookmarks.Target{}, err
		}
		if !ok {
			return bookmarks.Target{}, bookmarks.ErrNoTarget
		}
		t := bookmarks.Target{Title: a.Title, URL: "/kb/articles/" + a.ID, SpaceID: a.SpaceID}
		if a.SpaceID != "" {
			acc, err := accessOnce(ctx, sp, actor, a.SpaceID)
			if err != nil {
				return bookmarks.Target{}, err
			}
			t.SpaceName = acc.Space.Name
		}
		return t, nil
	}
}

// accessMemo keeps the spaces' access of one request: a page of bookmarks asks it of
// the same few spaces again and again (one read each instead of one per bookmark).
type accessMemo struct {
	mu   sync.Mutex
	seen map[string]accessAnswer
}

type accessAnswer struct {
	acc spaces.Access
	err error
}

type accessMemoKey struct{}

// withAccessMemo gives ctx a memo of the spaces' access, for one request.
func withAccessMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, accessMemoKey{}, &accessMemo{seen: map[string]accessAnswer{}})
}

// accessOnce is sp.AccessOf, asked once per space in a request that has a memo.
func accessOnce(ctx context.Context, sp *spaces.Service, actor auth.Principal, spaceID string) (spaces.Access, error) {
	memo, _ := ctx.Value(accessMemoKey{}).(*accessMemo)
	if memo == nil {
		return sp.AccessOf(ctx, actor, spaceID)
	}
	memo.mu.Lock()
	defer memo.mu.Unlock()
	if a, ok := memo.seen[spaceID]; ok {
		return a.acc, a.err
	}
	acc, err := sp.AccessOf(ctx, actor, spaceID)
	memo.seen[spaceID] = accessAnswer{acc, err}
	return acc, err
}

// bookmarkTargets answers what a member may see now, for bookmarks.
type bookmarkTargets struct {
	st       *store.Store
	spaces   *spaces.Service
	posts    *posts.Service
	articles articleTargetFunc
}

func newBookmarkTargets(d Deps) bookmarkTargets {
	sp := &spaces.Service{Store: d.Store.Spaces(), Now: time.Now}
	ps := &posts.Service{Store: d.Store.Posts(), Spaces: spaceAccess{spaces: sp, store: d.Store}, Tickets: ticketLinks{d.Store, ticketSpaces{sp}}, Now: time.Now}
	return bookmarkTargets{st: d.Store, spaces: sp, posts: ps, articles: articleTargetOf(d)}
}

// Target implements bookmarks.Targets.
func (t bookmarkTargets) Target(ctx context.Context, actor auth.Principal, kind, id string) (bookmarks.Target, error) {
	var out bookmarks.Target
	var err error
	switch kind {
	case bookmarks.KindPost:
		var p posts.Post
		if p, err = t.posts.Get(ctx, actor, id); err == nil {
			if p.Deleted || p.Hidden {
				return bookmarks.Target{}, bookmarks.ErrNoTarget
			}
			title := p.Title
			if title == "" {
				title = p.Summary().Excerpt
			}
			out = bookmarks.Target{Title: title, URL: "/posts/" + p.ID, SpaceID: p.SpaceID, SpaceName: p.SpaceName}
		}
	case bookmarks.KindDocument:
		out, err = documentTarget(ctx, t.st, t.spaces, actor, id)
	case bookmarks.KindArticle:
		if t.articles == nil {
			return bookmarks.Target{}, bookmarks.ErrNoTarget
		}
		out, err = t.articles(ctx, actor, id)
	default:
		return bookmarks.Target{}, bookmarks.ErrKind
	}
	if e, ok := errs.As(err); errors.Is(err, errs.ErrNotFound) || (ok && (e.Kind == errs.NotFound || e.Kind == errs.Forbidden)) {
		// Not there, or not for this member (a closed space they left): as absent.
		return bookmarks.Target{}, bookmarks.ErrNoTarget
	}
	return out, err
}

// BookmarkList is the answer of a member's bookmarks.
type BookmarkList = bookmarks.Page

// bookmarksHTTP serves the bookmarks routes.
type bookmarksHTTP struct{ svc *bookmarks.Service }

// bookmarkRoutes: members' bookmarks (contract of issue 16).
func bookmarkRoutes(d Deps) []httpx.Route {
	h := bookmarksHTTP{svc: &bookmarks.Service{Store: d.Store.Bookmarks(), Targets: newBookmarkTargets(d), Now: time.Now}}
	kinds := "kind: post, article or document"
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/bookmarks", Tag: "bookmarks", Action: policy.SignedIn, Handler: h.list,
			Query: []httpx.Param{{Name: "kind", Description: "Only bookmarks of this kind (post, article, document)"},
				{Name: "cursor", Description: "The next page's cursor"}},
			Summary:   "The caller's bookmarks, newest first, 20 a page: only those whose post, article or document they may see now, with its title as it is now (the others are skipped, not deleted).",
			Responses: httpx.Answers(200, "The bookmarks", BookmarkList{}, map[int]string{400: "Bad kind or cursor"})},
		{Method: "GET", Pattern: "/api/bookmarks/{kind}/{id}", Tag: "bookmarks", Action: policy.SignedIn, Handler: h.get,
			Summary:   "Whether the caller bookmarked a post, article or document (" + kinds + ").",
			Responses: httpx.Answers(200, "The state", bookmarks.State{}, map[int]string{400: "Bad kind", 404: "No such thing, or not one the caller may see"})},
		{Method: "PUT", Pattern: "/api/bookmarks/{kind}/{id}", Tag: "bookmarks", Action: policy.SignedIn, Handler: h.put,
			Summary:   "Bookmark a post, article or document the caller may see now (" + kinds + "); again changes nothing. A new bookmark publishes bookmark.added.",
			Responses: httpx.Answers(200, "The state", bookmarks.State{}, map[int]string{400: "Bad kind", 404: "No such thing, or not one the caller may see (nothing written)"})},
		{Method: "DELETE", Pattern: "/api/bookmarks/{kind}/{id}", Tag: "bookmarks", Action: policy.SignedIn, Handler: h.remove,
			Summary:   "Take a bookmark away (none: nothing to do).",
			Responses: httpx.Answers(200, "The state", bookmarks.State{}, map[int]string{400: "Bad kind"})},
	}
}

func (h bookmarksHTTP) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, err := h.svc.List(withAccessMemo(r.Context()), auth.Caller(r), q.Get("kind"), q.Get("cursor"))
	httpx.Reply(w, r, http.StatusOK, page, err)
}

func (h bookmarksHTTP) get(w http.ResponseWriter, r *http.Request) {
	st, err := h.svc.Get(r.Context(), auth.Caller(r), r.PathValue("kind"), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, st, err)
}

func (h bookmarksHTTP) put(w http.ResponseWriter, r *http.Request) {
	st, err := h.svc.Add(r.Context(), auth.Caller(r), r.PathValue("kind"), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, st, err)
}

func (h bookmarksHTTP) remove(w http.ResponseWriter, r *http.Request) {
	st, err := h.svc.Remove(r.Context(), auth.Caller(r), r.PathValue("kind"), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, st, err)
}
