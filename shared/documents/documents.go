// Package documents holds the files of spaces (issue 16, docs/knowledge.md,
// "Documents"): brochures, price lists, slides and the like, uploaded straight to the
// files bucket with presigned URLs, in folders, with tags, descriptions and versions (a
// new upload of the same document keeps the old ones, each downloadable), and an exact
// download count. Who may read or change them is the space's business: the app layer
// computes it (spaces.AccessOf) and hands this package an Access.
package documents

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/filetypes"
	"tribune/shared/policy"
	"tribune/shared/text"
)

// Limits of documents.
const (
	// MaxBytes is the largest file: 25 MB (ticket attachments: 10 MB), room for a
	// product brochure or a slide deck with pictures.
	MaxBytes = 25 << 20
	// URLTTL is how long a signed upload or download URL works.
	URLTTL = 5 * time.Minute
	// MaxTitle and MaxDescription are in characters.
	MaxTitle       = 150
	MaxDescription = 2000
	// A folder is a path of at most MaxFolderDepth names, each 1 to MaxFolderName
	// characters, joined by "/".
	MaxFolderDepth = 3
	MaxFolderName  = 60
	// A document has at most MaxTags tags, each 1 to MaxTag characters, lower case.
	MaxTags = 10
	MaxTag  = 30
	// PageSize is how many documents a page of the list holds.
	PageSize = 50
	// Prefix is where every document's files live in the bucket: the knowledge
	// function's only grant (app.DocumentsPrefix is the same).
	Prefix = "documents/"
)

// Types are the accepted file types: those of ticket attachments (images, PDF, text,
// CSV, ZIP) and Word, Excel and PowerPoint files.
var Types = filetypes.Union(filetypes.Common, filetypes.Office)

// Errors of documents.
var (
	ErrType        = errs.InvalidField("contentType", "document_type", "Upload PNG, JPEG, GIF, WebP, PDF, text, CSV, ZIP, Word, Excel or PowerPoint files.")
	ErrSize        = errs.New(errs.TooLarge, "document_too_large", "A document is at most 25 MB.")
	ErrEmpty       = errs.InvalidField("size", "document_empty", "Give the file's size in bytes.")
	ErrUpload      = errs.InvalidField("key", "document_upload_mismatch", "Upload the file first, then send it with the size and type you gave.")
	ErrTitle       = errs.InvalidField("title", "invalid_document_title", "A document's title has 1 to 150 characters.")
	ErrDescription = errs.InvalidField("description", "invalid_document_description", "A document's description has at most 2,000 characters.")
	ErrFolder      = errs.InvalidField("folder", "invalid_document_folder", "A folder is up to 3 names separated by /, each 1 to 60 characters.")
	ErrTags        = errs.InvalidField("tags", "invalid_document_tags", "A document has at most 10 tags, each 1 to 30 characters.")
	ErrVersion     = errs.InvalidField("version", "invalid_document_version", "Choose one of the document's versions.")
	ErrNoDocument  = errs.New(errs.NotFound, "document_not_found", "There is no such document.")
	ErrMayNotEdit  = errs.New(errs.Forbidden, "document_edit_forbidden", "Only the space's owner, moderators, experts, editors and staff upload and change its documents.")
	ErrChanged     = errs.New(errs.Conflict, "document_changed", "The document changed meanwhile; reload it and try again.")
	// ErrNoFiles: the function was given no files bucket.
	ErrNoFiles = errs.New(errs.Unavailable, "files_unavailable", "Files cannot be uploaded or downloaded right now; try again later.")
	// ErrFileUsed: a file already belongs to a document version (each upload makes one).
	ErrFileUsed = errs.InvalidField("key", "document_file_used", "This file is already a document; upload the new file first.")
)

