package newsletters

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"tribune/shared/auth"
	"tribune/shared/errs"
)

// Scheduling and sending (docs/newsletters.md, "Scheduling, sending"). A marketer
// schedules a draft at a local date and hour of the community's time zone; a one-time
// schedule (EventBridge Scheduler; the local scheduler under make run) runs the clock's
// job JobSend then, which starts the sending (or, more than LateAfterHours late, pauses
// it until a marketer confirms). Starting queues a start job: the sender freezes the
// audience into delivery records, then queues the recipients in batches; each batch is
// one queue message (SQS with a dead-letter queue; the local durable queue under make
// run) that the sender works through, throttled to the configured rate.

// JobSend is the clock's job kind that starts a scheduled newsletter.
const JobSend = "newsletter.send"

// ScheduleName is the one-time schedule of a newsletter's send.
func ScheduleName(newsletterID string) string { return "newsletter-" + newsletterID }

// SendingStatus is a newsletter's schedule and the progress of its sending.
type SendingStatus struct {
	State string `json:"state"`
	// SendAt is when it is scheduled (UTC); LocalSendAt the same in TimeZone, as the
	// marketer chose it ("2026-12-01T09:00").
	SendAt      *time.Time `json:"sendAt,omitempty"`
	LocalSendAt string     `json:"localSendAt,omitempty"`
	TimeZone    string     `json:"timeZone,omitempty"`
	ScheduledBy string     `json:"scheduledBy,omitempty"`
	// PausedReason says why it is paused (PausedByMarketer, PausedErrors, PausedLate).
	PausedReason string     `json:"pausedReason,omitempty"`
	StartedAt    *time.Time `json:"startedAt,omitempty"`
	FinishedAt   *time.Time `json:"finishedAt,omitempty"`
	// Frozen: the audience is frozen into delivery records (Progress.Total of them).
	Frozen   bool     `json:"frozen"`
	Progress Progress `json:"progress"`
	// Moves are the actions a marketer may take now.
	Moves []string `json:"moves"`
}

// Settings are the community's sending settings (admins and marketers; defaults in
// DefaultSettings).
type Settings struct {
	// TimeZone is the community's time zone (IANA name): schedules are chosen in it.
	TimeZone string `json:"timeZone"`
	// RatePerSecond is the most mails handed to the transport per second, across every
	// sender (the SES quota's sending rate).
	RatePerSecond int `json:"ratePerSecond"`
	// LateAfterHours: a send whose schedule wakes up later than this waits for a
	// marketer to confirm it (paused, reason "late").
	LateAfterHours int `json:"lateAfterHours"`
	// ErrorPercent: a sending pauses itself once its errors pass this share of the mails
	// tried (and at least MinErrorsToPause of them).
	ErrorPercent int `json:"errorPercent"`
}

// DefaultSettings are the settings of a community that chose none: UTC, 10 mails a
// second (an SES account out of the sandbox starts at 14), late after 6 hours, pause
// past 5 % of errors.
var DefaultSettings = Settings{TimeZone: "UTC", RatePerSecond: 10, LateAfterHours: 6, ErrorPercent: 5}

// MinErrorsToPause: fewer errors than this never pause a sending (a couple of bad
// addresses in a small audience).
const MinErrorsToPause = 10

// Limits of the settings.
const (
	MaxRatePerSecond  = 1000
	MaxLateAfterHours = 168
	// MaxScheduleAhead is how far ahead a newsletter may be scheduled.
	MaxScheduleAhead = 366 * 24 * time.Hour
	// BatchSize is how many recipients one queue message carries.
	BatchSize = 50
)

