package app

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/httpx"
	"tribune/shared/knowledge"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
	"tribune/shared/store"
)

// The knowledge base (docs/knowledge.md, "Knowledge base"): categories and articles,
// community-wide or in a space, versions, diff and restore, followers, feedback, and
// an accepted answer turned into an article. Who may do what is worked out here, from
// the spaces' rules and the policy table, and handed to shared/knowledge as an Access.

// knowledgePlaces implements knowledge.Places.
type knowledgePlaces struct{ spaces *spaces.Service }

// Access: community-wide, whoever the route's guard let in reads (members; visitors
// when the community lets them read), staff (knowledge.write) edit. In a space, the
// space's rules (spaces.AccessOf: a hidden or customer space the caller may not know
// of is 404 space_not_found; a closed space's non-member gets 403 not_space_member, as
// for its posts and documents); editors are the space's Edit (staff, owner, moderators,
// experts, editors) and the holders of knowledge.write who read the space.
func (p knowledgePlaces) Access(ctx context.Context, actor auth.Principal, spaceID string) (knowledge.Access, error) {
	write := policy.Allowed(actor.Roles, policy.KnowledgeWrite)
	feedback := policy.Allowed(actor.Roles, policy.KnowledgeFeedback)
	if spaceID == "" {
		return knowledge.Access{Read: true, Edit: write && actor.MemberID != "", Feedback: feedback && actor.MemberID != ""}, nil
	}
	a, err := p.spaces.AccessOf(ctx, actor, spaceID)
	if err != nil {
		return knowledge.Access{}, err
	}
	if runsCustomerSpace(a, actor) {
		return knowledge.Access{Read: true, Edit: true, Feedback: true, SpaceName: a.Space.Name}, nil
	}
	if !a.Read && !a.Edit {
		return knowledge.Access{}, spaces.NotMemberOf(spaceID)
	}
	return knowledge.Access{Read: a.Read, Edit: a.Edit || (a.Read && write && actor.MemberID != ""), Feedback: a.Read && feedback,
		SpaceName: a.Space.Name}, nil
}

// runsCustomerSpace: the support agents run a customer space (they admit its members
// and answer its tickets) without joining it; they write and read its knowledge base and
// documents too (tester 16, finding 4: "join this space first" was no way out for them).
func runsCustomerSpace(a spaces.Access, actor auth.Principal) bool {
	return a.Space.Customer() && actor.MemberID != "" && policy.Allowed(actor.Roles, policy.TicketsWork)
}

// knowledgeAnswers implements knowledge.Answers from the posts' store: the answer as
// the caller may read it now (its space readable, question and answer shown).
type knowledgeAnswers struct {
	store  *store.Store
	places knowledgePlaces
}

func (k knowledgeAnswers) Answer(ctx context.Context, actor auth.Principal, postID, commentID string) (knowledge.AnswerText, error) {
	p, err := k.store.Posts().GetPost(ctx, postID)
	if errors.Is(err, errs.ErrNotFound) {
		return knowledge.AnswerText{}, knowledge.ErrNoAnswer
	}
	if err != nil {
		return knowledge.AnswerText{}, err
	}
	acc, err := k.places.spaces.AccessOf(ctx, actor, p.SpaceID)
	if errors.Is(err, spaces.ErrNoSpace) || (err == nil && !acc.Read) || p.Hidden || p.Deleted {
		return knowledge.AnswerText{}, knowledge.ErrNoAnswer
	}
	if err != nil {
		return knowledge.AnswerText{}, err
	}
	c, err := k.store.Comments().GetComment(ctx, postID, commentID)
	if errors.Is(err, errs.ErrNotFound) || (err == nil && (c.Hidden || c.Deleted)) {
		return knowledge.AnswerText{}, knowledge.ErrNoAnswer
	}
	if err != nil {
		return knowledge.AnswerText{}, err
	}
	return knowledge.AnswerText{PostID: p.ID, CommentID: c.ID, QuestionTitle: p.Title, Body: c.Body,
		Accepted: p.Kind == posts.KindQuestion && p.AcceptedAnswer == c.ID, ArticleID: c.ArticleID, SpaceID: p.SpaceID,
		Open: acc.Space.Visibility == spaces.Public && !acc.Space.Customer(), Staff: policy.IsStaff(actor.Roles)}, nil
}

