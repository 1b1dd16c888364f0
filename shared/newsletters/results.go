package newsletters

import (
	"context"
	"errors"
	"fmt"
	"time"

	"tribune/shared/errs"
	"tribune/shared/eventtypes"
)

// Results (privacy first): what a newsletter did, in aggregate counters only
// (docs/newsletters.md, "Results"). Sent and errors are the sending path's counters on
// the newsletter (one per delivery record, in its own transaction); bounces and
// complaints come from the mail events of the configuration set, unsubscribes from the
// one-click unsubscribe, each counted once per event; clicks and visits from the signed
// redirect; opens from the 1x1 image when an admin switched open tracking on. Nothing
// records which member clicked or opened.

// Counters are a newsletter's results counters (each changes by ADD only).
type Counters struct {
	// Delivered counts the deliveries the mail service reported (SES's delivery
	// events; none over SMTP or into the outbox).
	Delivered    int64 `json:"delivered"`
	Bounced      int64 `json:"bounced"`
	Complaints   int64 `json:"complaints"`
	Unsubscribes int64 `json:"unsubscribes"`
	Clicks       int64 `json:"clicks"`
	Visits       int64 `json:"visits"`
	Opens        int64 `json:"opens"`
}

// LinkClicks is one link of a newsletter and how often it was followed.
type LinkClicks struct {
	URL    string `json:"url"`
	Clicks int64  `json:"clicks"`
	// Community: the link is a page of the community (its clicks are visits).
	Community bool `json:"community"`
}

// Report is the results page of a newsletter.
type Report struct {
	NewsletterID string `json:"newsletterId"`
	State        string `json:"state"`
	// Sent: mails handed to the mail transport; Errors: deliveries that failed to be
	// handed over (the sending path's counters).
	Sent   int64 `json:"sent"`
	Errors int64 `json:"errors"`
	Counters
	// DeliveryReported: Delivered is what the mail service reported; otherwise (SMTP,
	// the outbox) it is Sent less the bounces, what Mailchimp calls successful
	// deliveries.
	DeliveryReported bool `json:"deliveryReported"`
	// Links: the most followed first (at most MaxReportLinks).
	Links []LinkClicks `json:"links"`
	// OpenTracking says whether opens are counted now; Opens is shown only when they
	// were (a zero from tracking off is not "nobody opened it").
	OpenTracking bool `json:"openTracking"`
	// Rates per sent mail, 0 to 1 (0 while nothing was sent).
	ClickRate       float64 `json:"clickRate"`
	BounceRate      float64 `json:"bounceRate"`
	UnsubscribeRate float64 `json:"unsubscribeRate"`
}

// MaxReportLinks bounds the links a report lists.
const MaxReportLinks = 100

// Mail event kinds counted per newsletter.
const (
	MailDelivered    = "delivered"
	MailBounced      = "bounced"
	MailComplained   = "complained"
	MailUnsubscribed = "unsubscribed"
)

// Tracking are the admin's results settings.
type Tracking struct {
	// OpenTracking counts opens (in aggregate) through a 1x1 image. Off by default:
	// an image that reports back is a tracker, and Apple Mail's privacy protection
	// makes its numbers unreliable anyway.
	OpenTracking bool       `json:"openTracking"`
	UpdatedBy    string     `json:"updatedBy,omitempty"`
	UpdatedAt    *time.Time `json:"updatedAt,omitempty"`
}

// TrackingInput is what the admin's switch sends.
type TrackingInput struct {
	OpenTracking *bool `json:"openTracking"`
}

// ResultsStore keeps results.
type ResultsStore interface {
	// ResultCounters reads a newsletter's counters (zeros when nothing was counted).
	ResultCounters(ctx context.Context, newsletterID string) (Counters, error)
	// LinkClicks lists a newsletter's links with clicks, most followed first.
	LinkClicks(ctx context.Context, newsletterID string, limit int) ([]LinkClicks, error)
	// CountClick adds one click to the link and the newsletter, and with c.Visit one
	// visit to the newsletter and to the day's newsletter_visits metric: one
	// transaction. A newsletter with more than MaxTrackedLinks links counts the
	// click on the newsletter only (ErrTooManyLinks is not returned: the redirect works).
	CountClick(ctx context.Context, c Click, day string) error
	// CountOpen adds one open to the newsletter.
	CountOpen(ctx context.Context, newsletterID string) error
	// CountMailEvent adds one to a newsletter's counter of kind (MailBounced, ...)
	// unless eventID was counted already (then eventtypes.ErrDuplicate).
	CountMailEvent(ctx context.Context, newsletterID, kind, eventID string, now time.Time) error
	// Tracking reads the results settings (defaults when never set).
	Tracking(ctx context.Context) (Tracking, error)
	// SetTracking writes them.
	SetTracking(ctx context.Context, t Tracking) error
}