// Errors of scheduling and sending.
var (
	ErrSendAt       = errs.InvalidField("sendAt", "invalid_send_at", "Choose the date and hour to send, as 2026-12-01T09:00 in the community's time zone, or send now.")
	ErrSendAtPast   = errs.InvalidField("sendAt", "send_at_past", "This date has passed: choose a later one.")
	ErrSendAtFar    = errs.InvalidField("sendAt", "send_at_too_far", "A newsletter is scheduled at most a year ahead.")
	ErrNoSubject    = errs.InvalidField("subject", "newsletter_no_subject", "Give the newsletter a subject before scheduling it.")
	ErrTimeZone     = errs.InvalidField("timeZone", "invalid_time_zone", "Choose a time zone by its name, for example Europe/Paris.")
	ErrRate         = errs.InvalidField("ratePerSecond", "invalid_rate", "The sending rate is 1 to 1,000 mails a second.")
	ErrLateAfter    = errs.InvalidField("lateAfterHours", "invalid_late_after", "A late send waits for confirmation after 1 to 168 hours.")
	ErrErrorPercent = errs.InvalidField("errorPercent", "invalid_error_percent", "Sending pauses itself past 1 to 100 % of errors.")
	ErrAction       = errs.InvalidField("action", "invalid_newsletter_action", "The action is schedule, unschedule, pause, resume or cancel.")
)

// Check validates settings.
func (s Settings) Check() error {
	if _, err := time.LoadLocation(s.TimeZone); err != nil || s.TimeZone == "" || s.TimeZone == "Local" || len(s.TimeZone) > 64 {
		return ErrTimeZone
	}
	switch {
	case s.RatePerSecond < 1 || s.RatePerSecond > MaxRatePerSecond:
		return ErrRate
	case s.LateAfterHours < 1 || s.LateAfterHours > MaxLateAfterHours:
		return ErrLateAfter
	case s.ErrorPercent < 1 || s.ErrorPercent > 100:
		return ErrErrorPercent
	}
	return nil
}

// Change is what a move writes besides the state, on the newsletter's sending.
type Change struct {
	SendAt       *time.Time
	LocalSendAt  string
	TimeZone     string
	ScheduledBy  string
	PausedReason string
	StartedAt    *time.Time
	FinishedAt   *time.Time
	// ClearSchedule removes SendAt (unschedule).
	ClearSchedule bool
}

// SendStore is what scheduling and sending keep (shared/store: newsletters_sending.go).
type SendStore interface {
	// Sending reads a newsletter's sending with its exact counters (zero before it is
	// scheduled).
	Sending(ctx context.Context, id string) (SendingStatus, error)
	// Move changes the newsletter's state from from to to, with c, in one transaction
	// (the newsletter's state and its sending); ErrNotFromState when it was no longer
	// in from.
	Move(ctx context.Context, id, from, to string, c Change, now time.Time) error
	Settings(ctx context.Context) (Settings, error)
	PutSettings(ctx context.Context, s Settings) error

	// TakeFreeze gives owner the right to freeze the audience until until, unless
	// another owner holds it still or the audience is frozen already (false).
	TakeFreeze(ctx context.Context, id, owner string, until, now time.Time) (bool, error)
	// PutDeliveries writes pending delivery records (the same recipient again: the
	// same record, still pending: nothing is claimed before the audience is frozen).
	PutDeliveries(ctx context.Context, id string, rs []Recipient) error
	// FinishFreeze counts the records and marks the audience frozen (false: another
	// freeze did it first).
	FinishFreeze(ctx context.Context, id, owner string, now time.Time) (bool, error)
	// Waiting calls page with the recipients of the records still to do (pending, or
	// claimed before staleBefore), BatchSize at a time.
	Waiting(ctx context.Context, id string, staleBefore time.Time, page func([]Recipient) error) error
	// Claim claims the records of rs that are pending, or claimed before staleBefore
	// (not those another sender holds or that are done), at now: one transaction when
	// all can be claimed, else one conditional write each. It answers the claimed ones
	// and how many of the others are held (claimed since staleBefore).
	Claim(ctx context.Context, id string, rs []Recipient, now, staleBefore time.Time) (claimed []Delivery, held int, err error)
	// Release puts claimed records back to pending (those still held by their claim),
	// for a sending paused or cancelled in the middle of a group.
	Release(ctx context.Context, ds []Delivery) error
	// Done marks a claimed record sent, skipped or failed and moves the newsletter's
	// counter in the same transaction (false: the record was no longer claimed at
	// claimedAt: another sender took it over).
	Done(ctx context.Context, d Delivery, status, reason string, now time.Time) (bool, error)
}

