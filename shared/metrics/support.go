package metrics

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/httpx"
	"tribune/shared/policy"
)

// Support counters and measured values.
const (
	TicketsOpened = "tickets_opened"
	TicketsSolved = "tickets_solved"
	// FirstResponse and Resolution hold seconds per ticket; Satisfaction 1 (good) or 0.
	FirstResponse = "first_response_seconds"
	Resolution    = "resolution_seconds"
	Satisfaction  = "satisfaction"
	// MaxReportDays bounds a report's window.
	MaxReportDays = 92
)

// ValueStore keeps measured values, one per key (a ticket) and day: writing one again
// replaces it, so a repeated event changes nothing.
type ValueStore interface {
	SetValue(ctx context.Context, name, day, key string, value float64) error
	Values(ctx context.Context, name, day string) ([]float64, error)
	// SetLatestValue writes key's value measured at on day, unless a value of key
	// measured at or after at is there (then it changes nothing); the day of the value
	// it replaces no longer holds one. Whatever order and however many times the values
	// come, each key keeps its latest, on one day.
	SetLatestValue(ctx context.Context, name, key, day string, at time.Time, value float64) error
}

// OnTicketOpened counts a ticket opened.
// A ticket opened by a customer's member is a customer activity.
func (s *Service) OnTicketOpened(ctx context.Context, evt eventtypes.TicketOpened) error {
	more, err := s.customerActivity(ctx, evt.RequesterID, evt.SpaceID, false)
	if err != nil {
		return err
	}
	more = append(more, ticketAfterSuggestions(evt)...)
	return s.countAll(ctx, evt.Meta, append([]Count{{Name: TicketsOpened, Delta: 1}}, more...)...)
}

// OnTicketReplied measures the first response time.
func (s *Service) OnTicketReplied(ctx context.Context, evt eventtypes.TicketReplied) error {
	if evt.FirstResponseSeconds <= 0 {
		return nil
	}
	return s.value(ctx, FirstResponse, evt.Meta, evt.TicketID, evt.FirstResponseSeconds)
}

// OnTicketStatusChanged counts a solved ticket and measures its resolution time.
func (s *Service) OnTicketStatusChanged(ctx context.Context, evt eventtypes.TicketStatusChanged) error {
	if evt.To != "solved" {
		return nil
	}
	if err := s.count(ctx, evt.Meta, TicketsSolved); err != nil {
		return err
	}
	return s.value(ctx, Resolution, evt.Meta, evt.TicketID, evt.ResolutionSeconds)
}

// OnTicketRated records the ticket's satisfaction: its latest rating counts, on the day
// it was given, whatever order (and however many times) the ratings' events arrive (a
// rating's time is after the ticket's last change: tickets.Service.Rate).
func (s *Service) OnTicketRated(ctx context.Context, evt eventtypes.TicketRated) error {
	v := 0.0
	if evt.Good {
		v = 1
	}
	if err := s.Values.SetLatestValue(ctx, Satisfaction, evt.TicketID, Day(evt.OccurredAt), evt.OccurredAt, v); err != nil {
		return fmt.Errorf("metrics.OnTicketRated %s: %w", evt.TicketID, err)
	}
	return nil
}

func (s *Service) value(ctx context.Context, name string, meta eventtypes.Meta, key string, v float64) error {
	if err := s.Values.SetValue(ctx, name, Day(meta.OccurredAt), key, v); err != nil {
		return fmt.Errorf("metrics.value %s %s: %w", name, key, err)
	}
	return nil
}

// Stats sums up measured seconds.
type Stats struct {
	Count  int     `json:"count"`
	Median float64 `json:"medianSeconds"`
	P90    float64 `json:"p90Seconds"`
}

// DayCount is a day's tickets opened and solved.
type DayCount struct {
	Day    string `json:"day"`
	Opened int64  `json:"opened"`
	Solved int64  `json:"solved"`
}

// SupportReport is the support team's figures over a window of days.
type SupportReport struct {
	Days          []DayCount `json:"days"`
	FirstResponse Stats      `json:"firstResponse"`
	Resolution    Stats      `json:"resolution"`
	// Satisfaction is the share of good ratings (0..1) among Rated tickets.
	Rated        int     `json:"rated"`
	Satisfaction float64 `json:"satisfaction"`
}

