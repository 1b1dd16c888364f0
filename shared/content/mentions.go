package content

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"tribune/shared/auth"
)

// A mention is "@m_" and a member id's 26 base32 letters, neither preceded nor followed
// by a word character (so an address like "a@m_..." is none). It is found by the Markdown
// parser's inline pass, which never runs inside code spans, fenced or indented code
// blocks, or raw HTML: a mention written in code stays literal text and notifies nobody.
// Nor is one inside an image's description (its alt text, which no page shows).
const (
	mentionIDLen = 2 + 26 // "m_" and the id
)

// kindMention is the AST kind of a mention.
var kindMention = ast.NewNodeKind("Mention")

// mentionNode is a mention of a member; Name and Known are filled before rendering
// (see RenderMentions).
type mentionNode struct {
	ast.BaseInline
	ID    string
	Name  string
	Known bool
}

// Kind implements ast.Node.
func (n *mentionNode) Kind() ast.NodeKind { return kindMention }

// Dump implements ast.Node.
func (n *mentionNode) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"ID": n.ID, "Name": n.Name}, nil)
}

// mentionParser finds mentions in inline text (never in code: goldmark does not run
// inline parsers there).
type mentionParser struct{}

func (mentionParser) Trigger() []byte { return []byte{'@'} }

func (mentionParser) Parse(_ ast.Node, block text.Reader, _ parser.Context) ast.Node {
	if wordRune(block.PrecendingCharacter()) {
		return nil
	}
	line, _ := block.PeekLine()
	id, ok := mentionAt(line)
	if !ok {
		return nil
	}
	block.Advance(1 + len(id))
	n := &mentionNode{ID: id}
	// The literal text as a child, so that image alt texts and plain-text walks keep it.
	n.AppendChild(n, ast.NewString([]byte("@"+id)))
	return n
}

// mentionAt reads "@m_<26 letters>" at the start of line, followed by the end or a
// character that cannot continue a word.
func mentionAt(line []byte) (string, bool) {
	if len(line) < 1+mentionIDLen || line[0] != '@' || line[1] != 'm' || line[2] != '_' {
		return "", false
	}
	for _, c := range line[3 : 1+mentionIDLen] {
		if (c < 'A' || c > 'Z') && (c < '2' || c > '7') {
			return "", false
		}
	}
	if rest := line[1+mentionIDLen:]; len(rest) > 0 {
		if r, _ := utf8.DecodeRune(rest); wordRune(r) {
			return "", false
		}
	}
	return string(line[1 : 1+mentionIDLen]), true
}

func wordRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// mentionRenderer shows a member's mention as "@Name" linked to their profile; inside
// a link (where a second link cannot go) as "@Name" alone; a member who no longer
// exists as "@Deleted member", unlinked.
type mentionRenderer struct{}

func (mentionRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindMention, func(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkSkipChildren, nil
		}
		n := node.(*mentionNode)
		if !n.Known {
			_, _ = w.Write(util.EscapeHTML([]byte("@" + n.ID)))
			return ast.WalkSkipChildren, nil
		}
		if n.Name == "" {
			// No such member now: named as a deleted member, linked to no profile.
			_, _ = w.Write(util.EscapeHTML([]byte("@" + auth.DeletedName)))
			return ast.WalkSkipChildren, nil
		}
		name := util.EscapeHTML([]byte("@" + n.Name))
		if insideLink(n) {
			_, _ = w.Write(name)
			return ast.WalkSkipChildren, nil
		}
		_, _ = fmt.Fprintf(w, `<a href="/members/%s">%s</a>`, n.ID, name)
		return ast.WalkSkipChildren, nil
	})
}

func insideLink(n ast.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Kind() == ast.KindLink || p.Kind() == ast.KindAutoLink {
			return true
		}
	}
	return false
}

// mentionNodes parses source and returns its document and its mentions, in order.
func mentionNodes(source []byte) (ast.Node, []*mentionNode) {
	doc := markdown.Parser().Parse(text.NewReader(source))
	var found []*mentionNode
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if n.Kind() == ast.KindImage && entering {
			// An image's text is its alt text, which the page does not show (and the
			// sanitizer drops an alt holding "@"): a mention there would notify about
			// something nobody sees, so it is none.
			return ast.WalkSkipChildren, nil
		}
		if m, ok := n.(*mentionNode); ok && entering {
			found = append(found, m)
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return doc, found
}

// Mentions returns the member ids a text mentions outside code, once each, in order.
func Mentions(source string) []string {
	_, found := mentionNodes([]byte(source))
	var out []string
	seen := map[string]bool{}
	for _, m := range found {
		if !seen[m.ID] {
			seen[m.ID] = true
			out = append(out, m.ID)
		}
	}
	return out
}

// RenderMentions renders source with its mentions shown by name: names maps a member
// id to the member's display name, shown "@Name" and linked to their profile, or to ""
// for a member who no longer exists (deleted, or an id of no account), shown
// "@Deleted member" (auth.DeletedName) without a link. A mention whose id names lacks
// stays as written (callers pass every id of Mentions(source)); anything inside code
// stays as written. The source itself is never rewritten.
func RenderMentions(source string, names map[string]string) (string, error) {
	src := []byte(source)
	doc, found := mentionNodes(src)
	for _, m := range found {
		m.Name, m.Known = names[m.ID]
	}
	var buf bytes.Buffer
	if err := markdown.Renderer().Render(&buf, src, doc); err != nil {
		return "", fmt.Errorf("content.RenderMentions: %w", err)
	}
	return policy.Sanitize(buf.String()), nil
}

// Named is a text whose mentions show members by name: its Markdown, its page (nil or
// empty: none to render again, e.g. a revision) and the names it was rendered with, by
// member id ("" for a member who no longer exists).
type Named struct {
	Body  string
	HTML  *string
	Names *map[string]string
}

// mentionIDs are the members a text mentions: the ids of the names it was rendered
// with, or, for a text rendered before it kept them, the ids found in its source.
func (t Named) mentionIDs() []string {
	if len(*t.Names) > 0 {
		return slices.Sorted(maps.Keys(*t.Names))
	}
	if !strings.Contains(t.Body, "@m_") {
		return nil
	}
	return Mentions(t.Body)
}

// ShowNamesNow brings the names of texts up to date with one call of read (the names
// of the given member ids as they are now, "" for no member; not called when no text
// mentions anyone), and renders a page again only when a name it shows changed. Errors:
// read's, and RenderMentions'.
func ShowNamesNow(ctx context.Context, texts []Named, read func(context.Context, []string) (map[string]string, error)) error {
	var all []string
	ids := make([][]string, len(texts))
	for i, t := range texts {
		ids[i] = t.mentionIDs()
		for _, id := range ids[i] {
			if !slices.Contains(all, id) {
				all = append(all, id)
			}
		}
	}
	if len(all) == 0 {
		return nil
	}
	current, err := read(ctx, all)
	if err != nil {
		return err
	}
	for i, t := range texts {
		if len(ids[i]) == 0 {
			continue
		}
		names, changed := make(map[string]string, len(ids[i])), false
		for _, id := range ids[i] {
			names[id] = current[id]
			if old, ok := (*t.Names)[id]; !ok || old != current[id] {
				changed = true
			}
		}
		if changed && t.HTML != nil && *t.HTML != "" {
			page, err := RenderMentions(t.Body, names)
			if err != nil {
				return err
			}
			*t.HTML = page
		}
		*t.Names = names
	}
	return nil
}
