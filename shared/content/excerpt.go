package content

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
	"golang.org/x/net/html"
)

// Excerpts are what streams, lists, notifications and emails quote of a text: the text
// a reader sees on the page, as plain text. They are made from the page itself (the
// Markdown rendered and sanitized as for the page, mentions shown by name), read back
// with the HTML tokenizer (golang.org/x/net/html), so an excerpt can never show what
// the page does not: no Markdown syntax ("**", link or image syntax), nothing of raw HTML
// that the page leaves out, entities decoded exactly once (the tokenizer decodes what
// the renderer escaped; "&amp;amp;" in the source reads "&amp;"), an image not at all
// (its description is not shown on the page either, and a mention there is none).
// Whitespace is collapsed (blocks, list items, table cells and line breaks are one
// space apart), and a long text is cut where a line may break (Unicode line breaking,
// UAX #14, through github.com/rivo/uniseg: after a space, between two ideographs, never
// inside a word nor before its punctuation) and ends with "…".

// Excerpt returns the start of a Markdown text as plain text of at most maxRunes
// characters (runes, "…" included), its mentions shown "@Name" from names as
// RenderMentions shows them. maxRunes below 2 is taken as 2. It renders the whole text
// (some 5 ms for 20,000 characters): where the page is at hand, PageExcerpt reads only
// its start.
func Excerpt(source string, names map[string]string, maxRunes int) string {
	page, err := RenderMentions(source, names)
	if err != nil {
		// Rendering into memory does not fail; if it ever did, an empty excerpt says
		// nothing wrong.
		return ""
	}
	return PageExcerpt(page, maxRunes)
}

// PageExcerpt is Excerpt of a page already rendered (RenderMentions' output): its text
// is read only as far as the cut needs.
func PageExcerpt(page string, maxRunes int) string {
	maxRunes = max(maxRunes, 2)
	return Cut(plainText(page, maxRunes+1), maxRunes)
}

// blocks are the elements a browser shows apart from their neighbours: their text is
// one space away from the text around them.
var blocks = map[string]bool{"p": true, "br": true, "hr": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"ul": true, "ol": true, "li": true, "dl": true, "dt": true, "dd": true, "blockquote": true, "pre": true, "div": true,
	"table": true, "thead": true, "tbody": true, "tfoot": true, "tr": true, "td": true, "th": true, "caption": true,
	"section": true, "article": true, "header": true, "footer": true, "figure": true, "figcaption": true, "details": true, "summary": true}

// PlainText is the text of sanitized HTML as a reader sees it, on one line: the text
// of every element, entities decoded once, tags, comments and the content of script
// and style left out, blocks one space apart, runs of white space made one space.
func PlainText(page string) string { return plainText(page, -1) }

// plainText is PlainText, read only until it holds more than limit runes (all of it
// when limit is negative).
func plainText(page string, limit int) string {
	z := html.NewTokenizer(strings.NewReader(page))
	var b strings.Builder
	runes, space, hidden := 0, false, 0
	write := func(text string) {
		for _, r := range text {
			if unicode.IsSpace(r) {
				space = runes > 0
				continue
			}
			if space {
				b.WriteByte(' ')
				runes, space = runes+1, false
			}
			b.WriteRune(r)
			runes++
		}
	}
	for limit < 0 || runes <= limit {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if hidden == 0 {
				write(string(z.Text()))
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch tag := string(name); {
			case tag == "script" || tag == "style" || tag == "template":
				if tt == html.StartTagToken {
					hidden++
				} else if tt == html.EndTagToken && hidden > 0 {
					hidden--
				}
			case blocks[tag]:
				write(" ")
			}
		}
	}
	return b.String()
}

// Cut returns text whole if it has at most maxRunes runes, else its longest start that
// ends where a line may break (UAX #14) and holds at most maxRunes-1 runes, trailing
// white space left out, followed by "…". A first word longer than that is cut between
// two user-perceived characters (grapheme clusters), never inside one (an emoji with
// its modifiers, a letter with its accents).
func Cut(text string, maxRunes int) string {
	maxRunes = max(maxRunes, 2)
	if utf8.RuneCountInString(text) <= maxRunes {
		return text
	}
	room := maxRunes - 1 // the ellipsis takes one
	end, runes := 0, 0
	for rest, state := text, -1; rest != ""; {
		var segment string
		segment, rest, _, state = uniseg.FirstLineSegmentInString(rest, state)
		n := utf8.RuneCountInString(strings.TrimRightFunc(segment, unicode.IsSpace))
		if runes+n > room {
			break
		}
		end += len(segment)
		runes += utf8.RuneCountInString(segment)
	}
	if strings.TrimSpace(text[:end]) == "" {
		end, runes = 0, 0
		for rest, state := text, -1; rest != ""; {
			var cluster string
			cluster, rest, _, state = uniseg.FirstGraphemeClusterInString(rest, state)
			n := utf8.RuneCountInString(cluster)
			if runes+n > room {
				break
			}
			end += len(cluster)
			runes += n
		}
	}
	return strings.TrimRightFunc(text[:end], unicode.IsSpace) + "…"
}
