package content

import (
	"strings"
	"testing"
	"time"
)

// An XSS corpus: none of it may survive rendering as active content.
var corpus = []string{
	`<script>alert(1)</script>`,
	`<img src=x onerror=alert(1)>`,
	`<a href="javascript:alert(1)">x</a>`,
	`[x](javascript:alert(1))`,
	`[x](JaVaScRiPt:alert(1))`,
	`[x](&#106;avascript:alert(1))`,
	`![x](javascript:alert(1))`,
	`<svg onload=alert(1)><circle r=1></svg>`,
	`<svg><script>alert(1)</script></svg>`,
	`<div style="background:url(javascript:alert(1))">x</div>`,
	`<p style="width: expression(alert(1))">x</p>`,
	`<iframe src="https://evil.example"></iframe>`,
	`<object data="x.swf"></object>`,
	`<form action="https://evil.example"><input name=x></form>`,
	`<math><mi xlink:href="javascript:alert(1)">x</mi></math>`,
	"```\n</code><script>alert(1)</script>\n```",
	`<<script>script>alert(1)<</script>/script>`,
	`[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
	`<a href="https://ok.example" onclick="alert(1)">x</a>`,
	`<details open ontoggle=alert(1)>`,
	"**unclosed [link](https://ok.example",
}

func TestXSSCorpusNeverSurvives(t *testing.T) {
	for _, src := range corpus {
		html, err := Render(src)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		lower := strings.ToLower(html)
		for _, bad := range []string{"<script", "onerror", "onload", "onclick", "ontoggle", "javascript:", "<svg", "<iframe",
			"<object", "<form", "style=", "expression(", "data:text/html", "<math"} {
			if strings.Contains(lower, bad) {
				t.Errorf("%q rendered %q, which contains %q", src, html, bad)
			}
		}
	}
}

func TestMarkdownStillWorks(t *testing.T) {
	html, err := Render("# Title\n\n**bold** and [a link](https://example.com) and `code`\n\n- item")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<h1", "<strong>bold</strong>", `href="https://example.com"`, `rel="nofollow noopener"`, `target="_blank"`, "<code>code</code>", "<li>item</li>"} {
		if !strings.Contains(html, want) {
			t.Errorf("rendered %q lacks %q", html, want)
		}
	}
}

func TestMentionsAndLinks(t *testing.T) {
	src := "Hi @m_AAAAAAAAAAAAAAAAAAAAAAAAAA and @m_BBBBBBBBBBBBBBBBBBBBBBBBBB, again @m_AAAAAAAAAAAAAAAAAAAAAAAAAA. See https://a.example and www.b.example"
	if got := Mentions(src); len(got) != 2 || got[0] != "m_AAAAAAAAAAAAAAAAAAAAAAAAAA" {
		t.Fatalf("Mentions = %v", got)
	}
	if n := Links(src); n != 2 {
		t.Fatalf("Links = %d", n)
	}
}

func TestMentionsShowNamesLiterally(t *testing.T) {
	id := "m_ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	html, err := RenderMentions("hi @"+id+" and @m_ZZZZZZZZZZZZZZZZZZZZZZZZZZ", map[string]string{id: "Ann](javascript:x) <b>*x*</b>"})
	if err != nil {
		t.Fatal(err)
	}
	want := `<a href="/members/` + id + `" rel="nofollow">@Ann](javascript:x) &lt;b&gt;*x*&lt;/b&gt;</a>`
	// The name is text inside the link: no second link, no markup, no javascript: href.
	if !strings.Contains(html, want) || strings.Count(html, "<a ") != 1 || !strings.Contains(html, "@m_ZZZZZZZZZZZZZZZZZZZZZZZZZZ") {
		t.Fatalf("mentions: %s", html)
	}
}

// Mentions are found by the Markdown parser: never inside code, whatever its form.
func TestMentionsAreNeverFoundInsideCode(t *testing.T) {
	const a, b = "m_AAAAAAAAAAAAAAAAAAAAAAAAAA", "m_BBBBBBBBBBBBBBBBBBBBBBBBBB"
	for src, want := range map[string][]string{
		"hi @" + a:                                         {a},
		"@" + a + " first, then **@" + b + "**":            {a, b},
		"- item @" + a + "\n- > quoted @" + b:              {a, b},
		"[hi @" + a + "](https://x.example)":               {a},
		"ends with @" + a + ".":                            {a},
		"```\n@" + a + "\n```":                             nil,
		"~~~go\nx := \"@" + a + "\"\n~~~\n\nand @" + b:     {b},
		"    indented @" + a + "\n\ntext":                  nil,
		"inline `@" + a + "` code":                         nil,
		"double ``say @" + a + " `x` `` code":              nil,
		"- list\n\n      ```\n      @" + a + "\n      ```": nil,
		"<pre>@" + a + "</pre>":                            nil,
		"mail@" + a:                                        nil,
		"@" + a + "_more":                                  nil,
		"@" + a + "X":                                      nil,
		"@m_aaaaaaaaaaaaaaaaaaaaaaaaaa":                    nil,
		`\@` + a:                                           nil,
	} {
		got := Mentions(src)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("Mentions(%q) = %v, want %v", src, got, want)
		}
	}
}

// Rendering shows names for mentions in text and leaves code exactly as written.
func TestMentionsInsideCodeStayLiteralWhenRendered(t *testing.T) {
	const a = "m_AAAAAAAAAAAAAAAAAAAAAAAAAA"
	names := map[string]string{a: "Ann"}
	src := "Hello @" + a + "\n\n```\nping @" + a + "\n```\n\n    also @" + a + "\n\nand `@" + a + "`, [see @" + a + "](https://x.example)"
	html, err := RenderMentions(src, names)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`Hello <a href="/members/` + a + `" rel="nofollow">@Ann</a>`,
		"<pre><code>ping @" + a + "\n</code></pre>",
		"<pre><code>also @" + a + "\n</code></pre>",
		"<code>@" + a + "</code>",
		// A mention inside a link's text is the name, without a second link.
		`>see @Ann</a>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("rendered %q lacks %q", html, want)
		}
	}
	if strings.Count(html, "@Ann") != 2 || strings.Count(html, "/members/") != 1 {
		t.Fatalf("names outside code only: %s", html)
	}
}

