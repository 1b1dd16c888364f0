package newsletters

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"html"
	"net/url"
	"regexp"
	"strings"
)

// Links (results) rewrites the links of a newsletter to signed redirects that count
// clicks, and adds the open-tracking image when an admin switched it on
// (docs/newsletters.md, "Results").
//
// Privacy first: a redirect's token names the newsletter and the link, never the
// recipient. Every recipient's copy of a link is the same token, so a click is counted
// per link, in aggregate, and nothing records who clicked (what listmonk calls
// "individual subscriber tracking" off). The same goes for the open-tracking image: one
// token per newsletter, an aggregate counter.
type Links struct {
	// BaseURL is the community's public URL (config PublicURL): the redirect and the
	// image are served under it, relative links are made absolute against it, and a
	// click whose link is on the community counts as a visit from the newsletter.
	BaseURL string
	// Key signs the tokens (HMAC-SHA-256). A token signed with another key is refused.
	Key []byte
	// OpenTracking adds the 1x1 image (off by default; an admin switches it on).
	OpenTracking bool
	// Untracked are URL prefixes left as they are (the one-click unsubscribe link: an
	// unsubscribe must never pass through a counter).
	Untracked []string
}

// Limits of links.
const (
	// MaxLinkBytes bounds a link the redirect carries (a longer one is left as is).
	MaxLinkBytes = 2048
	// MaxLinkTokenBytes bounds a token the redirect reads (a longer one is 404 at once).
	MaxLinkTokenBytes = 4096
	// RedirectPath and OpenPath are the routes of the redirect and the image (under
	// /api/, so CloudFront's one API behaviour serves them, as every route). Tokens
	// are longer than an id: their routes take the rest of the path ({token...}).
	RedirectPath = "/api/n/"
	OpenPath     = "/api/n/o/"
	// OpenImage ends the image's address.
	OpenImage = ".gif"
)

// Click is what a redirect token says: the newsletter and the link's URL.
type Click struct {
	NewsletterID string
	URL          string
	// Visit: the link is a page of the community (its host is BaseURL's): following it
	// is a visit that arrived from the newsletter.
	Visit bool
}

// NewsletterRef is the referrer tag a community page reached from a newsletter carries
// (`?ref=newsletter`): the page's beacon counts it (metrics.KnownRefs).
const NewsletterRef = "newsletter"

// Destination is where the redirect sends the reader: the link, and, for a page of the
// community, with ref=newsletter added to its query (unless it names a ref already), so
// the page's beacon counts a page view from the newsletter. Other sites' links are
// left exactly as written.
func (c Click) Destination() string {
	if !c.Visit {
		return c.URL
	}
	u, err := url.Parse(c.URL)
	if err != nil || u.Query().Has("ref") {
		return c.URL
	}
	if u.RawQuery != "" {
		u.RawQuery += "&"
	}
	u.RawQuery += "ref=" + NewsletterRef
	return u.String()
}

var b64 = base64.RawURLEncoding

// sign is the MAC of a purpose and a payload, 16 bytes (128 bits: forging one is out
// of reach; the URL stays short).
func (l Links) sign(purpose, payload string) []byte {
	m := hmac.New(sha256.New, l.Key)
	m.Write([]byte(purpose + "\n" + payload))
	return m.Sum(nil)[:16]
}

// Token is the redirect token of a link of a newsletter.
func (l Links) Token(newsletterID, link string) string {
	payload := newsletterID + "\n" + link
	return b64.EncodeToString([]byte(payload)) + "." + b64.EncodeToString(l.sign("link", payload))
}

// RedirectURL is the signed redirect of a link of a newsletter.
func (l Links) RedirectURL(newsletterID, link string) string {
	return strings.TrimRight(l.BaseURL, "/") + RedirectPath + l.Token(newsletterID, link)
}

// OpenToken is the token of a newsletter's open-tracking image.
func (l Links) OpenToken(newsletterID string) string {
	return b64.EncodeToString([]byte(newsletterID)) + "." + b64.EncodeToString(l.sign("open", newsletterID))
}

// OpenURL is the address of a newsletter's open-tracking image.
func (l Links) OpenURL(newsletterID string) string {
	return strings.TrimRight(l.BaseURL, "/") + OpenPath + l.OpenToken(newsletterID) + OpenImage
}

