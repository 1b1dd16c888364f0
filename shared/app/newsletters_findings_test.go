package app_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tribune/shared/app"
	"tribune/shared/newsletters"
)

// Issue 13, tester 13's findings on the API (FINDINGS13.md 1, 2, 3, 11 and the French
// footer).

// Finding 1: a HEAD on a newsletter's link (what link scanners and previewers send) is
// answered like a GET, a 302 to the link, and counts nothing; the GET after it counts
// one click. The open image alike: a HEAD answers the GIF's headers and counts no open.
func TestNewsletterHeadCountsNothing(t *testing.T) {
	t.Parallel()
	e := newResultsEnv(t)
	hrefs := e.rewritten("nl_head", `<p><a href="https://example.org/page">Page</a></p>`)
	if len(hrefs) != 1 {
		t.Fatalf("hrefs %q", hrefs)
	}
	visitor := e.as("")
	resp, body := e.do(visitor, "HEAD", hrefs[0], "")
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "https://example.org/page" || body != "" {
		t.Fatalf("HEAD: %d %q %q", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	nl := e.st.Newsletters()
	if c, _ := nl.ResultCounters(context.Background(), "nl_head"); c.Clicks != 0 || c.Visits != 0 {
		t.Fatalf("a HEAD counted: %+v", c)
	}
	if resp, _ := e.do(visitor, "HEAD", hrefs[0]+"x", ""); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("HEAD of a damaged token: %d", resp.StatusCode)
	}
	if resp, _ := e.do(visitor, "GET", hrefs[0], ""); resp.StatusCode != http.StatusFound {
		t.Fatalf("GET: %d", resp.StatusCode)
	}
	if c, _ := nl.ResultCounters(context.Background(), "nl_head"); c.Clicks != 1 {
		t.Fatalf("clicks %d after a HEAD and a GET, want 1", c.Clicks)
	}
	if links, _ := nl.LinkClicks(context.Background(), "nl_head", 10); len(links) != 1 || links[0].Clicks != 1 {
		t.Fatalf("link clicks %+v, want one of 1", links)
	}

	admin := e.as("Ada", "admin")
	if resp, _ := e.do(admin, "PUT", "/api/newsletters/tracking", `{"openTracking":true}`); resp.StatusCode != 200 {
		t.Fatalf("tracking on: %d", resp.StatusCode)
	}
	links, err := app.NewsletterLinks(context.Background(), e.d)
	if err != nil {
		t.Fatal(err)
	}
	image := links.OpenURL("nl_head")
	resp, body = e.do(visitor, "HEAD", image, "")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/gif" || body != "" {
		t.Fatalf("HEAD of the image: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if c, _ := nl.ResultCounters(context.Background(), "nl_head"); c.Opens != 0 {
		t.Fatalf("a HEAD of the image counted %d opens", c.Opens)
	}
	if resp, _ := e.do(visitor, "GET", image, ""); resp.StatusCode != 200 {
		t.Fatalf("GET of the image: %d", resp.StatusCode)
	}
	if c, _ := nl.ResultCounters(context.Background(), "nl_head"); c.Opens != 1 {
		t.Fatalf("opens %d after a HEAD and a GET, want 1", c.Opens)
	}
}

// postForm posts body as contentType to address, without cookie, and returns the status
// and the body.
func postForm(t *testing.T, address, contentType string, body []byte) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", strings.Trim(address, "<>"), bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

// multipartForm is a multipart/form-data body of fields (as curl -F sends them), or of
// one file part when file is set.
func multipartForm(t *testing.T, fields map[string]string, file string) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if file != "" {
		f, _ := w.CreateFormFile("List-Unsubscribe", "one-click.txt")
		_, _ = f.Write([]byte(file))
	}
	_ = w.Close()
	return w.FormDataContentType(), b.Bytes()
}

// Finding 2: RFC 8058's one-click POST in either of its encodings, multipart/form-data
// (the SHOULD, what curl -F sends) and application/x-www-form-urlencoded (the MAY),
// unsubscribes; a multipart body that is not List-Unsubscribe=One-Click (another value,
// a file part, over 4 KiB) is 400 one_click_body and writes nothing.
func TestNewsletterOneClickMultipartAndURLEncoded(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	ann := c.as("Ann")
	c.subscribe(ann, map[string]bool{newsletters.ListDigest: true, newsletters.ListProduct: true, newsletters.ListEvents: true})
	aud := c.audienceOf()
	r := newsletters.Recipient{MemberID: "m_Ann", Email: "ann@example.com", Name: "Ann", Lang: "en"}
	_, product := aud.Unsubscribe(r, newsletters.ListProduct, "nl_mp")
	_, digest := aud.Unsubscribe(r, newsletters.ListDigest, "nl_ue")

	before := c.settledItems()
	for name, body := range map[string]func() (string, []byte){
		"another value": func() (string, []byte) {
			return multipartForm(t, map[string]string{"List-Unsubscribe": "Maybe"}, "")
		},
		"a file part": func() (string, []byte) { return multipartForm(t, nil, "One-Click") },
		"over 4 KiB": func() (string, []byte) {
			return multipartForm(t, map[string]string{"List-Unsubscribe": "One-Click", "pad": strings.Repeat("x", 5000)}, "")
		},
		"no boundary": func() (string, []byte) { return "multipart/form-data", []byte("List-Unsubscribe=One-Click") },
		"urlencoded, another value": func() (string, []byte) {
			return "application/x-www-form-urlencoded", []byte("List-Unsubscribe=Maybe")
		},
	} {
		ct, b := body()
		if status, raw := postForm(t, product["List-Unsubscribe"], ct, b); status != 400 || !strings.Contains(raw, "one_click_body") {
			t.Errorf("%s: %d %s", name, status, raw)
		}
	}
	if got := c.settledItems(); got != before {
		t.Fatalf("refused one-click bodies wrote %d items", got-before)
	}
	if ok, _ := aud.MaySend(context.Background(), newsletters.ListProduct, r); !ok {
		t.Fatal("a refused body unsubscribed")
	}

	ct, b := multipartForm(t, map[string]string{"List-Unsubscribe": "One-Click"}, "")
	if status, raw := postForm(t, product["List-Unsubscribe"], ct, b); status != 200 {
		t.Fatalf("multipart one-click: %d %s", status, raw)
	}
	if status, raw := postForm(t, digest["List-Unsubscribe"], "application/x-www-form-urlencoded", []byte(url.Values{"List-Unsubscribe": {"One-Click"}}.Encode())); status != 200 {
		t.Fatalf("urlencoded one-click: %d %s", status, raw)
	}
	var prefs newsletters.Preferences
	c.call(ann, "GET", "/api/me/newsletters", "", &prefs)
	for _, p := range prefs.Lists {
		want := p.List == newsletters.ListEvents
		if p.Subscribed != want || (!want && p.Source != newsletters.SourceOneClick) {
			t.Errorf("after the one-click posts: %+v", p)
		}
	}
	// The multipart token is spent like the urlencoded one.
	if status, _ := postForm(t, product["List-Unsubscribe"], ct, b); status != 409 {
		t.Fatalf("the multipart token again: %d, want 409", status)
	}
}
