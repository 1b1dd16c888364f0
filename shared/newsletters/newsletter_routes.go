package newsletters

import (
	"net/http"
	"time"

	"tribune/shared/auth"
	"tribune/shared/httpx"
	"tribune/shared/idempotency"
	"tribune/shared/policy"
)

// WritingHTTP exposes writing: marketers and admins (policy.NewslettersWrite) write,
// preview, test, brand and set the digests; every member reads the archive.
type WritingHTTP struct {
	Writer  *Writer
	Archive ArchiveStore
}

// NewsletterUpdate is what the editor sends to change a newsletter: NewsletterInput's members and the
// UpdatedAt it read (two editors do not overwrite each other).
type NewsletterUpdate struct {
	Name        string    `json:"name"`
	DefaultLang string    `json:"defaultLang"`
	Versions    []Version `json:"versions"`
	Blocks      []Block   `json:"blocks"`
	PeriodDays  int       `json:"periodDays,omitzero"`
	Archive     bool      `json:"archive,omitzero"`
	List        string    `json:"list"`
	Segment     Segment   `json:"segment"`
	IfUpdatedAt time.Time `json:"ifUpdatedAt,omitzero" doc:"The updatedAt the editor read; a newer one answers 409."`
}

// Routes returns the writing operations.
func (h WritingHTTP) Routes() []httpx.Route {
	notFound := "No such newsletter"
	bad := "Bad name, language, versions (subject, preheader, text, first name's fallback), blocks, period, list or segment"
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/newsletters", Tag: "newsletters", Action: policy.NewslettersWrite, Handler: h.list,
			Query:     []httpx.Param{{Name: "cursor", Description: "The next page's cursor"}},
			Summary:   "Every newsletter, newest first, in every state (marketers, admins).",
			Responses: httpx.Answers(200, "A page", Page{}, map[int]string{400: "Bad cursor"})},
		{Method: "POST", Pattern: "/api/newsletters", SameWithin: idempotency.Window, Tag: "newsletters", Action: policy.NewslettersWrite, Handler: h.create, Request: NewsletterInput{},
			Summary:   "Write a draft newsletter: its versions (subject, preheader, Markdown text per language), community blocks, list and segment.",
			Responses: httpx.Answers(201, "The newsletter", Newsletter{}, map[int]string{400: bad})},
		{Method: "GET", Pattern: "/api/newsletters/{id}", Tag: "newsletters", Action: policy.NewslettersWrite, Handler: h.get,
			Summary:   "A newsletter (marketers, admins).",
			Responses: httpx.Answers(200, "The newsletter", Newsletter{}, map[int]string{404: notFound})},
		{Method: "PUT", Pattern: "/api/newsletters/{id}", Tag: "newsletters", Action: policy.NewslettersWrite, Handler: h.update, Request: NewsletterUpdate{},
			Summary: "Change a newsletter while it is a draft or scheduled; refused once sending has started.",
			Responses: httpx.Answers(200, "The newsletter", Newsletter{}, map[int]string{400: bad, 404: notFound,
				409: "Being sent or sent, or changed by someone else meanwhile"})},
		{Method: "DELETE", Pattern: "/api/newsletters/{id}", Tag: "newsletters", Action: policy.NewslettersWrite, Handler: h.delete,
			Summary:   "Delete a draft.",
			Responses: httpx.Answers(204, "Deleted", nil, map[int]string{404: notFound, 409: "Not a draft"})},
		{Method: "POST", Pattern: "/api/newsletters/preview", NoIdempotencyKey: true, Tag: "newsletters", Action: policy.NewslettersWrite, Handler: h.preview, Request: PreviewRequest{},
			Summary:   "A newsletter as a member would receive it (their language, name, and the blocks with what they may read now; the caller's own access bounds the blocks). Writes nothing.",
			Responses: httpx.Answers(200, "The preview", Preview{}, map[int]string{400: bad + ", or no such member"})},
		{Method: "POST", Pattern: "/api/newsletters/{id}/test", Tag: "newsletters", Action: policy.NewslettersWrite, Handler: h.test, Request: TestRequest{},
			Summary: "Send the newsletter, as a chosen member would receive it, to the caller's own address, marked as a test.",
			Responses: httpx.Answers(200, "Where it went", TestSent{}, map[int]string{400: "No such member", 404: notFound,
				409: "The caller has no address, or the digest has nothing for that member", 429: "More than 10 tests this hour"})},
		{Method: "GET", Pattern: "/api/newsletters/branding", Tag: "newsletters", Action: policy.NewslettersWrite, Handler: h.branding,
			Summary:   "The newsletters' branding: the community's name, colour, logo and footer.",
			Responses: httpx.Answers(200, "The branding", Branding{}, nil)},
		{Method: "PUT", Pattern: "/api/newsletters/branding", Tag: "newsletters", Action: policy.NewslettersWrite, Handler: h.saveBranding, Request: Branding{},
			Summary:   "Set the newsletters' branding.",
			Responses: httpx.Answers(200, "The branding", Branding{}, map[int]string{400: "Bad name, colour, logo address or footer"})},
		{Method: "GET", Pattern: "/api/newsletter-digests", Tag: "newsletters", Action: policy.NewslettersWrite, Handler: h.digests,
			Summary:   "The weekly and the monthly digest: on or off, day, hour, time zone, blocks, segment, next issue.",
			Responses: httpx.Answers(200, "The digests", DigestList{}, nil)},
		{Method: "PUT", Pattern: "/api/newsletter-digests/{id}", Tag: "newsletters", Action: policy.NewslettersWrite, Handler: h.saveDigest, Request: DigestInput{},
			Summary: "Set the weekly or the monthly digest (id weekly or monthly); switched on, its next issue is scheduled.",
			Responses: httpx.Answers(200, "The digest", Digest{}, map[int]string{400: "Bad day, hour, time zone, versions, blocks or segment",
				404: "Neither weekly nor monthly"})},
		{Method: "GET", Pattern: "/api/newsletter-archive", Tag: "newsletters", Action: policy.SignedIn, Handler: h.archive,
			Query:     []httpx.Param{{Name: "cursor", Description: "The next page's cursor"}},
			Summary:   "The archive of past newsletters, newest first, each subject in the reader's language.",
			Responses: httpx.Answers(200, "A page", ArchivePage{}, map[int]string{400: "Bad cursor"})},
		{Method: "GET", Pattern: "/api/newsletter-archive/{id}", Tag: "newsletters", Action: policy.SignedIn, Handler: h.archived,
			Summary:   "A past newsletter as the reader receives it today (their language, their name, the blocks with what they may read now).",
			Responses: httpx.Answers(200, "The newsletter", ArchiveIssue{}, map[int]string{404: "Not in the archive"})},
	}
}

