package content

import (
	"bytes"
	"io"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"
)

// Raw HTML <code> and <pre>: members paste them meaning "this is code", as Markdown's
// backticks and fences do. Goldmark leaves raw HTML out of the page (it is not
// rendered: the sanitizer would have to trust it), which made the text of a <pre>
// vanish and left the text between <code> and </code> in the paragraph, where a
// mention inside it notified the member. So both are read as code: inline
// <code>…</code> (or <pre>…</pre> inside a paragraph) becomes a code span, and an
// HTML block that opens with <pre> or <code> becomes a code block. Their content is
// HTML text, shown as a browser would show it inside the element: tags inside are left
// out (their text stays), entities keep their meaning, nothing in it is parsed as
// Markdown, so a mention in it stays literal and notifies nobody. The tags' own
// attributes are dropped. Other raw HTML stays left out, as before. Where an element
// starts and ends is read with the HTML tokenizer's rules (golang.org/x/net/html), not
// by hand: a hand-made reading missed "<code\nclass=x>" (a line break ends a tag name,
// as a space does) and cut "<code title="a>b">" at the first '>', and the mention
// inside notified (issue 9, round 3).

// kindRawCode is the AST kind of an inline raw <code> or <pre>.
var kindRawCode = ast.NewNodeKind("RawCode")

// rawCodeNode holds the source lines between the tags as text children.
type rawCodeNode struct{ ast.BaseInline }

// Kind implements ast.Node.
func (n *rawCodeNode) Kind() ast.NodeKind { return kindRawCode }

// Dump implements ast.Node.
func (n *rawCodeNode) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

// rawCodeParser reads an inline "<code>" or "<pre>" element with the HTML tokenizer's
// rules (golang.org/x/net/html, the WHATWG tokenizer): the tag name ends at any HTML
// white space (space, tab, line break, form feed), '/' or '>', so "<code\nclass=x>"
// opens as in a browser; attribute values may hold '>' ("<code title="a>b">"); the
// tag may span the paragraph's lines; a comment or a raw-text element (script, style,
// textarea, title...) inside hides a "</code>" as in a browser; and the element ends at
// its matching closing tag (nested ones of the same name counted) or, unclosed, at the
// end of the paragraph, as a browser would close it there. It runs before goldmark's
// raw HTML parser and, like the code span parser, leaves no inline parsing inside.
type rawCodeParser struct{}

func (rawCodeParser) Trigger() []byte { return []byte{'<'} }

func (rawCodeParser) Parse(_ ast.Node, block text.Reader, _ parser.Context) ast.Node {
	line, _ := block.PeekLine()
	if !mayOpenCode(line) {
		return nil
	}
	savedLine, savedPos := block.Position()
	r := &paragraphReader{block: block}
	open, end, closeEnd, ok := rawCodeAt(r)
	if !ok {
		block.SetPosition(savedLine, savedPos)
		return nil
	}
	node := &rawCodeNode{}
	for _, l := range r.lines {
		from, to := max(open, l.at), min(end, l.at+l.length)
		if from < to {
			node.AppendChild(node, ast.NewRawTextSegment(subSegment(l.pos, from-l.at, to-l.at)))
		}
	}
	r.seek(closeEnd)
	return node
}

// mayOpenCode is a quick look at a line before the tokenizer reads it: "<code" or
// "<pre" (any case) followed by what ends a tag name (HTML white space, '/' or '>').
func mayOpenCode(line []byte) bool {
	for _, name := range []string{"code", "pre"} {
		if len(line) > len(name)+1 && line[0] == '<' && bytes.EqualFold(line[1:1+len(name)], []byte(name)) &&
			bytes.IndexByte([]byte(" \t\n\r\f/>"), line[1+len(name)]) >= 0 {
			return true
		}
	}
	return false
}

// rawCodeAt reads, with the HTML tokenizer, an element "code" or "pre" whose start tag
// opens r: where its content starts (the start tag's length) and ends, and where its
// closing tag ends (both the length of r's text when it is never closed). ok is false
// when r does not open with such a complete start tag ("<code" cut short by the end of
// the text is no tag, in a browser either). "<code/>" opens too: HTML ignores the
// slash on elements that are not void.
func rawCodeAt(r io.Reader) (open, end, closeEnd int, ok bool) {
	start := &startLimit{r: r, left: maxStartTag}
	z := html.NewTokenizer(start)
	tt := z.Next()
	if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
		return 0, 0, 0, false
	}
	name, _ := z.TagName()
	element := string(name)
	if element != "code" && element != "pre" {
		return 0, 0, 0, false
	}
	start.open = true
	open = len(z.Raw())
	at, depth := open, 1
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return open, at, at, true
		}
		length := len(z.Raw())
		if tt == html.StartTagToken || tt == html.SelfClosingTagToken || tt == html.EndTagToken {
			if name, _ := z.TagName(); string(name) == element {
				if tt == html.EndTagToken {
					depth--
				} else {
					depth++
				}
			}
			if depth == 0 {
				return open, at, at + length, true
			}
		}
		at += length
	}
}

