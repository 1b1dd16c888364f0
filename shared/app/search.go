package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"tribune/shared/auth"
	"tribune/shared/content"
	"tribune/shared/errs"
	"tribune/shared/httpx"
	"tribune/shared/knowledge"
	"tribune/shared/metrics"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/search"
	"tribune/shared/spaces"
	"tribune/shared/store"
	"tribune/shared/tickets"
)

// The search routes (issue 15, docs/search.md, docs/api.md "Search"): who may see what
// is computed from the table at each request (search.Access), the index filters with
// it, and every hit is checked against the table again before it is answered, so a
// member who just left a space, or content hidden a second ago, is never shown even
// while the index lags.

// SearchReader is what the routes search: the index the indexer writes (locally), or
// the newest version the indexer published (the search function in AWS).
type SearchReader interface {
	Search(ctx context.Context, q search.Query) (search.Result, error)
}

// Limits of the routes.
const (
	// searchRounds bounds the index queries of one page: hits the table re-check drops
	// are replaced by the next ones, at most this many times (3 × size hits examined).
	searchRounds = 3
	// SuggestSize is the most suggestions a composer shows.
	SuggestSize = 5
	// searchSpacePages bounds the space directory read for a reader's access (100 a
	// page: 2,000 listed spaces).
	searchSpacePages = 20
	// excerptRunes is a result's excerpt.
	excerptRunes = 200
)

// Errors of the routes (400 problem+json).
var (
	errSearchUnavailable = errs.New(errs.Unavailable, "search_unavailable", "Search is not available right now. Please try again in a minute.")
	errSearchFor         = errs.InvalidField("for", "search_bad_for", "for is question or ticket.")
)

func errSearchFilter(name, want string) error {
	return errs.InvalidField(name, "search_bad_filter", fmt.Sprintf("The filter %s is not valid: %s.", name, want))
}

// SearchAnswer is the answer of GET /api/search.
type SearchAnswer struct {
	// SearchID names this search for click-through (search analytics).
	SearchID string         `json:"searchId"`
	Total    uint64         `json:"total"`
	Results  []SearchResult `json:"results"`
	// Facets counts the hits by space, kind, author, solved, status and month (facets=1).
	Facets map[string][]SearchFacet `json:"facets,omitempty"`
	// Next is the offset of the next page, null on the last.
	Next *int `json:"next"`
}

// SuggestAnswer is the answer of GET /api/search/suggest.
type SuggestAnswer struct {
	SuggestionID string         `json:"suggestionId"`
	Results      []SearchResult `json:"results"`
}

// SearchResult is one hit as the reader may see it now.
type SearchResult struct {
	ID         string                     `json:"id"`
	Kind       string                     `json:"kind" enum:"discussion|question|idea|comment|member|space|ticket|article|document"`
	Title      string                     `json:"title"`
	Highlights map[string][][]search.Part `json:"highlights"`
	Excerpt    string                     `json:"excerpt"`
	PostID     string                     `json:"postId,omitempty"`
	SpaceID    string                     `json:"spaceId,omitempty"`
	SpaceName  string                     `json:"spaceName,omitempty"`
	Author     *SearchAuthor              `json:"author,omitempty"`
	CreatedAt  time.Time                  `json:"createdAt"`
	Solved     bool                       `json:"solved"`
	Accepted   bool                       `json:"accepted"`
	Staff      bool                       `json:"staff"`
	IdeaStatus string                     `json:"ideaStatus,omitempty"`
	// URL is the web page the result opens.
	URL string `json:"url"`
}