// DigestList is both digests.
type DigestList struct {
	Digests []Digest `json:"digests"`
}

func (h WritingHTTP) list(w http.ResponseWriter, r *http.Request) {
	p, err := h.Writer.List(r.Context(), r.URL.Query().Get("cursor"))
	httpx.Reply(w, r, http.StatusOK, p, err)
}

func (h WritingHTTP) create(w http.ResponseWriter, r *http.Request) {
	var in NewsletterInput
	if httpx.Decoded(w, r, &in) {
		n, err := h.Writer.Create(r.Context(), auth.Caller(r), in)
		httpx.Reply(w, r, http.StatusCreated, n, err)
	}
}

func (h WritingHTTP) get(w http.ResponseWriter, r *http.Request) {
	n, err := h.Writer.Get(r.Context(), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, n, err)
}

func (h WritingHTTP) update(w http.ResponseWriter, r *http.Request) {
	var in NewsletterUpdate
	if httpx.Decoded(w, r, &in) {
		input := NewsletterInput{Name: in.Name, DefaultLang: in.DefaultLang, Versions: in.Versions, Blocks: in.Blocks, PeriodDays: in.PeriodDays,
			Archive: in.Archive, List: in.List, Segment: in.Segment}
		n, err := h.Writer.Update(r.Context(), r.PathValue("id"), input, in.IfUpdatedAt)
		httpx.Reply(w, r, http.StatusOK, n, err)
	}
}

func (h WritingHTTP) delete(w http.ResponseWriter, r *http.Request) {
	if err := h.Writer.Delete(r.Context(), r.PathValue("id")); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h WritingHTTP) preview(w http.ResponseWriter, r *http.Request) {
	var req PreviewRequest
	if httpx.Decoded(w, r, &req) {
		p, err := h.Writer.Preview(r.Context(), auth.Caller(r), req)
		httpx.Reply(w, r, http.StatusOK, p, err)
	}
}

func (h WritingHTTP) test(w http.ResponseWriter, r *http.Request) {
	var req TestRequest
	if httpx.Decoded(w, r, &req) {
		t, err := h.Writer.Test(r.Context(), auth.Caller(r), r.PathValue("id"), req)
		httpx.Reply(w, r, http.StatusOK, t, err)
	}
}

func (h WritingHTTP) branding(w http.ResponseWriter, r *http.Request) {
	b, err := h.Writer.Store.Branding(r.Context())
	httpx.Reply(w, r, http.StatusOK, b, err)
}

func (h WritingHTTP) saveBranding(w http.ResponseWriter, r *http.Request) {
	var in Branding
	if httpx.Decoded(w, r, &in) {
		b, err := h.Writer.SaveBranding(r.Context(), in)
		httpx.Reply(w, r, http.StatusOK, b, err)
	}
}

func (h WritingHTTP) digests(w http.ResponseWriter, r *http.Request) {
	list, err := h.Writer.ListDigests(r.Context())
	httpx.Reply(w, r, http.StatusOK, DigestList{Digests: list}, err)
}

func (h WritingHTTP) saveDigest(w http.ResponseWriter, r *http.Request) {
	var in DigestInput
	if httpx.Decoded(w, r, &in) {
		d, err := h.Writer.SaveDigest(r.Context(), auth.Caller(r), r.PathValue("id"), in)
		httpx.Reply(w, r, http.StatusOK, d, err)
	}
}

func (h WritingHTTP) archive(w http.ResponseWriter, r *http.Request) {
	p, err := h.Writer.Archive(r.Context(), auth.Caller(r), h.Archive, r.URL.Query().Get("cursor"))
	httpx.Reply(w, r, http.StatusOK, p, err)
}

func (h WritingHTTP) archived(w http.ResponseWriter, r *http.Request) {
	a, err := h.Writer.ReadArchived(r.Context(), auth.Caller(r), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, a, err)
}
