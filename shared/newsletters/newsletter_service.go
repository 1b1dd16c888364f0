package newsletters

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/mail"
	"tribune/shared/policy"
	"tribune/shared/ratelimit"
	"tribune/shared/text"
)

// WritingStore is what writing needs from storage (shared/store, newsletters_writing.go).
type WritingStore interface {
	// CreateNewsletter writes a new draft.
	CreateNewsletter(ctx context.Context, n Newsletter) error
	// Newsletter reads one (errs.ErrNotFound when there is none).
	Newsletter(ctx context.Context, id string) (Newsletter, error)
	// UpdateWriting writes n's writing, list and segment over old if the newsletter is
	// still as old was read (ErrChanged) and still editable (ErrNotDraft).
	UpdateWriting(ctx context.Context, old, n Newsletter) error
	// DeleteNewsletter deletes a draft (ErrNotDraft when it is no longer one).
	DeleteNewsletter(ctx context.Context, n Newsletter) error
	// Newsletters lists every newsletter, newest first, a page at a time.
	Newsletters(ctx context.Context, cursor string, limit int) ([]Newsletter, string, error)
	// Branding reads the community's branding (DefaultBranding until set).
	Branding(ctx context.Context) (Branding, error)
	SaveBranding(ctx context.Context, b Branding) error
	// CountTestSend counts a test send under its limits (ErrTooManyTests over them).
	CountTestSend(ctx context.Context, hits []ratelimit.Hit, now time.Time) error
}

// LimitTests bounds the test sends of one staff member: 10 an hour.
var LimitTests = ratelimit.Rule{Name: "newsletter-test", Limit: 10, Window: time.Hour}

// ErrTooManyTests: over LimitTests.
var ErrTooManyTests = errs.New(errs.RateLimited, "newsletter_tests_limited", "You have sent 10 tests this hour: wait a little before the next one.")

// People is what writing needs of members (shared/app over the members' store).
type People interface {
	// Recipient is a member as a newsletter addresses them (errs.ErrNotFound if unknown).
	Recipient(ctx context.Context, memberID string) (Recipient, error)
}

// editable reports whether a newsletter in this state may still change: a draft only
// (scheduling and sending's Editable: a scheduled one is unscheduled first, as
// Mailchimp asks; once sending starts, nothing changes any more).
func editable(state string) bool { return state == StateDraft }

// NewsletterInput is what the editor sends: the writing (Writing's members), the list and the
// segment.
type NewsletterInput struct {
	Name        string    `json:"name"`
	DefaultLang string    `json:"defaultLang"`
	Versions    []Version `json:"versions"`
	Blocks      []Block   `json:"blocks"`
	PeriodDays  int       `json:"periodDays,omitzero"`
	Archive     bool      `json:"archive,omitzero"`
	List        string    `json:"list"`
	Segment     Segment   `json:"segment"`
}

// writing is the input's Writing.
func (in NewsletterInput) writing() Writing {
	return Writing{Name: in.Name, DefaultLang: in.DefaultLang, Versions: in.Versions, Blocks: in.Blocks, PeriodDays: in.PeriodDays, Archive: in.Archive}
}

// cleaned is the input of clean writing, list and segment.
type cleaned struct {
	Writing
	List    string
	Segment Segment
}

// ErrList: the list is not one of Lists.
var ErrList = errs.InvalidField("list", "invalid_newsletter_list", "Choose the list the newsletter goes to: community digest, product news or events.")

// clean checks the writing, the list and the segment (as the audience count and
// scheduling check it: checkSegment) and reports every wrong field at once
// (errs.Fields: the error is the first wrong field's, its fields all of them), so the
// editor shows each under its field; nothing is written when one is wrong.
func (s *Writer) clean(ctx context.Context, in NewsletterInput) (cleaned, error) {
	w, problems := in.writing().check()
	listOK := slices.Contains(Lists, in.List)
	if !listOK {
		problems = append(problems, ErrList)
	}
	seg := in.Segment
	seg.SpaceIDs, seg.Roles, seg.Languages = orEmpty(seg.SpaceIDs), orEmpty(seg.Roles), orEmpty(seg.Languages)
	var err error
	if listOK {
		seg, err = s.checkSegment(ctx, in.List, seg)
	} else {
		seg, err = seg.Validate(s.now()) // its conditions at least
	}
	if err != nil {
		e, ok := errs.As(err)
		if !ok || e.Kind != errs.Invalid {
			return cleaned{}, err
		}
		problems = append(problems, fieldErrors(e)...)
	}
	if err := errs.Fields(problems); err != nil {
		return cleaned{}, err
	}
	return cleaned{Writing: w, List: in.List, Segment: seg}, nil
}