// newKnowledge is the knowledge base's service over the store.
func newKnowledge(d Deps) *knowledge.Service {
	svc := knowledgeOver(d.Store)
	svc.Bookmarks = knowledgeBookmarks(d)
	return svc
}

// knowledgeOver is the knowledge base's service over st, without bookmarks (what the
// consumers and the notification subjects need: who may read an article now).
func knowledgeOver(st *store.Store) *knowledge.Service {
	places := knowledgePlaces{spaces: &spaces.Service{Store: st.Spaces(), Now: time.Now}}
	return &knowledge.Service{Store: st.Knowledge(), Places: places, Answers: knowledgeAnswers{store: st, places: places}, Now: time.Now}
}

type knowledgeHTTP struct{ svc *knowledge.Service }

func articleRoutes(d Deps) []httpx.Route {
	h := knowledgeHTTP{svc: newKnowledge(d)}
	const tag = "knowledge"
	hidden := "a space the caller may not see (hidden, or a customer space they are not in): space_not_found"
	noArticle := "No such article, a draft the caller may not edit, or " + hidden
	noCategory := "No such category, or " + hidden
	// follow is PUT (follow) or DELETE (stop following) of a category or an article.
	follow := func(method, pattern, what string, set func(context.Context, auth.Principal, string, bool) (knowledge.FollowState, error), notFound string) httpx.Route {
		fn := func(w http.ResponseWriter, r *http.Request) {
			st, err := set(r.Context(), auth.Caller(r), r.PathValue("id"), method == "PUT")
			httpx.Reply(w, r, http.StatusOK, st, err)
		}
		verb := "Follow"
		if method == "DELETE" {
			verb = "Stop following"
		}
		return httpx.Route{Method: method, Pattern: pattern, Tag: tag, Action: policy.SignedIn, Handler: fn,
			Summary:   verb + " " + what + ": its followers are told (in the app, by email per their preferences) when an article is published or changed. Idempotent.",
			Responses: httpx.Answers(200, "Whether the caller follows it now", knowledge.FollowState{}, map[int]string{404: notFound})}
	}
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/kb/categories", Tag: tag, Action: policy.Visitors, Handler: h.categories,
			Query:     []httpx.Param{{Name: "space", Description: "A space's id; absent: the community-wide categories"}},
			Summary:   "A place's categories in their order, with their published articles' count, whether the caller follows each, and whether the caller may write there.",
			Responses: httpx.Answers(200, "The categories", knowledge.CategoryList{}, map[int]string{404: hidden})},
		{Method: "POST", Pattern: "/api/kb/categories", Tag: tag, Action: policy.SignedIn, Handler: h.createCategory, Request: knowledge.CategoryInput{},
			Summary: "Add a category at the end of a place's order (staff for community-wide ones; a space's owner, moderators, experts and editors for the space's). At most 200 per place.",
			Responses: httpx.Answers(201, "The category", knowledge.Category{}, map[int]string{400: "Bad name (1–80) or description (≤ 500)",
				403: "Not an editor of the place", 404: hidden, 409: "The place has 200 categories"})},
		{Method: "PATCH", Pattern: "/api/kb/categories/{id}", Tag: tag, Action: policy.SignedIn, Handler: h.updateCategory, Request: knowledge.CategoryPatch{},
			Summary: "Rename, describe or move a category (the place's editors).",
			Responses: httpx.Answers(200, "The category", knowledge.Category{}, map[int]string{400: "Bad name, description or position",
				403: "Not an editor of the place", 404: noCategory})},
		follow("PUT", "/api/kb/categories/{id}/follow", "a category", h.svc.FollowCategory, noCategory),
		follow("DELETE", "/api/kb/categories/{id}/follow", "a category", h.svc.FollowCategory, noCategory),
		{Method: "GET", Pattern: "/api/kb/articles", Tag: tag, Action: policy.Visitors, Handler: h.articles,
			Query: []httpx.Param{{Name: "space", Description: "A space's id; absent: the community-wide articles"},
				{Name: "category", Description: "Only this category's articles"},
				{Name: "status", Description: "draft or published (drafts: the place's editors only; the default for others is published)"},
				{Name: "q", Description: "Words the title's words start with (the agents' picker), at most 100 characters"},
				{Name: "cursor", Description: "The next page's cursor"}},
			Summary: "A page of a place's articles, last changed first.",
			Responses: httpx.Answers(200, "A page of article summaries", knowledge.ArticlePage{}, map[int]string{400: "Bad status, q or cursor",
				403: "status=draft for a reader who is no editor", 404: hidden})},
		{Method: "POST", Pattern: knowledgeArticlesRoute, Tag: tag, Action: policy.SignedIn, Handler: h.createArticle, Request: knowledge.ArticleInput{},
			Summary: "Write a new article (a draft, version 1) in a category; its place is the category's (the place's editors).",
			Responses: httpx.Answers(201, "The article", knowledge.Article{}, map[int]string{400: "Bad title (1–150) or body (≤ 100,000 bytes)",
				403: "Not an editor of the place", 404: noCategory, 413: "Body over 256 KiB"})},
		{Method: "POST", Pattern: "/api/kb/preview", Tag: tag, Action: policy.SignedIn, Handler: h.preview, Request: knowledge.PreviewInput{},
			Summary:   "The editor's preview: an article's Markdown rendered and sanitised exactly as its page will show it. Reads and writes nothing.",
			Responses: httpx.Answers(200, "The HTML", knowledge.ArticlePreview{}, map[int]string{400: "Body over 100,000 bytes", 413: "Body over 256 KiB"})},
		{Method: "GET", Pattern: "/api/kb/articles/{id}", Tag: tag, Action: policy.Visitors, Handler: h.article,
			Summary:   "One article: Markdown and sanitised HTML, who wrote and last changed it, its source answer, whether the caller follows, bookmarked, may edit it, and (for editors and knowledge.feedback) the helpful counts.",
			Responses: httpx.Answers(200, "The article", knowledge.Article{}, map[int]string{404: noArticle})},
		{Method: "PUT", Pattern: "/api/kb/articles/{id}", Tag: tag, Action: policy.SignedIn, Handler: h.saveArticle, Request: knowledge.ArticleInput{},
			Summary: "Save a new version of an article (title, body, category of the same place), made on baseVersion: if someone saved since, 409 article_changed and nothing is written.",
			Responses: httpx.Answers(200, "The article", knowledge.Article{}, map[int]string{400: "Bad title, body, category or baseVersion",
				403: "Not an editor", 404: noArticle, 409: "article_changed: baseVersion is not the current version", 413: "Body over 256 KiB"})},
		{Method: "POST", Pattern: "/api/kb/articles/{id}/publish", Tag: tag, Action: policy.SignedIn, Handler: h.publish,
			Summary:   "Publish an article (a new version; idempotent). Its followers and its category's are told.",
			Responses: httpx.Answers(200, "The article", knowledge.Article{}, map[int]string{403: "Not an editor", 404: noArticle})},
		{Method: "POST", Pattern: "/api/kb/articles/{id}/unpublish", Tag: tag, Action: policy.SignedIn, Handler: h.unpublish,
			Summary:   "Take an article back to draft (a new version; idempotent): readers no longer see it.",
			Responses: httpx.Answers(200, "The article", knowledge.Article{}, map[int]string{403: "Not an editor", 404: noArticle})},
		{Method: "GET", Pattern: "/api/kb/articles/{id}/versions", Tag: tag, Action: policy.Visitors, Handler: h.versions,
			Summary:   "An article's history, newest first: each version's title, who saved it, when and how (created, edited, published, unpublished, restored).",
			Responses: httpx.Answers(200, "The versions", knowledge.VersionList{}, map[int]string{404: noArticle})},
		{Method: "GET", Pattern: "/api/kb/articles/{id}/versions/{v}", Tag: tag, Action: policy.Visitors, Handler: h.version,
			Summary:   "One version's title and text (Markdown and sanitised HTML).",
			Responses: httpx.Answers(200, "The version", knowledge.Version{}, map[int]string{404: noArticle + "; or no such version"})},
		{Method: "GET", Pattern: "/api/kb/articles/{id}/diff", Tag: tag, Action: policy.Visitors, Handler: h.diff,
			Query: []httpx.Param{{Name: "from", Required: true, Description: "The older version"},
				{Name: "to", Required: true, Description: "The newer version"}},
			Summary: "What changed between two versions, word by word (title and body: runs of equal, insert, delete).",
			Responses: httpx.Answers(200, "The diff", knowledge.DiffResult{}, map[int]string{400: "Bad from or to",
				404: noArticle + "; or no such version"})},
		{Method: "POST", Pattern: "/api/kb/articles/{id}/restore", Tag: tag, Action: policy.SignedIn, Handler: h.restore, Request: knowledge.RestoreInput{},
			Summary: "Restore an older version: a new version with its title and text (the place's editors).",
			Responses: httpx.Answers(200, "The article", knowledge.Article{}, map[int]string{400: "No such version",
				403: "Not an editor", 404: noArticle, 409: "Saved meanwhile"})},
		follow("PUT", "/api/kb/articles/{id}/follow", "an article", h.svc.FollowArticle, noArticle),
		follow("DELETE", "/api/kb/articles/{id}/follow", "an article", h.svc.FollowArticle, noArticle),
		{Method: "POST", Pattern: "/api/kb/articles/{id}/feedback", Tag: tag, Action: policy.SignedIn, Handler: h.giveFeedback, Request: knowledge.FeedbackInput{},
			Summary:   "Was this article helpful? Yes or no and an optional comment (≤ 1,000 characters); one per member, changeable; the counts stay exact.",
			Responses: httpx.Answers(200, "The caller's answer", knowledge.MyFeedback{}, map[int]string{400: "Comment too long", 404: noArticle})},
		{Method: "GET", Pattern: "/api/kb/articles/{id}/feedback", Tag: tag, Action: policy.SignedIn, Handler: h.feedback,
			Query:     []httpx.Param{{Name: "cursor", Description: "The next page's cursor"}},
			Summary:   "An article's helpful counts and the comments given, newest first (knowledge.feedback, or the article's editors).",
			Responses: httpx.Answers(200, "Counts and comments", knowledge.FeedbackList{}, map[int]string{400: "Bad cursor", 403: "Neither staff nor an editor", 404: noArticle})},
		{Method: "POST", Pattern: "/api/kb/from-answer", Tag: tag, Action: policy.SignedIn, Handler: h.fromAnswer, Request: knowledge.FromAnswerInput{},
			Summary: "Turn a question's accepted answer into an article of a category the caller edits: the answer's text, the question's title unless title is given, a draft or published. The answer then names the article (articleId), the article its source; once per answer.",
			Responses: httpx.Answers(201, "The article", knowledge.Article{}, map[int]string{400: "Bad title", 403: "Not an editor of the category's place",
				404: "No such category or answer, or one the caller may not read", 409: "answer_not_accepted, or answer_has_article (the problem's articleId names it)"})},
	}
}

