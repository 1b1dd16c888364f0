package tests

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// checkHeaders: the security headers of the API, and no CORS answer.
func checkHeaders(t *testing.T, name string, resp *http.Response) {
	t.Helper()
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Strict-Transport-Security"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("%s: no %s header", name, h)
		}
	}
	for h := range resp.Header {
		if strings.HasPrefix(h, "Access-Control-") {
			t.Errorf("%s: CORS header %s: %s", name, h, resp.Header.Get(h))
		}
	}
}

// The development pages answer only whoever holds the key the runtime printed; the
// development sign-in changes who signs in only by a POST of its own form; and they
// carry the security headers of the API.
func TestDevPagesAnswerOnlyTheRuntimesKey(t *testing.T) {
	t.Parallel()
	rt := startRuntime(t, "")
	for _, path := range []string{"/_dev/", "/_dev/outbox", "/_dev/sign-in", "/_dev/outbox?key=WRONGKEY", "/_dev/sign-in?key=" + strings.ToLower(rt.devKey(t))} {
		resp := raw(t, "GET", rt.URL+path, "", nil, "Origin", "http://evil.example")
		if resp.StatusCode != 403 || strings.Contains(bodyOf(resp), "<form") {
			t.Errorf("GET %s without the key: %d", path, resp.StatusCode)
		}
		checkHeaders(t, "GET "+path, resp)
	}
	resp := raw(t, "GET", rt.devURL(t, "/_dev/outbox"), "", nil)
	if resp.StatusCode != 200 || resp.Header.Get("Referrer-Policy") != "no-referrer" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("outbox with the key: %d %v", resp.StatusCode, resp.Header)
	}
	checkHeaders(t, "outbox", resp)

	// A GET names someone but changes nothing: the next development sign-in is still
	// the provider's default person.
	if resp := raw(t, "GET", rt.devURL(t, "/_dev/sign-in?email=mallory%40example.com"), "", nil); resp.StatusCode != 200 ||
		!strings.Contains(bodyOf(resp), `method="post"`) {
		t.Fatalf("sign-in page: %d", resp.StatusCode)
	}
	jar, _ := cookiejar.New(nil)
	visitor := &http.Client{Jar: jar}
	startDevSignIn(t, rt, visitor)
	var me struct{ Email string }
	if call(t, visitor, "GET", rt.URL+"/api/me", "", &me); me.Email != "jane.doe@example.com" {
		t.Fatalf("after a GET of the sign-in page the provider signed in %q, want the default jane.doe@example.com", me.Email)
	}
	// POSTs without the key, or from another site, are refused and queue nobody.
	form := func(v url.Values) []byte { return []byte(v.Encode()) }
	for name, r := range map[string]*http.Response{
		"no key": raw(t, "POST", rt.URL+"/_dev/sign-in", "application/x-www-form-urlencoded", form(url.Values{"email": {"mallory@example.com"}})),
		"wrong key": raw(t, "POST", rt.URL+"/_dev/sign-in", "application/x-www-form-urlencoded",
			form(url.Values{"email": {"mallory@example.com"}, "key": {"WRONGKEY"}})),
		"key in the address only": raw(t, "POST", rt.devURL(t, "/_dev/sign-in"), "application/x-www-form-urlencoded",
			form(url.Values{"email": {"mallory@example.com"}})),
		"another site": raw(t, "POST", rt.URL+"/_dev/sign-in", "application/x-www-form-urlencoded",
			form(url.Values{"email": {"mallory@example.com"}, "key": {rt.devKey(t)}}), "Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site"),
	} {
		if r.StatusCode != 403 {
			t.Errorf("POST /_dev/sign-in, %s: %d", name, r.StatusCode)
		}
	}
	// The form itself works.
	kim := devSignIn(t, rt, "kim@example.com")
	if call(t, kim, "GET", rt.URL+"/api/me", "", &me); me.Email != "kim@example.com" {
		t.Fatalf("development sign-in: %q", me.Email)
	}
	jar2, _ := cookiejar.New(nil)
	again := &http.Client{Jar: jar2}
	startDevSignIn(t, rt, again)
	if call(t, again, "GET", rt.URL+"/api/me", "", &me); me.Email != "jane.doe@example.com" {
		t.Fatalf("a refused POST queued %q", me.Email)
	}
}

