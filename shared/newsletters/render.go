package newsletters

import (
	"bytes"
	"context"
	"fmt"
	"html"
	htmltemplate "html/template"
	"maps"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"tribune/shared/content"
	"tribune/shared/locale"
)

// Branding is the community's look in newsletters: its name, accent colour, logo and
// footer (admins and marketers set it; DefaultBranding until then).
type Branding struct {
	CommunityName string `json:"communityName"`
	// Color is the accent colour, #rrggbb.
	Color string `json:"color"`
	// LogoURL is an https address of the logo ("" for none).
	LogoURL string `json:"logoUrl,omitempty"`
	// Footer is a line under every newsletter (the company's address, say).
	Footer string `json:"footer,omitempty"`
}

// DefaultBranding holds until someone sets the community's.
var DefaultBranding = Branding{CommunityName: "Tribune", Color: "#2457d6"}

// UnsubscribeToken stands, in a rendered newsletter's HTML and text, where the visible
// unsubscribe link goes: the sender puts the recipient's signed link there
// (Rendered.WithUnsubscribe), so no newsletter leaves without one.
const UnsubscribeToken = "__UNSUBSCRIBE_URL__"

// Composer is the Renderer (writing): it renders a newsletter for one recipient.
type Composer struct {
	// Community fills the blocks (nil: a newsletter with blocks cannot render).
	Community Community
	// Branding reads the community's branding.
	Branding func(ctx context.Context) (Branding, error)
	// PublicURL is the community's address (links to posts, the archive).
	PublicURL string
	Now       func() time.Time

	cache contentCache
	// bodies keeps each version's rendered body (the same for every recipient: the
	// first name goes in after).
	bodies    sync.Map
	bodyCount atomic.Int64
}

var _ Renderer = (*Composer)(nil)

// CachedBranding is read, remembered for ttl: the sender renders thousands of copies
// with one branding, and asking the table for it each time was a third of its calls.
// Errors are not remembered.
func CachedBranding(read func(context.Context) (Branding, error), ttl time.Duration) func(context.Context) (Branding, error) {
	var mu sync.Mutex
	var kept Branding
	var at time.Time
	return func(ctx context.Context) (Branding, error) {
		mu.Lock()
		defer mu.Unlock()
		if !at.IsZero() && time.Since(at) < ttl {
			return kept, nil
		}
		b, err := read(ctx)
		if err != nil {
			return Branding{}, err
		}
		kept, at = b, time.Now()
		return b, nil
	}
}

func (c *Composer) now() time.Time {
	if c.Now == nil {
		return time.Now()
	}
	return c.Now()
}

// Render implements Renderer: the version in r's language (else the newsletter's
// default language), {{first_name}} as r's first name (else the version's fallback,
// else the language's word), the body as sanitized HTML and as text, the community
// blocks filled with what r may read now, the community's branding. A newsletter made
// of blocks alone (a digest) that has nothing for r answers ErrNothingNew: the sender
// skips r (Discourse sends no empty digest).
func (c *Composer) Render(ctx context.Context, n Newsletter, r Recipient) (Rendered, error) {
	out, _, err := c.renderPage(ctx, n, r)
	return out, err
}

// renderPage is Render with the page too: the mail's content as the web app shows it
// (page.go's classes, no inline style: the app's Content-Security-Policy allows none).
func (c *Composer) renderPage(ctx context.Context, n Newsletter, r Recipient) (Rendered, string, error) {
	brand := DefaultBranding
	if c.Branding != nil {
		b, err := c.Branding(ctx)
		if err != nil {
			return Rendered{}, "", fmt.Errorf("newsletters.Render %s: branding: %w", n.ID, err)
		}
		brand = b
	}
	filled, err := fillBlocks(ctx, c.Community, &c.cache, n.Writing, r.MemberID, c.now())
	if err != nil {
		return Rendered{}, "", fmt.Errorf("newsletters.Render %s: %w", n.ID, err)
	}
	v := n.Writing.Version(r.Lang)
	if strings.TrimSpace(v.Body) == "" && len(n.Writing.Blocks) > 0 && len(filled) == 0 {
		return Rendered{}, "", ErrNothingNew
	}
	return c.compose(n, v, brand, filled, r)
}

