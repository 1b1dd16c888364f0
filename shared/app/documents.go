package app

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"tribune/shared/auth"
	"tribune/shared/bookmarks"
	"tribune/shared/documents"
	"tribune/shared/httpx"
	"tribune/shared/policy"
	"tribune/shared/spaces"
	"tribune/shared/store"
)

// The documents of spaces (issue 16; docs/knowledge.md, "Documents"). Who may do what
// is the space's answer now (spaces.AccessOf), turned into a documents.Access here:
// the documents package knows no space.

// documentsOf is the documents service on the store and the files bucket (no bucket:
// uploads and downloads answer 503 files_unavailable).
func documentsOf(d Deps) *documents.Service {
	var files documents.Files
	if d.Files != nil {
		files = d.Files
	}
	marks := d.Store.Bookmarks()
	return &documents.Service{Store: d.Store.Documents(), Files: files, Now: time.Now,
		Bookmarked: func(ctx context.Context, memberID string, ids []string) (map[string]bool, error) {
			return marks.BookmarkedAmong(ctx, memberID, bookmarks.KindDocument, ids)
		},
		FilesLeft: func(ctx context.Context, keys []string, err error) {
			slog.ErrorContext(ctx, "a deleted document's files were left in the bucket", "keys", keys, "err", err.Error())
		}}
}

// documentAccess is what actor may do with the documents of a space now: read them
// when they read the space (a hidden or customer space they may not know of is 404
// space_not_found, a closed one they are not in 403 not_space_member), upload and
// change them when they also edit it (its owner, moderators, experts, editors, staff:
// spaces.Access.Edit) or hold knowledge.write.
func documentAccess(ctx context.Context, sp *spaces.Service, actor auth.Principal, spaceID string) (documents.Access, error) {
	acc, err := sp.AccessOf(ctx, actor, spaceID)
	if err != nil {
		return documents.Access{}, err
	}
	if runsCustomerSpace(acc, actor) {
		return documents.Access{SpaceID: spaceID, Read: true, Edit: true}, nil
	}
	return documents.Access{SpaceID: spaceID, Read: acc.Read, Denied: spaces.NotMemberOf(spaceID),
		Edit: acc.Read && actor.MemberID != "" && (acc.Edit || policy.Allowed(actor.Roles, policy.KnowledgeWrite))}, nil
}

// documentsHTTP serves the documents routes.
type documentsHTTP struct {
	spaces *spaces.Service
	docs   *documents.Service
}

// DocumentList is the answer of a space's documents.
type DocumentList = documents.Page

// documentRoutes: the documents of spaces (contract of issue 16).
func documentRoutes(d Deps) []httpx.Route {
	h := documentsHTTP{spaces: &spaces.Service{Store: d.Store.Spaces(), Now: time.Now}, docs: documentsOf(d)}
	notFound := "No such space (or one hidden from the caller) or document"
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/spaces/{id}/documents", Tag: "documents", Action: policy.Visitors, Handler: h.list, Prefetch: httpx.PrefetchSpace,
			Query: []httpx.Param{{Name: "folder", Description: "Only the documents directly in this folder (\"a/b\"); absent: every folder"},
				{Name: "tag", Description: "Only the documents with this tag"}, {Name: "cursor", Description: "The next page's cursor"}},
			Summary: "A space's documents by title, 50 a page, with its folders and tags (each with its count) and whether the caller may upload (readers of the space).",
			Responses: httpx.Answers(200, "The documents", DocumentList{}, map[int]string{400: "Bad folder, tag or cursor",
				403: "Not a member of the closed space", 404: "No such space"})},
		{Method: "POST", Pattern: "/api/spaces/{id}/documents/uploads", Tag: "documents", Action: policy.SignedIn, Handler: h.startUpload,
			Request: documents.UploadRequest{},
			Summary: "Sign the upload of a file for a document or a new version (5 minutes; PNG, JPEG, GIF, WebP, PDF, text, CSV, ZIP, Word, Excel, PowerPoint; at most 25 MB), checked before anything is uploaded (the space's owner, moderators, experts, editors; staff).",
			Responses: httpx.Answers(200, "Where to PUT the file", documents.Upload{}, map[int]string{400: "Bad type or size",
				403: "May not upload here", 404: "No such space", 413: "Over 25 MB"})},
		{Method: "POST", Pattern: "/api/spaces/{id}/documents", Tag: "documents", Action: policy.SignedIn, Handler: h.create,
			Request: documents.NewDocument{},
			Summary: "Make a document of an uploaded file, with its title, description, folder (up to 3 levels) and tags (up to 10): the file must be in the bucket with the type and size given, else 400 and nothing is written. Publishes document.uploaded.",
			Responses: httpx.Answers(201, "The document", documents.Document{}, map[int]string{400: "Bad description, or the file is not as declared",
				403: "May not upload here", 404: "No such space", 413: "Over 25 MB"})},
		{Method: "GET", Pattern: "/api/spaces/{id}/documents/{docId}", Tag: "documents", Action: policy.Visitors, Handler: h.get, Prefetch: httpx.PrefetchSpace,
			Summary:   "A document with its versions, newest first (readers of the space).",
			Responses: httpx.Answers(200, "The document", documents.Document{}, map[int]string{403: "Not a member of the closed space", 404: notFound})},
		{Method: "POST", Pattern: "/api/spaces/{id}/documents/{docId}/versions", Tag: "documents", Action: policy.SignedIn, Handler: h.addVersion,
			Request: documents.FileRequest{},
			Summary: "Make an uploaded file the newest version of a document; the older versions stay, each downloadable. Publishes document.uploaded.",
			Responses: httpx.Answers(200, "The document", documents.Document{}, map[int]string{400: "The file is not as declared",
				403: "May not upload here", 404: notFound, 409: "Another version was added meanwhile", 413: "Over 25 MB"})},
		{Method: "PATCH", Pattern: "/api/spaces/{id}/documents/{docId}", Tag: "documents", Action: policy.SignedIn, Handler: h.change,
			Request: documents.ChangeRequest{},
			Summary: "Change a document's title, description, folder or tags (those who upload).",
			Responses: httpx.Answers(200, "The document", documents.Document{}, map[int]string{400: "Bad title, description, folder or tags",
				403: "May not change it", 404: notFound, 409: "It changed meanwhile"})},
		{Method: "DELETE", Pattern: "/api/spaces/{id}/documents/{docId}", Tag: "documents", Action: policy.SignedIn, Handler: h.delete,
			Summary:   "Delete a document and its versions (those who upload).",
			Responses: httpx.Answers(204, "Deleted", nil, map[int]string{403: "May not delete it", 404: notFound})},
		{Method: "POST", Pattern: "/api/spaces/{id}/documents/{docId}/download", Tag: "documents", Action: policy.Visitors, Handler: h.download,
			Query:   []httpx.Param{{Name: "version", Description: "A version's number; absent: the newest"}},
			Summary: "Sign a download of a document (5 minutes) and count it: each call is one download (an atomic count, exact under concurrent downloads). Readers of the space.",
			Responses: httpx.Answers(200, "Where to GET the file", documents.Download{}, map[int]string{400: "No such version",
				403: "Not a member of the closed space", 404: notFound})},
	}
}

