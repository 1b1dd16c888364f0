package posts

import (
	"net/http"

	"tribune/shared/auth"
	"tribune/shared/httpx"
	"tribune/shared/policy"
)

// HTTP exposes posting, comments and streams.
type HTTP struct {
	Service  *Service
	Comments *Comments
}

// Routes returns the posting operations.
func (h HTTP) Routes() []httpx.Route {
	return []httpx.Route{
		{Method: "POST", Pattern: "/api/spaces/{id}/posts", Tag: "posts", Action: policy.SignedIn, Handler: h.create, Request: NewPost{},
			Summary: "Publish a status update, discussion or question in a space (Markdown; rendered through an allowlist sanitizer).",
			Responses: httpx.Answers(201, "The post", Post{}, map[int]string{400: "Bad kind, title or body", 403: "Not a member of the space",
				404: "No such space", 413: "Body over 64 KiB"})},
		{Method: "GET", Pattern: "/api/spaces/{id}/posts", Tag: "posts", Action: policy.SignedIn, Handler: h.spaceStream,
			Query:     []httpx.Param{{Name: "cursor", Description: "The next page's cursor"}},
			Summary:   "A space's stream, newest first, 20 a page.",
			Responses: httpx.Answers(200, "A page", Page{}, map[int]string{400: "Bad cursor", 404: "No such space"})},
		{Method: "GET", Pattern: "/api/posts/{id}", Tag: "posts", Action: policy.SignedIn, Handler: h.get,
			Summary:   "A post (404 when its space is hidden from the caller).",
			Responses: httpx.Answers(200, "The post", Post{}, map[int]string{404: "No such post"})},
		{Method: "POST", Pattern: "/api/posts/{id}/comments", Tag: "posts", Action: policy.SignedIn, Handler: h.comment, Request: NewComment{},
			Summary: "Comment on a post, or reply to one of its comments (one level).",
			Responses: httpx.Answers(201, "The comment", Comment{}, map[int]string{400: "Empty or too long, or a bad parent",
				403: "Not a member of the space", 404: "No such post"})},
		{Method: "GET", Pattern: "/api/posts/{id}/comments", Tag: "posts", Action: policy.SignedIn, Handler: h.comments,
			Summary: "A post's comments, oldest first.", Responses: httpx.Answers(200, "The comments", Thread{}, map[int]string{404: "No such post"})},
		{Method: "POST", Pattern: "/api/posts/{id}/comments/{comment}/accept", Tag: "posts", Action: policy.SignedIn, Handler: h.accept,
			Summary: "Accept a comment as the answer to a question (the asker or a space moderator).",
			Responses: httpx.Answers(200, "The question", Post{}, map[int]string{403: "Not the asker nor a moderator",
				404: "No such post or comment", 409: "Not a question"})},
		{Method: "GET", Pattern: "/api/stream", Tag: "posts", Action: policy.SignedIn, Handler: h.home,
			Query:     []httpx.Param{{Name: "cursor", Description: "The next page's cursor"}},
			Summary:   "The home stream: posts of the caller's spaces, newest first, 20 a page.",
			Responses: httpx.Answers(200, "A page", Page{}, map[int]string{400: "Bad cursor"})},
	}
}

func principal(r *http.Request) auth.Principal {
	p, _ := auth.PrincipalFrom(r.Context())
	return p
}

func (h HTTP) create(w http.ResponseWriter, r *http.Request) {
	var n NewPost
	if err := httpx.DecodeJSON(r, &n); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	p, err := h.Service.Create(r.Context(), principal(r), r.PathValue("id"), n)
	httpx.Reply(w, r, http.StatusCreated, p, err)
}

func (h HTTP) spaceStream(w http.ResponseWriter, r *http.Request) {
	page, err := h.Service.SpaceStream(r.Context(), principal(r), r.PathValue("id"), r.URL.Query().Get("cursor"))
	httpx.Reply(w, r, http.StatusOK, nonNil(page), err)
}

func (h HTTP) get(w http.ResponseWriter, r *http.Request) {
	p, err := h.Service.Get(r.Context(), principal(r), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, p, err)
}

func (h HTTP) home(w http.ResponseWriter, r *http.Request) {
	page, err := h.Service.HomeStream(r.Context(), principal(r), r.URL.Query().Get("cursor"))
	httpx.Reply(w, r, http.StatusOK, nonNil(page), err)
}

func (h HTTP) comment(w http.ResponseWriter, r *http.Request) {
	var n NewComment
	if err := httpx.DecodeJSON(r, &n); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	c, err := h.Comments.Add(r.Context(), principal(r), r.PathValue("id"), n)
	httpx.Reply(w, r, http.StatusCreated, c, err)
}

func (h HTTP) comments(w http.ResponseWriter, r *http.Request) {
	t, err := h.Comments.List(r.Context(), principal(r), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, t, err)
}

func (h HTTP) accept(w http.ResponseWriter, r *http.Request) {
	p, err := h.Comments.Accept(r.Context(), principal(r), r.PathValue("id"), r.PathValue("comment"))
	httpx.Reply(w, r, http.StatusOK, p, err)
}

func nonNil(p Page) Page {
	if p.Posts == nil {
		p.Posts = []Summary{}
	}
	return p
}
