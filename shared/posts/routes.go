package posts

import (
	"net/http"

	"tribune/shared/audit"
	"tribune/shared/auth"
	"tribune/shared/httpx"
	"tribune/shared/idempotency"
	"tribune/shared/policy"
)

// HTTP exposes posting, comments, votes, moderation and streams.
type HTTP struct {
	Service    *Service
	Comments   *Comments
	Votes      *Votes
	Editing    *Editing
	Moderation *Moderation
}

var cursorParam = []httpx.Param{{Name: "cursor", Description: "The next page's cursor"}}

// Routes returns the posting operations.
func (h HTTP) Routes() []httpx.Route {
	page := func(summary string) httpx.Route {
		return httpx.Route{Tag: "posts", Action: policy.Visitors, Query: cursorParam, Summary: summary, Prefetch: httpx.PrefetchSpace,
			Responses: httpx.Answers(200, "A page", Page{}, map[int]string{400: "Bad cursor", 403: "Not a member of the space", 404: "No such space"})}
	}
	withPage := func(r httpx.Route, method, pattern string, handler http.HandlerFunc, action ...policy.Action) httpx.Route {
		r.Method, r.Pattern, r.Handler = method, pattern, handler
		if len(action) > 0 {
			r.Action, r.Prefetch = action[0], ""
		}
		return r
	}
	onPost := func(method, pattern, summary string, handler http.HandlerFunc, request any, answer any, errors map[int]string) httpx.Route {
		if errors == nil {
			errors = map[int]string{}
		}
		errors[404] = "No such post"
		status := 200
		if answer == nil {
			status = 204
		}
		return httpx.Route{Method: method, Pattern: pattern, Tag: "posts", Action: policy.SignedIn, Handler: handler, Request: request,
			Summary: summary, Responses: httpx.Answers(status, "Done", answer, errors)}
	}
	moderator := map[int]string{403: "Not a moderator of the space"}
	visitors := func(r httpx.Route) httpx.Route {
		r.Action, r.Prefetch = policy.Visitors, httpx.PrefetchPost
		return r
	}
	withQuery := func(r httpx.Route) httpx.Route {
		r.Query = cursorParam
		return r
	}
	// A creation repeated within the window is the same creation (docs/api.md).
	once := func(r httpx.Route) httpx.Route {
		r.SameWithin = idempotency.Window
		return r
	}
	return []httpx.Route{
		{Method: "POST", Pattern: "/api/spaces/{id}/posts", SameWithin: idempotency.Window, Tag: "posts", Action: policy.SignedIn, Handler: h.create, Request: NewPost{}, Prefetch: httpx.PrefetchSpace,
			Summary: "Publish a status update, discussion, question, idea, poll or announcement (staff) in a space (Markdown; rendered through an allowlist sanitizer).",
			Responses: httpx.Answers(201, "The post", Post{}, map[int]string{400: "Bad kind, title, body, options or dates",
				403: "Not a member of the space, rules not accepted, or an announcement by a member", 404: "No such space", 413: "Body over 64 KiB", 429: "Posting too fast"})},
		withPage(page("A space's stream, newest first, 20 a page; announcements pinned on the first page."), "GET", "/api/spaces/{id}/posts", h.spaceStream),
		{Method: "GET", Pattern: "/api/spaces/{id}/mentionable", Tag: "posts", Action: policy.SignedIn, Handler: h.mentionable,
			Query:     []httpx.Param{{Name: "q", Description: "What was typed after @: 1 to 60 characters of a member's name"}},
			Summary:   "Members the caller may mention in a space whose name matches q (the member directory's search): members who may read the space, not the caller; at most 8.",
			Responses: httpx.Answers(200, "The choices", MentionChoices{}, map[int]string{400: "q empty or too long", 403: "Not a member of the space", 404: "No such space"})},
		withPage(page("A space's questions without an accepted answer, newest first."), "GET", "/api/spaces/{id}/unanswered", h.unanswered),
		withPage(page("A space's ideas, most votes first."), "GET", "/api/spaces/{id}/ideas", h.topIdeas),
		withPage(page("What a member wrote, newest first (posts of spaces the caller may read)."), "GET", "/api/members/{id}/posts", h.memberStream, policy.SignedIn),
		{Method: "GET", Pattern: "/api/stream", Tag: "posts", Action: policy.SignedIn, Handler: h.home, Query: cursorParam, Prefetch: httpx.PrefetchMember,
			Summary:   "The home stream: posts of the caller's spaces, newest first, 20 a page; announcements pinned on the first page.",
			Responses: httpx.Answers(200, "A page", Page{}, map[int]string{400: "Bad cursor"})},
		visitors(onPost("GET", "/api/posts/{id}", "A post, with the caller's vote and reactions (404 when its space is hidden from the caller).", h.get, nil, Post{}, nil)),
		onPost("PATCH", "/api/posts/{id}", "Edit a post's title and body (its author or a moderator); the previous text goes to the history.", h.edit, Edit{}, Post{},
			map[int]string{400: "Bad title or body", 403: "Not the author nor a moderator", 409: "Thread locked"}),
		onPost("DELETE", "/api/posts/{id}", "Delete a post (its author or a moderator).", h.delete, nil, nil, map[int]string{403: "Not the author nor a moderator"}),
		onPost("GET", "/api/posts/{id}/history", "A post's edit history (space moderators and staff).", h.history, nil, History{}, moderator),
		once(onPost("POST", "/api/posts/{id}/comments", "Comment on a post, or reply to one of its comments (one level).", h.comment, NewComment{}, Comment{},
			map[int]string{400: "Empty or too long, or a bad parent", 403: "Not a member of the space, or rules not accepted", 409: "Thread locked", 429: "Posting too fast"})),
		withQuery(visitors(onPost("GET", "/api/posts/{id}/comments", "A post's comments, oldest first: all of them, or with a cursor (a post page's next) the page after it.", h.comments, nil, Thread{}, map[int]string{400: "Bad cursor"}))),
		visitors(onPost("GET", "/api/posts/{id}/page", "The post page in one answer: the post with the caller's vote and reactions, and the first 100 comments, oldest first, with the caller's reactions (next: the cursor of the rest).", h.page, nil, PostPage{}, nil)),
		onPost("PATCH", "/api/posts/{id}/comments/{comment}", "Edit a comment's body (its author or a moderator; parentId is ignored): the previous text goes to the history; the same text again changes nothing.", h.editComment, NewComment{}, Comment{},
			map[int]string{400: "Empty or too long, too many mentions, or a bad image", 403: "Not the author nor a moderator", 409: "Thread locked, or edited meanwhile"}),
		onPost("GET", "/api/posts/{id}/comments/{comment}/history", "A comment's edit history, oldest first (whoever may read the post's history: space moderators and staff).", h.commentHistory, nil, History{}, moderator),
		onPost("DELETE", "/api/posts/{id}/comments/{comment}", "Delete a comment (its author or a moderator).", h.deleteComment, nil, nil,
			map[int]string{403: "Not the author nor a moderator"}),
		onPost("PUT", "/api/posts/{id}/comments/{comment}/reactions/{reaction}", "React to a comment (like, love, celebrate, insightful).", h.reactComment, nil, Thread{},
			map[int]string{400: "Bad reaction", 403: "Not a member of the space"}),
		onPost("DELETE", "/api/posts/{id}/comments/{comment}/reactions/{reaction}", "Take a reaction to a comment back.", h.unreactComment, nil, Thread{},
			map[int]string{400: "Bad reaction"}),
		onPost("POST", "/api/posts/{id}/comments/{comment}/accept", "Accept a comment as the answer to a question (the asker or a space moderator).", h.accept, nil, Post{},
			map[int]string{403: "Not the asker nor a moderator", 409: "Not a question"}),
		onPost("POST", "/api/posts/{id}/vote", "Vote an idea up, or vote for one option of a poll: once.", h.vote, Ballot{}, Post{},
			map[int]string{400: "Bad option", 403: "Not a member of the space", 409: "Already voted, poll closed, or not an idea nor a poll"}),
		onPost("POST", "/api/posts/{id}/status", "Move an idea to a status (staff); its voters are told.", h.status, StatusChange{}, Post{},
			map[int]string{400: "Bad status", 403: "Not staff", 409: "Not an idea"}),
		onPost("PUT", "/api/posts/{id}/reactions/{reaction}", "Add a reaction (like, love, celebrate, insightful).", h.react, nil, Post{},
			map[int]string{400: "Bad reaction", 403: "Not a member of the space"}),
		onPost("DELETE", "/api/posts/{id}/reactions/{reaction}", "Take a reaction back.", h.unreact, nil, Post{}, map[int]string{400: "Bad reaction"}),
		once(onPost("POST", "/api/posts/{id}/report", "Report a post or one of its comments to the moderators.", h.report, ReportRequest{}, Report{},
			map[int]string{400: "Bad reason or note", 409: "Already reported, or your own"})),
		onPost("POST", "/api/posts/{id}/hide", "Hide a post from everyone but its author and moderators; the reason (required) is told to its author.", h.hide, Reason{}, Post{},
			map[int]string{400: "No reason, or too long", 403: "Not a moderator of the space"}),
		onPost("POST", "/api/posts/{id}/restore", "Show a hidden post again.", h.restore, Reason{}, Post{}, moderator),
		onPost("POST", "/api/posts/{id}/lock", "Lock a thread: only moderators comment.", h.lock, Reason{}, Post{}, moderator),
		onPost("POST", "/api/posts/{id}/unlock", "Open a locked thread.", h.unlock, Reason{}, Post{}, moderator),
		onPost("POST", "/api/posts/{id}/move", "Move a post to another space (moderator of both).", h.move, MoveRequest{}, Post{},
			map[int]string{403: "Not a moderator of both spaces"}),
		onPost("GET", "/api/posts/{id}/move-targets", "The spaces the caller may move the post to now, by name (each one the move accepts).", h.moveTargets, nil, MoveTargets{},
			moderator),
		onPost("POST", "/api/posts/{id}/comments/{comment}/hide", "Hide a comment; the reason (required) is told to its author.", h.hideComment, Reason{}, nil,
			map[int]string{400: "No reason, or too long", 403: "Not a moderator of the space"}),
		onPost("POST", "/api/posts/{id}/comments/{comment}/restore", "Show a hidden comment again.", h.restoreComment, Reason{}, nil, moderator),
		// Space moderators read the queue of their spaces: the service decides (403 for
		// who moderates nothing).
		{Method: "GET", Pattern: "/api/moderation/queue", Tag: "moderation", Action: policy.SignedIn, Handler: h.queue, Query: cursorParam,
			Summary:   "Reported content waiting for a moderator, oldest first, shown as it is now, with the reporters' notes: every space a community moderator moderates, or the spaces a member moderates by a space role.",
			Responses: httpx.Answers(200, "A page", Queue{}, map[int]string{400: "Bad cursor", 403: "Moderates no space"})},
		{Method: "POST", Pattern: "/api/moderation/queue/{target}/dismiss", Tag: "moderation", Action: policy.SignedIn, Handler: h.dismiss, Request: Reason{},
			Summary: "Take reported content out of the queue, unchanged.", Responses: httpx.Answers(204, "Dismissed", nil, map[int]string{404: "Not in the queue"})},
		{Method: "POST", Pattern: "/api/moderation/warnings", SameWithin: idempotency.Window, Tag: "moderation", Action: policy.ContentModerate, Handler: h.warn, Request: Warning{},
			Summary: "Warn a member (notification and email); logged.", Responses: httpx.Answers(204, "Warned", nil, map[int]string{400: "Empty or too long", 404: "No such member"})},
		{Method: "GET", Pattern: "/api/moderation/audit", Tag: "moderation", Action: policy.ModerationAudit, Handler: h.audit, Query: cursorParam,
			Summary: "The log of moderator actions, newest first (staff); entries about posts the caller may not read are redacted.", Responses: httpx.Answers(200, "A page", audit.Page{}, map[int]string{400: "Bad cursor"})},
	}
}