// ErrReportDays refuses a window that is too long.
var ErrReportDays = errs.InvalidField("days", "invalid_days", "A report covers 1 to 92 days.")

// Support computes the report of the last days (today included).
func (s *Service) Support(ctx context.Context, days int) (SupportReport, error) {
	if days < 1 || days > MaxReportDays {
		return SupportReport{}, fmt.Errorf("metrics.Support: %w", ErrReportDays)
	}
	var r SupportReport
	var first, resolution, satisfaction []float64
	today := s.Now().UTC()
	for i := days - 1; i >= 0; i-- {
		day := Day(today.AddDate(0, 0, -i))
		dc := DayCount{Day: day}
		var err error
		if dc.Opened, err = s.Store.Counter(ctx, TicketsOpened, day); err != nil {
			return SupportReport{}, fmt.Errorf("metrics.Support: %w", err)
		}
		if dc.Solved, err = s.Store.Counter(ctx, TicketsSolved, day); err != nil {
			return SupportReport{}, fmt.Errorf("metrics.Support: %w", err)
		}
		r.Days = append(r.Days, dc)
		for name, into := range map[string]*[]float64{FirstResponse: &first, Resolution: &resolution, Satisfaction: &satisfaction} {
			vs, err := s.Values.Values(ctx, name, day)
			if err != nil {
				return SupportReport{}, fmt.Errorf("metrics.Support: %w", err)
			}
			*into = append(*into, vs...)
		}
	}
	r.FirstResponse, r.Resolution = stats(first), stats(resolution)
	r.Rated = len(satisfaction)
	if r.Rated > 0 {
		good := 0.0
		for _, v := range satisfaction {
			good += v
		}
		r.Satisfaction = good / float64(r.Rated)
	}
	return r, nil
}

// stats computes the median and 90th percentile (nearest rank).
func stats(values []float64) Stats {
	if len(values) == 0 {
		return Stats{}
	}
	slices.Sort(values)
	rank := func(p float64) float64 {
		i := int(math.Ceil(p*float64(len(values)))) - 1
		return values[max(i, 0)]
	}
	return Stats{Count: len(values), Median: rank(0.5), P90: rank(0.9)}
}

// HTTP exposes the support report (the ticketing function).
type HTTP struct {
	Service *Service
}

// Routes returns the support report's route.
func (h HTTP) Routes() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/support/metrics", Tag: "tickets", Action: policy.TicketsWork, Handler: h.support,
			Query:     []httpx.Param{{Name: "days", Description: "How many days back, today included (1–92, default 30)"}},
			Summary:   "Tickets opened and solved per day, first-response and resolution times (median, 90th percentile), satisfaction.",
			Responses: httpx.Answers(200, "The report", SupportReport{}, map[int]string{400: "Bad days"})},
	}
}

func (h HTTP) support(w http.ResponseWriter, r *http.Request) {
	days := 30
	if v := r.URL.Query().Get("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			httpx.WriteError(w, r, ErrReportDays)
			return
		}
		days = n
	}
	report, err := h.Service.Support(r.Context(), days)
	httpx.Reply(w, r, http.StatusOK, report, err)
}

func (h KpiHTTP) beacon(w http.ResponseWriter, r *http.Request) {
	var body BeaconBody
	if !httpx.Decoded(w, r, &body) {
		return
	}
	v := Visit{BeaconBody: body, UserAgent: r.UserAgent(), Address: httpx.ClientIP(r, h.TrustedProxies), SameOrigin: SameOrigin(r)}
	if err := v.Check(); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	if v.Counts() && h.Sessions != nil {
		// No session, an expired one, a suspended member: a visitor.
		if p, err := h.Sessions.Principal(r); err == nil {
			v.Actor = p
		}
	}
	if _, err := h.Beacons.Count(r.Context(), v); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// SameOrigin reports whether a request comes from a page of the API's own origin:
// Sec-Fetch-Site same-origin or, from browsers that send no Fetch metadata, an Origin
// whose host is the request's.
func SameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		return site == "same-origin"
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host != "" && u.Host == r.Host
}

func (h KpiHTTP) traffic(w http.ResponseWriter, r *http.Request) {
	sp, ok := h.space(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	report, err := h.Service.Traffic(r.Context(), q.Get("from"), q.Get("to"), sp)
	httpx.Reply(w, r, http.StatusOK, report, err)
}
