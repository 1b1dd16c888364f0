package content

import (
	"strings"
	"testing"
	"unicode/utf8"
)

const (
	annID = "m_ANNNNNNNNNNNNNNNNNNNNNNNNN"
	bobID = "m_BOBBBBBBBBBBBBBBBBBBBBBBBB"
	gonID = "m_GONEEEEEEEEEEEEEEEEEEEEEEE"
)

var excerptNames = map[string]string{annID: "Ann Smith", bobID: "Bob", gonID: ""}

// Excerpts are the text the page shows, as plain text: a table of Markdown inputs.
func TestExcerptIsThePlainTextOfThePage(t *testing.T) {
	cases := []struct{ name, source, want string }{
		{"emphasis", "**bold**, _em_ and ***both***", "bold, em and both"},
		{"link", `Read [the guide](https://example.com/guide "Guide") first`, "Read the guide first"},
		{"reference link", "See [docs][1].\n\n[1]: https://example.com", "See docs."},
		{"autolink", "Go to https://example.com/a?b=c now", "Go to https://example.com/a?b=c now"},
		{"image alone", "![a cat](https://example.com/cat.png)", ""},
		{"image and text", "![a cat](https://example.com/cat.png) Look at this", "Look at this"},
		{"linked image", "[![logo](https://example.com/l.png)](https://example.com) Home", "Home"},
		{"image alt with a mention", "![@" + annID + "](https://example.com/x.png) hi", "hi"},
		{"heading and list", "# Release\n\n- one\n- two\n\n1. first", "Release one two first"},
		{"quote", "> quoted text\n\nreply", "quoted text reply"},
		{"strikethrough", "~~old~~ new", "old new"},
		{"table", "| a | b |\n|---|---|\n| 1 | 2 |", "a b 1 2"},
		{"task list", "- [x] done\n- [ ] todo", "done todo"},
		{"inline raw HTML", `Hello <span onclick="x()">world</span> <b>again</b>`, "Hello world again"},
		{"HTML block", "<div>\n<b>secret layout</b>\n</div>\n\nText", "Text"},
		{"script block", "<script>alert(1)</script>\n\nSafe", "Safe"},
		{"HTML comment", "before <!-- hidden --> after", "before after"},
		{"entities decoded once", "Fish &amp; chips &lt;3 &#233;t&eacute; &amp;amp;", "Fish & chips <3 été &amp;"},
		{"backslash escapes", `\*not emphasis\* and \[not a link\]`, "*not emphasis* and [not a link]"},
		{"whitespace collapsed", "a\n\n\nb   c\td\u00a0\u00a0e", "a b c d e"},
		{"hard break", "line one  \nline two", "line one line two"},
		{"code span kept as the page shows it", "Use `x **y** &amp;` here", "Use x **y** &amp; here"},
		{"code block", "Run:\n\n```go\nfmt.Println(\"@" + annID + "\")\n```", `Run: fmt.Println("@` + annID + `")`},
		{"raw code element", "Type <code>&lt;b&gt;</code> for bold", "Type <b> for bold"},
		{"mentions by name", "Thanks @" + annID + " and @" + bobID + "!", "Thanks @Ann Smith and @Bob!"},
		{"mention of a deleted member", "cc @" + gonID, "cc @Deleted member"},
		{"mention in a link", "[ask @" + bobID + "](https://example.com)", "ask @Bob"},
		{"mention in code stays as written", "`@" + annID + "` is how it is stored", "@" + annID + " is how it is stored"},
		{"unicode", "Ça marche très bien — 日本語のテキスト 👩‍👩‍👧", "Ça marche très bien — 日本語のテキスト 👩‍👩‍👧"},
		{"empty", "   \n\n ", ""},
	}
	for _, c := range cases {
		if got := Excerpt(c.source, excerptNames, 280); got != c.want {
			t.Errorf("%s: Excerpt(%q) = %q, want %q", c.name, c.source, got, c.want)
		}
	}
}