// noContent answers 204 or the error.
func noContent(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h HTTP) create(w http.ResponseWriter, r *http.Request) {
	var n NewPost
	if httpx.Decoded(w, r, &n) {
		p, err := h.Service.Create(r.Context(), auth.Caller(r), r.PathValue("id"), n)
		httpx.Reply(w, r, http.StatusCreated, p, err)
	}
}

func (h HTTP) replyPage(w http.ResponseWriter, r *http.Request, page Page, err error) {
	if page.Posts == nil {
		page.Posts = []Summary{}
	}
	httpx.Reply(w, r, http.StatusOK, page, err)
}

func (h HTTP) spaceStream(w http.ResponseWriter, r *http.Request) {
	page, err := h.Service.SpaceStream(r.Context(), auth.Caller(r), r.PathValue("id"), r.URL.Query().Get("cursor"))
	h.replyPage(w, r, page, err)
}

func (h HTTP) mentionable(w http.ResponseWriter, r *http.Request) {
	choices, err := h.Service.MentionChoices(r.Context(), auth.Caller(r), r.PathValue("id"), r.URL.Query().Get("q"))
	httpx.Reply(w, r, http.StatusOK, choices, err)
}

func (h HTTP) unanswered(w http.ResponseWriter, r *http.Request) {
	page, err := h.Service.Unanswered(r.Context(), auth.Caller(r), r.PathValue("id"), r.URL.Query().Get("cursor"))
	h.replyPage(w, r, page, err)
}

