package content

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// hiddenElements are the HTML elements whose content is not text of the page: scripts
// and styles, the raw text and escapable raw text elements (HTML Living Standard
// §13.1.2: textarea, title, and the obsolete xmp), and those whose content a browser
// does not show as the page's text (template, noscript, iframe, noembed, noframes). The
// page leaves raw HTML out (goldmark without WithUnsafe), but only the tags: written
// inline, "Before <style>.x{color:red}</style>" showed ".x{color:red}" on the page and
// in excerpts. The whole element goes instead, content included.
var hiddenElements = map[string]bool{"script": true, "style": true, "textarea": true, "title": true, "xmp": true,
	"template": true, "noscript": true, "iframe": true, "noembed": true, "noframes": true, "plaintext": true}

// htmlTag reads the name of an inline raw HTML tag: "<style ...>" or "</style >".
var htmlTag = regexp.MustCompile(`^<(/?)([A-Za-z][A-Za-z0-9-]*)`)

func rawTag(n *ast.RawHTML, source []byte) (name string, closing bool) {
	var b bytes.Buffer
	for i := 0; i < n.Segments.Len(); i++ {
		s := n.Segments.At(i)
		b.Write(s.Value(source))
	}
	m := htmlTag.FindSubmatch(b.Bytes())
	if m == nil {
		return "", false
	}
	return strings.ToLower(string(m[2])), len(m[1]) == 1
}

// hiddenContent removes, from the inline content of each block, every hidden element
// written as raw HTML: its start tag, all that follows it up to its end tag (the
// first of that name: their content is raw text, nothing nests), and the end tag. An
// element not closed within its block (paragraph, heading, table cell) ends with it:
// a blank line ends raw HTML in CommonMark too, and a member who writes "<title>"
// in prose loses one paragraph, not the rest of the text. Code spans are not raw HTML
// and keep what they show. HTML blocks that start with such an element are left out
// whole by goldmark already.
type hiddenContent struct{}

func (hiddenContent) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	source := reader.Source()
	var remove []ast.Node
	hiding := ""
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if n.Type() == ast.TypeBlock {
			hiding = ""
			return ast.WalkContinue, nil
		}
		raw, isRaw := n.(*ast.RawHTML)
		if hiding != "" {
			if isRaw {
				if name, closing := rawTag(raw, source); closing && name == hiding {
					hiding = ""
				}
			}
			if closes(n, hiding, source) {
				// An emphasis or link holding the end tag: what is before the tag goes,
				// what follows it stays.
				return ast.WalkContinue, nil
			}
			remove = append(remove, n)
			return ast.WalkSkipChildren, nil
		}
		if isRaw {
			if name, closing := rawTag(raw, source); !closing && hiddenElements[name] {
				hiding = name
				remove = append(remove, n)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, n := range remove {
		if p := n.Parent(); p != nil {
			p.RemoveChild(p, n)
		}
	}
}

// closes reports whether the end tag of name is below n.
func closes(n ast.Node, name string, source []byte) bool {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if raw, ok := c.(*ast.RawHTML); ok {
			if got, closing := rawTag(raw, source); closing && got == name {
				return true
			}
		}
		if closes(c, name, source) {
			return true
		}
	}
	return false
}
