package newsletters

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"tribune/shared/errs"
	"tribune/shared/eventtypes"
)

// One-click unsubscribe (RFC 8058; docs/newsletters.md, "One-click unsubscribe"). Each
// mail carries its own token: the member, the list, the newsletter, when it was made
// and a random nonce, signed with HMAC-SHA256 under a key derived from the
// deployment's secret. A token is spent by its first use (its nonce recorded), so a
// forged token (bad signature) and a reused one are refused.

// UnsubscribeValidity is how long a token works after its mail was sent.
const UnsubscribeValidity = 180 * 24 * time.Hour

// MaxTokenBytes bounds a token as the routes take it.
const MaxTokenBytes = 512

// Errors of unsubscribing.
var (
	ErrUnsubscribeInvalid = errs.New(errs.Invalid, "unsubscribe_invalid", "This unsubscribe link is not valid. Change your email preferences from your profile instead.")
	ErrUnsubscribeExpired = errs.New(errs.Gone, "unsubscribe_expired", "This unsubscribe link has expired. Change your email preferences from your profile instead.")
	ErrUnsubscribeUsed    = errs.New(errs.Conflict, "unsubscribe_used", "This unsubscribe link was already used: you are unsubscribed from this list.")
)

// unsubscribeClaims are what a token says.
type unsubscribeClaims struct {
	Member     string `json:"m"`
	List       string `json:"l"`
	Newsletter string `json:"n,omitempty"`
	Issued     int64  `json:"t"`
	Nonce      string `json:"r"`
}

// sign is the token of claims under key.
func sign(key []byte, c unsubscribeClaims) string {
	body, _ := json.Marshal(c)
	payload := base64.RawURLEncoding.EncodeToString(body)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("unsubscribe." + payload))
	return payload + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:20])
}

// verify reads a token's claims if its signature holds under key.
func verify(key []byte, token string) (unsubscribeClaims, bool) {
	if len(token) > MaxTokenBytes {
		return unsubscribeClaims{}, false
	}
	payload, sig, ok := strings.Cut(token, ".")
	if !ok {
		return unsubscribeClaims{}, false
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil {
		return unsubscribeClaims{}, false
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("unsubscribe." + payload))
	if !hmac.Equal(got, mac.Sum(nil)[:20]) {
		return unsubscribeClaims{}, false
	}
	body, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return unsubscribeClaims{}, false
	}
	var c unsubscribeClaims
	if json.Unmarshal(body, &c) != nil || c.Member == "" || c.Nonce == "" || !ValidList(c.List) {
		return unsubscribeClaims{}, false
	}
	return c, true
}

// Unsubscribe implements the Audience interface: the link of r's mail of list, from
// newsletter newsletterID (its results count the unsubscribes it led to; "" for none),
// and its RFC 8058 headers. The visible link opens the confirmation page of the web app;
// List-Unsubscribe is the API's one-click address, which the mail client POSTs
// "List-Unsubscribe=One-Click" to, without cookies.
func (a *AudienceService) Unsubscribe(r Recipient, list, newsletterID string) (string, map[string]string) {
	key, err := a.Key()
	if err != nil || len(key) == 0 {
		// No key, no link that works: a mail without one must not leave (the sender
		// treats a missing header as an error).
		return "", map[string]string{}
	}
	token := sign(key, unsubscribeClaims{Member: r.MemberID, List: list, Newsletter: newsletterID, Issued: a.Now().Unix(), Nonce: rand.Text()[:16]})
	q := url.QueryEscape(token)
	link := a.PublicURL + "/unsubscribe?t=" + q
	return link, map[string]string{
		"List-Unsubscribe":      "<" + a.PublicURL + "/api/newsletters/unsubscribe?t=" + q + ">",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
	}
}

// UnsubscribeInfo is what the confirmation page shows before (and after) the click.
type UnsubscribeInfo struct {
	List string `json:"list"`
	// Used: the link was used already (the member is unsubscribed from the list).
	Used bool `json:"used"`
	// Subscribed: the member's consent to the list stands now.
	Subscribed bool `json:"subscribed"`
	// Email is the member's address, masked ("m•••@example.com").
	Email string `json:"email"`
}

// UnsubscribeResult is the answer of an unsubscribe.
type UnsubscribeResult struct {
	List         string `json:"list"`
	Unsubscribed bool   `json:"unsubscribed"`
}

// OpenAPIEnums documents the lists.
func (UnsubscribeInfo) OpenAPIEnums() map[string][]string { return map[string][]string{"list": Lists} }

// OpenAPIEnums documents the lists.
func (UnsubscribeResult) OpenAPIEnums() map[string][]string {
	return map[string][]string{"list": Lists}
}

// claims reads a token for use at now: ErrUnsubscribeInvalid when forged or malformed,
// ErrUnsubscribeExpired when too old.
func (a *AudienceService) claims(token string) (unsubscribeClaims, error) {
	key, err := a.Key()
	if err != nil {
		return unsubscribeClaims{}, err
	}
	c, ok := verify(key, token)
	if !ok {
		return unsubscribeClaims{}, ErrUnsubscribeInvalid
	}
	issued := time.Unix(c.Issued, 0)
	if a.Now().Sub(issued) > UnsubscribeValidity || issued.After(a.Now().Add(time.Hour)) {
		return unsubscribeClaims{}, ErrUnsubscribeExpired
	}
	return c, nil
}