// Source reads the newsletter itself (writing's store).
type Source interface {
	Newsletter(ctx context.Context, id string) (Newsletter, error)
}

// Scheduler sets and cancels the one-time schedule of a newsletter's send.
type Scheduler interface {
	At(ctx context.Context, name string, at time.Time, kind, id string) error
	Cancel(ctx context.Context, name string) error
}

// Job is one queue message of the sending path.
type Job struct {
	// Kind: JobStart (freeze the audience, then queue its batches), JobQueueWaiting
	// (queue the records still to do: a resume), JobBatch (send to Recipients, as
	// their delivery records hold them).
	Kind         string      `json:"kind"`
	NewsletterID string      `json:"newsletterId"`
	Recipients   []Recipient `json:"recipients,omitempty"`
}

// Kinds of Job.
const (
	JobStart        = "start"
	JobQueueWaiting = "queue-waiting"
	JobBatch        = "batch"
)

// Queue sends jobs to the sending path (SQS; the local durable queue).
type Queue interface {
	Enqueue(ctx context.Context, jobs ...Job) error
}

// Mail is one recipient's mail as the sender hands it to the transport.
type Mail struct {
	ID, To, Subject, Text, HTML string
	Headers                     map[string]string
}

// Transport hands a mail over (SES, SMTP, the outbox folder).
type Transport interface {
	Send(ctx context.Context, m Mail) error
}

// Service schedules newsletters and moves their sending (the marketers' routes and the
// clock).
type Service struct {
	Store     SendStore
	Source    Source
	Audience  Audience
	Schedules Scheduler
	Queue     Queue
	Now       func() time.Time
	// HasSubject reports whether a newsletter has a subject in every version (writing's
	// rule; nil: not checked).
	HasSubject func(Newsletter) bool
}

// ScheduleRequest schedules a draft: at LocalSendAt of the community's time zone
// ("2026-12-01T09:00"), or now.
type ScheduleRequest struct {
	SendAt string `json:"sendAt,omitempty" maxLength:"16"`
	Now    bool   `json:"now,omitempty"`
}

// SettingsOf are the community's settings (the defaults until an admin chose).
func (s *Service) SettingsOf(ctx context.Context) (Settings, error) { return s.Store.Settings(ctx) }

// PutSettings validates and keeps the sending settings.
func (s *Service) PutSettings(ctx context.Context, in Settings) (Settings, error) {
	if err := in.Check(); err != nil {
		return Settings{}, err
	}
	return in, s.Store.PutSettings(ctx, in)
}

// Get is a newsletter's sending.
func (s *Service) Get(ctx context.Context, id string) (SendingStatus, error) {
	n, err := s.Source.Newsletter(ctx, id)
	if err != nil {
		return SendingStatus{}, err
	}
	return s.sendingOf(ctx, n)
}

func (s *Service) sendingOf(ctx context.Context, n Newsletter) (SendingStatus, error) {
	sd, err := s.Store.Sending(ctx, n.ID)
	if err != nil {
		return SendingStatus{}, err
	}
	sd.State = n.State
	sd.Moves = Moves(n.State)
	if sd.Moves == nil {
		sd.Moves = []string{}
	}
	return sd, nil
}

// ParseLocal reads a local date and hour ("2026-12-01T09:00") in zone.
func ParseLocal(v string, zone *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02T15:04", v, zone)
	if err != nil {
		return time.Time{}, ErrSendAt
	}
	return t, nil
}

