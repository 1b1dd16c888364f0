package content

import (
	"net/url"
	"path"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// ImageSources returns the address of every image a Markdown text shows, exactly as
// the rendered page holds it in the <img src> (inline and reference images, backslash
// escapes and character references resolved, what a URL may not hold percent-encoded,
// as the renderer writes it; raw HTML is never rendered, so an <img> tag shows
// nothing), in order.
func ImageSources(source string) []string {
	doc := markdown.Parser().Parse(text.NewReader([]byte(source)))
	var out []string
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if img, ok := n.(*ast.Image); ok && entering {
			out = append(out, string(util.URLEscape(img.Destination, true)))
		}
		return ast.WalkContinue, nil
	})
	return out
}

// PointsUnder reports whether an address, in whatever spelling a browser or Go's HTTP
// server reads alike, names a path under prefix (written "/api/images/"): it drops
// white space and control characters (browsers strip tabs and line breaks from URLs),
// reads backslashes as slashes, decodes percent-escapes, ignores case, a scheme and
// host, the query and fragment, doubled slashes and dot segments, and looks for the
// prefix anywhere in what is left (a relative address reaches the root from any page
// with enough "../"). It errs on the side of yes: an address of another site whose path
// holds the prefix counts too.
func PointsUnder(raw, prefix string) bool {
	s := raw
	for range 3 {
		u, err := url.PathUnescape(s)
		if err != nil || u == s {
			break
		}
		s = u
	}
	s = strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		if r == '\\' {
			return '/'
		}
		return r
	}, s)
	s = strings.ToLower(s)
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
		if j := strings.IndexByte(s, '/'); j >= 0 {
			s = s[j:]
		}
	} else if strings.HasPrefix(s, "//") {
		s = strings.TrimLeft(s, "/")
		if j := strings.IndexByte(s, '/'); j >= 0 {
			s = s[j:]
		}
	}
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	s = path.Clean("/" + s)
	return strings.Contains(s+"/", strings.ToLower(prefix))
}