// maxStartTag bounds the start tag of a raw <code> or <pre>, attributes included
// (real ones hold a class or two: well under 200 bytes). A longer one is not taken for
// code and stays raw HTML that goldmark leaves out, so a mention after it shows and
// notifies, as in any other text. Without the bound a paragraph of unterminated tags
// ("<code title='x" on a thousand lines) was read to its end from every one of them:
// 2.4 s to parse a 20 KB post; with it, some 60 ms at worst on a busy 2-core machine
// (10 ms for as much ordinary text).
const maxStartTag = 256

// startLimit hands the tokenizer at most left bytes until the start tag is read
// (open), then everything.
type startLimit struct {
	r    io.Reader
	left int
	open bool
}

func (l *startLimit) Read(p []byte) (int, error) {
	if !l.open {
		if l.left <= 0 {
			return 0, io.EOF
		}
		if len(p) > l.left {
			p = p[:l.left]
		}
	}
	n, err := l.r.Read(p)
	l.left -= n
	return n, err
}

// paragraphReader hands the tokenizer the rest of a paragraph, one line at a time and
// only as far as it reads, and remembers where each line came from.
type paragraphReader struct {
	block   text.Reader
	lines   []readLine
	pending []byte
	size    int
}

// readLine is one line handed to the tokenizer: its offset in what was read, its
// length, and the reader's position at its start.
type readLine struct {
	at, length int
	line       int
	pos        text.Segment
}

func (r *paragraphReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(r.pending) == 0 {
			line, _ := r.block.PeekLine()
			if line == nil {
				break
			}
			l, pos := r.block.Position()
			r.lines = append(r.lines, readLine{at: r.size, length: len(line), line: l, pos: pos})
			r.size += len(line)
			r.pending = line
			r.block.AdvanceLine()
		}
		c := copy(p[n:], r.pending)
		r.pending = r.pending[c:]
		n += c
	}
	if n == 0 {
		return 0, io.EOF
	}
	return n, nil
}

// seek puts the block reader at offset k of what was read.
func (r *paragraphReader) seek(k int) {
	for i := len(r.lines) - 1; i >= 0; i-- {
		if l := r.lines[i]; l.at <= k {
			r.block.SetPosition(l.line, l.pos)
			r.block.Advance(k - l.at)
			return
		}
	}
}

// subSegment is bytes [from, to) of a line's segment, whose value starts with Padding
// spaces (a tab expanded by the block parser) before the source bytes.
func subSegment(s text.Segment, from, to int) text.Segment {
	if from >= s.Padding {
		return text.NewSegment(s.Start+from-s.Padding, s.Start+to-s.Padding)
	}
	out := text.NewSegmentPadding(s.Start, s.Start+max(0, to-s.Padding), min(to, s.Padding)-from)
	return out
}

// codeText is raw HTML shown as a browser shows it inside <code>: tags left out (and
// script or style content with them), entities kept, the rest escaped.
var codeText = bluemonday.StrictPolicy()

// rawCodeRenderer renders inline raw code as <code> and HTML blocks that open with
// <pre> or <code> as code blocks; other HTML blocks are left out as goldmark does.
type rawCodeRenderer struct{}

func (rawCodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindRawCode, func(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkSkipChildren, nil
		}
		var b strings.Builder
		for c := node.FirstChild(); c != nil; c = c.NextSibling() {
			b.Write(c.(*ast.Text).Segment.Value(source))
		}
		_, _ = w.WriteString("<code>")
		_, _ = w.WriteString(codeText.Sanitize(b.String()))
		_, _ = w.WriteString("</code>")
		return ast.WalkSkipChildren, nil
	})
	reg.Register(ast.KindHTMLBlock, func(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		n := node.(*ast.HTMLBlock)
		var b bytes.Buffer
		for i := 0; i < n.Lines().Len(); i++ {
			line := n.Lines().At(i)
			b.Write(line.Value(source))
		}
		if n.HasClosure() {
			closure := n.ClosureLine
			b.Write(closure.Value(source))
		}
		raw := bytes.TrimLeft(b.Bytes(), " ")
		open, end, closeEnd, ok := rawCodeAt(bytes.NewReader(raw))
		if !ok {
			_, _ = w.WriteString("<!-- raw HTML omitted -->\n")
			return ast.WalkSkipChildren, nil
		}
		// One code block per element; what follows the last one is text (HTML blocks
		// are not Markdown: a mention there stays literal).
		for ok {
			// A line break right after <pre> is not part of the content (HTML).
			body := bytes.TrimPrefix(raw[open:end], []byte("\n"))
			_, _ = w.WriteString("<pre><code>")
			_, _ = w.WriteString(codeText.Sanitize(string(body)))
			_, _ = w.WriteString("</code></pre>\n")
			raw = bytes.TrimLeft(raw[closeEnd:], " \t\n")
			open, end, closeEnd, ok = rawCodeAt(bytes.NewReader(raw))
		}
		if t := strings.TrimSpace(codeText.Sanitize(string(raw))); t != "" {
			_, _ = w.WriteString("<p>" + t + "</p>\n")
		}
		return ast.WalkSkipChildren, nil
	})
}