// Issue 9, round 2: raw HTML <code> and <pre> are code. A mention inside is literal
// (it notified through <code>, whose tags the sanitizer dropped), and the content of a
// <pre> shows instead of vanishing.
func TestRawHTMLCodeAndPreAreCode(t *testing.T) {
	const a, b = "m_AAAAAAAAAAAAAAAAAAAAAAAAAA", "m_BBBBBBBBBBBBBBBBBBBBBBBBBB"
	names := map[string]string{a: "Ann", b: "Bob"}
	for _, c := range []struct {
		src      string
		mentions []string
		html     []string // each must be in the page
	}{
		{"<code>@" + a + "</code>", nil, []string{"<code>@" + a + "</code>"}},
		{"see <CODE class=\"go\">x @" + a + "</Code > and @" + b, []string{b}, []string{"<code>x @" + a + "</code>", ">@Bob</a>"}},
		{"<pre>@" + a + "</pre>", nil, []string{"<pre><code>@" + a + "</code></pre>"}},
		{"<pre>\nping @" + a + "\n  if a &lt; b { <b>x</b> }\n</pre>\n\nthen @" + b, []string{b},
			[]string{"<pre><code>ping @" + a + "\n  if a &lt; b { x }\n</code></pre>", ">@Bob</a>"}},
		{"<pre><code class=\"language-go\">fmt.Println(\"@" + a + "\")\n</code></pre>", nil, []string{"<pre><code>fmt.Println(&#34;@" + a + "&#34;)\n</code></pre>"}},
		{"<code>\n@" + a + "\n</code>", nil, []string{"<pre><code>@" + a + "\n</code></pre>"}},
		{"a <pre>@" + a + "</pre> b", nil, []string{"<p>a <code>@" + a + "</code> b</p>"}},
		{"> quoted <code>x\n> @" + a + "</code>", nil, []string{"<code>x\n@" + a + "</code>"}},
		{"never closed <code>@" + a, nil, []string{"<code>@" + a + "</code>"}},
		{"<code/>@" + a, nil, []string{"<code>@" + a + "</code>"}},
		{"- item <code>@" + a + "</code>\n- @" + b, []string{b}, []string{"<code>@" + a + "</code>"}},
		// Backticks bind first: "<code>" inside a code span is text.
		{"`<code>` @" + a, []string{a}, []string{"<code>&lt;code&gt;</code>", ">@Ann</a>"}},
		{"<pre><script>alert(1)</script>kept</pre>", nil, []string{"<pre><code>kept</code></pre>"}},
	} {
		if got := Mentions(c.src); strings.Join(got, ",") != strings.Join(c.mentions, ",") {
			t.Errorf("Mentions(%q) = %v, want %v", c.src, got, c.mentions)
		}
		html, err := RenderMentions(c.src, names)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range c.html {
			if !strings.Contains(html, want) {
				t.Errorf("%q rendered %q, which lacks %q", c.src, html, want)
			}
		}
		if strings.Contains(html, "<script") || strings.Count(html, "/members/") != len(c.mentions) {
			t.Errorf("%q rendered %q", c.src, html)
		}
	}
}