// Uploader is who uploaded a version: a member's id and display name.
type Uploader struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Document is one file of a space, as of its newest version. Size is in bytes;
// Downloads counts every download of any version.
type Document struct {
	ID          string    `json:"id"`
	SpaceID     string    `json:"spaceId"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Folder      string    `json:"folder"`
	Tags        []string  `json:"tags"`
	Version     int       `json:"version"`
	Name        string    `json:"name"`
	ContentType string    `json:"contentType"`
	Size        int64     `json:"size"`
	UploadedBy  Uploader  `json:"uploadedBy"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
	Downloads   int64     `json:"downloads"`
	// Bookmarked: the reader bookmarked it; CanEdit: the reader may upload a version,
	// change or delete it.
	Bookmarked bool `json:"bookmarked"`
	CanEdit    bool `json:"canEdit"`
	// Versions, newest first: only in the answer of one document (Get).
	Versions []FileVersion `json:"versions,omitempty"`
	// Key is the newest version's file in the bucket (never shown).
	Key string `json:"-"`
}

// FileVersion is one upload of a document (its file, who uploaded it, when).
type FileVersion struct {
	Version     int       `json:"version"`
	Name        string    `json:"name"`
	Size        int64     `json:"size"`
	ContentType string    `json:"contentType"`
	UploadedBy  Uploader  `json:"uploadedBy"`
	At          time.Time `json:"at"`
	Key         string    `json:"-"`
}

// Folder is a folder of a space's documents and how many documents are directly in it
// ("" is the space's top level).
type Folder struct {
	Path      string `json:"path"`
	Documents int64  `json:"documents"`
}

// Tag is a tag of a space's documents and how many documents carry it.
type Tag struct {
	Tag       string `json:"tag"`
	Documents int64  `json:"documents"`
}

// Page is a page of a space's documents, with the space's folders and tags (each with
// its count) and whether the reader may upload.
type Page struct {
	Documents []Document `json:"documents"`
	Folders   []Folder   `json:"folders"`
	Tags      []Tag      `json:"tags"`
	CanUpload bool       `json:"canUpload"`
	Next      string     `json:"next"`
}

// Access is what the caller may do with a space's documents, computed by the caller
// from the space as it is now: Read (the space's readers), Edit (Access.Edit of the
// space, or knowledge.write, for one who reads it). Denied is the error to answer one
// who may not read (nil with Read).
type Access struct {
	SpaceID string
	Read    bool
	Edit    bool
	Denied  error
}

func (a Access) read() error {
	if a.Read {
		return nil
	}
	if a.Denied != nil {
		return a.Denied
	}
	return ErrNoDocument
}

func (a Access) edit() error {
	if err := a.read(); err != nil {
		return err
	}
	if !a.Edit {
		return ErrMayNotEdit
	}
	return nil
}

// Files is the bucket documents live in (S3; locally an in-process S3 server).
type Files interface {
	PresignPut(ctx context.Context, key, contentType string, size int64, ttl time.Duration) (string, error)
	PresignGet(ctx context.Context, key string, ttl time.Duration) (string, error)
	Head(ctx context.Context, key string) (int64, string, error)
	// Delete removes a file (a missing one is no error).
	Delete(ctx context.Context, key string) error
}

