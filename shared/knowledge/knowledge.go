// Package knowledge is the knowledge base (issue 16; docs/knowledge.md, "Knowledge
// base"): categories and Markdown articles, community-wide or in a space; drafts,
// publishing, a version for every save with history, diff and restore; followers;
// "was this helpful?" feedback; an accepted answer turned into an article.
//
// The package imports no sibling domain: the app layer works out who may do what in a
// place (a space, or "" for the community) and hands it over as an Access.
package knowledge

import (
	"crypto/rand"
	"strings"
	"time"
	"unicode/utf8"

	"tribune/shared/errs"
)

// Limits (issue 16's brief).
const (
	// TitleMaxRunes bounds an article's title (1–150 characters).
	TitleMaxRunes = 150
	// BodyMaxBytes bounds an article's Markdown (100,000 bytes of UTF-8). A version item
	// holds the title and the body and nothing rendered, so it stays far under
	// DynamoDB's 400 KB item limit (docs/data-model.md, pattern 343).
	BodyMaxBytes = 100_000
	// RequestMaxBytes bounds the JSON body of an article's save: the body's 100,000
	// bytes escaped (a quote or a line break takes two) with the title, under 256 KiB.
	RequestMaxBytes = 256 << 10
	// CategoryNameMaxRunes and CategoryDescriptionMaxRunes bound a category's texts.
	CategoryNameMaxRunes        = 80
	CategoryDescriptionMaxRunes = 500
	// CategoriesPerPlace bounds the categories of a space, or of the community.
	CategoriesPerPlace = 200
	// FeedbackCommentMaxRunes bounds the comment of a feedback.
	FeedbackCommentMaxRunes = 1000
	// ExcerptRunes is the length of an article summary's excerpt.
	ExcerptRunes = 200
	// PageSize is the length of a page of articles or feedback comments.
	PageSize = 30
	// QueryMaxRunes bounds the q of the article list.
	QueryMaxRunes = 100
)

// Statuses of an article.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
)

// Actions a version records.
const (
	ActionCreated     = "created"
	ActionEdited      = "edited"
	ActionPublished   = "published"
	ActionUnpublished = "unpublished"
	ActionRestored    = "restored"
)

// Errors of the knowledge base (shared/errs: the kind decides the HTTP status).
var (
	ErrNoArticle         = errs.New(errs.NotFound, "article_not_found", "There is no such article.")
	ErrNoCategory        = errs.New(errs.NotFound, "category_not_found", "There is no such category.")
	ErrNoVersion         = errs.New(errs.NotFound, "version_not_found", "This article has no such version.")
	ErrChanged           = errs.New(errs.Conflict, "article_changed", "Someone saved this article meanwhile: reload it, then make your change again.")
	ErrCategoryChanged   = errs.New(errs.Conflict, "category_changed", "Someone changed this category meanwhile: reload and try again.")
	ErrTooManyCategories = errs.New(errs.Conflict, "too_many_categories", "This place has 200 categories already.")
	ErrForbidden         = errs.New(errs.Forbidden, "knowledge_forbidden", "Only the knowledge base's editors may do this.")
	ErrSignIn            = errs.New(errs.Unauthenticated, "sign_in_required", "Sign in to do this.")
	ErrNotAccepted       = errs.New(errs.Conflict, "answer_not_accepted", "Only the accepted answer of a question becomes an article.")
	ErrNoAnswer          = errs.New(errs.NotFound, "answer_not_found", "There is no such answer.")
	ErrBadVersion        = errs.InvalidField("version", "invalid_version", "Give a version number of this article.")
	ErrAnswerPlace       = errs.New(errs.Forbidden, "answer_article_place", "An answer becomes an article of its question's own space, or of the community-wide knowledge base when that space is public (staff: from any space).")
	ErrBadStatus         = errs.InvalidField("status", "invalid_status", "Status is draft or published.")
	ErrBadQuery          = errs.InvalidField("q", "invalid_query", "The search text is at most 100 characters.")
)

// AnswerHasArticle is the 409 of an answer already turned into an article; the problem
// names the article (ArticleID).
func AnswerHasArticle(articleID string) error {
	e := errs.New(errs.Conflict, "answer_has_article", "This answer is already an article.")
	e.ArticleID = articleID
	return e
}

// Access is what a caller may do in one place (a space, or the community): worked
// out by the app layer from the spaces' rules and the policy table.
type Access struct {
	// Read: the place's published articles and its categories.
	Read bool
	// Edit: write the place's categories and articles, read its drafts (the space's
	// owner, moderators, experts and editors; staff: policy knowledge.write).
	Edit bool
	// Feedback: read feedback counts and comments (policy knowledge.feedback).
	Feedback bool
	// SpaceName is the space's name ("" for the community).
	SpaceName string
}