// The in-process S3 serves only the runtime's own signed requests: unsigned, tampered
// or foreign ones get 403 and store nothing, while the web app's avatar, image and
// attachment uploads and downloads work through the runtime's presigned URLs.
func TestLocalS3ServesOnlyTheRuntimesOwnSignatures(t *testing.T) {
	t.Parallel()
	rt := startRuntime(t, "", "ADMIN_EMAILS=ada@example.com")
	ada := devSignIn(t, rt, "ada@example.com")
	var me struct{ ID string }
	call(t, ada, "GET", rt.URL+"/api/me", "", &me)

	// Nobody lists, reads, writes or deletes without a signature, and no CORS answer
	// lets another origin try.
	bucket := rt.URL + "/_s3/tribune-avatars/"
	for _, r := range []struct{ method, path string }{{"GET", ""}, {"GET", "avatars/"}, {"PUT", "avatars/" + me.ID + "/x.png"},
		{"DELETE", "avatars/x.png"}, {"OPTIONS", "avatars/x.png"}, {"GET", "?list-type=2"}} {
		resp := raw(t, r.method, bucket+r.path, "image/png", nil, "Origin", "http://evil.example", "Access-Control-Request-Method", "PUT")
		if resp.StatusCode != 403 {
			t.Errorf("unsigned %s %s: %d", r.method, r.path, resp.StatusCode)
		}
		checkHeaders(t, "S3 "+r.method, resp)
	}

	// Avatar: the upload URL works only as signed.
	var up struct{ UploadURL, Key, ContentType string }
	if status, body := call(t, ada, "POST", rt.URL+"/api/me/avatar/upload", fmt.Sprintf(`{"contentType":"image/png","size":%d}`, len(pngBytes)), &up); status != 200 {
		t.Fatalf("avatar upload: %d %s", status, body)
	}
	u, _ := url.Parse(up.UploadURL)
	unsigned := *u
	unsigned.RawQuery = ""
	tampered := *u
	q := u.Query()
	q.Set("X-Amz-Expires", "604800")
	tampered.RawQuery = q.Encode()
	for name, r := range map[string]*http.Response{
		"unsigned":            raw(t, "PUT", unsigned.String(), "image/png", pngBytes),
		"longer validity":     raw(t, "PUT", tampered.String(), "image/png", pngBytes),
		"another type":        raw(t, "PUT", up.UploadURL, "text/html", pngBytes),
		"another size":        raw(t, "PUT", up.UploadURL, "image/png", append(pngBytes, 0)),
		"another key":         raw(t, "PUT", strings.Replace(up.UploadURL, ".png?", "x.png?", 1), "image/png", pngBytes),
		"a download of it":    raw(t, "GET", up.UploadURL, "", nil),
		"a delete of its key": raw(t, "DELETE", up.UploadURL, "", nil),
	} {
		if r.StatusCode != 403 {
			t.Errorf("avatar upload, %s: %d %s", name, r.StatusCode, bodyOf(r))
		}
	}
	if status, body := call(t, ada, "PUT", rt.URL+"/api/me/avatar", fmt.Sprintf(`{"key":%q}`, up.Key), nil); status != 400 || !strings.Contains(body, "avatar_not_uploaded") {
		t.Fatalf("refused uploads stored the avatar: %d %s", status, body)
	}
	if r := raw(t, "PUT", up.UploadURL, up.ContentType, pngBytes, "Origin", rt.URL, "Sec-Fetch-Site", "same-origin"); r.StatusCode != 200 {
		t.Fatalf("the web app's presigned avatar upload: %d %s", r.StatusCode, bodyOf(r))
	}
	if status, body := call(t, ada, "PUT", rt.URL+"/api/me/avatar", fmt.Sprintf(`{"key":%q}`, up.Key), nil); status != 200 {
		t.Fatalf("avatar confirm: %d %s", status, body)
	}
	noFollow := &http.Client{Jar: ada.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	download := func(name, path string) {
		t.Helper()
		resp, err := noFollow.Get(rt.URL + path)
		if err != nil || resp.StatusCode != http.StatusFound {
			t.Fatalf("%s: %v %v", name, err, resp)
		}
		resp.Body.Close()
		got := raw(t, "GET", resp.Header.Get("Location"), "", nil)
		if got.StatusCode != 200 || bodyOf(got) != string(pngBytes) {
			t.Fatalf("%s through the presigned URL: %d", name, got.StatusCode)
		}
		checkHeaders(t, name, got)
		if csp := got.Header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
			t.Errorf("%s: a file is served with CSP %q, want one that runs no script", name, csp)
		}
	}
	download("avatar", "/api/members/"+me.ID+"/avatar")

	// Post image (an image belongs to the space it is uploaded for).
	var general struct{ ID string }
	if status, body := call(t, ada, "POST", rt.URL+"/api/spaces", `{"name":"General","visibility":"public"}`, &general); status != 201 {
		t.Fatalf("space: %d %s", status, body)
	}
	var img struct{ UploadURL, ContentType, URL string }
	if status, body := call(t, ada, "POST", rt.URL+"/api/uploads/images", fmt.Sprintf(`{"spaceId":%q,"contentType":"image/png","size":%d}`, general.ID, len(pngBytes)), &img); status != 200 {
		t.Fatalf("image upload: %d %s", status, body)
	}
	if r := raw(t, "PUT", img.UploadURL, "image/png", pngBytes); r.StatusCode != 200 {
		t.Fatalf("image PUT: %d", r.StatusCode)
	}
	path := img.URL
	if p, err := url.Parse(img.URL); err == nil && p.IsAbs() {
		path = p.Path
	}
	download("post image", path)

	// Ticket attachment, in a customer space.
	var space struct{ ID string }
	if status, body := call(t, ada, "POST", rt.URL+"/api/spaces", `{"name":"Acme support","visibility":"hidden","kind":"customer"}`, &space); status != 201 {
		t.Fatalf("space: %d %s", status, body)
	}
	var att struct {
		UploadURL  string
		Attachment json.RawMessage
	}
	if status, body := call(t, ada, "POST", rt.URL+"/api/uploads/attachments", fmt.Sprintf(`{"name":"log.png","contentType":"image/png","size":%d}`, len(pngBytes)), &att); status != 200 {
		t.Fatalf("attachment upload: %d %s", status, body)
	}
	if r := raw(t, "PUT", att.UploadURL, "image/png", pngBytes); r.StatusCode != 200 {
		t.Fatalf("attachment PUT: %d", r.StatusCode)
	}
	var ticket struct {
		ID          string
		Attachments []struct{ Key string }
	}
	if status, body := call(t, ada, "POST", rt.URL+"/api/spaces/"+space.ID+"/tickets",
		fmt.Sprintf(`{"subject":"Broken","product":"General","severity":"normal","body":"See the log.","attachments":[%s]}`, att.Attachment), &ticket); status != 201 {
		t.Fatalf("ticket: %d %s", status, body)
	}
	if len(ticket.Attachments) != 1 {
		t.Fatalf("ticket attachments: %+v", ticket)
	}
	download("ticket attachment", "/api/tickets/"+ticket.ID+"/attachment?key="+url.QueryEscape(ticket.Attachments[0].Key))
}