// SearchAuthor is who wrote a result, as they are named now.
type SearchAuthor struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// SearchFacet is one value of a facet: Label is what the page shows (a space's or an
// author's name; the value itself for the others, which the web translates).
type SearchFacet struct {
	Value string `json:"value"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

// SearchRoutes are the routes the search function serves.
func SearchRoutes(d Deps) []httpx.Route {
	h := searchHTTP{d: d}
	q := httpx.Param{Name: "q", Description: "The words to find (at most 200 characters; \"quoted words\" are a phrase)", MaxBytes: 4096}
	routes := []httpx.Route{
		{Method: "GET", Pattern: "/api/search", Tag: "search", Action: policy.Visitors, Handler: h.search,
			Summary: "Searches posts, answers and comments, members, spaces, tickets, knowledge-base articles and documents the caller may read now.",
			Query: []httpx.Param{q,
				{Name: "kind", Description: "Kinds to find, comma-separated: discussion, question, idea, comment, member, space, ticket, article, document"},
				{Name: "space", Description: "Only in this space"}, {Name: "author", Description: "Only by this member"},
				{Name: "from", Description: "Created on or after this day (YYYY-MM-DD)"}, {Name: "to", Description: "Created on or before this day (YYYY-MM-DD)"},
				{Name: "solved", Description: "true: solved questions and tickets; false: unsolved ones"},
				{Name: "status", Description: "An idea's status"}, {Name: "offset", Description: "The next page's offset (0 to 1000); only the first page (offset 0) counts as a search and has a searchId of its own"},
				{Name: "searchId", Description: "A further page: the first page's searchId (its results' clicks count as that search's; the answer gives it back)"},
				{Name: "size", Description: "Results per page (1 to 50, default 20)"}, {Name: "facets", Description: "1: count the hits by space, kind, author, solved, status and month"}},
			Responses: httpx.Answers(200, "A page of results", SearchAnswer{}, map[int]string{400: "Bad search or filter", 503: "Search is not available"})},
		{Method: "GET", Pattern: "/api/search/suggest", Tag: "search", Action: policy.SignedIn, Handler: h.suggest,
			Summary: "The closest published knowledge-base articles and solved questions to what a member is writing (the question and ticket composers): articles first.",
			Query: []httpx.Param{q, {Name: "for", Required: true, Description: "question or ticket: the composer asking"},
				{Name: "space", Description: "The space the composer writes in"},
				{Name: "suggestionId", Description: "The suggestionId this composer was last given: its session goes on (search analytics)"}},
			Responses: httpx.Answers(200, "At most 5 suggestions", SuggestAnswer{}, map[int]string{400: "Bad input", 503: "Search is not available"})},
	}
	return append(routes, searchAnalyticsRoutes(d)...)
}

type searchHTTP struct{ d Deps }

// reader is the index the routes read: the Deps' (AWS) or the one attached to the table.
func (h searchHTTP) reader() (SearchReader, error) {
	if h.d.Search != nil {
		return h.d.Search, nil
	}
	if a := attachedSearch(h.d.Store); a != nil {
		return a.ix, nil
	}
	return nil, errSearchUnavailable
}

func (h searchHTTP) search(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), auth.Caller(r)
	q, err := searchQuery(r.URL.Query())
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	ans, err := h.run(ctx, actor, q)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	// A search is counted once, on its first page: "more" is the same search read on
	// (docs/kpis.md, VII). A further page names the first page's searchId: its results
	// are added to those the search showed, so their clicks count as the search's.
	switch more := r.URL.Query().Get("searchId"); {
	case q.Offset == 0:
		ans.SearchID = h.record(ctx, SearchRecord{Query: q.Text, Results: int(ans.Total), Kind: "search", Shown: resultIDs(ans.Results)})
	case more != "":
		if err := searchAnalytics(h.d).ShowMore(ctx, more, q.Text, resultIDs(ans.Results)); err == nil {
			ans.SearchID = more
		} else if !errors.Is(err, metrics.ErrUnknownSearch) {
			slog.ErrorContext(ctx, "search page not recorded", "err", err.Error())
		}
	}
	httpx.WriteJSON(w, http.StatusOK, ans)
}

// resultIDs are the ids of the results shown.
func resultIDs(results []SearchResult) []string {
	ids := make([]string, 0, len(results))
	for _, r := range results {
		ids = append(ids, r.ID)
	}
	return ids
}

func (h searchHTTP) suggest(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), auth.Caller(r)
	v := r.URL.Query()
	purpose := v.Get("for")
	if purpose != "question" && purpose != "ticket" {
		httpx.WriteError(w, r, errSearchFor)
		return
	}
	spaceID := v.Get("space")
	if spaceID != "" && !httpx.ValidID(spaceID) {
		httpx.WriteError(w, r, errSearchFilter("space", "a space id"))
		return
	}
	// The composer's previous suggestionId continues its session (one session per
	// composer, however many pauses in typing: docs/kpis.md, "Before you ask").
	session := v.Get("suggestionId")
	if session != "" && !httpx.ValidID(session) {
		httpx.WriteError(w, r, errSearchFilter("suggestionId", "the suggestionId of an earlier answer"))
		return
	}
	solved := true
	// Words are needed: the filters alone would list every solved question. Published
	// knowledge-base articles come first (issue 16), then solved questions fill the rest
	// (two queries: the solved filter applies to questions only, the index's rule).
	q := search.Query{Text: v.Get("q"), Kinds: []string{search.KindArticle}, Typing: true, Size: SuggestSize, NeedWords: true}
	ans, err := h.run(ctx, actor, q)
	if err == nil && len(ans.Results) < SuggestSize {
		q.Kinds, q.Solved = []string{search.KindQuestion}, &solved
		var questions SearchAnswer
		questions, err = h.run(ctx, actor, q)
		ans.Results = append(ans.Results, questions.Results[:min(len(questions.Results), SuggestSize-len(ans.Results))]...)
	}
	if errors.Is(err, search.ErrEmptyQuery) || errors.Is(err, search.ErrCommonWords) {
		// A composer asks as the member types: nothing typed yet is no mistake.
		httpx.WriteJSON(w, http.StatusOK, SuggestAnswer{Results: []SearchResult{}})
		return
	}
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	id := h.record(ctx, SearchRecord{Query: q.Text, Results: len(ans.Results), Kind: "suggest", For: purpose, SpaceID: spaceID, Session: session, Shown: resultIDs(ans.Results)})
	httpx.WriteJSON(w, http.StatusOK, SuggestAnswer{SuggestionID: id, Results: ans.Results})
}

// record counts the search (search analytics); a failure to count is logged, not
// answered: the reader still gets their results.
func (h searchHTTP) record(ctx context.Context, rec SearchRecord) string {
	id, err := recordSearch(ctx, h.d, rec)
	if err != nil {
		slog.ErrorContext(ctx, "search not counted", "err", err.Error())
	}
	return id
}

// searchQuery reads the filters of GET /api/search; an unknown value is a 400.
func searchQuery(v url.Values) (search.Query, error) {
	// The last word is a prefix (Algolia's "prefix last"): a search box's words are as
	// often cut short as a composer's.
	q := search.Query{Text: v.Get("q"), Typing: true, Facets: v.Get("facets") == "1" || v.Get("facets") == "true"}
	if kinds := v.Get("kind"); kinds != "" {
		for _, k := range strings.Split(kinds, ",") {
			if !slices.Contains(searchKinds, k) {
				return q, errSearchFilter("kind", "discussion, question, idea, comment, member, space, ticket, article or document, comma-separated")
			}
			q.Kinds = append(q.Kinds, k)
		}
	}
	for name, field := range map[string]*string{"space": &q.SpaceID, "author": &q.AuthorID} {
		if id := v.Get(name); id != "" {
			if !httpx.ValidID(id) {
				return q, errSearchFilter(name, "an id")
			}
			*field = id
		}
	}
	for name, field := range map[string]*time.Time{"from": &q.From, "to": &q.To} {
		if s := v.Get(name); s != "" {
			day, err := time.Parse(time.DateOnly, s)
			if err != nil {
				return q, errSearchFilter(name, "a day written YYYY-MM-DD")
			}
			if name == "to" {
				day = day.AddDate(0, 0, 1) // the whole day: the index's To is exclusive
			}
			*field = day
		}
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		return q, errSearchFilter("to", "a day on or after from")
	}
	switch v.Get("solved") {
	case "":
	case "true", "false":
		solved := v.Get("solved") == "true"
		q.Solved = &solved
	default:
		return q, errSearchFilter("solved", "true or false")
	}
	if status := v.Get("status"); status != "" {
		if !slices.Contains(posts.IdeaStatuses, status) {
			return q, errSearchFilter("status", strings.Join(posts.IdeaStatuses, ", "))
		}
		q.IdeaStatus = status
	}
	if id := v.Get("searchId"); id != "" && !httpx.ValidID(id) {
		return q, errSearchFilter("searchId", "the searchId of the first page")
	}
	if s := v.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return q, errSearchFilter("offset", "a whole number")
		}
		q.Offset = n
	}
	if s := v.Get("size"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > search.MaxSize {
			return q, search.ErrBadSize
		}
		q.Size = n
	}
	if q.Offset > search.MaxOffset {
		return q, search.ErrTooDeep
	}
	return q, nil
}

// searchKinds are the kinds a search may ask for.
var searchKinds = []string{search.KindDiscussion, search.KindQuestion, search.KindIdea, search.KindComment, search.KindMember,
	search.KindSpace, search.KindTicket, search.KindArticle, search.KindDocument}

// run computes the reader's access, searches, and keeps the hits the reader may open
// now, asking the index for more when the re-check dropped some (searchRounds at most).
func (h searchHTTP) run(ctx context.Context, actor auth.Principal, q search.Query) (SearchAnswer, error) {
	reader, err := h.reader()
	if err != nil {
		return SearchAnswer{}, err
	}
	scope, err := h.scope(ctx, actor)
	if err != nil {
		return SearchAnswer{}, err
	}
	q.Access = scope.access
	size := q.Size
	if size == 0 {
		size = search.DefaultSize
	}
	ans := SearchAnswer{Results: []SearchResult{}}
	offset := q.Offset
	var first search.Result
	for round := 0; round < searchRounds && len(ans.Results) < size; round++ {
		q.Offset, q.Size = offset, size
		if q.Offset > search.MaxOffset {
			break
		}
		res, err := reader.Search(ctx, q)
		if err != nil {
			return SearchAnswer{}, err
		}
		if round == 0 {
			first = res
			q.Facets = false // counted once
		}
		kept, err := h.check(ctx, actor, scope, res.Hits)
		if err != nil {
			return SearchAnswer{}, err
		}
		for i, hit := range res.Hits {
			offset++
			if r, ok := kept[hit.ID]; ok {
				ans.Results = append(ans.Results, r)
				if len(ans.Results) == size {
					// The next page starts after this hit.
					offset = q.Offset + i + 1
					break
				}
			}
		}
		if uint64(offset) >= res.Total || len(res.Hits) == 0 {
			break
		}
	}
	ans.Total = first.Total
	if uint64(offset) < first.Total && offset <= search.MaxOffset {
		next := offset
		ans.Next = &next
	}
	if first.Facets != nil {
		ans.Facets, err = h.facets(ctx, scope, first.Facets)
		if err != nil {
			return SearchAnswer{}, err
		}
	}
	return ans, nil
}

// searchScope is what the reader may see now, and the spaces it was computed from.
type searchScope struct {
	access  search.Access
	spaces  map[string]spaces.Space
	read    map[string]bool // spaces whose content the reader may read
	listed  map[string]bool // spaces the reader may see
	tickets map[string]bool // customer spaces whose tickets the reader may read
	agent   bool
}

// scope computes the reader's access from the table now: the listed spaces (the
// directory), the reader's memberships and the spaces they name, the customer spaces
// for support agents; each decided by spaces.AccessOf's own rules on what was read.
// Hidden spaces the reader does not belong to are never in it (staff included: they
// open those by their address). Reads: the directory (1 Query per 100 spaces), the
// memberships (1 Query), the spaces only they name (1 BatchGetItem), the customer
// spaces for agents (1 Query per 100).
func (h searchHTTP) scope(ctx context.Context, actor auth.Principal) (searchScope, error) {
	st := h.d.Store
	sc := searchScope{spaces: map[string]spaces.Space{}, read: map[string]bool{}, listed: map[string]bool{}, tickets: map[string]bool{},
		agent: tickets.IsAgent(actor.Roles)}
	list := func(read func(context.Context, string, int) ([]spaces.Space, string, error)) error {
		cursor := ""
		for page := 0; page < searchSpacePages; page++ {
			got, next, err := read(ctx, cursor, 100)
			if err != nil {
				return err
			}
			for _, sp := range got {
				sc.spaces[sp.ID] = sp
			}
			if cursor = next; cursor == "" {
				return nil
			}
		}
		return nil
	}
	if err := list(st.Spaces().SpaceDirectory); err != nil {
		return sc, fmt.Errorf("app.searchScope: %w", err)
	}
	if sc.agent {
		if err := list(st.Spaces().CustomerSpaces); err != nil {
			return sc, fmt.Errorf("app.searchScope: %w", err)
		}
	}
	mine := map[string]*spaces.Membership{}
	if actor.MemberID != "" {
		memberships, err := st.Spaces().MySpaces(ctx, actor.MemberID)
		if err != nil {
			return sc, fmt.Errorf("app.searchScope: %w", err)
		}
		var unknown []string
		for i := range memberships {
			m := memberships[i]
			mine[m.SpaceID] = &m
			if _, ok := sc.spaces[m.SpaceID]; !ok {
				unknown = append(unknown, m.SpaceID)
			}
		}
		more, err := st.SpacesByID(ctx, unknown)
		if err != nil {
			return sc, fmt.Errorf("app.searchScope: %w", err)
		}
		for id, sp := range more {
			sc.spaces[id] = sp
		}
	}
	rules := &spaces.Service{Store: readSpaces{Spaces: st.Spaces(), spaces: sc.spaces, mine: mine}}
	for id := range sc.spaces {
		acc, err := rules.AccessOf(ctx, actor, id)
		if errors.Is(err, spaces.ErrNoSpace) {
			continue
		}
		if err != nil {
			return sc, fmt.Errorf("app.searchScope: %w", err)
		}
		sc.listed[id] = true
		sc.access.ListedSpaces = append(sc.access.ListedSpaces, id)
		if acc.Read {
			sc.read[id] = true
			sc.access.Spaces = append(sc.access.Spaces, id)
		}
		if actor.MemberID != "" && tickets.Readable(ticketSpaceOf(acc), actor.Roles) {
			sc.tickets[id] = true
			sc.access.TicketSpaces = append(sc.access.TicketSpaces, id)
		}
	}
	// Community-wide content (knowledge-base articles outside spaces): whoever the route
	// let in reads the community.
	sc.read[search.CommunitySpace] = true
	sc.access.Spaces = append(sc.access.Spaces, search.CommunitySpace)
	sc.access.AllTickets = sc.agent
	sc.access.Members = actor.MemberID != ""
	return sc, nil
}

// readSpaces answers spaces.AccessOf from what the scope read (no read per space).
type readSpaces struct {
	*store.Spaces
	spaces map[string]spaces.Space
	mine   map[string]*spaces.Membership
}

func (r readSpaces) SpaceAndMembership(_ context.Context, spaceID, _ string) (spaces.Space, *spaces.Membership, error) {
	sp, ok := r.spaces[spaceID]
	if !ok {
		return spaces.Space{}, nil, errs.ErrNotFound
	}
	return sp, r.mine[spaceID], nil
}

// check re-reads the hits' items from the table (one BatchGetItem, one more for
// comments, one for the authors' names) and answers those the reader may open now.
func (h searchHTTP) check(ctx context.Context, actor auth.Principal, sc searchScope, hits []search.Hit) (map[string]SearchResult, error) {
	var postIDs, ticketIDs, memberIDs []string
	var comments []posts.CommentRef
	for _, hit := range hits {
		kind, id, _ := strings.Cut(hit.ID, ":")
		switch kind {
		case store.SearchPost:
			postIDs = append(postIDs, id)
		case store.SearchComment:
			postIDs = append(postIDs, hit.PostID)
			comments = append(comments, posts.CommentRef{PostID: hit.PostID, CommentID: id})
		case store.SearchMember:
			memberIDs = append(memberIDs, id)
		case store.SearchTicket:
			ticketIDs = append(ticketIDs, id)
		}
	}
	kb, err := h.knowledgeHits(ctx, hits)
	if err != nil {
		return nil, fmt.Errorf("app.searchCheck: %w", err)
	}
	now, err := h.d.Store.NotificationSubjects(ctx, postIDs, ticketIDs, memberIDs, nil, comments)
	if err != nil {
		return nil, fmt.Errorf("app.searchCheck: %w", err)
	}
	out := map[string]SearchResult{}
	var authors []string
	visiblePost := func(id string) (posts.Post, bool) {
		p, ok := now.Posts[id]
		return p, ok && !p.Hidden && !p.Deleted && sc.read[p.SpaceID]
	}
	for _, hit := range hits {
		kind, id, _ := strings.Cut(hit.ID, ":")
		res := SearchResult{ID: hit.ID, Kind: hit.Kind, Highlights: hit.Highlights, CreatedAt: hit.Created}
		switch kind {
		case store.SearchPost:
			p, ok := visiblePost(id)
			if !ok {
				continue
			}
			doc := store.PostSearchDoc(p, nil)
			res.Kind, res.Title, res.PostID, res.SpaceID = doc.Kind, p.Title, p.ID, p.SpaceID
			res.Excerpt, res.Solved, res.IdeaStatus, res.Staff = content.PageExcerpt(p.HTML, excerptRunes), doc.Solved, doc.IdeaStatus, p.AuthorStaff
			res.Author, res.URL = &SearchAuthor{ID: p.AuthorID}, "/posts/"+url.PathEscape(p.ID)
			if res.Title == "" {
				res.Title = content.PageExcerpt(p.HTML, 80)
			}
		case store.SearchComment:
			p, ok := visiblePost(hit.PostID)
			c, found := now.Comments[posts.CommentRef{PostID: hit.PostID, CommentID: id}]
			if !ok || !found || c.Hidden || c.Deleted {
				continue
			}
			res.Kind, res.Title, res.PostID, res.SpaceID = search.KindComment, p.Title, p.ID, p.SpaceID
			res.Excerpt, res.Accepted, res.Staff = content.PageExcerpt(c.HTML, excerptRunes), p.AcceptedAnswer == c.ID, c.AuthorStaff
			res.Solved = p.Kind == posts.KindQuestion && p.AcceptedAnswer != ""
			res.Author, res.URL = &SearchAuthor{ID: c.AuthorID}, "/posts/"+url.PathEscape(p.ID)+"#comment-"+url.PathEscape(c.ID)
		case store.SearchMember:
			m, ok := now.Members[id]
			if !ok || !store.SearchableMember(m) || !sc.access.Members {
				continue
			}
			res.Kind, res.Title, res.Excerpt, res.Staff = search.KindMember, m.DisplayName, content.Cut(m.Bio, excerptRunes), m.IsStaff()
			res.URL = "/members/" + url.PathEscape(m.ID)
		case store.SearchSpace:
			sp, ok := sc.spaces[id]
			if !ok || !sc.listed[id] {
				continue
			}
			res.Kind, res.Title, res.SpaceID, res.Excerpt = search.KindSpace, sp.Name, sp.ID, content.Cut(sp.Description, excerptRunes)
			res.URL = "/spaces/" + url.PathEscape(sp.ID)
		case store.SearchTicket:
			t, ok := now.Tickets[id]
			if !ok || !(sc.agent || sc.tickets[t.SpaceID]) || actor.MemberID == "" {
				continue
			}
			res.Kind, res.Title, res.SpaceID = search.KindTicket, fmt.Sprintf("#%d %s", t.Number, t.Subject), t.SpaceID
			res.Excerpt, res.Solved = content.PageExcerpt(t.HTML, excerptRunes), t.Status == tickets.StatusSolved || t.Status == tickets.StatusClosed
			res.Author, res.URL = &SearchAuthor{ID: t.RequesterID}, "/tickets/"+url.PathEscape(t.ID)
		case store.SearchArticle:
			// Published, in a place the reader reads now (the community's, or a space's).
			a, ok := kb.articles[id]
			place := a.SpaceID
			if place == "" {
				place = search.CommunitySpace
			}
			if !ok || a.Status != knowledge.StatusPublished || !sc.read[place] {
				continue
			}
			res.Kind, res.Title, res.SpaceID = search.KindArticle, a.Title, a.SpaceID
			res.Excerpt = content.Excerpt(a.Body, nil, excerptRunes)
			res.Author, res.URL = &SearchAuthor{ID: a.AuthorID}, "/kb/articles/"+url.PathEscape(a.ID)
		case store.SearchDocument:
			d, ok := kb.documents[id]
			if !ok || !sc.read[d.SpaceID] {
				continue
			}
			res.Kind, res.Title, res.SpaceID = search.KindDocument, d.Title, d.SpaceID
			res.Excerpt = content.Cut(d.Description, excerptRunes)
			res.Author = &SearchAuthor{ID: d.UploadedBy.ID}
			res.URL = "/spaces/" + url.PathEscape(d.SpaceID) + "/documents/" + url.PathEscape(d.ID)
		default:
			continue
		}
		if res.SpaceID != "" {
			res.SpaceName = sc.spaces[res.SpaceID].Name
		}
		if res.Author != nil {
			authors = append(authors, res.Author.ID)
		}
		out[hit.ID] = res
	}
	if len(authors) > 0 {
		names, err := h.d.Store.MemberNames(ctx, authors)
		if err != nil {
			return nil, fmt.Errorf("app.searchCheck: %w", err)
		}
		for id, res := range out {
			if res.Author != nil {
				name := names[res.Author.ID]
				if name == "" {
					name = auth.DeletedName
				}
				author := *res.Author
				author.Name = name
				res.Author = &author
				out[id] = res
			}
		}
	}
	return out, nil
}

// facets labels the index's counts: spaces by name, authors by name as they are now.
func (h searchHTTP) facets(ctx context.Context, sc searchScope, counts map[string][]search.FacetCount) (map[string][]SearchFacet, error) {
	var authors []string
	for _, c := range counts["author"] {
		authors = append(authors, c.Value)
	}
	names := map[string]string{}
	if len(authors) > 0 {
		var err error
		if names, err = h.d.Store.MemberNames(ctx, authors); err != nil {
			return nil, fmt.Errorf("app.searchFacets: %w", err)
		}
	}
	out := map[string][]SearchFacet{}
	for facet, list := range counts {
		out[facet] = []SearchFacet{}
		for _, c := range list {
			label := c.Value
			switch facet {
			case "space":
				sp, ok := sc.spaces[c.Value]
				if !ok || !sc.listed[c.Value] {
					continue
				}
				label = sp.Name
			case "author":
				if label = names[c.Value]; label == "" {
					label = auth.DeletedName
				}
			}
			out[facet] = append(out[facet], SearchFacet{Value: c.Value, Label: label, Count: c.Count})
		}
	}
	return out, nil
}

// ---- The search function's index: the newest published version ----

// SnapshotSearch is the index of the search function in AWS: the newest version the
// indexer published, downloaded into Dir and opened; at most every Refresh it reads the
// pointer (search/index/latest.json, a few hundred bytes) and, when a newer version is
// there, loads it and swaps it in. A search in flight on the old version finishes on it;
// the version before that is closed and removed. Nothing runs between requests.
type SnapshotSearch struct {
	// Engine restores the versions (bleveindex.Engine).
	Engine  search.Engine
	Files   SearchFiles
	Dir     string
	Refresh time.Duration
	Now     func() time.Time

	mu      sync.Mutex // one loader at a time
	current atomic.Pointer[loadedVersion]
	old     *loadedVersion
	checked time.Time
	reads   sync.RWMutex // searches hold it for reading; closing a version takes it
}

type loadedVersion struct {
	v   SearchVersion
	ix  search.Index
	dir string
}

// NewSnapshotSearch is the search function's index, loaded into dir (under /tmp).
func NewSnapshotSearch(engine search.Engine, files SearchFiles, dir string) *SnapshotSearch {
	return &SnapshotSearch{Engine: engine, Files: files, Dir: dir, Refresh: SearchRefresh}
}

func (s *SnapshotSearch) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Version is the version searched now ("" before the first load).
func (s *SnapshotSearch) Version() string {
	if v := s.current.Load(); v != nil {
		return v.v.Version
	}
	return ""
}

// refresh loads the newest version if the last look is older than Refresh.
func (s *SnapshotSearch) refresh(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	current := s.current.Load()
	if current != nil && s.now().Sub(s.checked) < s.Refresh {
		return nil
	}
	v, ok, err := LatestSearch(ctx, s.Files)
	if err != nil || !ok {
		if current != nil {
			// The last version loaded still answers (a failed look is retried later).
			if err != nil {
				slog.WarnContext(ctx, "search: the newest version could not be looked up", "err", err.Error())
			}
			s.checked = s.now()
			return nil
		}
		if err != nil {
			return err
		}
		return errSearchUnavailable
	}
	s.checked = s.now()
	if current != nil && current.v.Version == v.Version {
		return nil
	}
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return fmt.Errorf("app.SnapshotSearch: %w", err)
	}
	ix, dir, err := RestoreSearch(ctx, s.Engine, s.Files, v, s.Dir)
	if err != nil {
		if current != nil {
			slog.ErrorContext(ctx, "search: a new version could not be loaded", "version", v.Version, "err", err.Error())
			return nil
		}
		return err
	}
	// Swap at once; the version before the old one is closed once no search reads it
	// (a search holds reads while it runs on the version it loaded).
	s.current.Store(&loadedVersion{v: v, ix: ix, dir: dir})
	s.reads.Lock()
	if s.old != nil {
		_ = s.old.ix.Close()
		_ = os.RemoveAll(s.old.dir)
	}
	s.old = current
	s.reads.Unlock()
	slog.InfoContext(ctx, "search: version loaded", "version", v.Version, "docs", v.Docs, "bytes", v.Bytes)
	return nil
}

// Search implements SearchReader on the newest version.
func (s *SnapshotSearch) Search(ctx context.Context, q search.Query) (search.Result, error) {
	if err := s.refresh(ctx); err != nil {
		return search.Result{}, err
	}
	s.reads.RLock()
	defer s.reads.RUnlock()
	return s.current.Load().ix.Search(ctx, q)
}

// SearchDir is where the search function keeps its versions (/tmp/search-versions).
func SearchDir() string { return filepath.Join(os.TempDir(), "search-versions") }
