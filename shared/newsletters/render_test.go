package newsletters

import (
	"context"
	"strings"
	"testing"
)

func writing(t *testing.T) Writing {
	t.Helper()
	w, err := Writing{Name: "November", DefaultLang: "en", Versions: []Version{
		{Lang: "en", Subject: "News for {{first_name}}", Preheader: "What happened", Body: "Hello **{{first_name}}**!\n\n<script>alert(1)</script>[x](javascript:alert(1))"},
		{Lang: "fr", Subject: "Les nouvelles, {{first_name}}", Body: "Bonjour {{ first_name }} !", FirstNameFallback: "l’ami"},
	}}.Clean()
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// The recipient's language picks the version (a regional tag its language's), else the
// default language's; {{first_name}} is the first word of the name, else the version's
// fallback, else the language's word; the body is sanitized like a post, and a name is
// never read as HTML.
func TestRenderPicksTheVersionAndPersonalises(t *testing.T) {
	t.Parallel()
	c := &Composer{PublicURL: "https://community.example"}
	n := Newsletter{ID: "n1", Writing: writing(t)}
	ctx := context.Background()
	cases := []struct {
		r                   Recipient
		subject, body, text string
	}{
		{Recipient{Name: "Ann <b>Lee</b>", Lang: "en"}, "News for Ann", "Hello <strong>Ann</strong>!", "Hello Ann!"},
		{Recipient{Name: "<i>Bob", Lang: "de"}, "News for <i>Bob", "Hello <strong>&lt;i&gt;Bob</strong>!", ""},
		{Recipient{Name: "Zoé Martin", Lang: "fr-CA"}, "Les nouvelles, Zoé", "Bonjour Zoé !", "Bonjour Zoé !"},
		{Recipient{Name: "", Lang: "fr"}, "Les nouvelles, l’ami", "Bonjour l’ami !", ""},
		{Recipient{Name: " ", Lang: "en"}, "News for there", "Hello <strong>there</strong>!", ""},
	}
	for _, tc := range cases {
		got, err := c.Render(ctx, n, tc.r)
		if err != nil {
			t.Fatal(err)
		}
		if got.Subject != tc.subject || !strings.Contains(got.HTML, tc.body) || (tc.text != "" && !strings.Contains(got.Text, tc.text)) {
			t.Errorf("%+v: subject %q, html %s\ntext %s", tc.r, got.Subject, got.HTML, got.Text)
		}
		if strings.Contains(got.HTML, "<script") || strings.Contains(got.HTML, "javascript:") || strings.Contains(got.HTML, "{{") {
			t.Errorf("unsafe or unreplaced HTML: %s", got.HTML)
		}
		if !strings.Contains(got.HTML, UnsubscribeToken) || !strings.Contains(got.Text, UnsubscribeToken) {
			t.Errorf("no place for the unsubscribe link")
		}
		done := got.WithUnsubscribe("https://community.example/u?t=a&b", map[string]string{"List-Unsubscribe": "<https://community.example/u?t=a&b>"})
		if !strings.Contains(done.HTML, `href="https://community.example/u?t=a&amp;b"`) || !strings.Contains(done.Text, "https://community.example/u?t=a&b") ||
			done.Headers["List-Unsubscribe"] == "" || strings.Contains(done.HTML, UnsubscribeToken) {
			t.Errorf("unsubscribe link not in place:\n%s", done.HTML)
		}
	}
}

// The branding shows; a colour or logo that is not one is left out, not written into a
// style or an address.
func TestRenderBrandingIsSafe(t *testing.T) {
	t.Parallel()
	c := &Composer{PublicURL: "https://community.example", Branding: func(context.Context) (Branding, error) {
		return Branding{CommunityName: "Acme & Co", Color: "red;background:url(x)", LogoURL: "javascript:alert(1)", Footer: "1 Main St"}, nil
	}}
	got, err := c.Render(context.Background(), Newsletter{ID: "n1", Writing: writing(t)}, Recipient{Name: "Ann", Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got.HTML, "Acme &amp; Co") || !strings.Contains(got.HTML, "1 Main St") || strings.Contains(got.HTML, "url(x)") ||
		strings.Contains(got.HTML, "javascript") || !strings.Contains(got.HTML, DefaultBranding.Color) {
		t.Errorf("branding: %s", got.HTML)
	}
}

// "Read it in your browser" links to the archive only for a newsletter that will be
// there (marked for it, not a digest's issue).
func TestRenderLinksTheArchiveOnlyWhenItWillBeThere(t *testing.T) {
	t.Parallel()
	c := &Composer{PublicURL: "https://community.example"}
	w := writing(t)
	for _, tc := range []struct {
		archive bool
		digest  string
		want    bool
	}{{false, "", false}, {true, "", true}, {true, Weekly, false}} {
		w.Archive = tc.archive
		got, err := c.Render(context.Background(), Newsletter{ID: "n1", Writing: w, DigestID: tc.digest}, Recipient{Name: "Ann", Lang: "en"})
		if err != nil {
			t.Fatal(err)
		}
		link := "https://community.example/newsletters/archive/n1"
		if strings.Contains(got.HTML, link) != tc.want || strings.Contains(got.Text, link) != tc.want {
			t.Errorf("archive %v digest %q: link shown %v", tc.archive, tc.digest, !tc.want)
		}
	}
}

// Finding 16 (FINDINGS13): the mail's text part starts with the community's name, no
// stray space; the body is readable text, not the Markdown as typed: no "**", "[", "]("
// nor "#"; each link is its text and its absolute address (a relative one under the
// community's address); an autolink shows its address once; lists, quotes and code
// keep their shape; the first name is in place, as written (not escaped).
func TestRenderTextPartIsReadableText(t *testing.T) {
	t.Parallel()
	w, err := Writing{Name: "Text", DefaultLang: "en", Versions: []Version{{Lang: "en", Subject: "S", Body: "Hello **{{first_name}}**, see [home](/) and " +
		"[the square](/spaces/s_abc?tab=ideas) or [docs](https://docs.example/a_b), <https://x.example/>.\n\n" +
		"# News & more\n\n- one\n- *two*\n\n1. first\n2. second\n\n> Quoted\n> text\n\n```\ngo test\n\n  ./...\n```\n\nBye."}}}.Clean()
	if err != nil {
		t.Fatal(err)
	}
	c := &Composer{PublicURL: "https://community.example/", Branding: func(context.Context) (Branding, error) {
		return Branding{CommunityName: "Acme", Color: "#000000"}, nil
	}}
	got, err := c.Render(context.Background(), Newsletter{ID: "n1", Writing: w}, Recipient{Name: "Ann&Bo Lee", Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	want := "Acme\n\n" +
		"Hello Ann&Bo, see home (https://community.example/) and the square (https://community.example/spaces/s_abc?tab=ideas) or " +
		"docs (https://docs.example/a_b), https://x.example/.\n\n" +
		"News & more\n\n- one\n- two\n\n1. first\n2. second\n\n> Quoted text\n\ngo test\n\n  ./...\n\nBye.\n\n-- \n"
	if !strings.HasPrefix(got.Text, want) {
		t.Errorf("text:\n%s\nwant it to start:\n%s", got.Text, want)
	}
	for _, bad := range []string{"**", "](", "[home", "# ", "&amp;", "\n\n\n"} {
		if strings.Contains(got.Text, bad) {
			t.Errorf("the text holds %q:\n%s", bad, got.Text)
		}
	}
}
