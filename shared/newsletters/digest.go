package newsletters

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"tribune/shared/auth"
	"tribune/shared/errs"
)

// Recurring digests (writing): a weekly or a monthly newsletter built from the
// community blocks alone. Marketers switch one on with its day and hour (in a time
// zone); a one-time schedule wakes the clock function then (JobDigest), which writes
// that issue as a newsletter of the digest list (its id made from the digest and the
// hour, so a job that runs twice writes it once), hands it to sending (DigestQueue) and sets
// the next schedule. Each member's copy holds what they may read when it is rendered;
// a member with nothing new receives nothing (ErrNothingNew).

// Frequencies of digests; a digest's id is its frequency (one of each at most).
const (
	Weekly  = "weekly"
	Monthly = "monthly"
)

// Frequencies lists them.
var Frequencies = []string{Weekly, Monthly}

// JobDigest is the schedule kind that writes and queues a digest's next issue.
const JobDigest = "newsletter.digest"

// Digest is a recurring digest.
type Digest struct {
	ID      string `json:"id"`
	Enabled bool   `json:"enabled"`
	// Weekday (0 Sunday to 6 Saturday) for a weekly digest, MonthDay (1 to 28) for a
	// monthly one; Hour (0 to 23) in TimeZone (an IANA name; "" is UTC).
	Weekday  int    `json:"weekday"`
	MonthDay int    `json:"monthDay"`
	Hour     int    `json:"hour"`
	TimeZone string `json:"timeZone"`
	// Writing: the subject and preheader of each language, and the blocks (no body).
	Writing
	Segment Segment `json:"segment"`
	// NextAt is the next issue's time while enabled; LastID the last issue written.
	NextAt    *time.Time `json:"nextAt,omitempty"`
	LastID    string     `json:"lastId,omitempty"`
	UpdatedAt time.Time  `json:"updatedAt"`
}

// DigestStore keeps the digests (shared/store).
type DigestStore interface {
	Digests(ctx context.Context) ([]Digest, error)
	// Digest reads one (errs.ErrNotFound when it was never set).
	Digest(ctx context.Context, id string) (Digest, error)
	SaveDigest(ctx context.Context, d Digest) error
	// CreateIssue writes a digest's issue unless it exists (false then).
	CreateIssue(ctx context.Context, n Newsletter) (bool, error)
}

// DigestScheduler sets one-time schedules (EventBridge Scheduler, or the local one).
type DigestScheduler interface {
	At(ctx context.Context, name string, at time.Time, kind, id string) error
	Cancel(ctx context.Context, name string) error
}

// DigestQueue hands a newsletter to sending now (scheduling and sending's API).
type DigestQueue interface {
	SendNow(ctx context.Context, n Newsletter) error
}

// Errors of digests.
var (
	ErrNoDigest     = errs.New(errs.NotFound, "digest_not_found", "There is no such digest: it is weekly or monthly.")
	ErrDigestWhen   = errs.InvalidField("hour", "invalid_digest_time", "Choose the day (a weekday, or a day of the month from 1 to 28), the hour (0 to 23) and a time zone.")
	ErrDigestBlocks = errs.InvalidField("blocks", "digest_without_blocks", "A digest is made of community blocks: add at least one.")
)

// DigestInput is what the digest editor sends.
type DigestInput struct {
	Enabled  bool    `json:"enabled"`
	Weekday  int     `json:"weekday,omitzero"`
	MonthDay int     `json:"monthDay,omitzero"`
	Hour     int     `json:"hour,omitzero"`
	TimeZone string  `json:"timeZone,omitempty"`
	Writing  Writing `json:"writing"`
	Segment  Segment `json:"segment"`
}

// NextRun is the first time after `after` that a digest of this frequency runs.
func NextRun(freq string, weekday, monthDay, hour int, tz string, after time.Time) (time.Time, error) {
	loc, err := time.LoadLocation(tz)
	if err != nil || tz == "Local" {
		return time.Time{}, ErrDigestWhen
	}
	t := after.In(loc)
	switch freq {
	case Weekly:
		at := time.Date(t.Year(), t.Month(), t.Day(), hour, 0, 0, 0, loc)
		at = at.AddDate(0, 0, (weekday-int(at.Weekday())+7)%7)
		if !at.After(after) {
			at = at.AddDate(0, 0, 7)
		}
		return at.UTC(), nil
	case Monthly:
		at := time.Date(t.Year(), t.Month(), monthDay, hour, 0, 0, 0, loc)
		if !at.After(after) {
			at = time.Date(t.Year(), t.Month()+1, monthDay, hour, 0, 0, 0, loc)
		}
		return at.UTC(), nil
	}
	return time.Time{}, ErrNoDigest
}

// scheduleName is a digest's schedule.
func scheduleName(id string) string { return "newsletter-digest-" + id }