func (h knowledgeHTTP) categories(w http.ResponseWriter, r *http.Request) {
	list, err := h.svc.Categories(r.Context(), auth.Caller(r), r.URL.Query().Get("space"))
	httpx.Reply(w, r, http.StatusOK, list, err)
}

func (h knowledgeHTTP) createCategory(w http.ResponseWriter, r *http.Request) {
	var in knowledge.CategoryInput
	if httpx.Decoded(w, r, &in) {
		c, err := h.svc.CreateCategory(r.Context(), auth.Caller(r), in)
		httpx.Reply(w, r, http.StatusCreated, c, err)
	}
}

func (h knowledgeHTTP) updateCategory(w http.ResponseWriter, r *http.Request) {
	var in knowledge.CategoryPatch
	if httpx.Decoded(w, r, &in) {
		c, err := h.svc.UpdateCategory(r.Context(), auth.Caller(r), r.PathValue("id"), in)
		httpx.Reply(w, r, http.StatusOK, c, err)
	}
}

func (h knowledgeHTTP) articles(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, err := h.svc.Articles(r.Context(), auth.Caller(r), q.Get("space"), q.Get("category"), q.Get("status"), q.Get("q"), q.Get("cursor"))
	httpx.Reply(w, r, http.StatusOK, page, err)
}

