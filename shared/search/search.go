// Package search is Tribune's full-text search (issue 15): the searchable documents
// (posts, comments and answers, members, spaces, tickets), the query, its results and
// errors, and the Index and Engine interfaces; the engine itself is bleve's (scorch), in
// shared/search/bleveindex, which only the functions that search or index link. Neither
// imports an AWS SDK or the store: the caller (shared/app's indexer and search function)
// turns table items into Docs and computes the reader's Access from the table at the
// time of the request; the index filters with it and the caller re-checks every hit
// before answering.
//
//	Index: Put(docs ...Doc), Delete(ids ...string), Count(), Search(ctx, Query),
//	Snapshot(w) (a consistent tar while it stays open), Close()
//	Engine: Open(dir), Restore(r, dir) (into an absent or empty dir)
//	DocID(kind, id string) string           "<kind>:<id>" as Doc.ID (post kinds use "post")
//	MaxQueryChars 200, MaxWords 16, DefaultSize 20, MaxSize 50, MaxOffset 1000,
//	FragmentChars 160 (bleveindex.MaxSnapshotBytes 4 GiB): the limits
//	ErrEmptyQuery, ErrCommonWords, ErrQueryTooLong, ErrTooDeep, ErrBadSize, ErrBadDates:
//	coded errs.Invalid errors (400 problem+json); ErrBadDoc (a Doc without ID or Kind)
//	is a programming error (500)
//
// Result, Hit, Part and FacetCount carry JSON tags (camelCase) so the search route may
// answer them as they are; Hit also gives SpaceID, PostID and Created (the stored values)
// so the caller can re-check access and link without parsing the ID.
//
// Engine rules, with their sources:
//   - Each document is analysed in its Lang (bleve's "en" and "fr" analysis: possessives
//     or elision, stop words, Porter or light French stemming) with accents folded
//     (bleve's unicode/ASCII folding) so "reinitialiser" finds "réinitialiser"; the
//     stored text keeps its accents for display. A query is analysed in both languages.
//   - Users write no query syntax: the text is cut into words in code; "quoted words" are
//     a phrase; every other character (* ? + - : ^ ~ ( ) \ / AND OR) is literal and a word
//     with no letter or digit is dropped, so nothing expands to everything. An unbalanced
//     quote is ignored. At most MaxWords (16) words are used, the rest ignored.
//   - Every word must match (in title or body, any language); when that finds nothing
//     and there are several words, any word may match (ranked by how many do).
//   - Typo tolerance by word length, the Typesense/Algolia rule (Algolia
//     "minWordSizefor1Typo" 4 and "minWordSizefor2Typos" 8; Typesense
//     "min_len_1typo"/"min_len_2typo"): 0 edits up to 3 letters, 1 from 4 to 7, 2 from 8.
//   - While Query.Typing, the last word is also a prefix, from 2 letters (a 1-letter
//     prefix would expand to a large part of the dictionary).
//   - Typos and prefixes expand to at most 32 and 64 indexed words (closest, then most
//     frequent, as Lucene's top-terms rewrite), so any input costs bounded time and memory.
//   - Ranking: bleve's BM25 scoring, and repeated words capped at indexing: a word counts
//     at most 3 times per field (bleve's BM25 saturation alone proved weak: its average
//     field length left a 50-times repetition scoring 4 times a doc saying it twice).
//     Title fields boosted ×5, a whole-title match adds ×20; accepted answers and staff
//     writing add a boost; ties by Created, newest first. Browsing by filters without
//     words: newest first.
//   - Highlights: the matched words of title and body (stems, typos, prefixes) as Parts,
//     fragments of about 160 characters cut between words, "…" where text is left out.
//   - Facets (Query.Facets) are counted over the filtered hits, except that a filtered
//     field's own facet is counted as if that field were not filtered (the Algolia
//     disjunctive-facet and Discourse convention): one more bleve search per filtered
//     faceted field, only when facets are asked for. Facets count only what the reader
//     may find (the Access filter applies), so they never reveal a space or an author.
//   - Solved filters questions and tickets (other kinds have no state): the composer's
//     "solved questions and articles" is Kinds [question] with Solved, plus Kinds
//     [article].
//   - Access: a member doc needs Members; a space doc its SpaceID in ListedSpaces; a
//     ticket AllTickets or its SpaceID in TicketSpaces; every other doc its SpaceID in
//     Spaces. The filter does not score, so it never changes the ranking.
//   - Durability: Put and Delete return once the batch is on disk (bleve's safe batches);
//     the index in a Lambda's /tmp is a cache of the table, rebuilt or restored from the
//     newest snapshot on a cold start.
package search