// Schedule schedules a draft: at a local date of the community's time zone (not past,
// at most a year ahead) or now, for a non-empty audience.
func (s *Service) Schedule(ctx context.Context, actor auth.Principal, id string, req ScheduleRequest) (SendingStatus, error) {
	now := s.Now().UTC()
	settings, err := s.Store.Settings(ctx)
	if err != nil {
		return SendingStatus{}, err
	}
	zone, err := time.LoadLocation(settings.TimeZone)
	if err != nil {
		return SendingStatus{}, err
	}
	var at time.Time
	switch {
	case req.Now && req.SendAt != "":
		return SendingStatus{}, ErrSendAt
	case req.Now:
		at = now
	default:
		if at, err = ParseLocal(req.SendAt, zone); err != nil {
			return SendingStatus{}, err
		}
		if at.Before(now.Truncate(time.Minute)) {
			return SendingStatus{}, ErrSendAtPast
		}
		if at.After(now.Add(MaxScheduleAhead)) {
			return SendingStatus{}, ErrSendAtFar
		}
	}
	n, err := s.Source.Newsletter(ctx, id)
	if err != nil {
		return SendingStatus{}, err
	}
	if _, err := Next(n.State, ActSchedule); err != nil {
		return SendingStatus{}, err
	}
	if s.HasSubject != nil && !s.HasSubject(n) {
		return SendingStatus{}, ErrNoSubject
	}
	count, err := s.Audience.Count(ctx, n.List, n.Segment)
	if err != nil {
		return SendingStatus{}, err
	}
	if count == 0 {
		return SendingStatus{}, ErrEmptyAudience
	}
	at = at.UTC().Truncate(time.Second)
	c := Change{SendAt: &at, LocalSendAt: at.In(zone).Format("2006-01-02T15:04"), TimeZone: settings.TimeZone, ScheduledBy: actor.MemberID}
	// The move first (of concurrent requests, one wins; the others set no schedule),
	// then the schedule; a schedule that cannot be set takes the move back.
	if err := s.Store.Move(ctx, id, StateDraft, StateScheduled, c, now); err != nil {
		return SendingStatus{}, err
	}
	if err := s.Schedules.At(ctx, ScheduleName(id), at, JobSend, id); err != nil {
		back := s.Store.Move(ctx, id, StateScheduled, StateDraft, Change{ClearSchedule: true}, now)
		return SendingStatus{}, errors.Join(err, back)
	}
	n.State = StateScheduled
	return s.sendingOf(ctx, n)
}

// Act takes a marketer's action on a newsletter's sending: unschedule, pause, resume
// (which also confirms a late send), cancel.
func (s *Service) Act(ctx context.Context, actor auth.Principal, id, action string) (SendingStatus, error) {
	now := s.Now().UTC()
	switch action {
	case ActUnschedule, ActPause, ActResume, ActCancel:
	default:
		return SendingStatus{}, ErrAction
	}
	n, err := s.Source.Newsletter(ctx, id)
	if err != nil {
		return SendingStatus{}, err
	}
	to, err := Next(n.State, action)
	if err != nil {
		return SendingStatus{}, err
	}
	var c Change
	switch action {
	case ActUnschedule:
		c.ClearSchedule = true
	case ActPause:
		c.PausedReason = PausedByMarketer
	case ActResume:
		sd, err := s.Store.Sending(ctx, id)
		if err != nil {
			return SendingStatus{}, err
		}
		if !sd.Frozen && sd.StartedAt == nil {
			c.StartedAt = &now
		}
	}
	if err := s.Store.Move(ctx, id, n.State, to, c, now); err != nil {
		return SendingStatus{}, err
	}
	if n.State == StateScheduled {
		// Unscheduled or cancelled before it started: its schedule goes (one that runs
		// anyway finds it no longer scheduled, and does nothing).
		if err := s.Schedules.Cancel(ctx, ScheduleName(id)); err != nil {
			return SendingStatus{}, err
		}
	}
	if action == ActResume {
		// Resumed: the records still to do are queued again (a confirmed late send
		// starts: its audience is frozen now).
		sd, err := s.Store.Sending(ctx, id)
		if err != nil {
			return SendingStatus{}, err
		}
		kind := JobQueueWaiting
		if !sd.Frozen {
			kind = JobStart
		}
		if err := s.Queue.Enqueue(ctx, Job{Kind: kind, NewsletterID: id}); err != nil {
			return SendingStatus{}, err
		}
	}
	n.State = to
	return s.sendingOf(ctx, n)
}

