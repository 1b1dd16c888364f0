package app

import (
	"context"
	"mime"
	"net/http"
	"strings"
	"time"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/httpx"
	"tribune/shared/newsletters"
	"tribune/shared/policy"
	"tribune/shared/store"
	"tribune/shared/text"
)

// The newsletters' audience and consent (docs/newsletters.md, "Audience and consent"):
// segments and their live count for marketers, members' lists in their email
// preferences, the lists' defaults for admins, RFC 8058 one-click unsubscribe (no
// sign-in), the suppression list, and the consumer of SES's mail events.

// NewAudience is the newsletters' Audience over a store: what the sender freezes,
// checks before each mail, and signs unsubscribe links with.
func NewAudience(cfg Deps) *newsletters.AudienceService {
	st := cfg.Store.Newsletters()
	return &newsletters.AudienceService{Store: st, Now: time.Now, PublicURL: cfg.Config.PublicURL, Key: st.UnsubscribeKey}
}

// audienceHTTP serves the audience routes.
type audienceHTTP struct{ svc *newsletters.AudienceService }

// AudienceCount is the live count of a segment.
type AudienceCount struct {
	Count int `json:"count"`
}

// AudienceCountRequest asks how many members a segment of a list reaches.
type AudienceCountRequest struct {
	List    string              `json:"list"`
	Segment newsletters.Segment `json:"segment"`
}

// OpenAPIEnums documents the lists.
func (AudienceCountRequest) OpenAPIEnums() map[string][]string {
	return map[string][]string{"list": newsletters.Lists}
}

func newsletterAudienceRoutes(d Deps) []httpx.Route {
	var h audienceHTTP
	if d.Store != nil {
		h.svc = NewAudience(d)
	}
	const tag = "newsletters"
	badToken := "A forged or malformed token"
	return []httpx.Route{
		{Method: "POST", Pattern: "/api/newsletters/audience/count", Tag: tag, Action: policy.NewslettersAudience, Handler: h.count, Request: AudienceCountRequest{},
			Summary:   "The live count of a segment while a marketer builds it: the members it chooses who consent to the list and whose address is not on the suppression list (marketers, admins). Writes nothing.",
			Responses: httpx.Answers(200, "The count", AudienceCount{}, map[int]string{400: "Unknown list, or a bad condition (spaces, roles, languages, days, date)"})},
		{Method: "GET", Pattern: "/api/me/newsletters", Tag: tag, Action: policy.SignedIn, Handler: h.preferences,
			Summary:   "The signed-in member's newsletter lists (community digest, product news, events): whether they receive each, since when and how they chose.",
			Responses: httpx.Answers(200, "The member's lists", newsletters.Preferences{}, nil)},
		{Method: "PUT", Pattern: "/api/me/newsletters", Tag: tag, Action: policy.SignedIn, Handler: h.savePreferences, Request: newsletters.PreferencesInput{},
			Summary:   "Choose which newsletter lists the signed-in member receives; each change is recorded with its time and source (preferences) and takes effect at once.",
			Responses: httpx.Answers(200, "The member's lists", newsletters.Preferences{}, map[int]string{400: "An unknown list, or none"})},
		{Method: "GET", Pattern: "/api/newsletters/lists", Tag: tag, Action: policy.NewslettersAudience, Handler: h.listSettings,
			Summary:   "Each list's default for new members (marketers, admins).",
			Responses: httpx.Answers(200, "The lists' settings", newsletters.ListSettings{}, nil)},
		{Method: "PUT", Pattern: "/api/newsletters/lists", Tag: tag, Action: policy.NewslettersLists, Handler: h.saveListSettings, Request: newsletters.ListSettings{},
			Summary:   "Choose each list's default for members who join from now on (admins); members who joined earlier keep their choices.",
			Responses: httpx.Answers(200, "The lists' settings", newsletters.ListSettings{}, map[int]string{400: "A list missing or unknown"})},
		{Method: "GET", Pattern: "/api/newsletters/unsubscribe", Tag: tag, Action: policy.Public, Handler: h.describeUnsubscribe,
			Query:     []httpx.Param{{Name: "t", Required: true, Description: "The token of the mail's unsubscribe link", MaxBytes: newsletters.MaxTokenBytes}},
			Summary:   "What an unsubscribe link would do (its list, the member's masked address, whether it was used): for the confirmation page, without signing in. Changes nothing.",
			Responses: httpx.Answers(200, "The link", newsletters.UnsubscribeInfo{}, map[int]string{400: badToken, 410: "The link expired"})},
		{Method: "POST", Pattern: "/api/newsletters/unsubscribe", Tag: tag, Action: policy.Public, Handler: h.unsubscribe, NoIdempotencyKey: true,
			Request: UnsubscribeConfirm{},
			Query:   []httpx.Param{{Name: "t", Required: true, Description: "The token of the mail's unsubscribe link", MaxBytes: newsletters.MaxTokenBytes}},
			Summary: "One-click unsubscribe (RFC 8058): the mail client POSTs List-Unsubscribe=One-Click (multipart/form-data or application/x-www-form-urlencoded, at most 4 KiB), or the confirmation page posts an empty JSON object; no sign-in. The member's consent to the list is withdrawn at once; the token is spent.",
			Responses: httpx.Answers(200, "Unsubscribed", newsletters.UnsubscribeResult{}, map[int]string{400: badToken + ", or a form body other than List-Unsubscribe=One-Click",
				409: "The link was used already", 410: "The link expired"})},
		{Method: "GET", Pattern: "/api/newsletters/suppressions", Tag: tag, Action: policy.NewslettersLists, Handler: h.suppressions,
			Query:     []httpx.Param{{Name: "cursor", Description: "The next page's cursor"}},
			Summary:   "The suppression list, newest first: addresses no newsletter goes to after a hard bounce or a complaint (admins).",
			Responses: httpx.Answers(200, "A page of the suppression list", newsletters.SuppressionPage{}, map[int]string{400: "Bad cursor"})},
		{Method: "DELETE", Pattern: "/api/newsletters/suppressions", Tag: tag, Action: policy.NewslettersLists, Handler: h.unsuppress,
			Query:     []httpx.Param{{Name: "email", Required: true, Description: "The address to take off", MaxBytes: text.MaxEmailBytes}},
			Summary:   "Take an address off the suppression list (admins: the member fixed their mailbox, or the complaint was a mistake).",
			Responses: httpx.Answers(204, "Taken off", nil, map[int]string{400: "Not an email address", 404: "The address is not on the list"})},
	}
}

