package newsletters

import (
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The mail's text part (finding 16 of FINDINGS13): the body as a reader of plain text
// reads it, made from the body's page (the Markdown rendered and sanitized as for the
// HTML part, so it shows nothing the HTML does not), not the Markdown as typed:
// paragraphs a blank line apart, list items "- " (or "1. "), quotes "> ", code as
// written, and each link its text followed by its absolute address ("home
// (https://community.example/)"); a relative address is made absolute with the
// community's public address, and a link whose text is its address shows it once.

// plainBody is the text of a body's sanitized HTML, links made absolute against base
// (the community's address, no trailing slash).
func plainBody(page, base string) string {
	w := &textWriter{base: base}
	z := html.NewTokenizer(strings.NewReader(page))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return strings.TrimSpace(w.b.String())
		case html.TextToken:
			if w.skip == 0 {
				w.text(string(z.Text()))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			attrs := map[string]string{}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				attrs[string(k)] = string(v)
			}
			w.start(atom.Lookup(name), attrs, tt == html.SelfClosingTagToken)
		case html.EndTagToken:
			name, _ := z.TagName()
			w.end(atom.Lookup(name))
		}
	}
}

// textWriter writes text line by line: a break asked for (a block's start or end) is
// written before the next text only, so blocks never leave empty lines at the start or
// the end, nor more than one blank line between them.
type textWriter struct {
	b    strings.Builder
	base string
	// breaks is how many line ends the next text needs first (1: a new line, 2: a
	// blank line too); space, whether a space goes before the next word on the line.
	breaks int
	space  bool
	// prefixes are written at the start of each line (quotes' "> ", list items'
	// indent); marker replaces the last one on an item's first line ("- ", "1. ").
	prefixes []string
	marker   string
	lists    []int // each open list's next number (0: a bulleted list)
	pre      int
	skip     int
	links    []link
}

type link struct {
	href string
	text strings.Builder
}

// brk asks for n line ends before the next text.
func (w *textWriter) brk(n int) {
	w.breaks = max(w.breaks, n)
	w.space = false
}

// lineStart writes the asked-for line ends and the line's prefixes.
func (w *textWriter) lineStart() {
	if w.b.Len() > 0 {
		w.b.WriteString(strings.Repeat("\n", w.breaks))
	}
	w.breaks = 0
	prefixes := w.prefixes
	if w.marker != "" && len(prefixes) > 0 {
		prefixes = prefixes[:len(prefixes)-1]
	}
	w.b.WriteString(strings.Join(prefixes, ""))
	w.b.WriteString(w.marker)
	w.marker = ""
	w.space = false
}

// atLineStart reports whether nothing was written on the current line yet.
func (w *textWriter) atLineStart() bool { return w.breaks > 0 || w.b.Len() == 0 }

// word writes s as it is on the current line, a space before it when one was read.
func (w *textWriter) word(s string) {
	if w.atLineStart() {
		w.lineStart()
	} else if w.space {
		w.b.WriteByte(' ')
	}
	w.b.WriteString(s)
	w.space = false
	for i := range w.links {
		if w.links[i].text.Len() > 0 {
			w.links[i].text.WriteByte(' ')
		}
		w.links[i].text.WriteString(s)
	}
}

// text writes a text node: white space collapsed, or kept as written in code blocks.
func (w *textWriter) text(s string) {
	if w.pre > 0 {
		for i, line := range strings.Split(s, "\n") {
			if i > 0 && w.atLineStart() && w.b.Len() > 0 {
				w.breaks++ // a blank line of the code
			} else if i > 0 {
				w.brk(1)
			}
			w.space = false
			if line = strings.TrimRightFunc(line, unicode.IsSpace); line != "" {
				w.word(line)
			}
		}
		return
	}
	if s != "" && unicode.IsSpace([]rune(s)[0]) {
		w.space = true
	}
	for _, f := range strings.Fields(s) {
		w.word(f)
		w.space = true
	}
	w.space = s != "" && unicode.IsSpace([]rune(s)[len([]rune(s))-1])
}