// The excerpt of a stored page is the excerpt of its source, read only as far as the
// cut needs.
func TestPageExcerptIsTheExcerptOfTheSource(t *testing.T) {
	sources := []string{
		strings.Repeat("A *long* paragraph with @"+annID+" in it. ", 40),
		strings.Repeat("- item **one**\n- item `two`\n", 50),
		"# Title\n\n" + strings.Repeat("word", 100) + " end",
		"wor<em>ld</em> " + strings.Repeat("x", 300),
	}
	for _, src := range sources {
		page, err := RenderMentions(src, excerptNames)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{10, 80, 280} {
			if a, b := Excerpt(src, excerptNames, n), Cut(PlainText(page), n); a != b {
				t.Errorf("%.30q at %d: %q from the page read in part, %q from all of it", src, n, a, b)
			}
		}
	}
}

// A long text is cut where a line may break, with an ellipsis, within the limit.
func TestExcerptIsCutOnAWord(t *testing.T) {
	cases := []struct {
		name, source string
		max          int
		want         string
	}{
		{"words", "one two three four", 10, "one two…"},
		{"punctuation stays with its word", "hello, world and more", 9, "hello,…"},
		{"markdown does not count", "**one** **two** **three** **four**", 10, "one two…"},
		{"a mention is cut whole or not at all", "Hi @" + annID + " there", 10, "Hi @Ann…"},
		{"ideographs break between characters", "日本語のテキストです", 6, "日本語のテ…"},
		{"one long word is cut between characters", strings.Repeat("e\u0301", 10), 6, "e\u0301e\u0301…"},
		{"emoji sequences stay whole", "👍🏽👍🏽👍🏽👍🏽", 6, "👍🏽👍🏽…"},
		{"short enough", "exactly ten", 11, "exactly ten"},
	}
	for _, c := range cases {
		got := Excerpt(c.source, excerptNames, c.max)
		if got != c.want {
			t.Errorf("%s: Excerpt(%q, %d) = %q, want %q", c.name, c.source, c.max, got, c.want)
		}
		if n := utf8.RuneCountInString(got); n > c.max {
			t.Errorf("%s: %d runes, over %d", c.name, n, c.max)
		}
	}
	long := strings.Repeat("word ", 100)
	if got := Excerpt(long, nil, 280); utf8.RuneCountInString(got) > 280 || !strings.HasSuffix(got, "word…") {
		t.Fatalf("long text: %q", got)
	}
}

// Mentions show by name on the page; a member who no longer exists shows as "Deleted
// member", linked to nothing; an id the caller did not name stays as written.
func TestMentionsShowCurrentNamesAndDeletedMembers(t *testing.T) {
	page, err := RenderMentions("@"+annID+" @"+gonID+" @"+bobID, map[string]string{annID: "Ann <Smith>", gonID: ""})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<a href="/members/` + annID + `" rel="nofollow">@Ann &lt;Smith&gt;</a>`, "@Deleted member", "@" + bobID} {
		if !strings.Contains(page, want) {
			t.Fatalf("page %q lacks %q", page, want)
		}
	}
	if strings.Contains(page, "/members/"+gonID) {
		t.Fatalf("a deleted member is linked: %s", page)
	}
}

// BenchmarkExcerpt makes the excerpt of a post of the longest size (20,000
// characters of Markdown with mentions, links and code).
func BenchmarkExcerpt(b *testing.B) {
	para := "Some **bold** text with [a link](https://example.com/x) and @" + annID + " and `code` here. "
	source := strings.Repeat(para, 20000/len(para))
	b.ResetTimer()
	for b.Loop() {
		Excerpt(source, excerptNames, 280)
	}
}

// BenchmarkExcerptStatus is the same for a status (500 characters).
func BenchmarkExcerptStatus(b *testing.B) {
	para := "Some **bold** text with [a link](https://example.com/x) and @" + annID + " and `code` here. "
	source := strings.Repeat(para, 500/len(para))
	for b.Loop() {
		Excerpt(source, excerptNames, 280)
	}
}

// BenchmarkPageExcerpt makes the same excerpt from the rendered page, as streams do
// with the page stored with the post.
func BenchmarkPageExcerpt(b *testing.B) {
	para := "Some **bold** text with [a link](https://example.com/x) and @" + annID + " and `code` here. "
	page, _ := RenderMentions(strings.Repeat(para, 20000/len(para)), excerptNames)
	for b.Loop() {
		PageExcerpt(page, 280)
	}
}
