package metrics

import (
	"context"
	"fmt"
	"time"

	"tribune/shared/errs"
)

// Traffic limits.
const (
	// MaxTrafficDays bounds a traffic report's range.
	MaxTrafficDays = 400
	// MonthDays is the window of monthly active members (MAU): the 30 days ending on a day.
	MonthDays = 30
)

// ErrTrafficRange refuses a range that is not two dates, from..to, of at most 400 days,
// starting in 2000 or later and not after today.
var ErrTrafficRange = errs.InvalidField("from", "invalid_kpi_range", "Give from and to as YYYY-MM-DD, from not after to and not after today, at most 400 days apart.")

// ErrKpiRangeFuture refuses a range ending after today (UTC): its days to come would
// read as zeros (tester 14b, finding 1). The same code as ErrTrafficRange, on to.
var ErrKpiRangeFuture = errs.InvalidField("to", "invalid_kpi_range", "The period ends after today: give a to not after today (UTC).")

// MinKpiYear is the first year a range may start in: no community measured anything
// before (a year-1 range made the previous period's dates overflow: a 500).
const MinKpiYear = 2000

// TrafficDay is one day's traffic.
type TrafficDay struct {
	Day       string `json:"day"`
	PageViews int64  `json:"pageViews"`
	// Visitors: distinct visitor hashes of the day (estimated, SketchError).
	Visitors int64 `json:"visitors"`
	Sessions int64 `json:"sessions"`
	SignIns  int64 `json:"signIns"`
	// ActiveMembers (DAU): distinct signed-in members who were shown a page or signed in.
	ActiveMembers int64 `json:"activeMembers"`
	// MonthlyActive (MAU): distinct active members over the 30 days ending on this day.
	MonthlyActive int64 `json:"monthlyActive"`
	// Stickiness is ActiveMembers / MonthlyActive (0 when no one was active).
	Stickiness float64 `json:"stickiness"`
}

// TrafficTotals are the figures over the whole range: sums of counters, distinct counts
// over the range of sketches (never sums of days).
type TrafficTotals struct {
	PageViews int64 `json:"pageViews"`
	// Visitors over the range: the distinct visitor hashes of the merged days. The salt
	// rotates daily, so one reader on two days is two hashes: this is visitor-days, and
	// no one can be followed from one day to the next (docs/kpis.md).
	Visitors int64 `json:"visitors"`
	Sessions int64 `json:"sessions"`
	SignIns  int64 `json:"signIns"`
	// ActiveMembers: distinct members active on any day of the range.
	ActiveMembers int64 `json:"activeMembers"`
	// MonthlyActive: the MAU of the range's last day.
	MonthlyActive int64 `json:"monthlyActive"`
	// Stickiness: the mean of the DAU/MAU of the days that have a MAU (0 when none).
	Stickiness float64 `json:"stickiness"`
}

// Traffic is the traffic report of from..to.
type Traffic struct {
	From string `json:"from"`
	To   string `json:"to"`
	// Space, when set, restricts page views to that space (the other figures are the
	// community's).
	Space  string        `json:"space,omitempty"`
	Days   []TrafficDay  `json:"days"`
	Totals TrafficTotals `json:"totals"`
	// SketchError is the relative standard error of the distinct counts.
	SketchError float64 `json:"sketchError"`
}

// TrafficRange checks a report's range and lists its days.
func TrafficRange(from, to string) ([]string, error) {
	f, err1 := time.Parse(time.DateOnly, from)
	t, err2 := time.Parse(time.DateOnly, to)
	if err1 != nil || err2 != nil || t.Before(f) || t.Sub(f) >= MaxTrafficDays*24*time.Hour || f.Year() < MinKpiYear {
		return nil, ErrTrafficRange
	}
	var days []string
	for d := f; !d.After(t); d = d.AddDate(0, 0, 1) {
		days = append(days, Day(d))
	}
	return days, nil
}

// Traffic computes the report: one query per figure over the range (the active members'
// from 29 days before it, for the MAU).
func (s *Service) Traffic(ctx context.Context, from, to, space string) (Traffic, error) {
	days, err := TrafficRange(from, to)
	if err == nil && days[len(days)-1] > Day(s.now()) {
		err = ErrKpiRangeFuture // days to come read as a collapse
	}
	if err != nil {
		return Traffic{}, fmt.Errorf("metrics.Traffic: %w", err)
	}
	views := PageViews
	if space != "" {
		views = InSpace(PageViews, space)
	}
	counters := map[string]map[string]int64{}
	for _, name := range []string{views, Sessions, SignIns} {
		if counters[name], err = s.Store.CounterDays(ctx, name, from, to); err != nil {
			return Traffic{}, fmt.Errorf("metrics.Traffic: %w", err)
		}
	}
	visitors, err := s.Store.SketchDays(ctx, Visitors, from, to)
	if err != nil {
		return Traffic{}, fmt.Errorf("metrics.Traffic: %w", err)
	}
	first, _ := time.Parse(time.DateOnly, from)
	active, err := s.Store.SketchDays(ctx, ActiveMembers, Day(first.AddDate(0, 0, 1-MonthDays)), to)
	if err != nil {
		return Traffic{}, fmt.Errorf("metrics.Traffic: %w", err)
	}
	r := Traffic{From: from, To: to, Space: space, Days: make([]TrafficDay, 0, len(days)), SketchError: SketchError}
	over, seen := NewSketch(), NewSketch()
	withMau := 0
	for _, day := range days {
		d := TrafficDay{Day: day, PageViews: counters[views][day], Sessions: counters[Sessions][day], SignIns: counters[SignIns][day]}
		if v := visitors[day]; v != nil {
			d.Visitors = v.Estimate()
			if err := seen.Merge(v); err != nil {
				return Traffic{}, err
			}
		}
		if a := active[day]; a != nil {
			d.ActiveMembers = a.Estimate()
			if err := over.Merge(a); err != nil {
				return Traffic{}, err
			}
		}
		if d.MonthlyActive, err = monthly(active, day); err != nil {
			return Traffic{}, err
		}
		if d.MonthlyActive > 0 {
			d.Stickiness = min(1, float64(d.ActiveMembers)/float64(d.MonthlyActive))
			withMau++
			r.Totals.Stickiness += d.Stickiness
		}
		r.Days = append(r.Days, d)
		r.Totals.PageViews += d.PageViews
		r.Totals.Sessions += d.Sessions
		r.Totals.SignIns += d.SignIns
	}
	if withMau > 0 { // the days without a MAU have no ratio (tester 14, finding 7)
		r.Totals.Stickiness /= float64(withMau)
	}
	r.Totals.ActiveMembers, r.Totals.Visitors = over.Estimate(), seen.Estimate()
	r.Totals.MonthlyActive = r.Days[len(r.Days)-1].MonthlyActive
	return r, nil
}

// monthly is the distinct count of the sketches of the 30 days ending on day.
func monthly(sketches map[string]*Sketch, day string) (int64, error) {
	end, _ := time.Parse(time.DateOnly, day)
	m := NewSketch()
	for i := range MonthDays {
		if err := m.Merge(sketches[Day(end.AddDate(0, 0, -i))]); err != nil {
			return 0, err
		}
	}
	return m.Estimate(), nil
}