import (
	"context"
	"io"
	"time"

	"tribune/shared/errs"
)

// Kinds of Doc.
const (
	KindDiscussion = "discussion"
	KindQuestion   = "question"
	KindIdea       = "idea"
	KindComment    = "comment" // answers are comments on questions
	KindMember     = "member"
	KindSpace      = "space"
	KindTicket     = "ticket"   // subject + public replies in one doc; internal notes never
	KindArticle    = "article"  // a published knowledge-base article (issue 16)
	KindDocument   = "document" // a space's document: title, description, tags, file name (issue 16)
)

// CommunitySpace is the SpaceID of community-wide content (knowledge-base articles
// outside any space): whoever may read the community has it in Access.Spaces. No
// space id takes this form (ids are "s_…").
const CommunitySpace = "~community"

// Limits of a Query.
const (
	MaxQueryChars = 200  // characters (runes) of Query.Text
	MaxWords      = 16   // words of Query.Text used; the rest are ignored
	DefaultSize   = 20   // hits per page when Query.Size is 0
	MaxSize       = 50   // hits per page at most
	MaxOffset     = 1000 // deeper paging is refused (ErrTooDeep): narrow the search instead
	FragmentChars = 160  // about this many characters per highlight fragment
	MaxTypingHits = 10   // not a limit: the advised Size of as-you-type suggestions
)

// Errors of Search (errs.Invalid: 400 problem+json).
var (
	ErrEmptyQuery   = errs.InvalidField("q", "search_empty", "Type a word to search for, or choose a filter.")
	ErrQueryTooLong = errs.InvalidField("q", "search_too_long", "A search is at most 200 characters.")
	// ErrCommonWords: the text holds words, all of them too common to search for (the
	// analysers' stop words: "a", "how do I", "AND").
	ErrCommonWords = errs.InvalidField("q", "search_common_words", "Those words are too common to search for: add a more specific word.")
	ErrTooDeep     = errs.InvalidField("offset", "search_too_deep", "Results go at most 1,000 deep: add a word or a filter to narrow the search.")
	ErrBadSize     = errs.InvalidField("size", "search_bad_size", "Ask for 1 to 50 results per page.")
	ErrBadDates    = errs.InvalidField("from", "search_bad_dates", "Dates are between 1970 and 2200.")
	ErrBadDoc      = errs.New(errs.Internal, "search_bad_doc", "A search document has no id or no kind.")
)

// Doc is one searchable document (plain text: Markdown already stripped by the caller).
type Doc struct {
	ID         string    // "<kind>:<id>", e.g. "post:p_ABC", "comment:c_X", "member:m_Y", "space:s_Z", "ticket:t_Q"
	Kind       string    // one of the Kind… constants
	SpaceID    string    // the space it is in ("" for members; a space doc: its own id)
	PostID     string    // a comment's post (results link to it)
	AuthorID   string    // the writer (a member doc: the member)
	Title      string    // post title, member display name, space name, ticket subject
	Body       string    // text; a member's bio, a space's description
	Lang       string    // "en" or "fr" (anything else is analysed as "en")
	Created    time.Time // ranking tie-breaker, date filter, month facet
	Updated    time.Time
	Solved     bool   // a question with an accepted answer; a solved or closed ticket
	Accepted   bool   // an accepted answer
	Staff      bool   // written by staff (admin, moderator, agent)
	IdeaStatus string // an idea's status ("" otherwise)
}

// DocID is the ID of a Doc: "<kind>:<id>" (posts of every kind: "post:<id>").
func DocID(kind, id string) string { return kind + ":" + id }