// Store is what documents need from storage.
type Store interface {
	// CreateDocument writes a document, its first version, the claim of its file and its
	// folder's and tags' counts with the event, in one transaction (ErrFileUsed when
	// the file is a version already: nothing written).
	CreateDocument(ctx context.Context, d Document, event eventtypes.Envelope) error
	// AddVersion makes v the newest version of old, if old is still at old.Version
	// (ErrChanged otherwise), with the claim of its file (ErrFileUsed) and the event.
	AddVersion(ctx context.Context, old Document, v FileVersion, event eventtypes.Envelope) error
	// Document reads a document (errs.ErrNotFound: none); with versions, its versions
	// too, newest first (one query).
	Document(ctx context.Context, id string, versions bool) (Document, error)
	// Documents lists a space's documents by title, PageSize a page, optionally only
	// those directly in folder and those tagged tag.
	Documents(ctx context.Context, spaceID string, folder *string, tag, cursor string, limit int) ([]Document, string, error)
	// Index lists a space's folders and tags that hold documents, with their counts.
	Index(ctx context.Context, spaceID string) ([]Folder, []Tag, error)
	// UpdateDocument replaces old's title, description, folder and tags by d's, and
	// moves the folder's and tags' counts, if old is still as read (ErrChanged).
	UpdateDocument(ctx context.Context, old, d Document) error
	// DeleteDocument deletes a document and its versions and takes it out of its
	// folder's and tags' counts, if it is still as read (ErrChanged otherwise, nothing
	// written), with its document.deleted event. files are the keys of the deleted
	// versions' files, for the caller to delete from the bucket.
	DeleteDocument(ctx context.Context, old Document, event eventtypes.Envelope) (files []string, err error)
	// CountDownload adds one to a document's downloads (an atomic ADD: concurrent
	// downloads all count) and returns it as it now is (errs.ErrNotFound when it is not
	// a document of spaceID).
	CountDownload(ctx context.Context, spaceID, id string) (Document, error)
	// DisplayName is a member's name.
	DisplayName(ctx context.Context, memberID string) (string, error)
}