func (h audienceHTTP) count(w http.ResponseWriter, r *http.Request) {
	var in AudienceCountRequest
	if httpx.Decoded(w, r, &in) {
		n, err := h.svc.Count(r.Context(), in.List, in.Segment)
		httpx.Reply(w, r, http.StatusOK, AudienceCount{Count: n}, err)
	}
}

func (h audienceHTTP) preferences(w http.ResponseWriter, r *http.Request) {
	p, err := h.svc.Preferences(r.Context(), auth.Caller(r).MemberID)
	httpx.Reply(w, r, http.StatusOK, p, err)
}

func (h audienceHTTP) savePreferences(w http.ResponseWriter, r *http.Request) {
	var in newsletters.PreferencesInput
	if httpx.Decoded(w, r, &in) {
		p, err := h.svc.SavePreferences(r.Context(), auth.Caller(r).MemberID, in)
		httpx.Reply(w, r, http.StatusOK, p, err)
	}
}

func (h audienceHTTP) listSettings(w http.ResponseWriter, r *http.Request) {
	s, err := h.svc.Store.ListSettings(r.Context())
	httpx.Reply(w, r, http.StatusOK, s, err)
}

func (h audienceHTTP) saveListSettings(w http.ResponseWriter, r *http.Request) {
	var in newsletters.ListSettings
	if !httpx.Decoded(w, r, &in) {
		return
	}
	if err := in.Validate(); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	if err := h.svc.Store.SaveListSettings(r.Context(), in); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	s, err := h.svc.Store.ListSettings(r.Context())
	httpx.Reply(w, r, http.StatusOK, s, err)
}

func (h audienceHTTP) describeUnsubscribe(w http.ResponseWriter, r *http.Request) {
	info, err := h.svc.DescribeUnsubscribe(r.Context(), r.URL.Query().Get("t"))
	httpx.Reply(w, r, http.StatusOK, info, err)
}

// UnsubscribeConfirm is the confirmation page's body (an empty object); a mail
// client's one-click POST sends the form List-Unsubscribe=One-Click instead.
type UnsubscribeConfirm struct{}

// errOneClickBody: a form body that is not RFC 8058's.
var errOneClickBody = errs.InvalidField("List-Unsubscribe", "one_click_body", "A one-click unsubscribe posts List-Unsubscribe=One-Click.")

func (h audienceHTTP) unsubscribe(w http.ResponseWriter, r *http.Request) {
	// Mail scanners never POST; RFC 8058 says the one-click POST carries the form
	// List-Unsubscribe=One-Click and no cookie. The confirmation page posts JSON.
	source := newsletters.SourceUnsubscribePage
	media, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if media == "application/x-www-form-urlencoded" || media == "multipart/form-data" {
		if !oneClickForm(w, r, media) {
			httpx.WriteError(w, r, errOneClickBody)
			return
		}
		source = newsletters.SourceOneClick
	} else {
		var in UnsubscribeConfirm
		if !httpx.Decoded(w, r, &in) {
			return
		}
	}
	res, err := h.svc.UnsubscribeWith(r.Context(), r.URL.Query().Get("t"), source)
	httpx.Reply(w, r, http.StatusOK, res, err)
}

// maxOneClickBody bounds a one-click form: List-Unsubscribe=One-Click is 26 bytes, a
// multipart body of it a few hundred.
const maxOneClickBody = 4 << 10