// Person is someone as an article shows them.
type Person struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Category groups articles of one place, in an order (Position, then creation).
type Category struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Position    int    `json:"position"`
	SpaceID     string `json:"spaceId"`
	SpaceName   string `json:"spaceName"`
	// Articles counts its published articles.
	Articles  int       `json:"articles"`
	Following bool      `json:"following"`
	CreatedAt time.Time `json:"-"`
}

// Source is the accepted answer an article was made from.
type Source struct {
	PostID    string `json:"postId"`
	CommentID string `json:"commentId"`
}

// Helpful counts the feedback of an article.
type Helpful struct {
	Yes int `json:"yes"`
	No  int `json:"no"`
}

// Summary is an article as lists show it.
type Summary struct {
	ID           string     `json:"id"`
	Title        string     `json:"title"`
	Excerpt      string     `json:"excerpt"`
	CategoryID   string     `json:"categoryId"`
	CategoryName string     `json:"categoryName"`
	SpaceID      string     `json:"spaceId"`
	SpaceName    string     `json:"spaceName"`
	Status       string     `json:"status" enum:"draft,published"`
	Version      int        `json:"version"`
	UpdatedAt    time.Time  `json:"updatedAt"`
	PublishedAt  *time.Time `json:"publishedAt"`
	Author       Person     `json:"author"`
}

// Article is an article with its text (Markdown; HTML rendered on read, sanitised as
// posts are) and what the reader may do with it.
type Article struct {
	Summary
	Body       string    `json:"body"`
	HTML       string    `json:"html"`
	Editor     Person    `json:"editor"`
	CreatedAt  time.Time `json:"createdAt"`
	Source     *Source   `json:"source"`
	Following  bool      `json:"following"`
	Bookmarked bool      `json:"bookmarked"`
	CanEdit    bool      `json:"canEdit"`
	// Helpful: only for readers with knowledge.feedback or canEdit (else null).
	Helpful    *Helpful `json:"helpful"`
	MyFeedback *bool    `json:"myFeedback"`
}

// Stored is the article item as the store keeps it: the current content and state.
type Stored struct {
	ID, Title, Body, CategoryID, SpaceID string
	Status                               string
	Version                              int
	AuthorID, EditorID                   string
	CreatedAt, UpdatedAt                 time.Time
	PublishedAt                          *time.Time
	// EverPublished: it was published once (article.updated is only for those).
	EverPublished bool
	Source        *Source
	Yes, No       int
}

// Version is one saved state of an article (immutable).
type Version struct {
	Version      int       `json:"version"`
	Title        string    `json:"title"`
	Body         string    `json:"body,omitempty"`
	HTML         string    `json:"html,omitempty"`
	CategoryID   string    `json:"-"`
	Editor       Person    `json:"editor"`
	At           time.Time `json:"at"`
	Action       string    `json:"action,omitempty" enum:"created,edited,published,unpublished,restored"`
	RestoredFrom int       `json:"restoredFrom,omitempty"`
}

// Feedback is one member's answer to "was this helpful?".
type Feedback struct {
	MemberID string    `json:"-"`
	Helpful  bool      `json:"helpful"`
	Comment  string    `json:"comment"`
	At       time.Time `json:"at"`
}

// MemberRecords is a member's own part of the knowledge base, for "download my data"
// (sections.knowledge): what they follow and the feedback they gave, as recorded (those
// of articles they may no longer read included: the records are theirs).
type MemberRecords struct {
	Follows  []Followed      `json:"follows"`
	Feedback []GivenFeedback `json:"feedback"`
}

// Followed is an article or a category a member follows, since At.
type Followed struct {
	// Kind is "article" or "category".
	Kind string    `json:"kind"`
	ID   string    `json:"id"`
	At   time.Time `json:"at"`
}

// GivenFeedback is a member's "was this helpful?" answer on an article (its latest).
type GivenFeedback struct {
	ArticleID string    `json:"articleId"`
	Helpful   bool      `json:"helpful"`
	Comment   string    `json:"comment"`
	At        time.Time `json:"at"`
}

// KindOf is what an id names: "article" (a_…) or "category" (k_…).
func KindOf(id string) string {
	if strings.HasPrefix(id, "a_") {
		return "article"
	}
	return "category"
}

// newID is a fresh id with a kind's prefix (a_ articles, k_ categories).
func newID(prefix string) string { return prefix + strings.ToLower(rand.Text()[:16]) }

// validID reports whether id could be one of ours (the prefix and 16 base32 letters).
func validID(prefix, id string) bool {
	if !strings.HasPrefix(id, prefix) || len(id) != len(prefix)+16 {
		return false
	}
	for _, r := range id[len(prefix):] {
		if !(r >= 'a' && r <= 'z' || r >= '2' && r <= '7') {
			return false
		}
	}
	return true
}

// ValidArticleID and ValidCategoryID tell ids of ours from anything else (a bad id is
// a plain 404, without reading).
func ValidArticleID(id string) bool  { return validID("a_", id) }
func ValidCategoryID(id string) bool { return validID("k_", id) }

func runes(s string) int { return utf8.RuneCountInString(s) }
