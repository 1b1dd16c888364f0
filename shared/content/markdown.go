// Package content renders what members write: Markdown to HTML through an allowlist
// sanitizer, so no script, event handler, javascript: link, SVG or style reaches a page.
package content

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

var (
	markdown = goldmark.New(goldmark.WithExtensions(extension.GFM))
	policy   = newPolicy()
	// mentionPattern finds @mentions of member ids: @m_XXXX.
	mentionPattern = regexp.MustCompile(`(^|\s)@(m_[A-Z2-7]{26})\b`)
)

func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true) // with rel="noopener" (bluemonday adds it)
	p.AllowURLSchemes("http", "https", "mailto")
	return p
}

// Render turns Markdown into sanitized HTML. Raw HTML in the source is escaped by
// goldmark and anything that slips through is removed by the sanitizer.
func Render(source string) (string, error) {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(source), &buf); err != nil {
		return "", fmt.Errorf("content.Render: %w", err)
	}
	return policy.Sanitize(buf.String()), nil
}

// RenderMentions renders source with each mention of a member in names shown as a link
// to their profile, "@Name" (other mentions stay as written).
func RenderMentions(source string, names map[string]string) (string, error) {
	if len(names) > 0 {
		source = mentionPattern.ReplaceAllStringFunc(source, func(m string) string {
			sub := mentionPattern.FindStringSubmatch(m)
			name, ok := names[sub[2]]
			if !ok {
				return m
			}
			return sub[1] + "[@" + markdownEscaper.Replace(name) + "](/members/" + sub[2] + ")"
		})
	}
	return Render(source)
}

// markdownEscaper keeps a display name literal inside link text.
var markdownEscaper = strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`, `*`, `\*`, `_`, `\_`, "`", "\\`", `<`, `&lt;`)

// Mentions returns the member ids mentioned in a text, once each.
func Mentions(source string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range mentionPattern.FindAllStringSubmatch(source, -1) {
		if !seen[m[2]] {
			seen[m[2]] = true
			out = append(out, m[2])
		}
	}
	return out
}

// Links counts the links of a text (for the new members' spam limit).
func Links(source string) int {
	return len(linkPattern.FindAllString(source, -1))
}

var linkPattern = regexp.MustCompile(`(?i)\b(?:https?://|www\.)`)