// split reads a token's payload and checks its MAC; ok false for anything forged,
// truncated or too long.
func (l Links) split(purpose, token string) (string, bool) {
	if len(l.Key) == 0 || len(token) > MaxLinkTokenBytes {
		return "", false
	}
	body, mac, found := strings.Cut(token, ".")
	if !found {
		return "", false
	}
	payload, err1 := b64.DecodeString(body)
	got, err2 := b64.DecodeString(mac)
	if err1 != nil || err2 != nil || !hmac.Equal(got, l.sign(purpose, string(payload))) {
		return "", false
	}
	return string(payload), true
}

// Open reads a redirect token: ok false when it is forged (a 404 for the route).
func (l Links) Open(token string) (Click, bool) {
	payload, ok := l.split("link", token)
	if !ok {
		return Click{}, false
	}
	id, link, found := strings.Cut(payload, "\n")
	if !found || id == "" || !redirectable(link) {
		return Click{}, false
	}
	return Click{NewsletterID: id, URL: link, Visit: l.onCommunity(link)}, true
}

// Opened reads an open-tracking token: the newsletter's id, ok false when forged.
func (l Links) Opened(token string) (string, bool) {
	id, ok := l.split("open", token)
	return id, ok && id != ""
}

// redirectable: only absolute http(s) links are redirected to (a signed token cannot
// carry anything else, but the check costs nothing).
func redirectable(link string) bool {
	u, err := url.Parse(link)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && len(link) <= MaxLinkBytes
}

// onCommunity reports whether a link is a page of the community.
func (l Links) onCommunity(link string) bool {
	base, err1 := url.Parse(l.BaseURL)
	u, err2 := url.Parse(link)
	return err1 == nil && err2 == nil && base.Host != "" && strings.EqualFold(u.Host, base.Host)
}

// hrefs finds the href of each <a> element of rendered HTML (double-quoted, as the
// sanitizer writes them; single quotes too).
var hrefs = regexp.MustCompile(`(?i)(<a\b[^>]*?\bhref\s*=\s*)("[^"]*"|'[^']*')`)

// placeholder is a link the renderer fills in later (__UNSUBSCRIBE_URL__): never
// tracked, whichever is done first.
var placeholder = regexp.MustCompile(`^__[A-Z_]+__$`)

// Rewrite returns html with each http(s) link of an <a> element (and each relative
// one, made absolute against BaseURL) replaced by its signed redirect, and, with
// OpenTracking, the 1x1 image at the end. mailto:, tel:, anchors, placeholders, links
// already rewritten and the Untracked prefixes are left as they are.
func (l Links) Rewrite(doc, newsletterID string) string {
	out := hrefs.ReplaceAllStringFunc(doc, func(m string) string {
		parts := hrefs.FindStringSubmatch(m)
		quoted := parts[2]
		link := html.UnescapeString(quoted[1 : len(quoted)-1])
		target, ok := l.tracked(link)
		if !ok {
			return m
		}
		return parts[1] + `"` + html.EscapeString(l.RedirectURL(newsletterID, target)) + `"`
	})
	if l.OpenTracking {
		img := `<img src="` + html.EscapeString(l.OpenURL(newsletterID)) + `" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px">`
		if i := strings.LastIndex(strings.ToLower(out), "</body>"); i >= 0 {
			out = out[:i] + img + out[i:]
		} else {
			out += img
		}
	}
	return out
}

// tracked is the absolute URL a link is redirected to, ok false to leave it alone.
func (l Links) tracked(link string) (string, bool) {
	link = strings.TrimSpace(link)
	if link == "" || strings.HasPrefix(link, "#") || placeholder.MatchString(link) {
		return "", false
	}
	u, err := url.Parse(link)
	if err != nil {
		return "", false
	}
	if !u.IsAbs() {
		base, err := url.Parse(strings.TrimRight(l.BaseURL, "/") + "/")
		if err != nil || base.Host == "" || strings.HasPrefix(link, "//") {
			return "", false
		}
		u = base.ResolveReference(u)
	}
	abs := u.String()
	if !redirectable(abs) {
		return "", false
	}
	base := strings.TrimRight(l.BaseURL, "/")
	if base != "" && strings.HasPrefix(abs, base+"/api/n/") {
		return "", false
	}
	for _, p := range l.Untracked {
		if p != "" && strings.HasPrefix(abs, p) {
			return "", false
		}
	}
	return abs, true
}

// RewriteLinks is Links.Rewrite: what the sender calls on each recipient's HTML once
// it is rendered, before the mail is handed over. It takes no recipient: nothing per
// recipient goes into a link (privacy first; see Links).
func RewriteLinks(doc, newsletterID string, links Links) string {
	return links.Rewrite(doc, newsletterID)
}
