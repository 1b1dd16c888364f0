package locals3_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"tribune/shared/blob"
	"tribune/shared/blob/locals3"
	"tribune/shared/errs"
)

const region = "us-east-1"

var own = aws.Credentials{AccessKeyID: "TRIBUNELOCAL", SecretAccessKey: "a-secret-only-the-runtime-knows"}

type fixture struct {
	srv   *httptest.Server
	files *blob.Store
	clock time.Duration // added to the server's clock
}

func newFixture(t *testing.T) *fixture {
	f := &fixture{}
	v := &locals3.Verifier{Credentials: own, Region: region,
		Next: http.StripPrefix("/_s3", gofakes3.New(s3mem.New(), gofakes3.WithAutoBucket(true)).Server()),
		Now:  func() time.Time { return time.Now().Add(f.clock) }}
	mux := http.NewServeMux()
	mux.Handle("/_s3/", v)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	f.files = files(f.srv.URL, own)
	return f
}

func files(base string, creds aws.Credentials) *blob.Store {
	cfg := aws.Config{Region: region, Credentials: credentials.StaticCredentialsProvider{Value: creds}}
	return blob.New(cfg, "bucket", base+"/_s3")
}

func do(t *testing.T, method, u, contentType string, body []byte) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Origin", "http://evil.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for k := range resp.Header {
		if strings.HasPrefix(k, "Access-Control-") {
			t.Errorf("%s %s answered with CORS header %s: %s", method, u, k, resp.Header.Get(k))
		}
	}
	return resp, string(b)
}

func (f *fixture) stored(t *testing.T, key string) bool {
	t.Helper()
	_, _, err := f.files.Head(context.Background(), key)
	if errors.Is(err, errs.ErrNotFound) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	return true
}

var png = []byte("\x89PNG\r\n\x1a\nnot really an image")

// The runtime's own presigned upload and download and its own header-signed calls
// (HEAD, DELETE) are served.
func TestOwnSignaturesAreServed(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	put, err := f.files.PresignPut(ctx, "avatars/m1/a.png", "image/png", int64(len(png)), 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if resp, body := do(t, "PUT", put, "image/png", png); resp.StatusCode != 200 {
		t.Fatalf("own presigned PUT: %d %s", resp.StatusCode, body)
	}
	size, typ, err := f.files.Head(ctx, "avatars/m1/a.png")
	if err != nil || size != int64(len(png)) || typ != "image/png" {
		t.Fatalf("own header-signed HEAD: %d %q %v", size, typ, err)
	}
	get, _ := f.files.PresignGet(ctx, "avatars/m1/a.png", 5*time.Minute)
	if resp, body := do(t, "GET", get, "", nil); resp.StatusCode != 200 || body != string(png) {
		t.Fatalf("own presigned GET: %d %q", resp.StatusCode, body)
	}
	if err := f.files.Delete(ctx, "avatars/m1/a.png"); err != nil || f.stored(t, "avatars/m1/a.png") {
		t.Fatalf("own header-signed DELETE: %v", err)
	}
}

// Anything not signed by the runtime's credentials, or changed after signing, or out of
// its validity, is refused with 403 and stores nothing.
func TestUnsignedTamperedAndExpiredRequestsAreRefused(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	// Something to try to read, list and delete.
	put, _ := f.files.PresignPut(ctx, "attachments/m1/secret.txt", "text/plain", 6, 5*time.Minute)
	if resp, _ := do(t, "PUT", put, "text/plain", []byte("secret")); resp.StatusCode != 200 {
		t.Fatal("setup upload refused")
	}
	base := f.srv.URL + "/_s3/bucket/"
	refused := func(name, method, u, contentType string, body []byte, code string) {
		t.Helper()
		resp, text := do(t, method, u, contentType, body)
		if resp.StatusCode != 403 || !strings.Contains(text, "<Code>"+code+"</Code>") {
			t.Errorf("%s: %d %s, want 403 %s", name, resp.StatusCode, text, code)
		}
	}
	refused("unsigned list", "GET", base, "", nil, "AccessDenied")
	refused("unsigned read", "GET", base+"attachments/m1/secret.txt", "", nil, "AccessDenied")
	refused("unsigned upload", "PUT", base+"avatars/evil.png", "image/png", png, "AccessDenied")
	refused("unsigned delete", "DELETE", base+"attachments/m1/secret.txt", "", nil, "AccessDenied")
	refused("CORS preflight", "OPTIONS", base+"avatars/evil.png", "", nil, "AccessDenied")

	up, _ := f.files.PresignPut(ctx, "avatars/m2/b.png", "image/png", int64(len(png)), 5*time.Minute)
	tamper := func(u string, change func(q url.Values, path string) string) string {
		p, _ := url.Parse(u)
		q := p.Query()
		p.Path = change(q, p.Path)
		p.RawQuery = q.Encode()
		return p.String()
	}
	refused("another key", "PUT", tamper(up, func(q url.Values, path string) string { return strings.Replace(path, "b.png", "c.png", 1) }),
		"image/png", png, "SignatureDoesNotMatch")
	refused("another content type", "PUT", up, "text/html", png, "SignatureDoesNotMatch")
	refused("another size", "PUT", up, "image/png", append(png, 'x'), "SignatureDoesNotMatch")
	refused("longer validity", "PUT", tamper(up, func(q url.Values, path string) string { q.Set("X-Amz-Expires", "604800"); return path }),
		"image/png", png, "SignatureDoesNotMatch")
	refused("forged signature", "PUT", tamper(up, func(q url.Values, path string) string {
		q.Set("X-Amz-Signature", strings.Repeat("0", 64))
		return path
	}), "image/png", png, "SignatureDoesNotMatch")
	read, _ := f.files.PresignGet(ctx, "attachments/m1/secret.txt", 5*time.Minute)
	refused("a download turned into a delete", "DELETE", read, "", nil, "SignatureDoesNotMatch")
	// Anyone can sign with the well-known local keys or any other: only the runtime's are valid.
	other, _ := files(f.srv.URL, aws.Credentials{AccessKeyID: "local", SecretAccessKey: "local"}).PresignPut(ctx, "avatars/m2/b.png", "image/png", int64(len(png)), 5*time.Minute)
	refused("someone else's key", "PUT", other, "image/png", png, "InvalidAccessKeyId")
	stolen, _ := files(f.srv.URL, aws.Credentials{AccessKeyID: own.AccessKeyID, SecretAccessKey: "guessed"}).PresignPut(ctx, "avatars/m2/b.png", "image/png", int64(len(png)), 5*time.Minute)
	refused("the runtime's key id with a wrong secret", "PUT", stolen, "image/png", png, "SignatureDoesNotMatch")

	// Expiry: five minutes and one second later, the URL is dead.
	f.clock = 5*time.Minute + time.Second
	refused("expired upload", "PUT", up, "image/png", png, "AccessDenied")
	refused("expired download", "GET", read, "", nil, "AccessDenied")
	// Signed too far in the future.
	f.clock = -20 * time.Minute
	refused("signed in the future", "PUT", up, "image/png", png, "RequestTimeTooSkewed")
	f.clock = 0

	// A header-signed request is bound to its path and its body.
	sign := func(method, path string, body []byte) *http.Request {
		sum := sha256.Sum256(body)
		req, _ := http.NewRequest(method, f.srv.URL+path, bytes.NewReader(body))
		req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
		if err := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }).SignHTTP(ctx, own, req, hex.EncodeToString(sum[:]), "s3", region, time.Now()); err != nil {
			t.Fatal(err)
		}
		return req
	}
	send := func(name string, req *http.Request, status int) {
		t.Helper()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != status {
			t.Errorf("%s: %d, want %d", name, resp.StatusCode, status)
		}
	}
	moved := sign("DELETE", "/_s3/bucket/avatars/m2/none.png", nil)
	moved.URL.Path = "/_s3/bucket/attachments/m1/secret.txt"
	send("a signed delete sent to another key", moved, 403)
	swapped := sign("PUT", "/_s3/bucket/avatars/m2/d.png", png)
	swapped.Body = io.NopCloser(bytes.NewReader([]byte("<script>alert(1)</script>")))
	swapped.ContentLength = int64(len("<script>alert(1)</script>"))
	send("a signed upload with another body", swapped, 400)
	late := sign("DELETE", "/_s3/bucket/attachments/m1/secret.txt", nil)
	f.clock = 16 * time.Minute
	send("a signed delete replayed 16 minutes later", late, 403)
	f.clock = 0

	for _, key := range []string{"avatars/evil.png", "avatars/m2/b.png", "avatars/m2/c.png", "avatars/m2/d.png"} {
		if f.stored(t, key) {
			t.Errorf("%s was stored by a refused request", key)
		}
	}
	if !f.stored(t, "attachments/m1/secret.txt") {
		t.Error("a refused delete deleted the object")
	}
}

