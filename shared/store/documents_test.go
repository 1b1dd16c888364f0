package store_test

import (
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"tribune/shared/auth"
	"tribune/shared/blob"
	"tribune/shared/documents"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/store"
)

// docFiles is a bucket (gofakes3) of one test.
func docFiles(t *testing.T) *blob.Store {
	t.Helper()
	srv := httptest.NewServer(gofakes3.New(s3mem.New(), gofakes3.WithAutoBucket(true)).Server())
	t.Cleanup(srv.Close)
	cfg, err := store.LoadAWSConfig(ctx, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return blob.New(cfg, "files", srv.URL)
}

// uploadDoc signs an upload, PUTs body with contentType and answers the file to send.
func uploadDoc(t *testing.T, svc *documents.Service, files *blob.Store, acc documents.Access, name, contentType, body string) documents.FileRequest {
	t.Helper()
	up, err := svc.StartUpload(ctx, acc, documents.UploadRequest{Name: name, ContentType: contentType, Size: int64(len(body))})
	if err != nil {
		t.Fatalf("StartUpload: %v", err)
	}
	if err := files.PutFile(ctx, up.Key, contentType, strings.NewReader(body)); err != nil {
		t.Fatal(err)
	}
	return documents.FileRequest{Key: up.Key, Name: name, ContentType: contentType, Size: int64(len(body))}
}

// A document, its versions, counts of folders and tags, downloads and deletion, on
// DynamoDB Local and an S3 bucket.
func TestDocumentsStore(t *testing.T) {
	t.Parallel()
	st, tbl := newStore(t)
	files := docFiles(t)
	svc := &documents.Service{Store: st.Documents(), Files: files, Now: time.Now}
	ann := named(t, st, "ann")
	actor := auth.Principal{MemberID: ann, Roles: []string{"member"}}
	acc := documents.Access{SpaceID: "s_partner", Read: true, Edit: true}

	// Refused before the upload: wrong type, too large, empty. Nothing written.
	before := itemCount(t, tbl)
	for _, req := range []documents.UploadRequest{{Name: "x.exe", ContentType: "application/x-msdownload", Size: 10},
		{Name: "big.pdf", ContentType: "application/pdf", Size: documents.MaxBytes + 1}, {Name: "e.pdf", ContentType: "application/pdf"}} {
		if _, err := svc.StartUpload(ctx, acc, req); err == nil {
			t.Errorf("%+v was signed", req)
		}
	}
	// Refused after: the bucket holds another size or type than declared.
	f := uploadDoc(t, svc, files, acc, "brochure.pdf", "application/pdf", "%PDF-1.7 north")
	lie := f
	lie.Size++
	if _, err := svc.Create(ctx, actor, acc, documents.NewDocument{Key: lie.Key, Name: lie.Name, ContentType: lie.ContentType, Size: lie.Size, Title: "North"}); !errors.Is(err, documents.ErrUpload) {
		t.Errorf("a size other than the file's: %v", err)
	}
	other := f
	other.ContentType = "text/plain"
	if _, err := svc.Create(ctx, actor, acc, documents.NewDocument{Key: other.Key, Name: other.Name, ContentType: other.ContentType, Size: other.Size, Title: "North"}); !errors.Is(err, documents.ErrUpload) {
		t.Errorf("a type other than the file's: %v", err)
	}
	elsewhere := f
	elsewhere.Key = strings.Replace(f.Key, "s_partner", "s_other", 1)
	if _, err := svc.Create(ctx, actor, acc, documents.NewDocument{Key: elsewhere.Key, Name: elsewhere.Name, ContentType: elsewhere.ContentType, Size: elsewhere.Size, Title: "North"}); !errors.Is(err, documents.ErrUpload) {
		t.Errorf("another space's key: %v", err)
	}
	if after := itemCount(t, tbl); after != before {
		t.Fatalf("refusals wrote %d items", after-before)
	}

	d, err := svc.Create(ctx, actor, acc, documents.NewDocument{Key: f.Key, Name: f.Name, ContentType: f.ContentType, Size: f.Size, Title: "North brochure", Description: "Prices",
		Folder: " Brochures / 2027 ", Tags: []string{"North", "north", "EMEA"}})
	if err != nil {
		t.Fatal(err)
	}
	if d.Folder != "Brochures/2027" || !slices.Equal(d.Tags, []string{"north", "emea"}) || d.Version != 1 || d.UploadedBy.Name == "" {
		t.Fatalf("created %+v", d)
	}
	// The same file again is not a second document.
	if _, err := svc.Create(ctx, actor, acc, documents.NewDocument{Key: f.Key, Name: f.Name, ContentType: f.ContentType, Size: f.Size, Title: "Again"}); !errors.Is(err, documents.ErrFileUsed) {
		t.Errorf("a file used twice: %v", err)
	}
	f2 := uploadDoc(t, svc, files, acc, "south.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "PK south")
	south, err := svc.Create(ctx, actor, acc, documents.NewDocument{Key: f2.Key, Name: f2.Name, ContentType: f2.ContentType, Size: f2.Size, Title: "South brochure", Folder: "Brochures/2027", Tags: []string{"south", "emea"}})
	if err != nil {
		t.Fatal(err)
	}

	// A new version keeps the old one.
	f3 := uploadDoc(t, svc, files, acc, "brochure-v2.pdf", "application/pdf", "%PDF-1.7 north, second edition")
	d2, err := svc.AddVersion(ctx, actor, acc, d.ID, f3)
	if err != nil || d2.Version != 2 || d2.Name != "brochure-v2.pdf" {
		t.Fatalf("version 2: %+v %v", d2, err)
	}
	got, err := svc.Get(ctx, actor, acc, d.ID)
	if err != nil || len(got.Versions) != 2 || got.Versions[0].Version != 2 || got.Versions[1].Name != "brochure.pdf" || got.Size != f3.Size {
		t.Fatalf("versions: %+v %v", got, err)
	}

	// Folder and tag filters, and their counts.
	emea := "Brochures/2027"
	page, err := svc.List(ctx, actor, acc, &emea, "south", "")
	if err != nil || len(page.Documents) != 1 || page.Documents[0].ID != south.ID {
		t.Fatalf("tag south: %+v %v", page, err)
	}
	if !slices.Contains(page.Tags, documents.Tag{Tag: "emea", Documents: 2}) || !slices.Contains(page.Folders, documents.Folder{Path: "Brochures/2027", Documents: 2}) {
		t.Fatalf("counts %+v %+v", page.Folders, page.Tags)
	}
	title, folder, tags := "North brochure 2027", "Archive", []string{"north"}
	if _, err := svc.Change(ctx, actor, acc, d.ID, documents.ChangeRequest{Title: &title, Folder: &folder, Tags: &tags}); err != nil {
		t.Fatal(err)
	}
	page, _ = svc.List(ctx, actor, acc, nil, "", "")
	if !slices.Contains(page.Tags, documents.Tag{Tag: "emea", Documents: 1}) || !slices.Contains(page.Folders, documents.Folder{Path: "Archive", Documents: 1}) ||
		len(page.Documents) != 2 || page.Documents[0].Title != title {
		t.Fatalf("after the change: %+v", page)
	}

	// 50 concurrent downloads count 50.
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := svc.Download(ctx, acc, d.ID, 0); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if _, err := svc.Download(ctx, acc, d.ID, 1); err != nil {
		t.Fatalf("version 1: %v", err)
	}
	if _, err := svc.Download(ctx, acc, d.ID, 9); !errors.Is(err, documents.ErrVersion) {
		t.Errorf("version 9: %v", err)
	}
	if got, _ := svc.Get(ctx, actor, acc, d.ID); got.Downloads != 51 {
		t.Fatalf("downloads %d, want 51", got.Downloads)
	}
	// Another space's id: not found, not counted.
	if _, err := svc.Download(ctx, documents.Access{SpaceID: "s_other", Read: true}, d.ID, 0); !errors.Is(err, documents.ErrNoDocument) {
		t.Errorf("through another space: %v", err)
	}

	// The search document, then gone.
	doc, ok, err := st.Documents().SearchDoc(ctx, d.ID)
	if err != nil || !ok || doc.Title != title || doc.SpaceID != "s_partner" || !strings.Contains(doc.Body, "brochure-v2.pdf") || !strings.Contains(doc.Body, "north") {
		t.Fatalf("search doc %+v %v %v", doc, ok, err)
	}
	if err := svc.Delete(ctx, actor, acc, d.ID); err != nil {
		t.Fatal(err)
	}
	if err := svc.Delete(ctx, actor, acc, d.ID); !errors.Is(err, documents.ErrNoDocument) {
		t.Errorf("deleted twice: %v", err)
	}
	// Its versions' files went with it; another document's stayed.
	for _, k := range []string{f.Key, f3.Key} {
		if _, _, err := files.Head(ctx, k); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("a deleted document's file %s: %v, want it gone", k, err)
		}
	}
	if _, _, err := files.Head(ctx, f2.Key); err != nil {
		t.Errorf("another document's file after the delete: %v", err)
	}
	if n := outboxCount(t, tbl.DB, tbl.Name, eventtypes.DocumentDeletedType); n != 1 {
		t.Errorf("%d document.deleted, want 1 (a second delete writes nothing)", n)
	}
	if _, ok, err := st.Documents().SearchDoc(ctx, d.ID); ok || err != nil {
		t.Errorf("a deleted document is searchable: %v %v", ok, err)
	}
	page, _ = svc.List(ctx, actor, acc, nil, "", "")
	if len(page.Documents) != 1 || slices.ContainsFunc(page.Folders, func(f documents.Folder) bool { return f.Path == "Archive" }) ||
		slices.ContainsFunc(page.Tags, func(t documents.Tag) bool { return t.Tag == "north" }) {
		t.Fatalf("after the delete: %+v", page)
	}

	// Concurrent deletes and a concurrent change: one delete wins, the counts end exact.
	f4 := uploadDoc(t, svc, files, acc, "east.pdf", "application/pdf", "%PDF east")
	east, err := svc.Create(ctx, actor, acc, documents.NewDocument{Key: f4.Key, Name: f4.Name, ContentType: f4.ContentType, Size: f4.Size, Title: "East", Folder: "Regions", Tags: []string{"east"}})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	deleted := 0
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i == 0 {
				moved := []string{"east", "asia"}
				_, _ = svc.Change(ctx, actor, acc, east.ID, documents.ChangeRequest{Tags: &moved})
				return
			}
			err := svc.Delete(ctx, actor, acc, east.ID)
			if err == nil {
				mu.Lock()
				deleted++
				mu.Unlock()
			} else if !errors.Is(err, documents.ErrNoDocument) {
				t.Errorf("delete: %v", err)
			}
		}()
	}
	wg.Wait()
	page, _ = svc.List(ctx, actor, acc, nil, "", "")
	if deleted != 1 || slices.ContainsFunc(page.Tags, func(t documents.Tag) bool { return t.Tag == "east" || t.Tag == "asia" }) ||
		slices.ContainsFunc(page.Folders, func(f documents.Folder) bool { return f.Path == "Regions" }) {
		t.Fatalf("after concurrent deletes (%d): %+v %+v", deleted, page.Folders, page.Tags)
	}
	if n := outboxCount(t, tbl.DB, tbl.Name, eventtypes.DocumentDeletedType); n != 2 {
		t.Errorf("%d document.deleted after concurrent deletes, want 2 (one per document deleted)", n)
	}

	// Readers only read; a member without Edit uploads nothing.
	reader := documents.Access{SpaceID: "s_partner", Read: true}
	if _, err := svc.StartUpload(ctx, reader, documents.UploadRequest{Name: "a.pdf", ContentType: "application/pdf", Size: 3}); !errors.Is(err, documents.ErrMayNotEdit) {
		t.Errorf("a reader uploads: %v", err)
	}
	var e *errs.Error
	if _, err := svc.Get(ctx, actor, documents.Access{SpaceID: "s_partner"}, south.ID); !errors.As(err, &e) || e.Kind != errs.NotFound {
		t.Errorf("no access: %v", err)
	}
}

// Bad descriptions are refused with their own codes.
func TestDocumentDescriptions(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]error{"a/b/c/d": documents.ErrFolder, "a//b": documents.ErrFolder, strings.Repeat("x", 61): documents.ErrFolder, "a/../b": documents.ErrFolder} {
		if _, err := documents.CleanFolder(in); !errors.Is(err, want) {
			t.Errorf("folder %q: %v", in, err)
		}
	}
	if f, err := documents.CleanFolder("/Brochures/EMEA/"); err != nil || f != "Brochures/EMEA" {
		t.Errorf("folder: %q %v", f, err)
	}
	many := make([]string, 11)
	for i := range many {
		many[i] = string(rune('a' + i))
	}
	if _, err := documents.CleanTags(many); !errors.Is(err, documents.ErrTags) {
		t.Errorf("11 tags: %v", err)
	}
	if _, err := documents.CleanTags([]string{strings.Repeat("t", 31)}); !errors.Is(err, documents.ErrTags) {
		t.Errorf("a long tag: %v", err)
	}
	if _, err := documents.CleanTags([]string{" "}); !errors.Is(err, documents.ErrTags) {
		t.Errorf("an empty tag: %v", err)
	}
}
