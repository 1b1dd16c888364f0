package content

import (
	"bytes"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
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
// attributes are dropped. Other raw HTML stays left out, as before.

// kindRawCode is the AST kind of an inline raw <code> or <pre>.
var kindRawCode = ast.NewNodeKind("RawCode")

// rawCodeNode holds the source lines between the tags as text children.
type rawCodeNode struct{ ast.BaseInline }

// Kind implements ast.Node.
func (n *rawCodeNode) Kind() ast.NodeKind { return kindRawCode }

// Dump implements ast.Node.
func (n *rawCodeNode) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

// rawCodeParser reads an inline "<code>" or "<pre>" (any case, attributes allowed) to
// its closing tag, across the paragraph's lines; unclosed, it runs to the end of the
// paragraph, as a browser would close it there. It runs before goldmark's raw HTML
// parser and, like the code span parser, leaves no inline parsing inside.
type rawCodeParser struct{}

func (rawCodeParser) Trigger() []byte { return []byte{'<'} }

func (rawCodeParser) Parse(_ ast.Node, block text.Reader, _ parser.Context) ast.Node {
	line, _ := block.PeekLine()
	name, n := openTag(line)
	if n == 0 {
		return nil
	}
	block.Advance(n)
	node := &rawCodeNode{}
	for {
		line, segment := block.PeekLine()
		if line == nil {
			return node
		}
		if at, length := closeTag(line, name); at >= 0 {
			if at > 0 {
				node.AppendChild(node, ast.NewRawTextSegment(segment.WithStop(segment.Start+at)))
			}
			block.Advance(at + length)
			return node
		}
		node.AppendChild(node, ast.NewRawTextSegment(segment))
		block.AdvanceLine()
	}
}

// openTag reads "<code …>" or "<pre …>" at the start of line: the element's name and
// the tag's length, or 0. The tag must end on the same line. "<code/>" opens too: HTML
// ignores the slash on elements that are not void.
func openTag(line []byte) (string, int) {
	for _, name := range []string{"code", "pre"} {
		if len(line) < len(name)+2 || line[0] != '<' || !bytes.EqualFold(line[1:1+len(name)], []byte(name)) {
			continue
		}
		rest := line[1+len(name):]
		if rest[0] != '>' && rest[0] != '/' && rest[0] != ' ' && rest[0] != '\t' && rest[0] != '\n' {
			continue
		}
		end := bytes.IndexByte(rest, '>')
		if end < 0 {
			return "", 0
		}
		return name, 1 + len(name) + end + 1
	}
	return "", 0
}

// closeTag finds "</name>" (any case, spaces before '>') in line: its index and length,
// or -1.
func closeTag(line []byte, name string) (int, int) {
	lower := bytes.ToLower(line)
	from := 0
	for {
		i := bytes.Index(lower[from:], []byte("</"+name))
		if i < 0 {
			return -1, 0
		}
		at := from + i
		j := at + 2 + len(name)
		for j < len(lower) && (lower[j] == ' ' || lower[j] == '\t' || lower[j] == '\n') {
			j++
		}
		if j < len(lower) && lower[j] == '>' {
			return at, j + 1 - at
		}
		from = at + 2
	}
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
		name, open := openTag(raw)
		if open == 0 {
			_, _ = w.WriteString("<!-- raw HTML omitted -->\n")
			return ast.WalkSkipChildren, nil
		}
		body, tail := raw[open:], []byte(nil)
		if at, length := lastCloseTag(body, name); at >= 0 {
			body, tail = body[:at], body[at+length:]
		}
		// A line break right after <pre> is not part of the content (HTML).
		body = bytes.TrimPrefix(body, []byte("\n"))
		_, _ = w.WriteString("<pre><code>")
		_, _ = w.WriteString(codeText.Sanitize(string(body)))
		_, _ = w.WriteString("</code></pre>\n")
		if t := strings.TrimSpace(codeText.Sanitize(string(tail))); t != "" {
			_, _ = w.WriteString("<p>" + t + "</p>\n")
		}
		return ast.WalkSkipChildren, nil
	})
}

// lastCloseTag finds the last "</name>" of a block.
func lastCloseTag(b []byte, name string) (int, int) {
	at, length := -1, 0
	for from := 0; ; {
		i, l := closeTag(b[from:], name)
		if i < 0 {
			return at, length
		}
		at, length = from+i, l
		from += i + l
	}
}