// The file store keeps what was uploaded across a restart (a new store on the same
// file, with the new credentials a restarted runtime makes): the runtime's new URLs
// read it, with its size and type; the URLs signed before the restart are dead.
func TestFilesSurviveARestart(t *testing.T) {
	path := t.TempDir() + "/s3/objects.bolt"
	serve := func(creds aws.Credentials) (*locals3.Files, *blob.Store) {
		t.Helper()
		store, err := locals3.OpenFiles(path)
		if err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		mux.Handle("/_s3/", &locals3.Verifier{Credentials: creds, Region: region, Next: http.StripPrefix("/_s3", store.Server())})
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)
		return store, files(srv.URL, creds)
	}
	ctx := context.Background()
	first, before := serve(own)
	put, _ := before.PresignPut(ctx, "attachments/m1/log.txt", "text/plain", 5, 5*time.Minute)
	if resp, body := do(t, "PUT", put, "text/plain", []byte("hello")); resp.StatusCode != 200 {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	oldGet, _ := before.PresignGet(ctx, "attachments/m1/log.txt", 5*time.Minute)
	// Held open, the file is not a second process's.
	if _, err := locals3.OpenFiles(path); !errors.Is(err, locals3.ErrFilesInUse) {
		t.Fatalf("a second open of a store in use: %v, want ErrFilesInUse", err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	next := aws.Credentials{AccessKeyID: "TRIBUNELOCALNEXT", SecretAccessKey: "the-next-start's-secret"}
	second, after := serve(next)
	defer second.Close()
	size, typ, err := after.Head(ctx, "attachments/m1/log.txt")
	if err != nil || size != 5 || typ != "text/plain" {
		t.Fatalf("after a restart, HEAD: %d %q %v", size, typ, err)
	}
	get, _ := after.PresignGet(ctx, "attachments/m1/log.txt", 5*time.Minute)
	if resp, body := do(t, "GET", get, "", nil); resp.StatusCode != 200 || body != "hello" {
		t.Fatalf("after a restart, a new download URL: %d %q", resp.StatusCode, body)
	}
	oldGet = strings.Replace(oldGet, strings.SplitN(oldGet, "/_s3/", 2)[0], strings.SplitN(get, "/_s3/", 2)[0], 1)
	if resp, body := do(t, "GET", oldGet, "", nil); resp.StatusCode != 403 || !strings.Contains(body, "InvalidAccessKeyId") {
		t.Fatalf("after a restart, a URL signed before it: %d %s, want 403 InvalidAccessKeyId", resp.StatusCode, body)
	}
}