// Service is the documents use cases.
type Service struct {
	Store Store
	Files Files
	Now   func() time.Time
	// Bookmarked tells which of ids the member bookmarked (nil: none).
	Bookmarked func(ctx context.Context, memberID string, ids []string) (map[string]bool, error)
	// FilesLeft is told of the files a deleted document left in the bucket because
	// their delete failed (the document is gone all the same; nil: not told).
	FilesLeft func(ctx context.Context, keys []string, err error)
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// UploadRequest asks where to upload a file: its name, type and size in bytes, as the
// browser sees it.
type UploadRequest struct {
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
}

// Upload is where the browser PUTs the file (exactly that type and size), and the key
// to send with the document or version afterwards.
type Upload struct {
	UploadURL string    `json:"uploadUrl"`
	Key       string    `json:"key"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// checkFile refuses a wrong type or size (before the upload, and after it on what the
// bucket holds).
func checkFile(contentType string, size int64) error {
	switch filetypes.Check(Types, contentType, size, MaxBytes) {
	case filetypes.BadType:
		return ErrType
	case filetypes.Empty:
		return ErrEmpty
	case filetypes.TooLarge:
		return ErrSize
	}
	return nil
}

// spacePrefix is where a space's files go: documents/<space>/.
func spacePrefix(spaceID string) string { return Prefix + spaceID + "/" }

func randomID() string { return strings.ToLower(rand.Text()[:16]) }

// StartUpload checks the type and size of a file before anything is uploaded and signs
// its upload under documents/<space>/<random>/<random><ext> (Edit only).
func (s *Service) StartUpload(ctx context.Context, acc Access, req UploadRequest) (Upload, error) {
	if err := acc.edit(); err != nil {
		return Upload{}, fmt.Errorf("documents.StartUpload: %w", err)
	}
	if err := checkFile(req.ContentType, req.Size); err != nil {
		return Upload{}, fmt.Errorf("documents.StartUpload: %w", err)
	}
	if s.Files == nil {
		return Upload{}, fmt.Errorf("documents.StartUpload: %w", ErrNoFiles)
	}
	key := spacePrefix(acc.SpaceID) + randomID() + "/" + strings.ToLower(rand.Text()) + Types[req.ContentType]
	url, err := s.Files.PresignPut(ctx, key, req.ContentType, req.Size, URLTTL)
	if err != nil {
		return Upload{}, fmt.Errorf("documents.StartUpload: %w", err)
	}
	return Upload{UploadURL: url, Key: key, ExpiresAt: s.now().Add(URLTTL)}, nil
}

// FileRequest is an uploaded file, as StartUpload signed it.
type FileRequest struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
}

// NewDocument is a new document: its uploaded file and what describes it.
type NewDocument struct {
	Key         string   `json:"key"`
	Name        string   `json:"name"`
	ContentType string   `json:"contentType"`
	Size        int64    `json:"size"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Folder      string   `json:"folder,omitempty"`
	Tags        []string `json:"tags,omitempty"`
}

// File is the uploaded file of a new document.
func (r NewDocument) File() FileRequest {
	return FileRequest{Key: r.Key, Name: r.Name, ContentType: r.ContentType, Size: r.Size}
}

// ChangeRequest changes what describes a document (nil: unchanged).
type ChangeRequest struct {
	Title       *string   `json:"title,omitempty"`
	Description *string   `json:"description,omitempty"`
	Folder      *string   `json:"folder,omitempty"`
	Tags        *[]string `json:"tags,omitempty"`
}

// checkUploaded verifies a file sent back by the browser: under the space's prefix,
// in the bucket, of the type and size declared (which pass checkFile). It answers the
// version it makes.
func (s *Service) checkUploaded(ctx context.Context, acc Access, f FileRequest, by Uploader, at time.Time) (FileVersion, error) {
	if err := checkFile(f.ContentType, f.Size); err != nil {
		return FileVersion{}, err
	}
	if s.Files == nil {
		return FileVersion{}, ErrNoFiles
	}
	if !filetypes.SafeKey(f.Key, spacePrefix(acc.SpaceID)) {
		return FileVersion{}, ErrUpload
	}
	size, contentType, err := s.Files.Head(ctx, f.Key)
	if errors.Is(err, errs.ErrNotFound) {
		return FileVersion{}, ErrUpload
	}
	if err != nil {
		return FileVersion{}, err
	}
	if checkFile(contentType, size) != nil || contentType != f.ContentType || size != f.Size {
		return FileVersion{}, ErrUpload
	}
	return FileVersion{Version: 1, Name: filetypes.CleanName(f.Name, Types[contentType]), Size: size, ContentType: contentType,
		UploadedBy: by, At: at, Key: f.Key}, nil
}

// describe cleans and checks a document's title, description, folder and tags.
func describe(d *Document) error {
	var err error
	if d.Title, err = text.Line("title", strings.TrimSpace(d.Title)); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(d.Title); n < 1 || n > MaxTitle {
		return ErrTitle
	}
	if d.Description, err = text.Body("description", strings.TrimSpace(d.Description)); err != nil {
		return err
	}
	if utf8.RuneCountInString(d.Description) > MaxDescription {
		return ErrDescription
	}
	if d.Folder, err = CleanFolder(d.Folder); err != nil {
		return err
	}
	d.Tags, err = CleanTags(d.Tags)
	return err
}

// CleanFolder checks a folder path and gives it in its one spelling: names trimmed,
// "/" between them, none at either end ("" is the top level). ErrFolder: more than
// MaxFolderDepth names, an empty one, one over MaxFolderName characters.
func CleanFolder(folder string) (string, error) {
	folder = strings.Trim(strings.TrimSpace(folder), "/")
	if folder == "" {
		return "", nil
	}
	parts := strings.Split(folder, "/")
	if len(parts) > MaxFolderDepth {
		return "", ErrFolder
	}
	for i, p := range parts {
		p, err := text.Line("folder", strings.TrimSpace(p))
		if err != nil {
			return "", err
		}
		if n := utf8.RuneCountInString(p); n < 1 || n > MaxFolderName || p == "." || p == ".." {
			return "", ErrFolder
		}
		parts[i] = p
	}
	return strings.Join(parts, "/"), nil
}

// CleanTags checks tags and gives them lower case, trimmed, each once, in the order
// given. ErrTags: more than MaxTags, an empty one, one over MaxTag characters.
func CleanTags(tags []string) ([]string, error) {
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		t, err := CleanTag(t)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	if len(out) > MaxTags {
		return nil, ErrTags
	}
	return out, nil
}

// CleanTag is one tag as CleanTags keeps it (a filter of the list too).
func CleanTag(t string) (string, error) {
	t, err := text.Line("tags", strings.ToLower(strings.TrimSpace(t)))
	if err != nil {
		return "", err
	}
	if n := utf8.RuneCountInString(t); n < 1 || n > MaxTag {
		return "", ErrTags
	}
	return t, nil
}

func (s *Service) person(ctx context.Context, actor auth.Principal) (Uploader, error) {
	name, err := s.Store.DisplayName(ctx, actor.MemberID)
	if err != nil {
		return Uploader{}, err
	}
	return Uploader{ID: actor.MemberID, Name: name}, nil
}

func uploaded(actor auth.Principal, d Document, now time.Time) (eventtypes.Envelope, error) {
	return eventtypes.Wrap(eventtypes.DocumentUploaded{Meta: eventtypes.NewMeta(now), DocumentID: d.ID, SpaceID: d.SpaceID,
		Version: d.Version, UploadedBy: actor.MemberID, Staff: policy.IsStaff(actor.Roles)})
}

// Create makes a document of an uploaded file (Edit only): the file is checked in the
// bucket first (type and size as declared, else ErrUpload and nothing written).
func (s *Service) Create(ctx context.Context, actor auth.Principal, acc Access, req NewDocument) (Document, error) {
	if err := acc.edit(); err != nil {
		return Document{}, fmt.Errorf("documents.Create: %w", err)
	}
	d := Document{ID: "d_" + randomID(), SpaceID: acc.SpaceID, Title: req.Title, Description: req.Description, Folder: req.Folder, Tags: req.Tags}
	if err := describe(&d); err != nil {
		return Document{}, fmt.Errorf("documents.Create: %w", err)
	}
	by, err := s.person(ctx, actor)
	if err != nil {
		return Document{}, fmt.Errorf("documents.Create: %w", err)
	}
	now := s.now()
	v, err := s.checkUploaded(ctx, acc, req.File(), by, now)
	if err != nil {
		return Document{}, fmt.Errorf("documents.Create: %w", err)
	}
	d.setVersion(v)
	d.CreatedAt = now
	event, err := uploaded(actor, d, now)
	if err == nil {
		err = s.Store.CreateDocument(ctx, d, event)
	}
	if err != nil {
		return Document{}, fmt.Errorf("documents.Create: %w", err)
	}
	d.CanEdit = true
	return d, nil
}

func (d *Document) setVersion(v FileVersion) {
	d.Version, d.Name, d.ContentType, d.Size, d.UploadedBy, d.UpdatedAt, d.Key = v.Version, v.Name, v.ContentType, v.Size, v.UploadedBy, v.At, v.Key
}

// load reads a document of the space (ErrNoDocument otherwise).
func (s *Service) load(ctx context.Context, acc Access, id string, versions bool) (Document, error) {
	d, err := s.Store.Document(ctx, id, versions)
	if errors.Is(err, errs.ErrNotFound) || (err == nil && d.SpaceID != acc.SpaceID) {
		return Document{}, ErrNoDocument
	}
	return d, err
}

// AddVersion makes an uploaded file the newest version of a document (Edit only); the
// older versions stay, each downloadable.
func (s *Service) AddVersion(ctx context.Context, actor auth.Principal, acc Access, id string, f FileRequest) (Document, error) {
	if err := acc.edit(); err != nil {
		return Document{}, fmt.Errorf("documents.AddVersion %s: %w", id, err)
	}
	old, err := s.load(ctx, acc, id, false)
	if err != nil {
		return Document{}, fmt.Errorf("documents.AddVersion %s: %w", id, err)
	}
	by, err := s.person(ctx, actor)
	if err != nil {
		return Document{}, fmt.Errorf("documents.AddVersion %s: %w", id, err)
	}
	now := s.now()
	v, err := s.checkUploaded(ctx, acc, f, by, now)
	if err != nil {
		return Document{}, fmt.Errorf("documents.AddVersion %s: %w", id, err)
	}
	v.Version = old.Version + 1
	d := old
	d.setVersion(v)
	event, err := uploaded(actor, d, now)
	if err == nil {
		err = s.Store.AddVersion(ctx, old, v, event)
	}
	if err != nil {
		return Document{}, fmt.Errorf("documents.AddVersion %s: %w", id, err)
	}
	return s.shown(ctx, actor, acc, d)
}

// shown is d as the reader sees it: whether they bookmarked it and may edit it.
func (s *Service) shown(ctx context.Context, actor auth.Principal, acc Access, d Document) (Document, error) {
	list, err := s.mark(ctx, actor, acc, []Document{d})
	if err != nil {
		return Document{}, err
	}
	return list[0], nil
}

func (s *Service) mark(ctx context.Context, actor auth.Principal, acc Access, list []Document) ([]Document, error) {
	var marked map[string]bool
	if s.Bookmarked != nil && actor.MemberID != "" && len(list) > 0 {
		ids := make([]string, len(list))
		for i, d := range list {
			ids[i] = d.ID
		}
		var err error
		if marked, err = s.Bookmarked(ctx, actor.MemberID, ids); err != nil {
			return nil, err
		}
	}
	for i := range list {
		list[i].Bookmarked, list[i].CanEdit = marked[list[i].ID], acc.Edit
		if list[i].Tags == nil {
			list[i].Tags = []string{}
		}
	}
	return list, nil
}

// Get is one document with its versions, newest first (readers of the space).
func (s *Service) Get(ctx context.Context, actor auth.Principal, acc Access, id string) (Document, error) {
	if err := acc.read(); err != nil {
		return Document{}, fmt.Errorf("documents.Get %s: %w", id, err)
	}
	d, err := s.load(ctx, acc, id, true)
	if err == nil {
		d, err = s.shown(ctx, actor, acc, d)
	}
	if err != nil {
		return Document{}, fmt.Errorf("documents.Get %s: %w", id, err)
	}
	return d, nil
}

// List is a page of a space's documents by title (readers of the space), optionally
// only those directly in folder (nil: every folder) and those tagged tag, with the
// space's folders and tags.
func (s *Service) List(ctx context.Context, actor auth.Principal, acc Access, folder *string, tag, cursor string) (Page, error) {
	if err := acc.read(); err != nil {
		return Page{}, fmt.Errorf("documents.List: %w", err)
	}
	var err error
	if folder != nil {
		f, ferr := CleanFolder(*folder)
		if ferr != nil {
			return Page{}, fmt.Errorf("documents.List: %w", ferr)
		}
		folder = &f
	}
	if tag != "" {
		if tag, err = CleanTag(tag); err != nil {
			return Page{}, fmt.Errorf("documents.List: %w", err)
		}
	}
	list, next, err := s.Store.Documents(ctx, acc.SpaceID, folder, tag, cursor, PageSize)
	if err != nil {
		return Page{}, fmt.Errorf("documents.List: %w", err)
	}
	folders, tags, err := s.Store.Index(ctx, acc.SpaceID)
	if err != nil {
		return Page{}, fmt.Errorf("documents.List: %w", err)
	}
	if list, err = s.mark(ctx, actor, acc, list); err != nil {
		return Page{}, fmt.Errorf("documents.List: %w", err)
	}
	return Page{Documents: list, Folders: folders, Tags: tags, CanUpload: acc.Edit, Next: next}, nil
}

// Change changes a document's title, description, folder or tags (Edit only).
func (s *Service) Change(ctx context.Context, actor auth.Principal, acc Access, id string, req ChangeRequest) (Document, error) {
	if err := acc.edit(); err != nil {
		return Document{}, fmt.Errorf("documents.Change %s: %w", id, err)
	}
	old, err := s.load(ctx, acc, id, false)
	if err != nil {
		return Document{}, fmt.Errorf("documents.Change %s: %w", id, err)
	}
	d := old
	if req.Title != nil {
		d.Title = *req.Title
	}
	if req.Description != nil {
		d.Description = *req.Description
	}
	if req.Folder != nil {
		d.Folder = *req.Folder
	}
	if req.Tags != nil {
		d.Tags = *req.Tags
	}
	if err := describe(&d); err != nil {
		return Document{}, fmt.Errorf("documents.Change %s: %w", id, err)
	}
	if err := s.Store.UpdateDocument(ctx, old, d); err != nil {
		return Document{}, fmt.Errorf("documents.Change %s: %w", id, err)
	}
	return s.shown(ctx, actor, acc, d)
}

// Delete deletes a document and its versions (Edit only); deleting it again is 404.
func (s *Service) Delete(ctx context.Context, actor auth.Principal, acc Access, id string) error {
	if err := acc.edit(); err != nil {
		return fmt.Errorf("documents.Delete %s: %w", id, err)
	}
	// A change or another delete between the read and the write: read again (a few
	// times), so the counts move from what is there.
	var err error
	var files []string
	for range 3 {
		var old Document
		var event eventtypes.Envelope
		if old, err = s.load(ctx, acc, id, false); err == nil {
			event, err = eventtypes.Wrap(eventtypes.DocumentDeleted{Meta: eventtypes.NewMeta(s.now()), DocumentID: old.ID,
				SpaceID: old.SpaceID, DeletedBy: actor.MemberID})
		}
		if err == nil {
			files, err = s.Store.DeleteDocument(ctx, old, event)
		}
		if !errors.Is(err, ErrChanged) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("documents.Delete %s: %w", id, err)
	}
	s.dropFiles(ctx, files)
	return nil
}

// dropFiles deletes the files of a deleted document's versions from the bucket, after
// the document is gone (so no download is ever signed for a deleted file). One that
// fails is left, and FilesLeft told: the answer is the document's deletion, done.
func (s *Service) dropFiles(ctx context.Context, keys []string) {
	if s.Files == nil {
		return
	}
	var left []string
	var failed error
	for _, k := range keys {
		if err := s.Files.Delete(ctx, k); err != nil && !errors.Is(err, errs.ErrNotFound) {
			left, failed = append(left, k), errors.Join(failed, err)
		}
	}
	if len(left) > 0 && s.FilesLeft != nil {
		s.FilesLeft(ctx, left, failed)
	}
}

// Download is a signed download of a document's file and until when it works.
type Download struct {
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// Download counts a download of a document (readers of the space) and signs the GET
// of its newest version, or of version (0: the newest) for URLTTL.
func (s *Service) Download(ctx context.Context, acc Access, id string, version int) (Download, error) {
	if err := acc.read(); err != nil {
		return Download{}, fmt.Errorf("documents.Download %s: %w", id, err)
	}
	if version < 0 {
		return Download{}, fmt.Errorf("documents.Download %s: %w", id, ErrVersion)
	}
	if s.Files == nil {
		return Download{}, fmt.Errorf("documents.Download %s: %w", id, ErrNoFiles)
	}
	key := ""
	if version > 0 {
		d, err := s.load(ctx, acc, id, true)
		if err != nil {
			return Download{}, fmt.Errorf("documents.Download %s: %w", id, err)
		}
		for _, v := range d.Versions {
			if v.Version == version {
				key = v.Key
			}
		}
		if key == "" {
			return Download{}, fmt.Errorf("documents.Download %s: %w", id, ErrVersion)
		}
	}
	d, err := s.Store.CountDownload(ctx, acc.SpaceID, id)
	if errors.Is(err, errs.ErrNotFound) {
		err = ErrNoDocument
	}
	if err != nil {
		return Download{}, fmt.Errorf("documents.Download %s: %w", id, err)
	}
	if key == "" {
		key = d.Key
	}
	url, err := s.Files.PresignGet(ctx, key, URLTTL)
	if err != nil {
		return Download{}, fmt.Errorf("documents.Download %s: %w", id, err)
	}
	return Download{URL: url, ExpiresAt: s.now().Add(URLTTL)}, nil
}