// OnSchedule is the clock's job JobSend: a scheduled newsletter's time has come. It
// starts the sending, or pauses it (PausedLate) when the schedule woke up more than
// LateAfterHours after its time. It may run late, twice, or after the newsletter was
// unscheduled, moved or cancelled: it decides from the stored state and time only.
func (s *Service) OnSchedule(ctx context.Context, id string) error {
	now := s.Now().UTC()
	n, err := s.Source.Newsletter(ctx, id)
	if errors.Is(err, ErrNoNewsletter) {
		return nil // deleted meanwhile
	}
	if err != nil {
		return err
	}
	sd, err := s.Store.Sending(ctx, id)
	if err != nil {
		return err
	}
	switch {
	case n.State == StateSending && !sd.Frozen:
		// Started by an earlier run that could not queue its start: queue it (again:
		// a second freeze waits for the first or finds the audience frozen).
		return s.Queue.Enqueue(ctx, Job{Kind: JobStart, NewsletterID: id})
	case n.State != StateScheduled || sd.SendAt == nil:
		return nil
	case sd.SendAt.After(now.Add(time.Minute)):
		return nil // moved later: its own schedule will come
	}
	settings, err := s.Store.Settings(ctx)
	if err != nil {
		return err
	}
	if now.Sub(*sd.SendAt) > time.Duration(settings.LateAfterHours)*time.Hour {
		err := s.Store.Move(ctx, id, StateScheduled, StatePaused, Change{PausedReason: PausedLate}, now)
		if errors.Is(err, ErrNotFromState) {
			return nil
		}
		return err
	}
	err = s.Store.Move(ctx, id, StateScheduled, StateSending, Change{StartedAt: &now}, now)
	if errors.Is(err, ErrNotFromState) {
		return nil // another run started it, or a marketer moved it
	}
	if err != nil {
		return err
	}
	return s.Queue.Enqueue(ctx, Job{Kind: JobStart, NewsletterID: id})
}

// Sender is the sending path: it works through the jobs of the queue.
type Sender struct {
	Store     SendStore
	Source    Source
	Audience  Audience
	Renderer  Renderer
	Transport Transport
	Queue     Queue
	Now       func() time.Time
	// Links gives, once per batch, what rewrites the links of a newsletter's HTML
	// (results: signed redirects that count clicks, naming no recipient); nil leaves
	// them.
	Links func(ctx context.Context, newsletterID string) (func(html string) string, error)
	// FreezeLease is how long a freeze holds its right (the sender's timeout).
	FreezeLease time.Duration
	// ClaimLease is how long a claim holds (zero: ClaimLease); shorter only under
	// `make run` with its queue's visibility shortened (docs/newsletters.md).
	ClaimLease time.Duration
	// Unthrottled leaves the rate out (benchmarks with a transport that writes nothing).
	Unthrottled bool

	paceMu sync.Mutex
	next   time.Time
}

