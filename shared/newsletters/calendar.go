package newsletters

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"time"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/httpx"
	"tribune/shared/policy"
)

// The editorial calendar (issue 13): one page for marketers with what happens at a
// date: newsletters scheduled (and sent), reward campaigns' starts and ends, and
// announcements scheduled for publication. Each kind comes from its own domain through
// a CalendarSource that shared/app wires; each source answers only what the reader may
// see now (an announcement of a hidden space they are not in is left out).

// Kinds of calendar entries.
const (
	EntryNewsletter    = "newsletter"
	EntryCampaignStart = "campaign_start"
	EntryCampaignEnd   = "campaign_end"
	EntryAnnouncement  = "announcement"
)

// CalendarEntry is one thing at a date.
type CalendarEntry struct {
	Kind  string    `json:"kind" schema:"enum=newsletter|campaign_start|campaign_end|announcement"`
	At    time.Time `json:"at"`
	ID    string    `json:"id"`
	Title string    `json:"title"`
	// State is the thing's state (a newsletter's, a campaign's, a scheduled
	// announcement's: scheduled, published or failed).
	State string `json:"state"`
	// SpaceName is an announcement's space.
	SpaceName string `json:"spaceName,omitempty"`
}

// CalendarPage is the entries of a range of dates, earliest first.
type CalendarPage struct {
	From    time.Time       `json:"from"`
	To      time.Time       `json:"to"`
	Entries []CalendarEntry `json:"entries"`
}

// CalendarSource answers the entries of its kind in [from, to) the reader may see.
type CalendarSource interface {
	Entries(ctx context.Context, reader auth.Principal, from, to time.Time) ([]CalendarEntry, error)
}

// CalendarSourceFunc is a function as a CalendarSource.
type CalendarSourceFunc func(ctx context.Context, reader auth.Principal, from, to time.Time) ([]CalendarEntry, error)

// Entries implements CalendarSource.
func (f CalendarSourceFunc) Entries(ctx context.Context, reader auth.Principal, from, to time.Time) ([]CalendarEntry, error) {
	return f(ctx, reader, from, to)
}

// Calendar merges its sources.
type Calendar struct {
	Sources []CalendarSource
}

// MaxCalendarRange bounds the dates one request reads (a month view with the days of
// the weeks around it is 42 days; a quarter 92).
const MaxCalendarRange = 93 * 24 * time.Hour

// ErrCalendarRange is a bad range.
var ErrCalendarRange = errs.InvalidField("from", "invalid_range", "Give from and to as dates and times (RFC 3339), from before to, at most 93 days apart.")

// Between is the calendar of [from, to), earliest first.
func (c Calendar) Between(ctx context.Context, reader auth.Principal, from, to time.Time) (CalendarPage, error) {
	if !from.Before(to) || to.Sub(from) > MaxCalendarRange {
		return CalendarPage{}, fmt.Errorf("newsletters.Calendar: %w", ErrCalendarRange)
	}
	page := CalendarPage{From: from.UTC(), To: to.UTC(), Entries: []CalendarEntry{}}
	for _, s := range c.Sources {
		entries, err := s.Entries(ctx, reader, from, to)
		if err != nil {
			return CalendarPage{}, fmt.Errorf("newsletters.Calendar: %w", err)
		}
		for _, e := range entries {
			if !e.At.Before(from) && e.At.Before(to) {
				page.Entries = append(page.Entries, e)
			}
		}
	}
	sort.SliceStable(page.Entries, func(i, j int) bool { return page.Entries[i].At.Before(page.Entries[j].At) })
	return page, nil
}

// CalendarHTTP exposes the calendar to marketers and admins.
type CalendarHTTP struct {
	Calendar Calendar
}

// Routes returns the calendar's operation.
func (h CalendarHTTP) Routes() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/newsletters/calendar", Tag: "newsletters", Action: policy.NewslettersResults, Handler: h.between,
			Query: []httpx.Param{{Name: "from", Required: true, Description: "Start (RFC 3339), included"},
				{Name: "to", Required: true, Description: "End (RFC 3339), excluded; at most 93 days after from"}},
			Summary:   "The editorial calendar: newsletters scheduled and sent, campaign starts and ends, scheduled announcements, earliest first.",
			Responses: httpx.Answers(200, "The calendar", CalendarPage{}, map[int]string{400: "Bad range"})},
	}
}

func (h CalendarHTTP) between(w http.ResponseWriter, r *http.Request) {
	from, err1 := time.Parse(time.RFC3339, r.URL.Query().Get("from"))
	to, err2 := time.Parse(time.RFC3339, r.URL.Query().Get("to"))
	if err1 != nil || err2 != nil {
		httpx.WriteError(w, r, ErrCalendarRange)
		return
	}
	page, err := h.Calendar.Between(r.Context(), auth.Caller(r), from, to)
	httpx.Reply(w, r, http.StatusOK, page, err)
}

// NewsletterLister lists newsletters, newest created first, a page at a time (the
// writing part's store: store.Newsletters.Newsletters).
type NewsletterLister interface {
	Newsletters(ctx context.Context, cursor string, limit int) ([]Newsletter, string, error)
}

// MaxCalendarNewsletters bounds the newsletters the calendar reads (a community sends
// tens a year; a weekly digest 52).
const MaxCalendarNewsletters = 500

// NewsletterDates is the calendar source of newsletters: each one with a send date
// (scheduled, sending, paused, sent; a cancelled one too, so the calendar says so).
// Creation and send dates may be apart by any time, so it reads the newest
// MaxCalendarNewsletters.
type NewsletterDates struct {
	List NewsletterLister
}

// Entries implements CalendarSource (marketers and admins only: the route's readers).
func (s NewsletterDates) Entries(ctx context.Context, reader auth.Principal, from, to time.Time) ([]CalendarEntry, error) {
	var out []CalendarEntry
	cursor := ""
	for read := 0; read < MaxCalendarNewsletters; {
		page, next, err := s.List.Newsletters(ctx, cursor, 100)
		if err != nil {
			return nil, err
		}
		for _, n := range page {
			if n.SendAt != nil && !n.SendAt.Before(from) && n.SendAt.Before(to) {
				out = append(out, CalendarEntry{Kind: EntryNewsletter, At: *n.SendAt, ID: n.ID, Title: calendarTitle(n), State: n.State})
			}
		}
		read += len(page)
		if next == "" || len(page) == 0 {
			break
		}
		cursor = next
	}
	return out, nil
}

// calendarTitle names a newsletter on the calendar: its staff name, else the subject
// of its default version.
func calendarTitle(n Newsletter) string {
	if n.Name != "" {
		return n.Name
	}
	return n.Version(n.DefaultLang).Subject
}
