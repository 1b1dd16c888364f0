package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/app"
	"tribune/shared/bus"
	"tribune/shared/config"
	"tribune/shared/documents"
	"tribune/shared/eventtypes"
	"tribune/shared/mail"
	"tribune/shared/metrics"
	"tribune/shared/policy"
	"tribune/shared/spaces"
	"tribune/shared/store"
)

// pdf is a small PDF file (its content is not checked, its type and size are).
var pdf = "%PDF-1.7\n" + strings.Repeat("brochure ", 20)

// upload signs an upload into a space's documents and PUTs body there; it answers the
// file to send with the document.
func (c *community) uploadDocument(who *http.Client, spaceID, name, contentType, body string) documents.FileRequest {
	c.t.Helper()
	var up documents.Upload
	if status, raw := c.call(who, "POST", "/api/spaces/"+spaceID+"/documents/uploads",
		fmt.Sprintf(`{"name":%q,"contentType":%q,"size":%d}`, name, contentType, len(body)), &up); status != 200 {
		c.t.Fatalf("upload %s: %d %s", name, status, raw)
	}
	put(c.t, up.UploadURL, contentType, body)
	return documents.FileRequest{Key: up.Key, Name: name, ContentType: contentType, Size: int64(len(body))}
}

// document uploads a PDF and makes it a document of a space with tags.
func (c *community) document(who *http.Client, spaceID, title string, tags ...string) documents.Document {
	c.t.Helper()
	f := c.uploadDocument(who, spaceID, title+".pdf", "application/pdf", pdf)
	if tags == nil {
		tags = []string{}
	}
	var d documents.Document
	body := mustJSON(c.t, documents.NewDocument{Key: f.Key, Name: f.Name, ContentType: f.ContentType, Size: f.Size, Title: title, Description: "About " + title, Folder: "Brochures", Tags: tags})
	if status, raw := c.call(who, "POST", "/api/spaces/"+spaceID+"/documents", body, &d); status != 201 {
		c.t.Fatalf("document %s: %d %s", title, status, raw)
	}
	return d
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	var b strings.Builder
	if err := jsonEncode(&b, v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// Every document route of a space, per role: an outsider of a hidden space gets 404
// space_not_found on every one; a member of another space 403 on a closed one; a
// visitor reads a public space's documents and writes nothing; members read and
// download; experts, editors and staff upload, change and delete; moderators of other
// spaces nothing. Refusals write nothing.
func TestDocumentRoutesByRole(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	marketer := c.as("mark", policy.RoleMarketer)
	exp, ed, mem, other := c.as("exa"), c.as("eddie"), c.as("mia"), c.as("otto")
	c.call(admin, "PUT", "/api/community/access", `{"accessMode":"hybrid","hybridRegistration":"open"}`, nil)
	partners := c.hiddenSpace(admin, "Partners", exp, ed, mem)
	elsewhere := c.space(admin, "Elsewhere", spaces.Public, other)
	open := c.space(admin, "Open", spaces.Public, mem)
	for who, role := range map[string]string{"m_exa": spaces.RoleExpert, "m_eddie": spaces.RoleEditor} {
		var m spaces.Membership
		if status, raw := c.call(admin, "PUT", "/api/spaces/"+partners.ID+"/members/"+who+"/role", fmt.Sprintf(`{"role":%q}`, role), &m); status != 200 || m.Role != role {
			c.t.Fatalf("role %s: %d %s", role, status, raw)
		}
	}
	var list spaces.MembershipList
	c.call(admin, "GET", "/api/spaces/"+partners.ID+"/members", "", &list)
	roles := map[string]string{}
	for _, m := range list.Memberships {
		roles[m.MemberID] = m.Role
	}
	if roles["m_exa"] != spaces.RoleExpert || roles["m_eddie"] != spaces.RoleEditor || roles["m_mia"] != spaces.RoleMember {
		t.Fatalf("the members list: %v", roles)
	}
	if status, raw := c.call(admin, "PUT", "/api/spaces/"+partners.ID+"/members/m_mia/role", `{"role":"owner"}`, nil); status != 400 || problemCode(raw) != "invalid_space_role" {
		t.Fatalf("role owner: %d %s", status, raw)
	}

	doc := c.document(exp, partners.ID, "North", "north", "emea")
	byEditor := c.document(ed, partners.ID, "South", "south")
	if byEditor.UploadedBy.Name != "eddie" || !byEditor.CanEdit {
		t.Fatalf("by the editor: %+v", byEditor)
	}
	openDoc := c.document(marketer, open.ID, "Price list", "prices")

	base := "/api/spaces/" + partners.ID + "/documents"
	one := base + "/" + doc.ID
	file := fmt.Sprintf(`{"key":"documents/%s/x/y.pdf","name":"y.pdf","contentType":"application/pdf","size":3}`, partners.ID)
	routes := []struct{ method, path, body string }{
		{"GET", base, ""},
		{"GET", base + "?tag=north", ""},
		{"POST", base + "/uploads", `{"name":"a.pdf","contentType":"application/pdf","size":3}`},
		{"POST", base, `{"key":"documents/x","name":"a.pdf","contentType":"application/pdf","size":3,"title":"A"}`},
		{"GET", one, ""},
		{"POST", one + "/versions", file},
		{"PATCH", one, `{"title":"Renamed"}`},
		{"POST", one + "/download", ""},
		{"DELETE", one, ""},
	}
	before := c.settledItems()
	for _, who := range []struct {
		name   string
		client *http.Client
	}{{"outsider", other}, {"marketer", marketer}, {"visitor", c.visitor()}} {
		for _, r := range routes {
			status, raw := c.call(who.client, r.method, r.path, r.body, nil)
			want := 404
			if who.name == "visitor" && r.method != "GET" && r.path != one+"/download" {
				want = 401
			}
			if status != want || (want == 404 && problemCode(raw) != "space_not_found") {
				t.Errorf("%s %s %s: %d %s, want %d space_not_found", who.name, r.method, r.path, status, raw, want)
			}
		}
	}
	// A plain member reads and downloads, and changes nothing.
	for _, r := range routes {
		status, raw := c.call(mem, r.method, r.path, r.body, nil)
		switch {
		case r.method == "GET" || strings.HasSuffix(r.path, "/download"):
			if status != 200 {
				t.Errorf("member %s %s: %d %s", r.method, r.path, status, raw)
			}
		case status != 403 || problemCode(raw) != "document_edit_forbidden":
			t.Errorf("member %s %s: %d %s, want 403", r.method, r.path, status, raw)
		}
	}
	if after := c.settledItems(); after != before {
		t.Errorf("refusals (and one download) wrote %d items, want 0", after-before)
	}
	// The member's download counted (an item's attribute, no new item).
	var got documents.Document
	if c.call(mem, "GET", one, "", &got); got.Downloads != 1 || len(got.Versions) != 1 || got.CanEdit {
		t.Errorf("after one download: %+v", got)
	}
	// Visitors read a public space's documents (hybrid mode), and download them.
	var page documents.Page
	if status, raw := c.call(c.visitor(), "GET", "/api/spaces/"+open.ID+"/documents", "", &page); status != 200 || len(page.Documents) != 1 || page.CanUpload {
		t.Errorf("visitor: %d %s", status, raw)
	}
	if status, raw := c.call(c.visitor(), "POST", "/api/spaces/"+open.ID+"/documents/"+openDoc.ID+"/download", "", nil); status != 200 {
		t.Errorf("visitor download: %d %s", status, raw)
	}
	// A closed space: listed, so a non-member is told to join (403), as for its posts.
	club := c.space(admin, "Club", spaces.Closed)
	clubDoc := c.document(admin, club.ID, "Minutes")
	for _, path := range []string{"/api/spaces/" + club.ID + "/documents", "/api/spaces/" + club.ID + "/documents/" + clubDoc.ID} {
		if status, raw := c.call(other, "GET", path, "", nil); status != 403 || problemCode(raw) != "not_space_member" {
			t.Errorf("closed %s: %d %s", path, status, raw)
		}
	}
	if status, raw := c.call(other, "POST", "/api/spaces/"+club.ID+"/documents/"+clubDoc.ID+"/download", "", nil); status != 403 {
		t.Errorf("closed download: %d %s", status, raw)
	}
	// A document of one space through another's path: 404.
	if status, raw := c.call(other, "GET", "/api/spaces/"+elsewhere.ID+"/documents/"+doc.ID, "", nil); status != 404 || problemCode(raw) != "document_not_found" {
		t.Errorf("through another space: %d %s", status, raw)
	}
	// The expert changes, versions and deletes; the editor too.
	var changed documents.Document
	if status, raw := c.call(ed, "PATCH", one, `{"title":"North 2027","tags":["North","APAC"],"folder":"Brochures/2027"}`, &changed); status != 200 ||
		changed.Title != "North 2027" || strings.Join(changed.Tags, ",") != "north,apac" {
		t.Fatalf("change: %d %s", status, raw)
	}
	v2 := c.uploadDocument(exp, partners.ID, "north-2.pdf", "application/pdf", pdf+"v2")
	var d2 documents.Document
	if status, raw := c.call(exp, "POST", one+"/versions", mustJSON(t, v2), &d2); status != 200 || d2.Version != 2 {
		t.Fatalf("version: %d %s", status, raw)
	}
	c.call(mem, "GET", one, "", &got)
	if len(got.Versions) != 2 || got.Versions[1].Name != "North.pdf" || got.Name != "north-2.pdf" {
		t.Fatalf("versions kept: %+v", got)
	}
	var dl documents.Download
	if status, raw := c.call(mem, "POST", one+"/download?version=1", "", &dl); status != 200 || !strings.Contains(dl.URL, "North.pdf") && !strings.Contains(dl.URL, "documents/"+partners.ID) {
		t.Fatalf("download of version 1: %d %s", status, raw)
	}
	resp, err := http.Get(dl.URL)
	if err != nil || resp.StatusCode != 200 || resp.ContentLength != int64(len(pdf)) {
		t.Fatalf("GET the file: %v %v", resp, err)
	}
	resp.Body.Close()
	if status, raw := c.call(mem, "POST", one+"/download?version=7", "", nil); status != 400 {
		t.Errorf("version 7: %d %s", status, raw)
	}
	if status, _ := c.call(admin, "DELETE", "/api/spaces/"+partners.ID+"/documents/"+byEditor.ID, "", nil); status != 204 {
		t.Errorf("staff delete: %d", status)
	}
	if status, _ := c.call(exp, "DELETE", one, "", nil); status != 204 {
		t.Errorf("expert delete: %d", status)
	}
	if status, raw := c.call(mem, "GET", one, "", nil); status != 404 || problemCode(raw) != "document_not_found" {
		t.Errorf("after delete: %d %s", status, raw)
	}
}

// Wrong types and sizes are refused before the upload and after it, writing nothing.
func TestDocumentUploadChecks(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	sp := c.space(admin, "Docs", spaces.Public)
	base := "/api/spaces/" + sp.ID + "/documents"
	before := c.settledItems()
	for body, code := range map[string]string{
		`{"name":"a.exe","contentType":"application/x-msdownload","size":10}`:                           "document_type",
		`{"name":"a.html","contentType":"text/html","size":10}`:                                         "document_type",
		fmt.Sprintf(`{"name":"a.pdf","contentType":"application/pdf","size":%d}`, documents.MaxBytes+1): "document_too_large",
		`{"name":"a.pdf","contentType":"application/pdf","size":0}`:                                     "document_empty",
	} {
		if status, raw := c.call(admin, "POST", base+"/uploads", body, nil); status/100 != 4 || problemCode(raw) != code {
			t.Errorf("%s: %d %s, want %s", body, status, raw, code)
		}
	}
	// Declared 25 MB exactly: signed.
	if status, raw := c.call(admin, "POST", base+"/uploads", fmt.Sprintf(`{"name":"a.pptx","contentType":"application/vnd.openxmlformats-officedocument.presentationml.presentation","size":%d}`, documents.MaxBytes), nil); status != 200 {
		t.Errorf("25 MB: %d %s", status, raw)
	}
	// After: the file is not what was declared, or not there.
	f := c.uploadDocument(admin, sp.ID, "a.pdf", "application/pdf", pdf)
	for _, lie := range []documents.FileRequest{
		{Key: f.Key, Name: f.Name, ContentType: f.ContentType, Size: f.Size + 1},
		{Key: f.Key, Name: f.Name, ContentType: "text/plain", Size: f.Size},
		{Key: f.Key + "x", Name: f.Name, ContentType: f.ContentType, Size: f.Size},
		{Key: strings.Replace(f.Key, sp.ID, "s_other", 1), Name: f.Name, ContentType: f.ContentType, Size: f.Size},
	} {
		body := mustJSON(t, documents.NewDocument{Key: lie.Key, Name: lie.Name, ContentType: lie.ContentType, Size: lie.Size, Title: "A"})
		if status, raw := c.call(admin, "POST", base, body, nil); status != 400 || problemCode(raw) != "document_upload_mismatch" {
			t.Errorf("%+v: %d %s", lie, status, raw)
		}
	}
	// A good file with a bad description: refused, nothing written.
	small := c.uploadDocument(admin, sp.ID, "b.pdf", "application/pdf", pdf)
	for body, code := range map[string]string{
		mustJSON(t, documents.NewDocument{Key: small.Key, Name: small.Name, ContentType: small.ContentType, Size: small.Size, Title: ""}):                                                     "invalid_document_title",
		mustJSON(t, documents.NewDocument{Key: small.Key, Name: small.Name, ContentType: small.ContentType, Size: small.Size, Title: "B", Folder: "a/b/c/d"}):                                 "invalid_document_folder",
		mustJSON(t, documents.NewDocument{Key: small.Key, Name: small.Name, ContentType: small.ContentType, Size: small.Size, Title: "B", Tags: strings.Split("a,b,c,d,e,f,g,h,i,j,k", ",")}): "invalid_document_tags",
		mustJSON(t, documents.NewDocument{Key: small.Key, Name: small.Name, ContentType: small.ContentType, Size: small.Size, Title: strings.Repeat("t", 151)}):                               "invalid_document_title",
	} {
		if status, raw := c.call(admin, "POST", base, body, nil); status != 400 || problemCode(raw) != code {
			t.Errorf("%s: %d %s, want %s", body, status, raw, code)
		}
	}
	if after := c.settledItems(); after != before {
		t.Errorf("refusals wrote %d items", after-before)
	}
}

// 50 concurrent downloads count 50, and the KPIs count documents produced (first
// versions and first publications), per staff member, and bookmarked.
func TestDocumentDownloadsAndKpis(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	mem, exp := c.as("mia"), c.as("exa")
	sp := c.space(admin, "Docs", spaces.Public, mem, exp)
	c.call(admin, "PUT", "/api/spaces/"+sp.ID+"/members/m_exa/role", `{"role":"expert"}`, nil)
	d := c.document(admin, sp.ID, "Guide")
	c.document(admin, sp.ID, "Guide 2")
	c.document(exp, sp.ID, "Notes")
	v2 := c.uploadDocument(admin, sp.ID, "guide-2.pdf", "application/pdf", pdf+"2")
	if status, raw := c.call(admin, "POST", "/api/spaces/"+sp.ID+"/documents/"+d.ID+"/versions", mustJSON(t, v2), nil); status != 200 {
		t.Fatalf("version: %d %s", status, raw)
	}
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if status, raw := c.call(mem, "POST", "/api/spaces/"+sp.ID+"/documents/"+d.ID+"/download", "", nil); status != 200 {
				t.Errorf("download: %d %s", status, raw)
			}
		}()
	}
	wg.Wait()
	var got documents.Document
	if c.call(mem, "GET", "/api/spaces/"+sp.ID+"/documents/"+d.ID, "", &got); got.Downloads != 50 {
		t.Fatalf("downloads %d, want 50", got.Downloads)
	}
	// Bookmarks: the document twice (one counts), a post (not a document).
	for range 2 {
		if status, raw := c.call(mem, "PUT", "/api/bookmarks/document/"+d.ID, "", nil); status != 200 {
			t.Fatalf("bookmark: %d %s", status, raw)
		}
	}
	c.call(exp, "PUT", "/api/bookmarks/document/"+d.ID, "", nil)
	p := c.post(mem, sp.ID, `{"kind":"discussion","title":"Hi","body":"There"}`)
	c.call(mem, "PUT", "/api/bookmarks/post/"+p.ID, "", nil)
	c.settledItems()

	today := todayUTC()
	var r metrics.KpiReport
	if status, raw := c.call(admin, "GET", "/api/kpis?from="+today+"&to="+today, "", &r); status != 200 {
		t.Fatalf("kpis: %d %s", status, raw)
	}
	want := map[string]float64{"documents_produced": 3, "documents_per_staff": 2, "documents_bookmarked": 2}
	for _, card := range r.Cards {
		w, ok := want[card.Kpi]
		if !ok {
			continue
		}
		delete(want, card.Kpi)
		if !card.Available || card.Value == nil || *card.Value != w {
			t.Errorf("%s: %+v, want %v", card.Kpi, card, w)
		}
	}
	if len(want) != 0 {
		t.Errorf("cards missing: %v", want)
	}
	// Redelivered events count nothing more (the idempotent counting).
	c.redeliverAll(metrics.Consumer)
	c.call(admin, "GET", "/api/kpis?from="+today+"&to="+today, "", &r)
	for _, card := range r.Cards {
		if card.Kpi == "documents_produced" && (card.Value == nil || *card.Value != 3) {
			t.Errorf("after redelivery: %+v", card)
		}
	}
}