// Handle runs one queue message's job (its body: a Job in JSON). An error leaves the
// message on the queue, to come again (and to its dead-letter queue after a few tries);
// a message of no known job is an error too, so it ends in the dead-letter queue.
func (s *Sender) Handle(ctx context.Context, messageID string, body []byte) error {
	var job Job
	if err := json.Unmarshal(body, &job); err != nil || job.NewsletterID == "" {
		return fmt.Errorf("newsletters.Sender: not a job: %q", truncate(string(body), 200))
	}
	switch job.Kind {
	case JobStart:
		return s.start(ctx, messageID, job.NewsletterID)
	case JobQueueWaiting:
		return s.queueWaiting(ctx, job.NewsletterID)
	case JobBatch:
		return s.batch(ctx, job)
	}
	return fmt.Errorf("newsletters.Sender: no job of kind %q", job.Kind)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// start freezes the audience into delivery records (one freeze at a time: the others
// wait for it, or find the audience frozen), then queues the records in batches.
func (s *Sender) start(ctx context.Context, owner, id string) error {
	n, err := s.Source.Newsletter(ctx, id)
	if errors.Is(err, ErrNoNewsletter) {
		return nil
	}
	if err != nil {
		return err
	}
	if n.State != StateSending {
		return nil // paused (resume queues a start again), cancelled or sent
	}
	now := s.Now().UTC()
	lease := s.FreezeLease
	if lease == 0 {
		lease = s.claimLease()
	}
	sd, err := s.Store.Sending(ctx, id)
	if err != nil {
		return err
	}
	if !sd.Frozen {
		took, err := s.Store.TakeFreeze(ctx, id, owner, now.Add(lease), now)
		if err != nil {
			return err
		}
		if !took {
			// Another freeze holds it: this message comes again after its visibility
			// timeout and finds the audience frozen (or the freeze abandoned).
			if sd, err = s.Store.Sending(ctx, id); err != nil || !sd.Frozen {
				return errors.Join(err, errors.New("newsletters: another sender is freezing the audience"))
			}
		} else {
			if err := s.Audience.Each(ctx, n.List, n.Segment, func(rs []Recipient) error {
				return s.Store.PutDeliveries(ctx, id, rs)
			}); err != nil {
				return err
			}
			if _, err := s.Store.FinishFreeze(ctx, id, owner, s.Now().UTC()); err != nil {
				return err
			}
		}
	}
	return s.queueWaiting(ctx, id)
}

// queueWaiting queues the records still to do, BatchSize a message; with none left it
// finishes the sending.
func (s *Sender) queueWaiting(ctx context.Context, id string) error {
	stale := s.Now().UTC().Add(-s.claimLease())
	var jobs []Job
	err := s.Store.Waiting(ctx, id, stale, func(rs []Recipient) error {
		jobs = append(jobs, Job{Kind: JobBatch, NewsletterID: id, Recipients: rs})
		if len(jobs) == 10 {
			err := s.Queue.Enqueue(ctx, jobs...)
			jobs = jobs[:0]
			return err
		}
		return nil
	})
	if err == nil && len(jobs) > 0 {
		err = s.Queue.Enqueue(ctx, jobs...)
	}
	if err != nil {
		return err
	}
	return s.settle(ctx, id)
}

// claimLease is how long a claim holds.
func (s *Sender) claimLease() time.Duration {
	if s.ClaimLease > 0 {
		return s.ClaimLease
	}
	return ClaimLease
}

// ErrHeld is a batch that met records another claim holds: its message comes again.
var ErrHeld = errors.New("records held by another claim")

// ClaimGroup is how many records the sender claims at once (one transaction): a
// pause or cancel takes effect between two groups.
const ClaimGroup = 10

// batch sends to the recipients of one message, a group at a time: each group's records
// claimed, then each recipient checked, rendered, handed over and marked, in turn, at
// the configured rate. The state is read again before each group.
func (s *Sender) batch(ctx context.Context, job Job) error {
	settings, err := s.Store.Settings(ctx)
	if err != nil {
		return err
	}
	rewrite := func(html string) string { return html }
	if s.Links != nil {
		if rewrite, err = s.Links(ctx, job.NewsletterID); err != nil {
			return err
		}
	}
	held := 0
	for start := 0; start < len(job.Recipients); start += ClaimGroup {
		n, err := s.Source.Newsletter(ctx, job.NewsletterID)
		if errors.Is(err, ErrNoNewsletter) {
			return nil
		}
		if err != nil {
			return err
		}
		if n.State != StateSending {
			return nil // paused (resume queues what is left) or cancelled
		}
		now := s.Now().UTC()
		claimed, h, err := s.Store.Claim(ctx, n.ID, job.Recipients[start:min(start+ClaimGroup, len(job.Recipients))], now, now.Add(-s.claimLease()))
		if err != nil {
			return err
		}
		held += h
		read := time.Now()
		// sending reads the state again when the last read is StateRecheck old, just
		// before a mail is handed over: a pause or cancel stops the mails within it.
		sending := func() (bool, error) {
			if time.Since(read) < StateRecheck {
				return true, nil
			}
			cur, err := s.Source.Newsletter(ctx, job.NewsletterID)
			if errors.Is(err, ErrNoNewsletter) {
				return false, nil
			}
			if err != nil {
				return false, err
			}
			read = time.Now()
			return cur.State == StateSending, nil
		}
		may, err := s.maySend(ctx, n.List, claimed)
		if err != nil {
			return err // the records stay claimed; the message comes again and takes them over
		}
		for i, d := range claimed {
			err := s.one(ctx, n, d, settings, rewrite, sending, may)
			if errors.Is(err, errStopped) {
				return s.release(ctx, job.NewsletterID, claimed[i:])
			}
			if err != nil {
				return err
			}
		}
	}
	if held > 0 {
		// Records claimed by another sender within the lease: a live one (this message
		// delivered twice) marks them; a dead one's claim runs out before this message
		// comes again (the lease is shorter than the visibility timeout), and then they
		// are claimed here. Acknowledging now would leave them to nobody.
		return fmt.Errorf("newsletters.Sender: %d records of %s held by another claim: %w", held, job.NewsletterID, ErrHeld)
	}
	return s.settle(ctx, job.NewsletterID)
}

// release puts the records a pause or cancel left claimed back to pending, for a resume
// to queue them (cancelled: nobody sends them). A resume that came before the release
// did not see them waiting: if the newsletter is sending again, they are queued here.
func (s *Sender) release(ctx context.Context, id string, ds []Delivery) error {
	if err := s.Store.Release(ctx, ds); err != nil {
		return err
	}
	n, err := s.Source.Newsletter(ctx, id)
	if errors.Is(err, ErrNoNewsletter) {
		return nil
	}
	if err != nil || n.State != StateSending {
		return err
	}
	job := Job{Kind: JobBatch, NewsletterID: id}
	for _, d := range ds {
		job.Recipients = append(job.Recipients, d.Recipient)
	}
	return s.Queue.Enqueue(ctx, job)
}

// maySend asks Audience.MaySendAll for a claimed group at once (one round trip where
// one each would take ten); the answer stands for StateRecheck, after which a recipient
// is asked about alone (at slow rates), so an unsubscribe still takes effect within it.
func (s *Sender) maySend(ctx context.Context, list string, ds []Delivery) (func(Recipient) (bool, error), error) {
	rs := make([]Recipient, len(ds))
	for i, d := range ds {
		rs[i] = d.Recipient
	}
	var all map[string]bool
	if len(rs) > 0 {
		var err error
		if all, err = s.Audience.MaySendAll(ctx, list, rs); err != nil {
			return nil, err
		}
	}
	asked := time.Now()
	return func(r Recipient) (bool, error) {
		if time.Since(asked) < StateRecheck {
			return all[r.MemberID], nil
		}
		return s.Audience.MaySend(ctx, list, r)
	}, nil
}

// StateRecheck is how old the sender's last read of a newsletter's state may be when it
// hands a mail over: after a pause or a cancel answers, mails stop within it (the one
// being handed over at that moment may still leave).
const StateRecheck = time.Second

// errStopped: the sending was paused or cancelled before this mail was handed over.
var errStopped = errors.New("newsletters: sending stopped")

// one sends to one claimed recipient: consent, render, hand over, mark. sending says
// whether the newsletter is still sending, just before the hand-over (false: errStopped,
// the record left claimed for the caller to release).
func (s *Sender) one(ctx context.Context, n Newsletter, d Delivery, settings Settings, rewrite func(string) string, sending func() (bool, error),
	maySend func(Recipient) (bool, error)) error {
	r := d.Recipient
	may, err := maySend(r)
	if err != nil {
		return err // the record stays claimed; the message comes again and takes it over
	}
	if !may {
		_, err := s.Store.Done(ctx, d, DeliverySkipped, "", s.Now().UTC())
		return err
	}
	m, err := s.compose(ctx, n, r, rewrite)
	if errors.Is(err, ErrNothingNew) {
		// A digest with nothing new for this recipient is not sent to them.
		_, err := s.Store.Done(ctx, d, DeliverySkipped, "", s.Now().UTC())
		return err
	}
	if err != nil {
		_, err := s.Store.Done(ctx, d, DeliveryFailed, truncate(err.Error(), 300), s.Now().UTC())
		return err
	}
	if err := s.pace(ctx, settings.RatePerSecond); err != nil {
		return err
	}
	if ok, err := sending(); err != nil {
		return err // the record stays claimed; the message comes again and takes it over
	} else if !ok {
		return errStopped
	}
	status, reason := DeliverySent, ""
	if err := s.Transport.Send(ctx, m); err != nil {
		if ctx.Err() != nil {
			return ctx.Err() // stopped while handing over: the claim is taken over later
		}
		status, reason = DeliveryFailed, truncate(err.Error(), 300)
	}
	_, err = s.Store.Done(ctx, d, status, reason, s.Now().UTC())
	return err
}

// compose renders a recipient's mail: their version with the signed unsubscribe link
// in place and the RFC 8058 headers, the links rewritten, the newsletter named in a
// header.
func (s *Sender) compose(ctx context.Context, n Newsletter, r Recipient, rewrite func(string) string) (Mail, error) {
	out, err := s.Renderer.Render(ctx, n, r)
	if err != nil {
		return Mail{}, err
	}
	out = out.WithUnsubscribe(s.Audience.Unsubscribe(r, n.List, n.ID))
	h := map[string]string{HeaderNewsletter: n.ID}
	for k, v := range out.Headers {
		h[k] = v
	}
	return Mail{ID: MessageID(n.ID, r.MemberID), To: r.Email, Subject: out.Subject, Text: out.Text, HTML: rewrite(out.HTML), Headers: h}, nil
}

// pace waits for the next slot of the rate (mails per second, across this sender).
func (s *Sender) pace(ctx context.Context, perSecond int) error {
	if s.Unthrottled || perSecond <= 0 {
		return nil
	}
	s.paceMu.Lock()
	now := time.Now()
	if s.next.Before(now) {
		s.next = now
	}
	wait := s.next.Sub(now)
	s.next = s.next.Add(time.Second / time.Duration(perSecond))
	s.paceMu.Unlock()
	if wait <= 0 {
		return nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// settle finishes a sending whose records are all done, or pauses one whose errors
// passed the threshold.
func (s *Sender) settle(ctx context.Context, id string) error {
	sd, err := s.Store.Sending(ctx, id)
	if err != nil || !sd.Frozen {
		return err
	}
	now := s.Now().UTC()
	p := sd.Progress
	if p.Done() >= p.Total {
		err = s.Store.Move(ctx, id, StateSending, StateSent, Change{FinishedAt: &now}, now)
	} else if settings, serr := s.Store.Settings(ctx); serr != nil {
		return serr
	} else if TooManyErrors(p, settings.ErrorPercent) {
		err = s.Store.Move(ctx, id, StateSending, StatePaused, Change{PausedReason: PausedErrors}, now)
	}
	if errors.Is(err, ErrNotFromState) {
		return nil // paused, cancelled or finished meanwhile
	}
	return err
}

// TooManyErrors reports whether a sending's errors passed the threshold: at least
// MinErrorsToPause, and more than percent of the mails tried.
func TooManyErrors(p Progress, percent int) bool {
	tried := p.Sent + p.Errors
	return p.Errors >= MinErrorsToPause && p.Errors*100 > percent*tried
}