func (h documentsHTTP) access(r *http.Request) (documents.Access, error) {
	return documentAccess(r.Context(), h.spaces, auth.Caller(r), r.PathValue("id"))
}

func (h documentsHTTP) list(w http.ResponseWriter, r *http.Request) {
	acc, err := h.access(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	q := r.URL.Query()
	var folder *string
	if q.Has("folder") {
		f := q.Get("folder")
		folder = &f
	}
	page, err := h.docs.List(r.Context(), auth.Caller(r), acc, folder, q.Get("tag"), q.Get("cursor"))
	httpx.Reply(w, r, http.StatusOK, page, err)
}

func (h documentsHTTP) startUpload(w http.ResponseWriter, r *http.Request) {
	// The space first: one who may not know of it learns nothing from a body's errors.
	acc, err := h.access(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	var req documents.UploadRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	up, err := h.docs.StartUpload(r.Context(), acc, req)
	httpx.Reply(w, r, http.StatusOK, up, err)
}

func (h documentsHTTP) create(w http.ResponseWriter, r *http.Request) {
	// The space first: one who may not know of it learns nothing from a body's errors.
	acc, err := h.access(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	var req documents.NewDocument
	if err := httpx.DecodeJSON(r, &req); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	doc, err := h.docs.Create(r.Context(), auth.Caller(r), acc, req)
	httpx.Reply(w, r, http.StatusCreated, doc, err)
}

func (h documentsHTTP) get(w http.ResponseWriter, r *http.Request) {
	acc, err := h.access(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	doc, err := h.docs.Get(r.Context(), auth.Caller(r), acc, r.PathValue("docId"))
	httpx.Reply(w, r, http.StatusOK, doc, err)
}

func (h documentsHTTP) addVersion(w http.ResponseWriter, r *http.Request) {
	// The space first: one who may not know of it learns nothing from a body's errors.
	acc, err := h.access(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	var req documents.FileRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	doc, err := h.docs.AddVersion(r.Context(), auth.Caller(r), acc, r.PathValue("docId"), req)
	httpx.Reply(w, r, http.StatusOK, doc, err)
}

func (h documentsHTTP) change(w http.ResponseWriter, r *http.Request) {
	// The space first: one who may not know of it learns nothing from a body's errors.
	acc, err := h.access(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	var req documents.ChangeRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	doc, err := h.docs.Change(r.Context(), auth.Caller(r), acc, r.PathValue("docId"), req)
	httpx.Reply(w, r, http.StatusOK, doc, err)
}

func (h documentsHTTP) delete(w http.ResponseWriter, r *http.Request) {
	acc, err := h.access(r)
	if err == nil {
		err = h.docs.Delete(r.Context(), auth.Caller(r), acc, r.PathValue("docId"))
	}
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h documentsHTTP) download(w http.ResponseWriter, r *http.Request) {
	version := 0
	if v := r.URL.Query().Get("version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			httpx.WriteError(w, r, documents.ErrVersion)
			return
		}
		version = n
	}
	acc, err := h.access(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	dl, err := h.docs.Download(r.Context(), acc, r.PathValue("docId"), version)
	httpx.Reply(w, r, http.StatusOK, dl, err)
}

// documentTarget is a document as a bookmark shows it, when actor may see it now.
func documentTarget(ctx context.Context, st *store.Store, sp *spaces.Service, actor auth.Principal, id string) (bookmarks.Target, error) {
	d, err := st.Documents().Document(ctx, id, false)
	if err != nil {
		return bookmarks.Target{}, err
	}
	acc, err := accessOnce(ctx, sp, actor, d.SpaceID)
	if errors.Is(err, spaces.ErrNoSpace) || (err == nil && !acc.Read) {
		return bookmarks.Target{}, bookmarks.ErrNoTarget
	}
	if err != nil {
		return bookmarks.Target{}, err
	}
	return bookmarks.Target{Title: d.Title, URL: "/spaces/" + d.SpaceID + "/documents/" + d.ID, SpaceID: d.SpaceID, SpaceName: acc.Space.Name}, nil
}
