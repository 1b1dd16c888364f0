package posts

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/httpx"
	"tribune/shared/idempotency"
	"tribune/shared/policy"
)

// Scheduled announcements (issue 13, the editorial calendar): staff write an
// announcement now and a one-time schedule publishes it at a date (EventBridge
// Scheduler in AWS, the local scheduler under make run), pinned until a later date.
// At publication it is an ordinary announcement, written by its author through Create,
// with everything Create checks done again then: the author may still announce and
// post in the space (a role taken away or a space left meanwhile: it is not published
// and the calendar says why).

// JobAnnouncementPublish is the clock's job kind that publishes one.
const JobAnnouncementPublish = "announcement.publish"

// States of a scheduled announcement.
const (
	ScheduledWaiting   = "scheduled"
	ScheduledPublished = "published"
	ScheduledFailed    = "failed"
)

// ScheduledAnnouncement is an announcement waiting for its date (or published, or not
// published and why).
type ScheduledAnnouncement struct {
	ID          string    `json:"id"`
	SpaceID     string    `json:"spaceId"`
	SpaceName   string    `json:"spaceName"`
	Title       string    `json:"title"`
	Body        string    `json:"body"`
	PublishAt   time.Time `json:"publishAt"`
	PinnedUntil time.Time `json:"pinnedUntil"`
	AuthorID    string    `json:"authorId"`
	AuthorName  string    `json:"authorName"`
	CreatedAt   time.Time `json:"createdAt"`
	State       string    `json:"state" schema:"enum=scheduled|published|failed"`
	// PostID is the published post (its id is fixed when it is scheduled, so a
	// publication that runs twice publishes once).
	PostID string `json:"postId"`
	// Problem is the code of why it was not published (State failed).
	Problem string `json:"problem,omitempty"`
}

// ScheduleAnnouncement is what staff send to schedule one.
// The dates are required, checked by Schedule (as a campaign's dates are) so that
// each one missing or null is reported by its own name, both at once when both are.
type ScheduleAnnouncement struct {
	Title       string    `json:"title"`
	Body        string    `json:"body"`
	PublishAt   time.Time `json:"publishAt,omitzero" doc:"Required."`
	PinnedUntil time.Time `json:"pinnedUntil,omitzero" doc:"Required."`
}

// ScheduledList is scheduled announcements, soonest first.
type ScheduledList struct {
	Items []ScheduledAnnouncement `json:"items"`
}

// ScheduledStore keeps scheduled announcements.
type ScheduledStore interface {
	// CreateScheduled writes a new one.
	CreateScheduled(ctx context.Context, a ScheduledAnnouncement) error
	// Scheduled reads one (errs.ErrNotFound wrapped when there is none).
	Scheduled(ctx context.Context, id string) (ScheduledAnnouncement, error)
	// ScheduledBetween lists those whose PublishAt is in [from, to), soonest first.
	ScheduledBetween(ctx context.Context, from, to time.Time) ([]ScheduledAnnouncement, error)
	// SettleScheduled records a publication or a failure, on condition it is still
	// waiting (false when it was not).
	SettleScheduled(ctx context.Context, a ScheduledAnnouncement) (bool, error)
	// DeleteScheduled deletes one still waiting (false when it was not waiting).
	DeleteScheduled(ctx context.Context, id string) (bool, error)
}

// ScheduleClock sets and cancels the one-time schedules.
type ScheduleClock interface {
	At(ctx context.Context, name string, at time.Time, kind, id string) error
	Cancel(ctx context.Context, name string) error
}

// Authors reads who a member is now: their roles, and whether they may act at all
// (false: deleted, banned or suspended).
type Authors interface {
	Principal(ctx context.Context, memberID string) (auth.Principal, bool, error)
}

// Scheduling is the scheduled announcements' service.
type Scheduling struct {
	Posts   *Service
	Store   ScheduledStore
	Clock   ScheduleClock
	Authors Authors
}

// Limits of scheduling.
const (
	// ScheduleAhead: a publication date in the future (EventBridge Scheduler runs one
	// less than a minute ahead a minute from now), at most MaxAhead.
	ScheduleAhead = time.Second
	// MaxScheduledRange bounds the dates the list reads at once.
	MaxScheduledRange = 400 * 24 * time.Hour
)

// Errors of scheduling.
var (
	ErrPublishAt       = errs.InvalidField("publishAt", "invalid_publish_at", "An announcement is published at a date in the future, within a year.")
	ErrNoPublishAt     = errs.InvalidField("publishAt", "missing_field", "publishAt is required: send the date to publish the announcement at.")
	ErrNoPinnedUntil   = errs.InvalidField("pinnedUntil", "missing_field", "pinnedUntil is required: send the date the announcement stays pinned until.")
	ErrPinnedAfter     = errs.InvalidField("pinnedUntil", "invalid_pinned_until", "An announcement is pinned until a date after its publication, within a year of it.")
	ErrNoScheduled     = errs.New(errs.NotFound, "scheduled_announcement_not_found", "There is no such scheduled announcement.")
	ErrAlreadySettled  = errs.New(errs.Conflict, "announcement_already_published", "This announcement was already published (or could not be), so it cannot be cancelled.")
	ErrScheduledRange  = errs.InvalidField("from", "invalid_range", "Give from and to as dates (RFC 3339), from before to, at most 400 days apart.")
	errAuthorCannotNow = "author_may_not_announce"
)

