// Package content renders what members write: Markdown to HTML through an allowlist
// sanitizer, so no script, event handler, javascript: link, SVG or style reaches a page.
package content

import (
	"bytes"
	"fmt"
	"regexp"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

var (
	// markdown is CommonMark with GitHub's extensions, @mentions (mentions.go), and raw
	// HTML <code> and <pre> read as code (rawcode.go; before goldmark's raw HTML parser,
	// at 400); the content of script, style and the other elements whose content is not
	// text of the page is left out with their tags (hidden.go).
	markdown = goldmark.New(goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(parser.WithInlineParsers(util.Prioritized(mentionParser{}, 950), util.Prioritized(rawCodeParser{}, 350)),
			parser.WithASTTransformers(util.Prioritized(hiddenContent{}, 100))),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(mentionRenderer{}, 500), util.Prioritized(rawCodeRenderer{}, 500))))
	policy = newPolicy()
)

func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true) // with rel="noopener" (bluemonday adds it)
	p.AllowURLSchemes("http", "https", "mailto")
	return p
}

// Render turns Markdown into sanitized HTML. Raw HTML in the source is left out by
// goldmark (not rendered), except <code> and <pre>, whose content is shown as code
// (rawcode.go); anything that slips through is removed by the sanitizer.
func Render(source string) (string, error) {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(source), &buf); err != nil {
		return "", fmt.Errorf("content.Render: %w", err)
	}
	return policy.Sanitize(buf.String()), nil
}

// Links counts the links of a text (for the new members' spam limit).
func Links(source string) int {
	return len(linkPattern.FindAllString(source, -1))
}

var linkPattern = regexp.MustCompile(`(?i)\b(?:https?://|www\.)`)