// fieldErrors are the wrong fields an error carries: its Fields when it has them
// (a segment with several wrong conditions), else itself.
func fieldErrors(e *errs.Error) []error {
	if len(e.Fields) == 0 {
		return []error{e}
	}
	out := make([]error, 0, len(e.Fields))
	for _, f := range e.Fields {
		out = append(out, errs.InvalidField(f.Field, f.Code, f.Detail))
	}
	return out
}

// SegmentChecker checks a segment of a list as the audience count and scheduling do
// (AudienceService.Check: its conditions, and that its spaces exist), returning it
// normalised.
type SegmentChecker interface {
	Check(ctx context.Context, list string, seg Segment) (Segment, error)
}

// checkSegment checks a segment before anything is written: the same 400 problems
// (segment_spaces, segment_space_unknown, segment_roles, segment_languages,
// segment_days, segment_joined_after) at save as at the count and at scheduling, so
// a newsletter or a digest never holds an audience the rest of the product refuses.
func (s *Writer) checkSegment(ctx context.Context, list string, seg Segment) (Segment, error) {
	if s.Segments == nil {
		return seg.Validate(s.now())
	}
	return s.Segments.Check(ctx, list, seg)
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Writer is writing's use cases: the newsletters' CRUD, preview, test sends, branding,
// the archive and the digests (digest.go).
type Writer struct {
	Store    WritingStore
	People   People
	Composer *Composer
	Mail     mail.Sender
	Now      func() time.Time
	// Digests and Schedule: the recurring digests (digest.go).
	Digests  DigestStore
	Schedule DigestScheduler
	Queue    DigestQueue
	// Segments checks segments at save (the AudienceService; nil: their conditions only).
	Segments SegmentChecker
}

func (s *Writer) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// NewID is a newsletter's id.
func NewID() string { return "nl_" + strings.ToLower(rand.Text()[:16]) }

// Create writes a new draft.
func (s *Writer) Create(ctx context.Context, actor auth.Principal, input NewsletterInput) (Newsletter, error) {
	in, err := s.clean(ctx, input)
	if err != nil {
		return Newsletter{}, err
	}
	now := s.now()
	n := Newsletter{ID: NewID(), List: in.List, State: StateDraft, CreatedBy: actor.MemberID, CreatedAt: now, UpdatedAt: now,
		Writing: in.Writing, Segment: in.Segment}
	if err := s.Store.CreateNewsletter(ctx, n); err != nil {
		return Newsletter{}, err
	}
	return n, nil
}

// Get reads a newsletter (its staff).
func (s *Writer) Get(ctx context.Context, id string) (Newsletter, error) {
	n, err := s.Store.Newsletter(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		return Newsletter{}, ErrNoNewsletter
	}
	return n, err
}

// Update changes a newsletter's writing, list and segment while it is editable; the
// caller sends the UpdatedAt it read (ifUpdatedAt, zero: no check) so two editors do
// not overwrite each other.
func (s *Writer) Update(ctx context.Context, id string, input NewsletterInput, ifUpdatedAt time.Time) (Newsletter, error) {
	in, err := s.clean(ctx, input)
	if err != nil {
		return Newsletter{}, err
	}
	old, err := s.Get(ctx, id)
	if err != nil {
		return Newsletter{}, err
	}
	if !editable(old.State) {
		return Newsletter{}, ErrNotDraft
	}
	if !ifUpdatedAt.IsZero() && !ifUpdatedAt.Equal(old.UpdatedAt) {
		return Newsletter{}, ErrChanged
	}
	n := old
	n.Writing, n.List, n.Segment = in.Writing, in.List, in.Segment
	n.UpdatedAt = s.now()
	if !n.UpdatedAt.After(old.UpdatedAt) {
		n.UpdatedAt = old.UpdatedAt.Add(time.Microsecond)
	}
	if err := s.Store.UpdateWriting(ctx, old, n); err != nil {
		return Newsletter{}, err
	}
	return n, nil
}

// Delete deletes a draft.
func (s *Writer) Delete(ctx context.Context, id string) error {
	n, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	if n.State != StateDraft {
		return ErrNotDraft
	}
	return s.Store.DeleteNewsletter(ctx, n)
}

// Page is a page of newsletters.
type Page struct {
	Newsletters []Newsletter `json:"newsletters"`
	Next        string       `json:"next,omitempty"`
}

// List lists the newsletters, newest first.
func (s *Writer) List(ctx context.Context, cursor string) (Page, error) {
	list, next, err := s.Store.Newsletters(ctx, cursor, ListPage)
	if err != nil {
		return Page{}, err
	}
	if list == nil {
		list = []Newsletter{}
	}
	return Page{Newsletters: list, Next: next}, nil
}

// PreviewRequest asks for a newsletter as a member would receive it: the writing as the
// editor holds it now (saved or not), the member (their language, name and what they
// may read), the newsletter's id when it has one (for its links).
type PreviewRequest struct {
	Writing  Writing `json:"writing"`
	MemberID string  `json:"memberId,omitempty" doc:"The member to preview as; empty: the caller."`
	ID       string  `json:"id,omitempty"`
}

// Preview is a newsletter rendered for one member.
type Preview struct {
	Subject   string `json:"subject"`
	Preheader string `json:"preheader"`
	HTML      string `json:"html"`
	Text      string `json:"text"`
	// Page is the mail's content for the app to show (no inline style; the app's style sheet).
	Page string `json:"page"`
	Lang string `json:"lang"`
	// MemberName is who it was rendered for; Withheld counts the spaces the member may
	// read whose content the preview leaves out because the caller may not read them.
	MemberName string `json:"memberName"`
	Withheld   int    `json:"withheld"`
	// Empty: a digest with nothing for this member (they would not receive it).
	Empty bool `json:"empty"`
}

// ErrNoMember: preview or test as a member who does not exist.
var ErrNoMember = errs.InvalidField("memberId", "unknown_member", "There is no such member: choose one by name.")

// Preview renders the writing as memberID would receive it. What the blocks show is
// what both the member and the caller may read: a preview never shows its staff a
// space they cannot read themselves (Withheld says how many spaces were left out).
func (s *Writer) Preview(ctx context.Context, actor auth.Principal, req PreviewRequest) (Preview, error) {
	w, err := req.Writing.Clean()
	if err != nil {
		return Preview{}, err
	}
	if req.MemberID == "" {
		req.MemberID = actor.MemberID
	}
	r, err := s.People.Recipient(ctx, req.MemberID)
	if errors.Is(err, errs.ErrNotFound) {
		return Preview{}, ErrNoMember
	}
	if err != nil {
		return Preview{}, err
	}
	id := req.ID
	if id == "" {
		id = "preview"
	}
	return s.preview(ctx, actor, Newsletter{ID: id, Writing: w}, r)
}

func (s *Writer) preview(ctx context.Context, actor auth.Principal, n Newsletter, r Recipient) (Preview, error) {
	c := &Composer{Community: s.Composer.Community, Branding: s.Composer.Branding, PublicURL: s.Composer.PublicURL, Now: s.Composer.Now}
	shared := &viewerCommunity{Community: s.Composer.Community, viewer: actor.MemberID}
	if c.Community != nil && actor.MemberID != r.MemberID {
		c.Community = shared
	}
	out, page, err := c.renderPage(ctx, n, r)
	if errors.Is(err, ErrNothingNew) {
		return Preview{Lang: n.Writing.Version(r.Lang).Lang, MemberName: r.Name, Empty: true}, nil
	}
	if err != nil {
		return Preview{}, err
	}
	return Preview{Subject: out.Subject, Preheader: out.Preheader, HTML: out.HTML, Text: out.Text, Page: page, Lang: n.Writing.Version(r.Lang).Lang,
		MemberName: r.Name, Withheld: shared.withheld}, nil
}

// viewerCommunity reads as a member, leaving out the spaces a viewer may not read.
type viewerCommunity struct {
	Community
	viewer   string
	withheld int
}

func (v *viewerCommunity) ReadableSpaces(ctx context.Context, memberID string) (map[string]string, error) {
	theirs, err := v.Community.ReadableSpaces(ctx, memberID)
	if err != nil {
		return nil, err
	}
	mine, err := v.Community.ReadableSpaces(ctx, v.viewer)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	v.withheld = 0
	for id, name := range theirs {
		if _, ok := mine[id]; ok {
			out[id] = name
		} else {
			v.withheld++
		}
	}
	return out, nil
}

// TestRequest asks for a test send of a newsletter, rendered as a member, to the caller.
type TestRequest struct {
	MemberID string `json:"memberId,omitempty" doc:"Render as this member; empty: the caller."`
}

// TestSent says where a test went.
type TestSent struct {
	To string `json:"to"`
}

// Test sends the newsletter, as memberID would receive it (see Preview), to the
// caller's own address, its subject marked as a test. Only staff send tests, to
// themselves: a test never reaches a member.
func (s *Writer) Test(ctx context.Context, actor auth.Principal, id string, req TestRequest) (TestSent, error) {
	if !policy.Allowed(actor.Roles, policy.NewslettersWrite) {
		return TestSent{}, errs.New(errs.Forbidden, "forbidden", "Only those who write newsletters send tests.")
	}
	n, err := s.Get(ctx, id)
	if err != nil {
		return TestSent{}, err
	}
	me, err := s.People.Recipient(ctx, actor.MemberID)
	if err != nil {
		return TestSent{}, err
	}
	if me.Email == "" {
		return TestSent{}, errs.New(errs.Conflict, "no_email", "Your account has no email address to send the test to.")
	}
	r := me
	if req.MemberID != "" && req.MemberID != actor.MemberID {
		if r, err = s.People.Recipient(ctx, req.MemberID); errors.Is(err, errs.ErrNotFound) {
			return TestSent{}, ErrNoMember
		} else if err != nil {
			return TestSent{}, err
		}
	}
	p, err := s.preview(ctx, actor, n, r)
	if err != nil {
		return TestSent{}, err
	}
	if p.Empty {
		return TestSent{}, ErrNothingNew
	}
	if err := s.Store.CountTestSend(ctx, []ratelimit.Hit{{Rule: LimitTests, Key: actor.MemberID}}, s.now()); err != nil {
		return TestSent{}, err
	}
	prefix := "[Test] "
	if p.Lang == "fr" {
		prefix = "[Essai] "
	}
	link := strings.TrimRight(s.Composer.PublicURL, "/") + "/me/profile"
	rendered := Rendered{Subject: p.Subject, HTML: p.HTML, Text: p.Text}.WithUnsubscribe(link, nil)
	subject, _ := text.Line("subject", prefix+rendered.Subject)
	msg := mail.Message{ID: "newsletter-test/" + n.ID + "/" + actor.MemberID + "/" + s.now().UTC().Format(time.RFC3339Nano), To: me.Email,
		Subject: subject, Text: rendered.Text, HTML: rendered.HTML}
	if err := s.Mail.Send(ctx, msg); err != nil {
		return TestSent{}, fmt.Errorf("newsletters.Test %s: %w", id, err)
	}
	return TestSent{To: me.Email}, nil
}

// ErrBranding: a bad colour, logo address or footer.
var ErrBranding = errs.InvalidField("branding", "invalid_newsletter_branding", "The branding has a name (1 to 80 characters), a colour like #2457d6, a logo address starting with https:// (or none), and a footer of at most 300 characters.")

// SaveBranding validates and saves the community's branding.
func (s *Writer) SaveBranding(ctx context.Context, b Branding) (Branding, error) {
	var out Branding
	var err error
	if out.CommunityName, err = cleanLine("communityName", b.CommunityName, 80, true, ErrBranding); err != nil {
		return Branding{}, err
	}
	if out.Footer, err = cleanLine("footer", b.Footer, 300, false, ErrBranding); err != nil {
		return Branding{}, err
	}
	if !colorPattern.MatchString(b.Color) {
		return Branding{}, withField(ErrBranding, "color")
	}
	out.Color = strings.ToLower(b.Color)
	if b.LogoURL != "" && (safeLogo(b.LogoURL) == "" || len(b.LogoURL) > 500) {
		return Branding{}, withField(ErrBranding, "logoUrl")
	}
	out.LogoURL = b.LogoURL
	if err := s.Store.SaveBranding(ctx, out); err != nil {
		return Branding{}, err
	}
	return out, nil
}