// scheduleName is the one-time schedule of an announcement.
func scheduleName(id string) string { return "announce-" + id }

// Schedule writes an announcement to publish in a space at a date. The actor must be
// allowed to announce and to post in the space now; the text is checked as Create
// checks it (so it will not fail at publication for its content).
func (s *Scheduling) Schedule(ctx context.Context, actor auth.Principal, spaceID string, in ScheduleAnnouncement) (ScheduledAnnouncement, error) {
	if !policy.Allowed(actor.Roles, policy.PostsAnnounce) {
		return ScheduledAnnouncement{}, fmt.Errorf("posts.Schedule: %w", ErrAnnounce)
	}
	var missing []error
	if in.PublishAt.IsZero() {
		missing = append(missing, ErrNoPublishAt)
	}
	if in.PinnedUntil.IsZero() {
		missing = append(missing, ErrNoPinnedUntil)
	}
	if err := errs.Fields(missing); err != nil {
		return ScheduledAnnouncement{}, fmt.Errorf("posts.Schedule: %w", err)
	}
	now := s.Posts.Now().UTC()
	if in.PublishAt.Before(now.Add(ScheduleAhead)) || in.PublishAt.Sub(now) > MaxAhead {
		return ScheduledAnnouncement{}, fmt.Errorf("posts.Schedule: %w", ErrPublishAt)
	}
	// Both kept to the second: compared as stored, so a pin that ends the second the
	// announcement is published (the same instant sent twice) is refused.
	at := in.PublishAt.UTC().Truncate(time.Second)
	pinned := in.PinnedUntil.UTC().Truncate(time.Second)
	if !pinned.After(at) || pinned.Sub(at) > MaxAhead {
		return ScheduledAnnouncement{}, fmt.Errorf("posts.Schedule: %w", ErrPinnedAfter)
	}
	n := NewPost{Kind: KindAnnouncement, Title: in.Title, Body: in.Body}
	if err := n.validateText(); err != nil {
		return ScheduledAnnouncement{}, fmt.Errorf("posts.Schedule: %w", err)
	}
	access, err := s.Posts.Spaces.Access(ctx, actor, spaceID)
	if err == nil && !access.Post {
		err = access.Denied
	}
	if err != nil {
		return ScheduledAnnouncement{}, fmt.Errorf("posts.Schedule: %w", err)
	}
	if err := s.Posts.checkImages(ctx, spaceID, n.Body, ""); err != nil {
		return ScheduledAnnouncement{}, fmt.Errorf("posts.Schedule: %w", err)
	}
	w, err := s.Posts.Store.Writer(ctx, actor.MemberID)
	if err != nil {
		return ScheduledAnnouncement{}, fmt.Errorf("posts.Schedule: %w", err)
	}
	if !w.RulesAccepted {
		return ScheduledAnnouncement{}, fmt.Errorf("posts.Schedule: %w", ErrRules)
	}
	id := strings.ToLower(rand.Text())
	a := ScheduledAnnouncement{ID: "sa_" + id, SpaceID: spaceID, SpaceName: access.Name, Title: n.Title, Body: n.Body,
		PublishAt: at, PinnedUntil: pinned, AuthorID: actor.MemberID, AuthorName: w.Name, CreatedAt: now,
		State: ScheduledWaiting, PostID: "p_" + id}
	if err := s.Store.CreateScheduled(ctx, a); err != nil {
		return ScheduledAnnouncement{}, fmt.Errorf("posts.Schedule: %w", err)
	}
	if err := s.Clock.At(ctx, scheduleName(a.ID), a.PublishAt, JobAnnouncementPublish, a.ID); err != nil {
		_, _ = s.Store.DeleteScheduled(ctx, a.ID) // nothing waits for a date that will not come
		return ScheduledAnnouncement{}, fmt.Errorf("posts.Schedule: %w", err)
	}
	return a, nil
}

// Cancel deletes an announcement still waiting, and its schedule.
func (s *Scheduling) Cancel(ctx context.Context, actor auth.Principal, id string) error {
	a, err := s.Store.Scheduled(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		return fmt.Errorf("posts.Cancel: %w", ErrNoScheduled)
	}
	if err != nil {
		return fmt.Errorf("posts.Cancel: %w", err)
	}
	access, err := s.Posts.Spaces.Access(ctx, actor, a.SpaceID)
	if err != nil || !access.Post {
		return fmt.Errorf("posts.Cancel: %w", ErrNoScheduled) // not one of the caller's spaces
	}
	if a.State != ScheduledWaiting {
		return fmt.Errorf("posts.Cancel: %w", ErrAlreadySettled)
	}
	if err := s.Clock.Cancel(ctx, scheduleName(id)); err != nil {
		return fmt.Errorf("posts.Cancel: %w", err)
	}
	ok, err := s.Store.DeleteScheduled(ctx, id)
	if err == nil && !ok {
		err = ErrAlreadySettled // published while it was being cancelled
	}
	if err != nil {
		return fmt.Errorf("posts.Cancel: %w", err)
	}
	return nil
}