// compose builds the mail of version v for r.
func (c *Composer) compose(n Newsletter, v Version, brand Branding, filled []Filled, r Recipient) (Rendered, string, error) {
	first := FirstName(r.Name)
	if first == "" {
		first = v.FirstNameFallback
	}
	if first == "" {
		first = FirstNameDefault(v.Lang)
	}
	personal := func(s string) string { return strings.ReplaceAll(s, FirstNameToken, first) }
	oneLine := func(s string) string { return strings.Join(strings.Fields(personal(s)), " ") }
	// The body is rendered with the token in place, then the token replaced by the
	// escaped name: a name is never read as Markdown or HTML.
	rendered, err := c.renderBody(v.Body)
	if err != nil {
		return Rendered{}, "", fmt.Errorf("newsletters.Render %s: %w", n.ID, err)
	}
	body := strings.ReplaceAll(rendered.html, FirstNameToken, html.EscapeString(first))
	bodyText := strings.ReplaceAll(rendered.text, FirstNameToken, first)
	base := strings.TrimRight(c.PublicURL, "/")
	lang := v.Lang
	if !locale.Valid(lang) {
		lang = locale.Default
	}
	say := words[lang]
	data := mailData{Lang: lang, Brand: brand, Color: safeColor(brand.Color), Logo: safeLogo(brand.LogoURL),
		Subject: oneLine(v.Subject), Preheader: oneLine(v.Preheader), Body: htmltemplate.HTML(body), Base: base,
		Say: say, Unsubscribe: UnsubscribeToken}
	if n.Writing.Archive && n.DigestID == "" && len(n.Segment.SpaceIDs) == 0 && len(n.Segment.Roles) == 0 {
		data.Archive = base + "/newsletters/archive/" + n.ID // "read it in your browser" only where it will be
	}
	for _, f := range filled {
		b := mailBlock{Title: say[f.Kind]}
		for _, it := range f.Items {
			b.Items = append(b.Items, mailItem{Item: it, URL: base + it.Path, Meta: itemMeta(lang, f.Kind, it)})
		}
		data.Blocks = append(data.Blocks, b)
	}
	var out, page bytes.Buffer
	if err := mailHTML.Execute(&out, data); err != nil {
		return Rendered{}, "", fmt.Errorf("newsletters.Render %s: %w", n.ID, err)
	}
	if err := pageHTML.Execute(&page, data); err != nil {
		return Rendered{}, "", fmt.Errorf("newsletters.Render %s: %w", n.ID, err)
	}
	return Rendered{Subject: data.Subject, Preheader: data.Preheader, HTML: out.String(), Text: textOf(data, bodyText),
		Headers: map[string]string{}}, page.String(), nil
}

// renderedBody is a body rendered once for every recipient: its sanitized HTML and
// its text (plainBody), the first name's token still in both.
type renderedBody struct{ html, text string }

// renderBody is content.Render of a body, and its text, kept across recipients (a few
// hundred bodies at most: the map starts again past that).
func (c *Composer) renderBody(source string) (renderedBody, error) {
	if got, ok := c.bodies.Load(source); ok {
		return got.(renderedBody), nil
	}
	page, err := content.Render(source)
	if err != nil {
		return renderedBody{}, err
	}
	out := renderedBody{html: page, text: plainBody(page, strings.TrimRight(c.PublicURL, "/"))}
	if c.bodyCount.Add(1) > 256 {
		c.bodies.Clear()
		c.bodyCount.Store(0)
	}
	c.bodies.Store(source, out)
	return out, nil
}

// WithUnsubscribe puts the recipient's unsubscribe link where the newsletter shows it
// and adds the headers that carry it (RFC 8058).
func (r Rendered) WithUnsubscribe(link string, headers map[string]string) Rendered {
	r.HTML = strings.ReplaceAll(r.HTML, UnsubscribeToken, html.EscapeString(link))
	r.Text = strings.ReplaceAll(r.Text, UnsubscribeToken, link)
	h := maps.Clone(r.Headers)
	if h == nil {
		h = map[string]string{}
	}
	maps.Copy(h, headers)
	r.Headers = h
	return r
}