// knowledgeArticlesRoute is the route that creates articles: its function's handler
// takes bodies up to knowledge.RequestMaxBytes (bodyLimit).
const knowledgeArticlesRoute = "/api/kb/articles"

// decodedArticle decodes an article's body, up to knowledge.RequestMaxBytes, or answers
// the problem itself.
func decodedArticle(w http.ResponseWriter, r *http.Request, in *knowledge.ArticleInput) bool {
	if err := httpx.DecodeJSONLimit(r, in, knowledge.RequestMaxBytes); err != nil {
		httpx.WriteError(w, r, err)
		return false
	}
	return true
}

func (h knowledgeHTTP) createArticle(w http.ResponseWriter, r *http.Request) {
	var in knowledge.ArticleInput
	if decodedArticle(w, r, &in) {
		a, err := h.svc.CreateArticle(r.Context(), auth.Caller(r), in)
		httpx.Reply(w, r, http.StatusCreated, a, err)
	}
}

func (h knowledgeHTTP) article(w http.ResponseWriter, r *http.Request) {
	a, err := h.svc.Article(r.Context(), auth.Caller(r), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, a, err)
}

func (h knowledgeHTTP) saveArticle(w http.ResponseWriter, r *http.Request) {
	var in knowledge.ArticleInput
	if decodedArticle(w, r, &in) {
		a, err := h.svc.SaveArticle(r.Context(), auth.Caller(r), r.PathValue("id"), in)
		httpx.Reply(w, r, http.StatusOK, a, err)
	}
}