// MaxTrackedLinks bounds the distinct links counted per newsletter (the blocks give
// each recipient their own posts, so a newsletter's links are many, but not without
// end): past it a click counts on the newsletter and not per link.
const MaxTrackedLinks = 1000

// Sending is what results read of the rest of the domain: the newsletter (it must
// exist) and the sending path's counters.
type Sending interface {
	// Progress is the newsletter and its sent and errors counters; a missing
	// newsletter is an error that wraps errs.ErrNotFound or is ErrNoNewsletter.
	Progress(ctx context.Context, newsletterID string) (n Newsletter, sent, failed int64, err error)
}

// Results is the results service.
type Results struct {
	Store   ResultsStore
	Sending Sending
	// Links are the signing keys and address of the links (the key may be a secret
	// read on first use).
	Links func(ctx context.Context) (Links, error)
	Now   func() time.Time
}

// Errors of results.
var (
	ErrNoLink        = errs.New(errs.NotFound, "link_not_found", "This link does not exist.")
	ErrTrackingInput = errs.InvalidField("openTracking", "invalid_open_tracking", "Say whether opens are counted: true or false.")
)

// Report is a newsletter's results.
func (s *Results) Report(ctx context.Context, newsletterID string) (Report, error) {
	n, sent, failed, err := s.Sending.Progress(ctx, newsletterID)
	if errors.Is(err, errs.ErrNotFound) {
		err = ErrNoNewsletter
	}
	if err != nil {
		return Report{}, fmt.Errorf("newsletters.Report: %w", err)
	}
	c, err := s.Store.ResultCounters(ctx, newsletterID)
	if err != nil {
		return Report{}, fmt.Errorf("newsletters.Report: %w", err)
	}
	links, err := s.Store.LinkClicks(ctx, newsletterID, MaxReportLinks)
	if err != nil {
		return Report{}, fmt.Errorf("newsletters.Report: %w", err)
	}
	t, err := s.Store.Tracking(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("newsletters.Report: %w", err)
	}
	r := Report{NewsletterID: newsletterID, State: n.State, Sent: sent, Errors: failed, Counters: c, Links: links, OpenTracking: t.OpenTracking}
	if r.Links == nil {
		r.Links = []LinkClicks{}
	}
	r.DeliveryReported = c.Delivered > 0
	if !r.DeliveryReported {
		r.Delivered = max(0, sent-c.Bounced)
	}
	if sent > 0 {
		r.ClickRate = float64(c.Clicks) / float64(sent)
		r.BounceRate = float64(c.Bounced) / float64(sent)
		r.UnsubscribeRate = float64(c.Unsubscribes) / float64(sent)
	}
	return r, nil
}

// Follow counts a click on a signed redirect and says where to send the reader. A
// forged or damaged token is ErrNoLink (404), and nothing is counted.
func (s *Results) Follow(ctx context.Context, token string) (string, error) {
	return s.follow(ctx, token, true)
}

// Target says where a signed link goes without counting anything: a HEAD request
// (link scanners, previewers) is answered like a GET but is no click.
func (s *Results) Target(ctx context.Context, token string) (string, error) {
	return s.follow(ctx, token, false)
}

func (s *Results) follow(ctx context.Context, token string, count bool) (string, error) {
	links, err := s.Links(ctx)
	if err != nil {
		return "", fmt.Errorf("newsletters.Follow: %w", err)
	}
	c, ok := links.Open(token)
	if !ok {
		return "", fmt.Errorf("newsletters.Follow: %w", ErrNoLink)
	}
	if !count {
		return c.Destination(), nil
	}
	if err := s.Store.CountClick(ctx, c, day(s.Now())); err != nil {
		return "", fmt.Errorf("newsletters.Follow: %w", err)
	}
	return c.Destination(), nil
}