// The runtime refuses to listen where other machines reach it, unless told to.
func TestRuntimeListensOnLoopbackUnlessAllowed(t *testing.T) {
	t.Parallel()
	run := func(env ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, binary)
		cmd.Dir = ".."
		cmd.Env = append(cmd.Environ(), append([]string{"DATA_DIR=" + t.TempDir(), "SMTP_ADDR=", "DYNAMODB_ENDPOINT=http://127.0.0.1:9"}, env...)...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	for _, addr := range []string{":0", "0.0.0.0:0", "[::]:0"} {
		out, err := run("LISTEN_ADDR=" + addr)
		if err == nil || !strings.Contains(out, "is not a loopback address") || !strings.Contains(out, "ALLOW_NON_LOOPBACK") {
			t.Errorf("LISTEN_ADDR=%s: %v\n%s", addr, err, out)
		}
	}
	// Allowed: it goes past the check (and stops further on, at the unreachable
	// DynamoDB endpoint given here to keep the test short).
	out, _ := run("LISTEN_ADDR=0.0.0.0:0", "ALLOW_NON_LOOPBACK=1")
	if strings.Contains(out, "is not a loopback address") || !strings.Contains(out, "non-loopback address") {
		t.Errorf("ALLOW_NON_LOOPBACK=1 did not allow it:\n%s", out)
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:0", "[::1]:0"} {
		if out, _ := run("LISTEN_ADDR=" + addr); strings.Contains(out, "is not a loopback address") {
			t.Errorf("LISTEN_ADDR=%s refused:\n%s", addr, out)
		}
	}
}

// A choice on the development sign-in page is for the browser that made it, for its next
// sign-in: another browser is never signed in as the person chosen (here an admin), even
// while the choosing browser's flow failed, and a new choice replaces the older one.
func TestDevSignInChoiceIsOnlyForTheChoosingBrowser(t *testing.T) {
	t.Parallel()
	rt := startRuntime(t, "", "ADMIN_EMAILS=admin@example.com")
	newBrowser := func() *http.Client {
		jar, _ := cookiejar.New(nil)
		return &http.Client{Jar: jar}
	}
	choose := func(client *http.Client, email string) {
		t.Helper()
		resp, err := client.PostForm(rt.URL+"/_dev/sign-in", url.Values{"key": {rt.devKey(t)}, "email": {email}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	who := func(client *http.Client) string {
		t.Helper()
		var me struct{ Email string }
		call(t, client, "GET", rt.URL+"/api/me", "", &me)
		return me.Email
	}

	a := newBrowser()
	choose(a, "admin@example.com")
	// A starts its sign-in but never reaches the provider (the tab was closed).
	if status, body := call(t, a, "POST", rt.URL+"/api/auth/oidc/dev/start", `{}`, nil); status != 200 {
		t.Fatalf("start: %d %s", status, body)
	}
	b := newBrowser()
	startDevSignIn(t, rt, b)
	if got := who(b); got != "jane.doe@example.com" {
		t.Fatalf("another browser was signed in as %q, the person a first browser chose", got)
	}
	// A's next sign-in is the admin it chose.
	startDevSignIn(t, rt, a)
	if got := who(a); got != "admin@example.com" {
		t.Fatalf("the choosing browser was signed in as %q", got)
	}
	// Used once: the next browser gets the provider's default person.
	c := newBrowser()
	startDevSignIn(t, rt, c)
	if got := who(c); got != "jane.doe@example.com" {
		t.Fatalf("after the choice was used, a browser was signed in as %q", got)
	}
	// A new choice replaces the older one.
	d := newBrowser()
	choose(d, "kim@example.com")
	choose(d, "lee@example.com")
	startDevSignIn(t, rt, d)
	if got := who(d); got != "lee@example.com" {
		t.Fatalf("after two choices, signed in as %q, want the last", got)
	}
	e := newBrowser()
	startDevSignIn(t, rt, e)
	if got := who(e); got != "jane.doe@example.com" {
		t.Fatalf("a later browser was signed in as %q, one chosen earlier by another", got)
	}
}