// ListDigests lists both digests (the ones never set as switched off).
func (s *Writer) ListDigests(ctx context.Context) ([]Digest, error) {
	list, err := s.Digests.Digests(ctx)
	if err != nil {
		return nil, err
	}
	var out []Digest
	for _, f := range Frequencies {
		d := Digest{ID: f, Hour: 9, Weekday: 1, MonthDay: 1, TimeZone: "UTC", Segment: Segment{SpaceIDs: []string{}, Roles: []string{}, Languages: []string{}},
			Writing: Writing{Versions: []Version{}, Blocks: []Block{}}}
		for _, got := range list {
			if got.ID == f {
				d = got
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// SaveDigest sets a digest: switched on, its next issue is scheduled; off, its
// schedule is cancelled.
func (s *Writer) SaveDigest(ctx context.Context, actor auth.Principal, id string, in DigestInput) (Digest, error) {
	if id != Weekly && id != Monthly {
		return Digest{}, ErrNoDigest
	}
	if in.Hour < 0 || in.Hour > 23 || in.Weekday < 0 || in.Weekday > 6 || (id == Monthly && (in.MonthDay < 1 || in.MonthDay > 28)) ||
		len(in.TimeZone) > 64 {
		return Digest{}, ErrDigestWhen
	}
	if in.TimeZone == "" {
		in.TimeZone = "UTC"
	}
	if len(in.Writing.Blocks) == 0 {
		return Digest{}, ErrDigestBlocks
	}
	w := in.Writing
	w.Versions = append([]Version(nil), w.Versions...)
	for i := range w.Versions {
		w.Versions[i].Body = "" // built from the blocks alone
	}
	w.PeriodDays = 7
	if id == Monthly {
		w.PeriodDays = 31
	}
	clean, err := s.clean(ctx, NewsletterInput{Name: w.Name, DefaultLang: w.DefaultLang, Versions: w.Versions, Blocks: w.Blocks, PeriodDays: w.PeriodDays,
		List: ListDigest, Segment: in.Segment})
	if err != nil {
		return Digest{}, err
	}
	now := s.now()
	d := Digest{ID: id, Enabled: in.Enabled, Weekday: in.Weekday, MonthDay: in.MonthDay, Hour: in.Hour, TimeZone: in.TimeZone,
		Writing: clean.Writing, Segment: clean.Segment, UpdatedAt: now}
	if id == Weekly {
		d.MonthDay = 0
	} else {
		d.Weekday = 0
	}
	if old, err := s.Digests.Digest(ctx, id); err == nil {
		d.LastID = old.LastID
	} else if !errors.Is(err, errs.ErrNotFound) {
		return Digest{}, err
	}
	if d.Enabled {
		next, err := NextRun(id, d.Weekday, d.MonthDay, d.Hour, d.TimeZone, now)
		if err != nil {
			return Digest{}, err
		}
		d.NextAt = &next
		if err := s.Schedule.At(ctx, scheduleName(id), next, JobDigest, id); err != nil {
			return Digest{}, err
		}
	} else if err := s.Schedule.Cancel(ctx, scheduleName(id)); err != nil {
		return Digest{}, err
	}
	if err := s.Digests.SaveDigest(ctx, d); err != nil {
		return Digest{}, err
	}
	return d, nil
}

// issueID is the id of a digest's issue of a time: the same for a job that runs twice.
func issueID(digestID string, at time.Time) string {
	return "nl_dg_" + digestID + "_" + strings.ToLower(at.UTC().Format("20060102t15"))
}

// RunDigest is JobDigest: when the digest is on and its time has come, it writes the
// issue (once), hands it to sending, and schedules the next issue. A job that wakes
// early or for a digest switched off does nothing; one that runs twice writes nothing
// twice (the issue's id is the digest's and the hour's) and queues the same issue,
// which sending takes once.
func (s *Writer) RunDigest(ctx context.Context, id string) error {
	d, err := s.Digests.Digest(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	now := s.now()
	if !d.Enabled || d.NextAt == nil {
		return nil
	}
	if now.Before(d.NextAt.Add(-time.Minute)) {
		// Early (a schedule moved since): set again for its time.
		return s.Schedule.At(ctx, scheduleName(id), *d.NextAt, JobDigest, id)
	}
	at := *d.NextAt
	w := d.Writing
	if id == Monthly {
		w.PeriodDays = int(at.Sub(at.AddDate(0, -1, 0)).Hours() / 24)
	}
	w.Name = digestName(id, at)
	n := Newsletter{ID: issueID(id, at), List: ListDigest, State: StateDraft, CreatedBy: "digest", CreatedAt: now, UpdatedAt: now,
		Writing: w, Segment: d.Segment, DigestID: id}
	if _, err := s.Digests.CreateIssue(ctx, n); err != nil {
		return fmt.Errorf("newsletters.RunDigest %s: %w", id, err)
	}
	if n, err = s.Store.Newsletter(ctx, n.ID); err != nil {
		return fmt.Errorf("newsletters.RunDigest %s: %w", id, err)
	}
	if editable(n.State) {
		if s.Queue == nil {
			return fmt.Errorf("newsletters.RunDigest %s: no sending to hand the issue to", id)
		}
		if err := s.Queue.SendNow(ctx, n); err != nil {
			return fmt.Errorf("newsletters.RunDigest %s: %w", id, err)
		}
	}
	next, err := NextRun(id, d.Weekday, d.MonthDay, d.Hour, d.TimeZone, at)
	if err != nil {
		return err
	}
	d.NextAt, d.LastID = &next, n.ID
	if err := s.Schedule.At(ctx, scheduleName(id), next, JobDigest, id); err != nil {
		return err
	}
	return s.Digests.SaveDigest(ctx, d)
}

func digestName(id string, at time.Time) string {
	if id == Monthly {
		return "Monthly digest " + at.UTC().Format("2006-01")
	}
	return "Weekly digest " + at.UTC().Format("2006-01-02")
}
