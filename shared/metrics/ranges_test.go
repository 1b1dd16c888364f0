package metrics

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A range must be real dates from 2000 on, not starting after today: a year-1 range
// answered 500, a future one a report of zeros (issue 14, tester 14, findings 3 and 4).
func TestKpiRangesRefuseYearOneAndTheFuture(t *testing.T) {
	if _, err := TrafficRange("0001-01-01", "0001-01-02"); !errors.Is(err, ErrTrafficRange) {
		t.Errorf("year 1: %v", err)
	}
	if _, err := TrafficRange("2026-11-01", "2026-11-30"); err != nil {
		t.Errorf("November 2026: %v", err)
	}
	s := &Service{Now: func() time.Time { return time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC) }}
	// A range that ends after today, begun or not (tester 14b, finding 1: a future end
	// was accepted).
	for _, r := range [][2]string{{"2026-12-01", "2026-12-05"}, {"9999-12-30", "9999-12-31"}, {"2026-11-30", "2027-12-31"}, {"2026-11-01", "2026-12-01"}} {
		if _, err := s.Kpis(context.Background(), r[0], r[1], ""); !errors.Is(err, ErrKpiRangeFuture) {
			t.Errorf("Kpis %v: %v", r, err)
		}
		if _, err := s.KpiCard(context.Background(), "page_views", r[0], r[1], ""); !errors.Is(err, ErrKpiRangeFuture) {
			t.Errorf("KpiCard (export) %v: %v", r, err)
		}
		if _, err := s.Traffic(context.Background(), r[0], r[1], ""); !errors.Is(err, ErrKpiRangeFuture) {
			t.Errorf("Traffic %v: %v", r, err)
		}
	}
}

// API paths in any case or with doubled slashes are not page views (finding 2).
func TestBeaconPathsOfTheAPIInAnyFormAreNotPageViews(t *testing.T) {
	ua := "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
	for path, want := range map[string]bool{"/API/kpis": false, "//api/x": false, "/api": false, "/Api/": false, "/spaces/s_1": true, "/spaces/apiary": true} {
		v := Visit{BeaconBody: BeaconBody{Path: path}, UserAgent: ua, SameOrigin: true}
		if got := v.Counts(); got != want {
			t.Errorf("%s counts %v, want %v", path, got, want)
		}
	}
}