// Opened counts an open of the image's newsletter, when open tracking is on now (an
// image fetched after an admin switched it off counts nothing). A forged token is
// ErrNoLink.
func (s *Results) Opened(ctx context.Context, token string) error {
	return s.opened(ctx, token, true)
}

// CheckOpen checks the image's token without counting an open (a HEAD request).
func (s *Results) CheckOpen(ctx context.Context, token string) error {
	return s.opened(ctx, token, false)
}

func (s *Results) opened(ctx context.Context, token string, count bool) error {
	links, err := s.Links(ctx)
	if err != nil {
		return fmt.Errorf("newsletters.Opened: %w", err)
	}
	id, ok := links.Opened(token)
	if !ok {
		return fmt.Errorf("newsletters.Opened: %w", ErrNoLink)
	}
	if !count {
		return nil
	}
	t, err := s.Store.Tracking(ctx)
	if err != nil || !t.OpenTracking {
		return err
	}
	if err := s.Store.CountOpen(ctx, id); err != nil {
		return fmt.Errorf("newsletters.Opened: %w", err)
	}
	return nil
}

// SetTracking is the admin's switch.
func (s *Results) SetTracking(ctx context.Context, by string, in TrackingInput) (Tracking, error) {
	if in.OpenTracking == nil {
		return Tracking{}, fmt.Errorf("newsletters.SetTracking: %w", ErrTrackingInput)
	}
	now := s.Now().UTC()
	t := Tracking{OpenTracking: *in.OpenTracking, UpdatedBy: by, UpdatedAt: &now}
	if err := s.Store.SetTracking(ctx, t); err != nil {
		return Tracking{}, fmt.Errorf("newsletters.SetTracking: %w", err)
	}
	return t, nil
}

// CountMailEvent counts a bounce, a complaint or an unsubscribe of a newsletter once
// per event (a redelivered event counts nothing more). An event with no newsletter id
// (a mail that was not a newsletter) counts nothing.
func (s *Results) CountMailEvent(ctx context.Context, newsletterID, kind, eventID string) error {
	if newsletterID == "" {
		return nil
	}
	switch kind {
	case MailDelivered, MailBounced, MailComplained, MailUnsubscribed:
	default:
		return fmt.Errorf("newsletters.CountMailEvent: no counter %q", kind)
	}
	return s.Store.CountMailEvent(ctx, newsletterID, kind, eventID, s.Now())
}

// OnMailDelivered counts a delivery SES reported of a newsletter's mail.
func (s *Results) OnMailDelivered(ctx context.Context, evt eventtypes.MailDelivered) error {
	return s.counted(s.CountMailEvent(ctx, evt.NewsletterID, MailDelivered, evt.EventID))
}

// OnMailBounced counts a bounce (hard or soft) of a newsletter's mail.
func (s *Results) OnMailBounced(ctx context.Context, evt eventtypes.MailBounced) error {
	return s.counted(s.CountMailEvent(ctx, evt.NewsletterID, MailBounced, evt.EventID))
}

// OnMailComplained counts a complaint about a newsletter's mail.
func (s *Results) OnMailComplained(ctx context.Context, evt eventtypes.MailComplained) error {
	return s.counted(s.CountMailEvent(ctx, evt.NewsletterID, MailComplained, evt.EventID))
}

// OnConsentChanged counts an unsubscribe through a newsletter's link (one-click or
// the unsubscribe page); changes made in the preferences name no newsletter.
func (s *Results) OnConsentChanged(ctx context.Context, evt eventtypes.NewsletterConsentChanged) error {
	if evt.Subscribed {
		return nil
	}
	return s.counted(s.CountMailEvent(ctx, evt.NewsletterID, MailUnsubscribed, evt.EventID))
}

// counted: an event counted already is done.
func (s *Results) counted(err error) error {
	if errors.Is(err, eventtypes.ErrDuplicate) {
		return nil
	}
	return err
}

// day is a daily metric's key.
func day(t time.Time) string { return t.UTC().Format("2006-01-02") }