func (h HTTP) topIdeas(w http.ResponseWriter, r *http.Request) {
	page, err := h.Service.TopIdeas(r.Context(), auth.Caller(r), r.PathValue("id"), r.URL.Query().Get("cursor"))
	h.replyPage(w, r, page, err)
}

func (h HTTP) memberStream(w http.ResponseWriter, r *http.Request) {
	page, err := h.Service.MemberStream(r.Context(), auth.Caller(r), r.PathValue("id"), r.URL.Query().Get("cursor"))
	h.replyPage(w, r, page, err)
}

func (h HTTP) home(w http.ResponseWriter, r *http.Request) {
	page, err := h.Service.HomeStream(r.Context(), auth.Caller(r), r.URL.Query().Get("cursor"))
	h.replyPage(w, r, page, err)
}

func (h HTTP) get(w http.ResponseWriter, r *http.Request) {
	p, err := h.Service.Get(r.Context(), auth.Caller(r), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, p, err)
}

func (h HTTP) edit(w http.ResponseWriter, r *http.Request) {
	var e Edit
	if httpx.Decoded(w, r, &e) {
		p, err := h.Editing.Edit(r.Context(), auth.Caller(r), r.PathValue("id"), e)
		httpx.Reply(w, r, http.StatusOK, p, err)
	}
}