// Access is who may see what, computed by the caller from the table *now*; the index
// filters with it (the caller re-checks each hit afterwards too). The zero Access finds
// nothing.
type Access struct {
	Spaces       []string // spaces whose content (posts, comments, articles) the caller may read
	ListedSpaces []string // spaces the caller may see listed (space docs)
	TicketSpaces []string // customer spaces whose tickets the caller may read
	AllTickets   bool     // support agents
	Members      bool     // may find members (signed-in members)
}

// Query is one search. Text may be empty when a filter is given (browse by filter).
type Query struct {
	Text       string
	Access     Access
	Kinds      []string  // filter (any of)
	SpaceID    string    // filter
	AuthorID   string    // filter
	From, To   time.Time // filter on Created: From inclusive, To exclusive (zero: open)
	Solved     *bool     // filter (questions and tickets only: other kinds have no solved state)
	IdeaStatus string    // filter
	Typing     bool      // the last word is a prefix (as-you-type, composer suggestions)
	Size       int       // 1..50 (0: 20)
	Offset     int       // 0..1000 (deeper: ErrTooDeep)
	Facets     bool      // compute facet counts (space, kind, author, solved, status, month)
	NeedWords  bool      // no word is ErrEmptyQuery (or ErrCommonWords) even with filters: a composer's suggestions
}

// Result is a page of hits, best first.
type Result struct {
	Total  uint64                  `json:"total"`            // hits in all (not just this page)
	Hits   []Hit                   `json:"hits"`             // at most Query.Size
	Facets map[string][]FacetCount `json:"facets,omitempty"` // "space", "kind", "author", "solved", "status", "month"; nil unless Query.Facets
	Took   time.Duration           `json:"-"`
	// IgnoredWords counts the words of Query.Text beyond MaxWords, not searched (the
	// page may say "only the first 16 words were used").
	IgnoredWords int `json:"ignoredWords,omitempty"`
}

// Hit is one result. The caller loads the item from the table (and checks it may be
// read now) by ID; PostID and SpaceID say where it links.
type Hit struct {
	ID      string    `json:"id"`
	Kind    string    `json:"kind"`
	SpaceID string    `json:"spaceId,omitempty"`
	PostID  string    `json:"postId,omitempty"`
	Score   float64   `json:"score"`
	Created time.Time `json:"created"`
	// Highlights per field ("title", "body"): fragments of about FragmentChars as parts,
	// so the web never renders HTML: [{"text":"how to ","mark":false},{"text":"reset",
	// "mark":true},...]. A body with no matched word gives its opening as one fragment.
	Highlights map[string][][]Part `json:"highlights,omitempty"`
}

// Part is a piece of a highlight fragment; Mark is a matched word.
type Part struct {
	Text string `json:"text"`
	Mark bool   `json:"mark"`
}

// FacetCount is one value of a facet and how many hits have it. Facets "space", "kind",
// "author" (top 10), "status" are sorted by count; "solved" has "true"/"false";
// "month" ("2026-11") is sorted newest first. A filtered field's facet is counted as if
// that field were not filtered (the Algolia/Discourse convention), so the other choices
// stay visible.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Index is a search index: bleve's (shared/search/bleveindex) or, the way out, another
// engine behind the same methods (docs/search.md, "The way out"). Put is one batch, on
// disk when it returns; Delete of absent ids is fine; Snapshot writes a consistent copy
// (a tar stream) while the index stays open.
type Index interface {
	Put(docs ...Doc) error
	Delete(ids ...string) error
	Count() (uint64, error)
	Search(ctx context.Context, q Query) (Result, error)
	Snapshot(w io.Writer) error
	Close() error
}

// Engine opens indexes: Open opens or creates one in dir; Restore unpacks a Snapshot
// into an absent or empty dir and opens it. The functions that search or index are given
// one by their main (bleveindex.Engine): the others, which only register the indexer's
// handlers, link no search engine.
type Engine interface {
	Open(dir string) (Index, error)
	Restore(r io.Reader, dir string) (Index, error)
}
