package newsletters

import (
	"html"
	"regexp"
	"strings"
	"testing"
)

var testLinks = Links{BaseURL: "https://community.example", Key: []byte("0123456789abcdef0123456789abcdef"),
	Untracked: []string{"https://community.example/api/newsletters/unsubscribe"}}

func hrefsOf(doc string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(doc, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// Every http(s) link (relative ones made absolute) becomes a signed redirect that opens
// back to it; mailto, anchors, the unsubscribe link and placeholders stay as they are.
func TestNewsletterRewriteLinks(t *testing.T) {
	doc := `<p><a href="https://example.org/a?x=1&amp;y=2">A</a> <a class="b" href='/posts/p_1'>B</a>
<a href="mailto:hi@example.org">mail</a> <a href="#top">top</a> <a href="__UNSUBSCRIBE_URL__">Unsubscribe</a>
<a href="https://community.example/api/newsletters/unsubscribe?t=abc">Unsubscribe</a> <a href="javascript:alert(1)">x</a></p>`
	out := RewriteLinks(doc, "nl_1", testLinks)
	got := hrefsOf(out)
	if len(got) != 7 {
		t.Fatalf("hrefs %q", got)
	}
	want := []struct {
		url   string
		visit bool
	}{{"https://example.org/a?x=1&y=2", false}, {"https://community.example/posts/p_1", true}}
	for i, w := range want {
		if !strings.HasPrefix(got[i], "https://community.example/api/n/") {
			t.Fatalf("link %d not rewritten: %q", i, got[i])
		}
		c, ok := testLinks.Open(strings.TrimPrefix(got[i], "https://community.example/api/n/"))
		if !ok || c.NewsletterID != "nl_1" || c.URL != w.url || c.Visit != w.visit {
			t.Errorf("link %d opens to %+v %v, want %s", i, c, ok, w.url)
		}
	}
	for _, left := range []string{"mailto:hi@example.org", "#top", "__UNSUBSCRIBE_URL__", "https://community.example/api/newsletters/unsubscribe?t=abc"} {
		if !strings.Contains(out, `"`+html.EscapeString(left)+`"`) && !strings.Contains(out, `"`+left+`"`) {
			t.Errorf("%s was rewritten: %s", left, out)
		}
	}
	if strings.Contains(out, "javascript:alert") && !strings.Contains(out, `href="javascript:alert(1)"`) {
		t.Error("a javascript: link was changed into something else")
	}
	if strings.Contains(out, "<img") {
		t.Error("an open-tracking image without open tracking")
	}
	// The same link gives every recipient the same token: nothing names the reader.
	if again := RewriteLinks(doc, "nl_1", testLinks); again != out {
		t.Error("a link's token differs between two renders")
	}
	// Rewriting twice changes nothing more.
	if twice := RewriteLinks(out, "nl_1", testLinks); twice != out {
		t.Error("a redirect was rewritten again")
	}
}

// With open tracking, one 1x1 image before </body>, whose token opens to the newsletter.
func TestNewsletterOpenImage(t *testing.T) {
	l := testLinks
	l.OpenTracking = true
	out := l.Rewrite("<html><body><p>Hi</p></body></html>", "nl_2")
	m := regexp.MustCompile(`<img src="https://community\.example/api/n/o/([^"/]+)\.gif" width="1" height="1" alt=""[^>]*></body>`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no image before </body>: %s", out)
	}
	if id, ok := l.Opened(m[1]); !ok || id != "nl_2" {
		t.Fatalf("image token opens to %q %v", id, ok)
	}
	if _, ok := l.Open(m[1]); ok {
		t.Error("an image token opens as a link")
	}
}

// A forged, damaged, re-signed or cross-purpose token opens to nothing.
func TestNewsletterForgedTokens(t *testing.T) {
	tok := testLinks.Token("nl_1", "https://example.org/")
	body, mac, _ := strings.Cut(tok, ".")
	other := Links{BaseURL: testLinks.BaseURL, Key: []byte("another key, another deployment..")}
	evil := b64.EncodeToString([]byte("nl_1\nhttps://evil.example/"))
	for name, bad := range map[string]string{
		"empty": "", "no mac": body, "other body": evil + "." + mac, "cut mac": body + "." + mac[:10],
		"other key": other.Token("nl_1", "https://example.org/"), "open token": testLinks.OpenToken("nl_1"),
		"not base64": "%%%." + mac, "too long": strings.Repeat("a", MaxLinkTokenBytes+1),
		"javascript": testLinks.Token("nl_1", "javascript:alert(1)"), "no newsletter": testLinks.Token("", "https://example.org/"),
	} {
		if c, ok := testLinks.Open(bad); ok {
			t.Errorf("%s: opens to %+v", name, c)
		}
	}
	if _, ok := (Links{}).Open(tok); ok {
		t.Error("a token opens without a key")
	}
	if c, ok := testLinks.Open(tok); !ok || c.URL != "https://example.org/" {
		t.Errorf("the real token: %+v %v", c, ok)
	}
}