// FirstName is the first word of a display name ("" for none).
func FirstName(name string) string {
	f := strings.FieldsFunc(name, func(r rune) bool { return unicode.IsSpace(r) })
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// FirstNameDefault is the word a language puts for a member without a name.
func FirstNameDefault(lang string) string {
	if lang == "fr" {
		return "à toutes et à tous"
	}
	return "there"
}

// words are the newsletter's own words, per language.
var words = map[string]map[string]string{
	"en": {BlockTopPosts: "Top posts", BlockUnanswered: "Questions waiting for an answer", BlockIdeas: "New ideas",
		BlockCampaigns: "Campaigns you can join", BlockAnnouncements: "Announcements",
		"inBrowser": "Read it in your browser", "unsubscribe": "Unsubscribe", "why": "You receive this because you chose it in your email preferences.",
		"votes": "votes", "vote": "vote", "ends": "ends", "in": "in", "colon": ": "},
	"fr": {BlockTopPosts: "Les publications du moment", BlockUnanswered: "Questions en attente d’une réponse", BlockIdeas: "Nouvelles idées",
		BlockCampaigns: "Campagnes ouvertes pour vous", BlockAnnouncements: "Annonces",
		"inBrowser": "Lire dans le navigateur", "unsubscribe": "Se désabonner", "why": "Vous recevez ce message parce que vous l’avez choisi dans vos préférences d’e-mail.",
		// French puts a no-break space before a colon (as the app's "État : "), so the
		// colon never starts a line.
		"votes": "votes", "vote": "vote", "ends": "se termine le", "in": "dans", "colon": "\u00a0: "},
}

// IdeaStatusWords say an idea's status in a language.
var ideaStatusWords = map[string]map[string]string{
	"en": {"planned": "Planned", "in_progress": "In progress", "done": "Done", "declined": "Declined", "under_review": "Under review"},
	"fr": {"planned": "Prévue", "in_progress": "En cours", "done": "Réalisée", "declined": "Refusée", "under_review": "À l’étude"},
}

// itemMeta is the line under an item: its space, an idea's votes and status, a
// campaign's end.
func itemMeta(lang, kind string, it Item) string {
	say := words[lang]
	var parts []string
	if it.SpaceName != "" {
		parts = append(parts, say["in"]+" "+it.SpaceName)
	}
	if kind == BlockIdeas {
		parts = append(parts, locale.Count(lang, it.Votes, say["vote"], say["votes"]))
		if s := ideaStatusWords[lang][it.Status]; s != "" {
			parts = append(parts, s)
		}
	}
	if kind == BlockCampaigns && it.Ends != nil {
		parts = append(parts, say["ends"]+" "+locale.Date(lang, *it.Ends))
	}
	return strings.Join(parts, " · ")
}

var colorPattern = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

func safeColor(c string) string {
	if colorPattern.MatchString(c) {
		return c
	}
	return DefaultBranding.Color
}

func safeLogo(u string) string {
	if strings.HasPrefix(u, "https://") && !strings.ContainsAny(u, "\"'<> ") {
		return u
	}
	return ""
}

type mailData struct {
	Lang, Color, Logo, Subject, Preheader, Base, Archive, Unsubscribe string
	Brand                                                             Branding
	Body                                                              htmltemplate.HTML
	Blocks                                                            []mailBlock
	Say                                                               map[string]string
}

type mailBlock struct {
	Title string
	Items []mailItem
}

type mailItem struct {
	Item
	URL, Meta string
}

// mailHTML is the newsletter's HTML: one column, 600 px at most, inline styles (mail
// clients drop style sheets), the preheader hidden at the top.
var mailHTML = htmltemplate.Must(htmltemplate.New("newsletter").Funcs(htmltemplate.FuncMap{
	"css": func(s string) htmltemplate.CSS { return htmltemplate.CSS(s) },
}).Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.Subject}}</title></head>
<body style="margin:0;padding:0;background:#f4f5f7;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1d1f23">
<div style="display:none;max-height:0;overflow:hidden">{{.Preheader}}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7"><tr><td align="center" style="padding:16px 8px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;background:#ffffff;border-radius:8px;overflow:hidden">
<tr><td style="{{css (printf "background:%s;color:#ffffff;padding:16px 24px;font-size:20px;font-weight:bold" .Color)}}">{{if .Logo}}<img src="{{.Logo}}" alt="" height="32" style="vertical-align:middle;margin-right:8px">{{end}}{{.Brand.CommunityName}}</td></tr>
<tr><td style="padding:24px;font-size:16px;line-height:1.5">
<div class="body">{{.Body}}</div>
{{range .Blocks}}<h2 style="{{css (printf "font-size:18px;margin:24px 0 8px;border-bottom:2px solid %s;padding-bottom:4px" $.Color)}}">{{.Title}}</h2>
{{range .Items}}<p style="margin:0 0 12px"><a href="{{.URL}}" style="{{css (printf "color:%s;font-weight:bold;text-decoration:none" $.Color)}}">{{.Title}}</a>{{if .Meta}}<br><span style="color:#5f6368;font-size:13px">{{.Meta}}</span>{{end}}{{if .Excerpt}}<br><span style="font-size:14px">{{.Excerpt}}</span>{{end}}</p>
{{end}}{{end}}</td></tr>
<tr><td style="padding:16px 24px;background:#fafafa;color:#5f6368;font-size:12px;line-height:1.5">
<p style="margin:0 0 8px">{{.Say.why}}</p>
<p style="margin:0 0 8px">{{if .Archive}}<a href="{{.Archive}}" style="color:#5f6368">{{.Say.inBrowser}}</a> · {{end}}<a href="{{.Unsubscribe}}" style="color:#5f6368">{{.Say.unsubscribe}}</a></p>
{{if .Brand.Footer}}<p style="margin:0">{{.Brand.Footer}}</p>{{end}}
</td></tr></table></td></tr></table></body></html>
`))

// pageHTML is the mail's content as the web app shows it (the editor's preview, the
// archive): the same parts, styled by the app's style sheet (class names), no inline
// style, no document around it.
var pageHTML = htmltemplate.Must(htmltemplate.New("page").Parse(`<div class="nl-mail" lang="{{.Lang}}">
<div class="nl-head">{{if .Logo}}<img src="{{.Logo}}" alt="" height="32">{{end}}<span>{{.Brand.CommunityName}}</span></div>
<div class="nl-body">{{.Body}}</div>
{{range .Blocks}}<section class="nl-block"><h2>{{.Title}}</h2><ul>
{{range .Items}}<li><a href="{{.URL}}">{{.Title}}</a>{{if .Meta}}<br><span class="muted">{{.Meta}}</span>{{end}}{{if .Excerpt}}<br><span>{{.Excerpt}}</span>{{end}}</li>
{{end}}</ul></section>{{end}}
<div class="nl-foot"><p>{{.Say.why}}</p>{{if .Brand.Footer}}<p>{{.Brand.Footer}}</p>{{end}}</div>
</div>
`))

// textOf is the newsletter's text part: the community's name, the body as text
// (plainBody: paragraphs, lists, links with their absolute address), the blocks as
// lists of titles and addresses, the footer with the unsubscribe link. No line starts
// with stray white space.
func textOf(d mailData, body string) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(d.Brand.CommunityName) + "\n\n")
	if body = strings.TrimSpace(body); body != "" {
		b.WriteString(body + "\n")
	}
	for _, bl := range d.Blocks {
		b.WriteString("\n" + bl.Title + "\n" + strings.Repeat("=", utf8.RuneCountInString(bl.Title)) + "\n\n")
		for _, it := range bl.Items {
			b.WriteString("- " + it.Title + "\n  " + it.URL + "\n")
			if it.Meta != "" {
				b.WriteString("  " + it.Meta + "\n")
			}
		}
	}
	b.WriteString("\n-- \n" + d.Say["why"] + "\n")
	if d.Archive != "" {
		b.WriteString(d.Say["inBrowser"] + d.Say["colon"] + d.Archive + "\n")
	}
	b.WriteString(d.Say["unsubscribe"] + d.Say["colon"] + d.Unsubscribe + "\n")
	if d.Brand.Footer != "" {
		b.WriteString(d.Brand.Footer + "\n")
	}
	return b.String()
}