func todayUTC() string { return metrics.Day(time.Now()) }

func jsonEncode(w io.Writer, v any) error { return json.NewEncoder(w).Encode(v) }

// redeliverAll hands every event of the outbox to consumer's handlers again, as
// EventBridge's at-least-once delivery may.
func (c *community) redeliverAll(consumer string) {
	c.t.Helper()
	handlers := app.Handlers(config.Config{PublicURL: c.srv.URL}, c.st, mail.Outbox{Dir: c.outbox, From: "t@example.com"}, c.files)[consumer]
	out, err := c.tbl.DB.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(c.tbl.Name),
		FilterExpression: aws.String("#t = :t"), ExpressionAttributeNames: map[string]string{"#t": store.AttrType},
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": &types.AttributeValueMemberS{Value: bus.OutboxType}}})
	if err != nil {
		c.t.Fatal(err)
	}
	for _, it := range out.Items {
		var o struct{ EventId, Source, DetailType, Detail, OccurredAt string }
		if err := attributevalue.UnmarshalMap(it, &o); err != nil {
			c.t.Fatal(err)
		}
		h := handlers[o.DetailType]
		if h == nil {
			continue
		}
		at, _ := time.Parse(time.RFC3339Nano, o.OccurredAt)
		if err := h(context.Background(), eventtypes.Envelope{ID: o.EventId, Source: o.Source, DetailType: o.DetailType, Time: at, Detail: json.RawMessage(o.Detail)}); err != nil {
			c.t.Fatalf("redeliver %s: %v", o.DetailType, err)
		}
	}
}