func (h HTTP) delete(w http.ResponseWriter, r *http.Request) {
	noContent(w, r, h.Editing.Delete(r.Context(), auth.Caller(r), r.PathValue("id")))
}

func (h HTTP) history(w http.ResponseWriter, r *http.Request) {
	hist, err := h.Editing.History(r.Context(), auth.Caller(r), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, hist, err)
}

func (h HTTP) comment(w http.ResponseWriter, r *http.Request) {
	var n NewComment
	if httpx.Decoded(w, r, &n) {
		c, err := h.Comments.Add(r.Context(), auth.Caller(r), r.PathValue("id"), n)
		httpx.Reply(w, r, http.StatusCreated, c, err)
	}
}

func (h HTTP) comments(w http.ResponseWriter, r *http.Request) {
	t, err := h.Comments.ListFrom(r.Context(), auth.Caller(r), r.PathValue("id"), r.URL.Query().Get("cursor"))
	httpx.Reply(w, r, http.StatusOK, t, err)
}

func (h HTTP) page(w http.ResponseWriter, r *http.Request) {
	p, err := h.Comments.Page(r.Context(), auth.Caller(r), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, p, err)
}

func (h HTTP) editComment(w http.ResponseWriter, r *http.Request) {
	var n NewComment
	if httpx.Decoded(w, r, &n) {
		c, err := h.Comments.Edit(r.Context(), auth.Caller(r), r.PathValue("id"), r.PathValue("comment"), n)
		httpx.Reply(w, r, http.StatusOK, c, err)
	}
}

func (h HTTP) commentHistory(w http.ResponseWriter, r *http.Request) {
	hist, err := h.Comments.History(r.Context(), auth.Caller(r), r.PathValue("id"), r.PathValue("comment"))
	httpx.Reply(w, r, http.StatusOK, hist, err)
}

func (h HTTP) deleteComment(w http.ResponseWriter, r *http.Request) {
	noContent(w, r, h.Comments.Delete(r.Context(), auth.Caller(r), r.PathValue("id"), r.PathValue("comment")))
}

func (h HTTP) accept(w http.ResponseWriter, r *http.Request) {
	p, err := h.Comments.Accept(r.Context(), auth.Caller(r), r.PathValue("id"), r.PathValue("comment"))
	httpx.Reply(w, r, http.StatusOK, p, err)
}

func (h HTTP) vote(w http.ResponseWriter, r *http.Request) {
	var b Ballot
	if httpx.Decoded(w, r, &b) {
		p, err := h.Votes.Vote(r.Context(), auth.Caller(r), r.PathValue("id"), b)
		httpx.Reply(w, r, http.StatusOK, p, err)
	}
}

func (h HTTP) status(w http.ResponseWriter, r *http.Request) {
	var c StatusChange
	if httpx.Decoded(w, r, &c) {
		p, err := h.Votes.SetStatus(r.Context(), auth.Caller(r), r.PathValue("id"), c)
		httpx.Reply(w, r, http.StatusOK, p, err)
	}
}

func (h HTTP) react(w http.ResponseWriter, r *http.Request) {
	p, err := h.Votes.React(r.Context(), auth.Caller(r), r.PathValue("id"), r.PathValue("reaction"), true)
	httpx.Reply(w, r, http.StatusOK, p, err)
}

func (h HTTP) unreact(w http.ResponseWriter, r *http.Request) {
	p, err := h.Votes.React(r.Context(), auth.Caller(r), r.PathValue("id"), r.PathValue("reaction"), false)
	httpx.Reply(w, r, http.StatusOK, p, err)
}