// oneClickForm reads RFC 8058's form, in either of its encodings (§3.1: the POST
// SHOULD be multipart/form-data and MAY be application/x-www-form-urlencoded), within
// maxOneClickBody, and reports whether it says List-Unsubscribe=One-Click.
func oneClickForm(w http.ResponseWriter, r *http.Request, media string) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxOneClickBody)
	if media == "multipart/form-data" {
		if err := r.ParseMultipartForm(maxOneClickBody); err != nil {
			return false
		}
		defer func() { _ = r.MultipartForm.RemoveAll() }()
		if len(r.MultipartForm.File) > 0 {
			return false // a form field, not a file
		}
	} else if err := r.ParseForm(); err != nil {
		return false
	}
	return r.PostForm.Get("List-Unsubscribe") == "One-Click"
}

func (h audienceHTTP) suppressions(w http.ResponseWriter, r *http.Request) {
	page, err := h.svc.Store.Suppressions(r.Context(), r.URL.Query().Get("cursor"), 50)
	httpx.Reply(w, r, http.StatusOK, page, err)
}

// errSuppressionEmail: the path holds no address.
var errSuppressionEmail = errs.InvalidField("email", "invalid_email", "Enter a valid email address.")

func (h audienceHTTP) unsuppress(w http.ResponseWriter, r *http.Request) {
	email, ok := text.NormalizeEmail(strings.TrimSpace(r.URL.Query().Get("email")))
	if !ok {
		httpx.WriteError(w, r, errSuppressionEmail)
		return
	}
	if err := h.svc.Store.Unsuppress(r.Context(), email); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// ---- the audience consumer: SES's mail events, sign-up defaults, members' activity ----

// audienceConsumer handles the events the audience keeps: SES's bounces, complaints
// and deliveries (the suppression list, the mail events of the results), new members
// (the lists' defaults recorded as their consent) and members' acts (their last
// activity, for "active in the last N days").
type audienceConsumer struct {
	audience *newsletters.AudienceService
	mail     *newsletters.MailEvents
	store    *store.Newsletters
}

func newAudienceConsumer(st *store.Store) audienceConsumer {
	if st == nil {
		return audienceConsumer{}
	}
	a := NewAudience(Deps{Store: st})
	return audienceConsumer{audience: a, mail: &newsletters.MailEvents{Store: a.Store, Now: time.Now}, store: st.Newsletters()}
}

func (c audienceConsumer) ses(ctx context.Context, e eventtypes.SESMailEvent) error {
	ev, err := newsletters.DecodeSES(e.Raw)
	if err != nil {
		return nil // unreadable: retrying cannot help (logged by nothing else: dropped)
	}
	return c.mail.Handle(ctx, e.EventID, ev)
}

func (c audienceConsumer) OnSESBounced(ctx context.Context, e eventtypes.SESBounced) error {
	return c.ses(ctx, e.SESMailEvent)
}
func (c audienceConsumer) OnSESComplained(ctx context.Context, e eventtypes.SESComplained) error {
	return c.ses(ctx, e.SESMailEvent)
}
func (c audienceConsumer) OnSESDelivered(ctx context.Context, e eventtypes.SESDelivered) error {
	return c.ses(ctx, e.SESMailEvent)
}

func (c audienceConsumer) OnMemberRegistered(ctx context.Context, e eventtypes.MemberRegistered) error {
	if e.MemberID == "" {
		return nil
	}
	if err := c.audience.SignUp(ctx, e.MemberID, e.OccurredAt); err != nil {
		return err
	}
	return c.store.MarkActive(ctx, e.MemberID, e.OccurredAt)
}

func (c audienceConsumer) OnPostCreated(ctx context.Context, e eventtypes.PostCreated) error {
	return c.store.MarkActive(ctx, e.AuthorID, e.OccurredAt)
}

func (c audienceConsumer) OnCommentCreated(ctx context.Context, e eventtypes.CommentCreated) error {
	return c.store.MarkActive(ctx, e.AuthorID, e.OccurredAt)
}

func (c audienceConsumer) OnReactionAdded(ctx context.Context, e eventtypes.ReactionAdded) error {
	return c.store.MarkActive(ctx, e.ReactorID, e.OccurredAt)
}

// SimulatedMailEvent is an SES event as SES would put it on EventBridge (source
// aws.ses): a hard bounce or a complaint of a mail to email, of newsletter newsletterID
// ("" for none). The local runtime's development route hands it to the local bus.
func SimulatedMailEvent(kind, email, newsletterID string) (eventtypes.Envelope, error) {
	now := time.Now().UTC()
	id := eventtypes.NewMeta(now).EventID
	detail, detailType, err := newsletters.SimulatedSES(kind, email, newsletterID, id, now)
	if err != nil {
		return eventtypes.Envelope{}, err
	}
	return eventtypes.Envelope{ID: id, Source: eventtypes.SourceSES, DetailType: detailType, Time: now, Detail: detail}, nil
}

// OnMemberDeleted erases the member's consent records and activity with their account.
func (c audienceConsumer) OnMemberDeleted(ctx context.Context, e eventtypes.MemberDeleted) error {
	if e.MemberID == "" {
		return nil
	}
	return c.store.EraseAudience(ctx, e.MemberID)
}