// Issue 9, round 3: raw <code> and <pre> follow the HTML tokenizer's rules. A line
// break (or tab) after the tag name ends it as a space does, a quoted attribute value
// may hold '>', and a tag may span lines: the mention inside is code and notifies
// nobody, whatever form the tag takes. A mention in an image's description is none
// (the page shows no alt text holding it).
func TestRawHTMLCodeFollowsTheHTMLTokenizer(t *testing.T) {
	const a, b = "m_AAAAAAAAAAAAAAAAAAAAAAAAAA", "m_BBBBBBBBBBBBBBBBBBBBBBBBBB"
	names := map[string]string{a: "Ann", b: "Bob"}
	for _, c := range []struct {
		src      string
		mentions []string
		html     []string // each must be in the page
	}{
		// The tester's two findings.
		{"x <code\nclass=\"a\">@" + a + "</code> y", nil, []string{"<p>x <code>@" + a + "</code> y</p>"}},
		{"<code\nclass=x>\n@" + a + "\n</code>", nil, []string{"<code>\n@" + a + "\n</code>"}},
		// Every HTML white space and '/' end the tag name; attributes over several lines.
		{"x <code\tclass=a>@" + a + "</code>", nil, []string{"<code>@" + a + "</code>"}},
		{"x <pre\nclass=a\n  data-x=\"1\">@" + a + "</pre> and @" + b, []string{b}, []string{"<code>@" + a + "</code>", ">@Bob</a>"}},
		{"x <code/\nclass=a>@" + a + "</code>", nil, []string{"<code>@" + a + "</code>"}},
		{"x <CODE\nCLASS=a>@" + a + "</CODE\n>", nil, []string{"<code>@" + a + "</code>"}},
		// A quoted attribute value may hold '>': the tag ends after it.
		{"<code title=\"a>b\">@" + a + "</code> @" + b, []string{b}, []string{"<code>@" + a + "</code>", ">@Bob</a>"}},
		{"<code title='x>y'>@" + a + "</code>", nil, []string{"<code>@" + a + "</code>"}},
		// A line that starts with '>' is a block quote (Markdown's block structure comes
		// first): the tag is cut, the quote is text, and the mention shows and notifies.
		{"x <code\n>@" + a + "</code>", []string{a}, []string{"<blockquote>", ">@Ann</a>"}},
		// Nested elements of the same name: the outer one ends at its own closing tag.
		{"<code>a <code>b</code> @" + a + "</code> @" + b, []string{b}, []string{">@Bob</a>"}},
		// A "</code>" inside a comment does not close the element.
		{"<code>x <!-- </code> --> @" + a + "</code> @" + b, []string{b}, []string{">@Bob</a>"}},
		// Inside a blockquote and a list item, across lines.
		{"> see <code\n> class=x>@" + a + "</code>", nil, []string{"<code>@" + a + "</code>"}},
		{"- see <code\n  class=x>\n  @" + a + "</code>\n- @" + b, []string{b}, []string{">@Bob</a>"}},
		// Not a code tag: a longer name, or a tag the text ends inside of.
		{"<codex>@" + a + "</codex>", []string{a}, []string{">@Ann</a>"}},
		{"<code-x>@" + a, []string{a}, []string{">@Ann</a>"}},
		{"a <code class=\"x @" + a, []string{a}, []string{">@Ann</a>"}},
		// HTML blocks: several elements, then text.
		{"<pre class=x\n>\n@" + a + "\n</pre>", nil, []string{"<pre><code>@" + a + "\n</code></pre>"}},
		{"<code class=x>\n@" + a + "\n</code>\n<code>\n@" + b + "\n</code>", nil,
			[]string{"<pre><code>@" + a + "\n</code></pre>", "<pre><code>@" + b + "\n</code></pre>"}},
		// Image descriptions: not shown, so no mention (a link's text still is one).
		{"![@" + a + "](http://e.com/a.png)", nil, []string{`<img src="http://e.com/a.png"`}},
		{"![hi @" + a + " x](http://e.com/a.png) and @" + b, []string{b}, []string{">@Bob</a>"}},
		{"[![@" + a + "](http://e.com/a.png) @" + b + "](http://x.example)", []string{b}, []string{"@Bob</a>"}},
	} {
		if got := Mentions(c.src); strings.Join(got, ",") != strings.Join(c.mentions, ",") {
			t.Errorf("Mentions(%q) = %v, want %v", c.src, got, c.mentions)
		}
		html, err := RenderMentions(c.src, names)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range c.html {
			if !strings.Contains(html, want) {
				t.Errorf("%q rendered %q, which lacks %q", c.src, html, want)
			}
		}
		// What notifies is what shows: a name on the page for each mention, no other.
		shown := strings.Count(html, "@Ann") + strings.Count(html, "@Bob")
		if shown != len(c.mentions) {
			t.Errorf("%q shows %d names for %d mentions: %s", c.src, shown, len(c.mentions), html)
		}
	}
}

// A paragraph of unterminated start tags is not read to its end from each of them (it
// took seconds): a start tag longer than maxStartTag is no code, and the text after it
// is text.
func TestRawCodeStartTagsAreBounded(t *testing.T) {
	const a = "m_AAAAAAAAAAAAAAAAAAAAAAAAAA"
	long := "<code title=\"" + strings.Repeat("x", maxStartTag) + "\">@" + a + "</code>"
	if got := Mentions(long); len(got) != 1 {
		t.Errorf("a start tag over %d bytes was taken for code: %v", maxStartTag, got)
	}
	short := "<code title=\"" + strings.Repeat("x", maxStartTag-20) + "\">@" + a + "</code>"
	if got := Mentions(short); len(got) != 0 {
		t.Errorf("a start tag under %d bytes was not taken for code: %v", maxStartTag, got)
	}
	for _, body := range []string{strings.Repeat("<code title='x\n", 1300), strings.Repeat("<code\n", 3300), strings.Repeat("<pre title=\"", 1600)} {
		start := time.Now()
		Mentions(body)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%q… (%d bytes) took %v", body[:14], len(body), d)
		}
	}
}