func (h HTTP) report(w http.ResponseWriter, r *http.Request) {
	var req ReportRequest
	if httpx.Decoded(w, r, &req) {
		rep, err := h.Moderation.Report(r.Context(), auth.Caller(r), r.PathValue("id"), req)
		httpx.Reply(w, r, http.StatusOK, rep, err)
	}
}

// reasoned decodes an optional reason (an empty body is no reason).
func reasoned(w http.ResponseWriter, r *http.Request, v *Reason) bool {
	if r.ContentLength == 0 {
		return true
	}
	return httpx.Decoded(w, r, v)
}

func (h HTTP) setHidden(hidden bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var why Reason
		if reasoned(w, r, &why) {
			p, err := h.Moderation.SetHidden(r.Context(), auth.Caller(r), r.PathValue("id"), hidden, why)
			httpx.Reply(w, r, http.StatusOK, p, err)
		}
	}
}

func (h HTTP) hide(w http.ResponseWriter, r *http.Request)    { h.setHidden(true)(w, r) }
func (h HTTP) restore(w http.ResponseWriter, r *http.Request) { h.setHidden(false)(w, r) }

func (h HTTP) setLocked(locked bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var why Reason
		if reasoned(w, r, &why) {
			p, err := h.Moderation.SetLocked(r.Context(), auth.Caller(r), r.PathValue("id"), locked, why)
			httpx.Reply(w, r, http.StatusOK, p, err)
		}
	}
}

func (h HTTP) lock(w http.ResponseWriter, r *http.Request)   { h.setLocked(true)(w, r) }
func (h HTTP) unlock(w http.ResponseWriter, r *http.Request) { h.setLocked(false)(w, r) }

func (h HTTP) move(w http.ResponseWriter, r *http.Request) {
	var m MoveRequest
	if httpx.Decoded(w, r, &m) {
		p, err := h.Moderation.Move(r.Context(), auth.Caller(r), r.PathValue("id"), m)
		httpx.Reply(w, r, http.StatusOK, p, err)
	}
}

func (h HTTP) moveTargets(w http.ResponseWriter, r *http.Request) {
	t, err := h.Moderation.MoveTargets(r.Context(), auth.Caller(r), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, t, err)
}

func (h HTTP) setCommentHidden(hidden bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var why Reason
		if reasoned(w, r, &why) {
			noContent(w, r, h.Moderation.SetCommentHidden(r.Context(), auth.Caller(r), r.PathValue("id"), r.PathValue("comment"), hidden, why))
		}
	}
}

func (h HTTP) hideComment(w http.ResponseWriter, r *http.Request)    { h.setCommentHidden(true)(w, r) }
func (h HTTP) restoreComment(w http.ResponseWriter, r *http.Request) { h.setCommentHidden(false)(w, r) }

func (h HTTP) queue(w http.ResponseWriter, r *http.Request) {
	q, err := h.Moderation.Queue(r.Context(), auth.Caller(r), r.URL.Query().Get("cursor"))
	httpx.Reply(w, r, http.StatusOK, q, err)
}

func (h HTTP) dismiss(w http.ResponseWriter, r *http.Request) {
	var why Reason
	if reasoned(w, r, &why) {
		noContent(w, r, h.Moderation.Dismiss(r.Context(), auth.Caller(r), r.PathValue("target"), why))
	}
}

func (h HTTP) warn(w http.ResponseWriter, r *http.Request) {
	var warning Warning
	if httpx.Decoded(w, r, &warning) {
		noContent(w, r, h.Moderation.Warn(r.Context(), auth.Caller(r), warning))
	}
}

func (h HTTP) audit(w http.ResponseWriter, r *http.Request) {
	page, err := h.Moderation.AuditLog(r.Context(), auth.Caller(r), r.URL.Query().Get("cursor"))
	httpx.Reply(w, r, http.StatusOK, page, err)
}

func (h HTTP) reactComment(w http.ResponseWriter, r *http.Request) {
	t, err := h.Comments.React(r.Context(), auth.Caller(r), r.PathValue("id"), r.PathValue("comment"), r.PathValue("reaction"), true)
	httpx.Reply(w, r, http.StatusOK, t, err)
}

func (h HTTP) unreactComment(w http.ResponseWriter, r *http.Request) {
	t, err := h.Comments.React(r.Context(), auth.Caller(r), r.PathValue("id"), r.PathValue("comment"), r.PathValue("reaction"), false)
	httpx.Reply(w, r, http.StatusOK, t, err)
}