func (h knowledgeHTTP) publish(w http.ResponseWriter, r *http.Request) {
	a, err := h.svc.SetPublished(r.Context(), auth.Caller(r), r.PathValue("id"), true)
	httpx.Reply(w, r, http.StatusOK, a, err)
}

func (h knowledgeHTTP) unpublish(w http.ResponseWriter, r *http.Request) {
	a, err := h.svc.SetPublished(r.Context(), auth.Caller(r), r.PathValue("id"), false)
	httpx.Reply(w, r, http.StatusOK, a, err)
}

func (h knowledgeHTTP) versions(w http.ResponseWriter, r *http.Request) {
	list, err := h.svc.Versions(r.Context(), auth.Caller(r), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, list, err)
}

// versionNumber reads a version number from a path or query value (0: not one).
func versionNumber(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 1_000_000 {
		return 0
	}
	return n
}

func (h knowledgeHTTP) version(w http.ResponseWriter, r *http.Request) {
	v, err := h.svc.Version(r.Context(), auth.Caller(r), r.PathValue("id"), versionNumber(r.PathValue("v")))
	httpx.Reply(w, r, http.StatusOK, v, err)
}

func (h knowledgeHTTP) diff(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	from, to := versionNumber(q.Get("from")), versionNumber(q.Get("to"))
	var err error
	var d knowledge.DiffResult
	if from == 0 || to == 0 {
		err = errs.InvalidField("from", "invalid_version", "from and to are version numbers of this article.")
	} else {
		d, err = h.svc.Diff(r.Context(), auth.Caller(r), r.PathValue("id"), from, to)
	}
	httpx.Reply(w, r, http.StatusOK, d, err)
}

func (h knowledgeHTTP) preview(w http.ResponseWriter, r *http.Request) {
	var in knowledge.PreviewInput
	if httpx.Decoded(w, r, &in) {
		p, err := h.svc.Preview(in)
		httpx.Reply(w, r, http.StatusOK, p, err)
	}
}

func (h knowledgeHTTP) restore(w http.ResponseWriter, r *http.Request) {
	var in knowledge.RestoreInput
	if httpx.Decoded(w, r, &in) {
		a, err := h.svc.Restore(r.Context(), auth.Caller(r), r.PathValue("id"), in.Version)
		httpx.Reply(w, r, http.StatusOK, a, err)
	}
}

func (h knowledgeHTTP) giveFeedback(w http.ResponseWriter, r *http.Request) {
	var in knowledge.FeedbackInput
	if httpx.Decoded(w, r, &in) {
		f, err := h.svc.GiveFeedback(r.Context(), auth.Caller(r), r.PathValue("id"), in)
		httpx.Reply(w, r, http.StatusOK, f, err)
	}
}

func (h knowledgeHTTP) feedback(w http.ResponseWriter, r *http.Request) {
	list, err := h.svc.FeedbackOf(r.Context(), auth.Caller(r), r.PathValue("id"), r.URL.Query().Get("cursor"))
	httpx.Reply(w, r, http.StatusOK, list, err)
}

func (h knowledgeHTTP) fromAnswer(w http.ResponseWriter, r *http.Request) {
	var in knowledge.FromAnswerInput
	if httpx.Decoded(w, r, &in) {
		a, err := h.svc.FromAnswer(r.Context(), auth.Caller(r), in)
		httpx.Reply(w, r, http.StatusCreated, a, err)
	}
}