// DescribeUnsubscribe is what the confirmation page shows: the list and whether the
// link was used. Reading it changes nothing (mail scanners open links).
func (a *AudienceService) DescribeUnsubscribe(ctx context.Context, token string) (UnsubscribeInfo, error) {
	c, err := a.claims(token)
	if err != nil {
		return UnsubscribeInfo{}, err
	}
	used, err := a.Store.UnsubscribeSpent(ctx, c.Nonce)
	if err != nil {
		return UnsubscribeInfo{}, err
	}
	cand, found, err := a.Store.Candidate(ctx, c.List, c.Member)
	if err != nil {
		return UnsubscribeInfo{}, err
	}
	if !found {
		return UnsubscribeInfo{}, ErrUnsubscribeInvalid
	}
	return UnsubscribeInfo{List: c.List, Used: used, Subscribed: cand.Consents, Email: maskEmail(cand.Email)}, nil
}

// UnsubscribeWith spends a token: the member's consent to its list is withdrawn at once
// (source one-click or the page), recorded with the token's newsletter, and the token
// cannot be used again (ErrUnsubscribeUsed).
func (a *AudienceService) UnsubscribeWith(ctx context.Context, token, source string) (UnsubscribeResult, error) {
	c, err := a.claims(token)
	if err != nil {
		return UnsubscribeResult{}, err
	}
	if _, found, err := a.Store.Candidate(ctx, c.List, c.Member); err != nil {
		return UnsubscribeResult{}, err
	} else if !found {
		return UnsubscribeResult{}, ErrUnsubscribeInvalid
	}
	now := a.Now().UTC()
	consent := Consent{List: c.List, Subscribed: false, At: now, Source: source, NewsletterID: c.Newsletter}
	env, err := eventtypes.Wrap(eventtypes.NewsletterConsentChanged{Meta: eventtypes.NewMeta(now), MemberID: c.Member, List: c.List,
		Subscribed: false, Source: source, NewsletterID: c.Newsletter})
	if err != nil {
		return UnsubscribeResult{}, err
	}
	expires := time.Unix(c.Issued, 0).Add(UnsubscribeValidity + 24*time.Hour)
	if err := a.Store.SpendUnsubscribe(ctx, c.Nonce, expires, c.Member, consent, env); err != nil {
		return UnsubscribeResult{}, err
	}
	return UnsubscribeResult{List: c.List, Unsubscribed: true}, nil
}

// maskEmail keeps an address's first character and its domain ("m•••@example.com").
func maskEmail(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at < 1 {
		return "•••"
	}
	return string([]rune(email[:at])[0]) + "•••" + email[at:]
}

// ---- preferences ----

// Preferences are a member's consent to each list (unsubscribed where none is recorded).
func (a *AudienceService) Preferences(ctx context.Context, memberID string) (Preferences, error) {
	cs, err := a.Store.Consents(ctx, memberID)
	if err != nil {
		return Preferences{}, err
	}
	out := Preferences{Lists: make([]Consent, 0, len(Lists))}
	for _, l := range Lists {
		c := Consent{List: l}
		for _, have := range cs {
			if have.List == l {
				c = have
			}
		}
		out.Lists = append(out.Lists, c)
	}
	return out, nil
}

// ErrPreferences: the preferences name an unknown list, or none.
var ErrPreferences = errs.InvalidField("lists", "newsletter_preferences", "Choose, for one list or more among community digest, product news and events, whether you receive it.")

// SavePreferences records the member's choices that change something (source
// preferences, now), each with an event, and answers the preferences.
func (a *AudienceService) SavePreferences(ctx context.Context, memberID string, in PreferencesInput) (Preferences, error) {
	if len(in.Lists) == 0 || len(in.Lists) > len(Lists) {
		return Preferences{}, ErrPreferences
	}
	for l := range in.Lists {
		if !ValidList(l) {
			return Preferences{}, ErrPreferences
		}
	}
	before, err := a.Preferences(ctx, memberID)
	if err != nil {
		return Preferences{}, err
	}
	now := a.Now().UTC()
	var changes []Consent
	var events []eventtypes.Envelope
	for _, c := range before.Lists {
		want, ok := in.Lists[c.List]
		if !ok || (want == c.Subscribed && c.Source != "") {
			continue
		}
		nc := Consent{List: c.List, Subscribed: want, At: now, Source: SourcePreferences}
		env, err := eventtypes.Wrap(eventtypes.NewsletterConsentChanged{Meta: eventtypes.NewMeta(now), MemberID: memberID, List: c.List,
			Subscribed: want, Source: SourcePreferences})
		if err != nil {
			return Preferences{}, err
		}
		changes, events = append(changes, nc), append(events, env)
	}
	if len(changes) > 0 {
		if err := a.Store.SetConsents(ctx, memberID, changes, events); err != nil {
			return Preferences{}, err
		}
	}
	return a.Preferences(ctx, memberID)
}

// SignUp records the lists' defaults for a new member (source sign-up, at when they
// joined), leaving any choice they made meanwhile.
func (a *AudienceService) SignUp(ctx context.Context, memberID string, joined time.Time) error {
	settings, err := a.Store.ListSettings(ctx)
	if err != nil {
		return err
	}
	cs := make([]Consent, 0, len(Lists))
	for _, l := range Lists {
		cs = append(cs, Consent{List: l, Subscribed: settings.Defaults[l], At: joined.UTC(), Source: SourceSignUp})
	}
	return a.Store.SignUpConsents(ctx, memberID, cs)
}