func (w *textWriter) start(a atom.Atom, attrs map[string]string, selfClosing bool) {
	switch a {
	case atom.Script, atom.Style, atom.Template, atom.Noscript, atom.Iframe, atom.Textarea, atom.Title:
		if !selfClosing {
			w.skip++
		}
	case atom.P, atom.Div, atom.Table, atom.Dl:
		w.brk(w.blockBreak())
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		w.brk(2)
	case atom.Pre:
		w.brk(w.blockBreak())
		w.pre++
	case atom.Blockquote:
		w.brk(2)
		w.prefixes = append(w.prefixes, "> ")
	case atom.Ul, atom.Ol:
		if len(w.lists) == 0 {
			w.brk(2)
		} else {
			w.brk(1)
		}
		n := 0
		if a == atom.Ol {
			n = 1
			if s, err := strconv.Atoi(attrs["start"]); err == nil && s >= 0 {
				n = s
			}
		}
		w.lists = append(w.lists, n)
	case atom.Li:
		w.brk(1)
		marker := "- "
		if k := len(w.lists) - 1; k >= 0 && w.lists[k] > 0 {
			marker = strconv.Itoa(w.lists[k]) + ". "
			w.lists[k]++
		}
		w.prefixes = append(w.prefixes, strings.Repeat(" ", len(marker)))
		w.marker = marker
	case atom.Tr, atom.Dt, atom.Dd:
		w.brk(1)
	case atom.Td, atom.Th:
		if !w.atLineStart() {
			w.word("|")
			w.space = true
		}
	case atom.Br:
		w.brk(1)
	case atom.Hr:
		w.brk(2)
		w.word("----")
		w.brk(2)
	case atom.A:
		w.links = append(w.links, link{href: attrs["href"]})
	}
}

func (w *textWriter) end(a atom.Atom) {
	switch a {
	case atom.Script, atom.Style, atom.Template, atom.Noscript, atom.Iframe, atom.Textarea, atom.Title:
		w.skip = max(w.skip-1, 0)
	case atom.P, atom.Div, atom.Table, atom.Dl:
		w.brk(w.blockBreak())
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Blockquote:
		w.brk(2)
		if a == atom.Blockquote && len(w.prefixes) > 0 {
			w.prefixes = w.prefixes[:len(w.prefixes)-1]
		}
	case atom.Pre:
		w.pre = max(w.pre-1, 0)
		w.brk(w.blockBreak())
	case atom.Ul, atom.Ol:
		if len(w.lists) > 0 {
			w.lists = w.lists[:len(w.lists)-1]
		}
		if len(w.lists) == 0 {
			w.brk(2)
		} else {
			w.brk(1)
		}
	case atom.Li:
		if len(w.prefixes) > 0 {
			w.prefixes = w.prefixes[:len(w.prefixes)-1]
		}
		w.marker = ""
		w.brk(1)
	case atom.A:
		if len(w.links) == 0 {
			return
		}
		l := w.links[len(w.links)-1]
		w.links = w.links[:len(w.links)-1]
		if addr := w.absolute(l.href); addr != "" && !sameAddress(l.text.String(), addr) {
			w.space = true
			w.word("(" + addr + ")")
		}
	}
}

// blockBreak is the break around a paragraph: a blank line, or a line end inside a
// list item (a loose list's paragraphs stay with their item).
func (w *textWriter) blockBreak() int {
	if len(w.lists) > 0 {
		return 1
	}
	return 2
}

// absolute is a link's address as a reader can use it: a relative one under the
// community's address; "" for none (an anchor in the page, an empty href).
func (w *textWriter) absolute(href string) string {
	href = strings.TrimSpace(href)
	if href == "" || strings.HasPrefix(href, "#") {
		return ""
	}
	u, err := url.Parse(href)
	if err != nil {
		return href
	}
	if u.IsAbs() || u.Host != "" {
		if u.Scheme == "" {
			u.Scheme = "https"
		}
		return u.String()
	}
	base, err := url.Parse(w.base + "/")
	if err != nil || w.base == "" {
		return href
	}
	return base.ResolveReference(u).String()
}

// sameAddress reports whether a link's text is its address (an autolink), scheme
// or "mailto:" aside.
func sameAddress(text, addr string) bool {
	trim := func(s string) string {
		for _, p := range []string{"mailto:", "https://", "http://"} {
			s = strings.TrimPrefix(s, p)
		}
		return strings.TrimSuffix(s, "/")
	}
	return text == addr || trim(text) == trim(addr)
}
