package tests

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fetchFile follows one of the app's file routes (a 302 to a presigned URL of the local
// S3) and returns the presigned URL and what it serves.
func fetchFile(t *testing.T, client *http.Client, rt *runtime, path string) (string, int, string) {
	t.Helper()
	noFollow := &http.Client{Jar: client.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(rt.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("GET %s: %d, want a redirect to the file", path, resp.StatusCode)
	}
	signed := resp.Header.Get("Location")
	got := raw(t, "GET", signed, "", nil)
	return signed, got.StatusCode, bodyOf(got)
}

// Uploads are kept on disk under the data directory and survive a kill -9 and a clean
// stop of the runtime: an avatar, and a ticket attachment whose upload was answered
// just before the kill, both download after each restart. URLs signed before a restart
// stop working (each start has new S3 credentials); the app signs new ones.
func TestUploadsSurviveRestarts(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir()
	port := freePort(t)
	rt := startRuntimeOn(t, port, dataDir, "ADMIN_EMAILS=ada@example.com")
	ada := devSignIn(t, rt, "ada@example.com")
	var me struct{ ID string }
	call(t, ada, "GET", rt.URL+"/api/me", "", &me)

	// An avatar, confirmed.
	var up struct{ UploadURL, Key, ContentType string }
	if status, body := call(t, ada, "POST", rt.URL+"/api/me/avatar/upload", fmt.Sprintf(`{"contentType":"image/png","size":%d}`, len(pngBytes)), &up); status != 200 {
		t.Fatalf("avatar upload: %d %s", status, body)
	}
	if r := raw(t, "PUT", up.UploadURL, up.ContentType, pngBytes); r.StatusCode != 200 {
		t.Fatalf("avatar PUT: %d %s", r.StatusCode, bodyOf(r))
	}
	if status, body := call(t, ada, "PUT", rt.URL+"/api/me/avatar", fmt.Sprintf(`{"key":%q}`, up.Key), nil); status != 200 {
		t.Fatalf("avatar confirm: %d %s", status, body)
	}
	avatar := "/api/members/" + me.ID + "/avatar"
	signedBefore, status, body := fetchFile(t, ada, rt, avatar)
	if status != 200 || body != string(pngBytes) {
		t.Fatalf("avatar before the restart: %d", status)
	}

	// A customer space for the ticket, and an attachment uploaded: the runtime is
	// killed as soon as the upload is answered, before the ticket names it.
	var space struct{ ID string }
	if status, body := call(t, ada, "POST", rt.URL+"/api/spaces", `{"name":"Acme support","visibility":"hidden","kind":"customer"}`, &space); status != 201 {
		t.Fatalf("space: %d %s", status, body)
	}
	log := []byte("a log line the customer sends\n")
	var att struct {
		UploadURL  string
		Attachment json.RawMessage
	}
	if status, body := call(t, ada, "POST", rt.URL+"/api/uploads/attachments", fmt.Sprintf(`{"name":"log.txt","contentType":"text/plain","size":%d}`, len(log)), &att); status != 200 {
		t.Fatalf("attachment upload: %d %s", status, body)
	}
	if r := raw(t, "PUT", att.UploadURL, "text/plain", log); r.StatusCode != 200 {
		t.Fatalf("attachment PUT: %d %s", r.StatusCode, bodyOf(r))
	}
	rt.kill()

	rt = startRuntimeOn(t, port, dataDir, "ADMIN_EMAILS=ada@example.com")
	// A URL signed before the restart is refused (new credentials); the app signs anew.
	if r := raw(t, "GET", signedBefore, "", nil); r.StatusCode != 403 || !strings.Contains(bodyOf(r), "InvalidAccessKeyId") {
		t.Errorf("a download URL signed before the restart: %d %s, want 403 InvalidAccessKeyId", r.StatusCode, bodyOf(r))
	}
	if r := raw(t, "PUT", att.UploadURL, "text/plain", log); r.StatusCode != 403 {
		t.Errorf("an upload URL signed before the restart: %d", r.StatusCode)
	}
	ada = devSignIn(t, rt, "ada@example.com")
	var ticket struct {
		ID          string
		Attachments []struct{ Key string }
	}
	if status, body := call(t, ada, "POST", rt.URL+"/api/spaces/"+space.ID+"/tickets",
		fmt.Sprintf(`{"subject":"Broken","product":"General","severity":"normal","body":"See the log.","attachments":[%s]}`, att.Attachment), &ticket); status != 201 {
		t.Fatalf("after a kill -9, a ticket with the attachment uploaded just before: %d %s", status, body)
	}
	attachment := "/api/tickets/" + ticket.ID + "/attachment?key=" + url.QueryEscape(ticket.Attachments[0].Key)
	check := func(when string) {
		t.Helper()
		if _, status, body := fetchFile(t, ada, rt, avatar); status != 200 || body != string(pngBytes) {
			t.Errorf("avatar %s: %d %q", when, status, body)
		}
		if _, status, body := fetchFile(t, ada, rt, attachment); status != 200 || body != string(log) {
			t.Errorf("attachment %s: %d %q", when, status, body)
		}
	}
	check("after a kill -9")

	rt.stop()
	rt = startRuntimeOn(t, port, dataDir, "ADMIN_EMAILS=ada@example.com")
	ada = devSignIn(t, rt, "ada@example.com")
	check("after a clean stop")
	if _, err := os.Stat(filepath.Join(dataDir, "s3", "objects.bolt")); err != nil {
		t.Errorf("the files are not under the data directory: %v", err)
	}
}
