package content

import (
	"strings"
	"testing"
)

// The tester's example: "Before <style>.x{color:red}</style>" showed ".x{color:red}" on
// the page and in the excerpt. The content of script, style and the other elements
// whose content is not text of the page goes with their tags, in pages, excerpts and
// mentions; code keeps showing them as written.
func TestScriptAndStyleContentNeverShows(t *testing.T) {
	cases := []struct{ source, page string }{
		{"Before <style>.x{color:red}</style> after", "Before after"},
		{"Before <script>alert(1)</script>", "Before"},
		{"Before <SCRIPT type=\"text/javascript\">alert(1)</SCRIPT > after", "Before after"},
		{"a <textarea>tx</textarea> <title>ti</title> <noscript>ns</noscript> <iframe>if</iframe> <template>tp</template> b", "a b"},
		{"a <xmp>xm</xmp> <noembed>ne</noembed> <noframes>nf</noframes> b", "a b"},
		{"Before <style>\n.x{color:red}\n</style>\nafter", "Before after"},
		// The end tag inside emphasis, or the start tag inside it: the hidden part only.
		{"*a <style>x* y</style> z", "a z"},
		{"a <style>x **y</style> z** w", "a z w"},
		// A link or mention inside goes too.
		{"a <script>[link](https://example.com) @m_BBBBBBBBBBBBBBBBBBBBBBBBBB</script> b", "a b"},
		// Not closed: it ends with its paragraph, the next one shows.
		{"a <title>x\n\nnext", "a next"},
		// A stray end tag hides nothing.
		{"a </style> b", "a b"},
		// HTML blocks were left out whole already.
		{"<style>\n.x{}\n</style>\n\nafter", "after"},
	}
	for _, c := range cases {
		page, err := RenderMentions(c.source, map[string]string{"m_BBBBBBBBBBBBBBBBBBBBBBBBBB": "Bob"})
		if err != nil {
			t.Fatal(err)
		}
		if got := PlainText(page); got != c.page {
			t.Errorf("%q shows %q (page %q), want %q", c.source, got, page, c.page)
		}
		if got := Excerpt(c.source, nil, 200); got != c.page {
			t.Errorf("%q: excerpt %q, want %q", c.source, got, c.page)
		}
	}
	if got := Mentions("a <script>@m_BBBBBBBBBBBBBBBBBBBBBBBBBB</script> @m_AAAAAAAAAAAAAAAAAAAAAAAAAA"); len(got) != 1 || got[0] != "m_AAAAAAAAAAAAAAAAAAAAAAAAAA" {
		t.Errorf("mentions: %v", got)
	}
	// Code shows what was written.
	for _, src := range []string{"`<style>.x{}</style>`", "```\n<script>x</script>\n```"} {
		html, _ := Render(src)
		if !strings.Contains(html, "&lt;") || !strings.Contains(PlainText(html), ">x") && !strings.Contains(PlainText(html), ".x{}") {
			t.Errorf("%q: %q", src, html)
		}
	}
}