// Between lists the scheduled announcements of [from, to) (the calendar), with their
// state.
func (s *Scheduling) Between(ctx context.Context, from, to time.Time) ([]ScheduledAnnouncement, error) {
	if !from.Before(to) || to.Sub(from) > MaxScheduledRange {
		return nil, fmt.Errorf("posts.Between: %w", ErrScheduledRange)
	}
	return s.Store.ScheduledBetween(ctx, from, to)
}

// Publish is the clock's job: it publishes the announcement as its author, if it is
// still waiting and its date has come (a job a moment early waits again; one that
// runs twice publishes once: the post's id is fixed). When the author may no longer
// announce or post in the space, or the text is refused now, it is not published:
// the state says failed, with the problem's code.
func (s *Scheduling) Publish(ctx context.Context, id string) error {
	a, err := s.Store.Scheduled(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		return nil // cancelled
	}
	if err != nil {
		return fmt.Errorf("posts.Publish: %w", err)
	}
	if a.State != ScheduledWaiting {
		return nil
	}
	if now := s.Posts.Now(); now.Before(a.PublishAt) {
		return s.Clock.At(ctx, scheduleName(a.ID), a.PublishAt, JobAnnouncementPublish, a.ID)
	}
	if _, err := s.Posts.Store.GetPost(ctx, a.PostID); err == nil {
		a.State = ScheduledPublished // published by a run that stopped before saying so
		_, err = s.Store.SettleScheduled(ctx, a)
		return err
	} else if !errors.Is(err, errs.ErrNotFound) {
		return fmt.Errorf("posts.Publish: %w", err)
	}
	actor, active, err := s.Authors.Principal(ctx, a.AuthorID)
	if err != nil {
		return fmt.Errorf("posts.Publish: %w", err)
	}
	if !active || !policy.Allowed(actor.Roles, policy.PostsAnnounce) {
		return s.fail(ctx, a, errAuthorCannotNow)
	}
	pinned := a.PinnedUntil
	_, err = s.Posts.create(ctx, actor, a.SpaceID, NewPost{Kind: KindAnnouncement, Title: a.Title, Body: a.Body, PinnedUntil: &pinned}, a.PostID)
	if err != nil {
		var coded *errs.Error
		if errors.As(err, &coded) && coded.Kind != errs.Internal && coded.Kind != errs.RateLimited && coded.Kind != errs.Unavailable {
			return s.fail(ctx, a, coded.Code)
		}
		return fmt.Errorf("posts.Publish %s: %w", a.ID, err) // the clock runs it again
	}
	a.State = ScheduledPublished
	if _, err := s.Store.SettleScheduled(ctx, a); err != nil {
		return fmt.Errorf("posts.Publish: %w", err)
	}
	return nil
}

func (s *Scheduling) fail(ctx context.Context, a ScheduledAnnouncement, code string) error {
	a.State, a.Problem = ScheduledFailed, code
	if _, err := s.Store.SettleScheduled(ctx, a); err != nil {
		return fmt.Errorf("posts.Publish: %w", err)
	}
	return nil
}

// ScheduledHTTP exposes scheduled announcements to staff who announce.
type ScheduledHTTP struct {
	Scheduling *Scheduling
}

// Routes returns the scheduled announcements' operations.
func (h ScheduledHTTP) Routes() []httpx.Route {
	return []httpx.Route{
		{Method: "POST", Pattern: "/api/spaces/{id}/scheduled-announcements", SameWithin: idempotency.Window, Tag: "posts", Action: policy.PostsAnnounce,
			Handler: h.schedule, Request: ScheduleAnnouncement{},
			Summary: "Schedule an announcement in a space: published as its author at publishAt, pinned until pinnedUntil (staff who may post in the space).",
			Responses: httpx.Answers(201, "The scheduled announcement", ScheduledAnnouncement{}, map[int]string{
				400: "Bad title, body, publication date or pin date", 403: "Not a member of the space, or rules not accepted", 404: "No such space"})},
		{Method: "DELETE", Pattern: "/api/scheduled-announcements/{id}", Tag: "posts", Action: policy.PostsAnnounce, Handler: h.cancel,
			Summary:   "Cancel a scheduled announcement that is still waiting.",
			Responses: httpx.Answers(204, "Cancelled", nil, map[int]string{404: "No such scheduled announcement", 409: "Already published"})},
	}
}

func (h ScheduledHTTP) schedule(w http.ResponseWriter, r *http.Request) {
	var in ScheduleAnnouncement
	if httpx.Decoded(w, r, &in) {
		a, err := h.Scheduling.Schedule(r.Context(), auth.Caller(r), r.PathValue("id"), in)
		httpx.Reply(w, r, http.StatusCreated, a, err)
	}
}

func (h ScheduledHTTP) cancel(w http.ResponseWriter, r *http.Request) {
	if err := h.Scheduling.Cancel(r.Context(), auth.Caller(r), r.PathValue("id")); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
