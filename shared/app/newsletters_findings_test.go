package app_test

import (
	"context"
	"net/http"
	"testing"

	"tribune/shared/app"
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
