package store_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"tribune/shared/eventtypes"
	"tribune/shared/metrics"
	"tribune/shared/ratelimit"
)

// Members added to a day's sketch by concurrent events, every event delivered twice,
// count once each: the shards' versions make concurrent writers of one shard retry,
// none lost. A member already in the sketch writes nothing but the event's marker.
func TestSketchCountsAreExactOnceUnderConcurrency(t *testing.T) {
	t.Parallel()
	st, tbl := newStore(t)
	now, day := time.Now(), "2026-11-24"
	var wg sync.WaitGroup
	for i := range 60 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			counts := []metrics.Count{{Name: metrics.Comments, Delta: 1}, {Name: metrics.ActiveContributors, Member: fmt.Sprintf("m_%d", i%30)}}
			for range 2 {
				if err := st.CountEvent(ctx, metrics.Consumer, fmt.Sprintf("e%d", i), day, counts, now); err != nil && !errors.Is(err, eventtypes.ErrDuplicate) {
					t.Errorf("e%d: %v", i, err)
				}
			}
		}()
	}
	wg.Wait()
	days, err := st.SketchDays(ctx, metrics.ActiveContributors, day, day)
	if err != nil || days[day] == nil || days[day].Estimate() != 30 {
		t.Fatalf("contributors %v (%v), want 30", days, err)
	}
	if n, _ := st.Counter(ctx, metrics.Comments, day); n != 60 {
		t.Fatalf("comments %d, want 60", n)
	}
	tbl.Trips.Reset()
	if err := st.CountEvent(ctx, metrics.Consumer, "again", day, []metrics.Count{{Name: metrics.ActiveContributors, Member: "m_1"}}, now); err != nil {
		t.Fatal(err)
	}
	if tbl.Trips.Count() != 2 {
		t.Fatalf("a member counted already took %d calls, want the read and the marker", tbl.Trips.Count())
	}
}

// A beacon's counts are one transaction with its rate limit: over the limit, nothing is
// written and the error says so.
func TestCountVisitHonoursItsRateLimit(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	now, day := time.Now(), "2026-11-24"
	hit := []ratelimit.Hit{{Rule: ratelimit.Rule{Name: "beacon-test", Limit: 2, Window: time.Hour}, Key: "192.0.2.1"}}
	counts := func(visitor string) []metrics.Count {
		return []metrics.Count{{Name: metrics.PageViews, Delta: 1}, {Name: metrics.Visitors, Member: visitor}}
	}
	for i, v := range []string{"v1", "v2"} {
		if err := st.CountVisit(ctx, day, fmt.Sprint("visit", i), counts(v), hit, now); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.CountVisit(ctx, day, "visit3", counts("v3"), hit, now); !errors.Is(err, metrics.ErrTooManyBeacons) {
		t.Fatalf("third visit: %v, want ErrTooManyBeacons", err)
	}
	views, _ := st.CounterDays(ctx, metrics.PageViews, day, day)
	visitors, _ := st.SketchDays(ctx, metrics.Visitors, day, day)
	if views[day] != 2 || visitors[day].Estimate() != 2 {
		t.Fatalf("views %d visitors %d after a refused visit, want 2 and 2", views[day], visitors[day].Estimate())
	}
}

// The traffic report over days: counters summed, active members distinct over the
// range and over the 30 days ending each day (MAU), never sums of days; the range is
// at most 400 days.
func TestTrafficReportMergesSketchesOverTheRange(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	now := time.Now()
	visit := func(day, id string, member string) {
		t.Helper()
		counts := []metrics.Count{{Name: metrics.PageViews, Delta: 1}, {Name: metrics.Visitors, Member: "v-" + member + day}, {Name: metrics.ActiveMembers, Member: member}}
		if err := st.CountVisit(ctx, day, id, counts, nil, now); err != nil {
			t.Fatal(err)
		}
	}
	// Ann on three days, Bob on two, Cy once (on a day before the range: MAU only).
	visit("2026-10-20", "a0", "cy")
	for i, day := range []string{"2026-11-01", "2026-11-02", "2026-11-03"} {
		visit(day, fmt.Sprint("a", i+1), "ann")
		if i < 2 {
			visit(day, fmt.Sprint("b", i+1), "bob")
		}
	}
	svc := &metrics.Service{Store: st, Now: time.Now}
	r, err := svc.Traffic(ctx, "2026-11-01", "2026-11-03", "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Totals.PageViews != 5 || r.Totals.ActiveMembers != 2 || r.Totals.Visitors != 5 || len(r.Days) != 3 {
		t.Fatalf("totals %+v over %d days, want 5 views, 2 active members, 5 visitor-days", r.Totals, len(r.Days))
	}
	d1 := r.Days[0]
	if d1.ActiveMembers != 2 || d1.MonthlyActive != 3 || d1.Stickiness < 0.66 || d1.Stickiness > 0.67 {
		t.Fatalf("first day %+v, want DAU 2, MAU 3 (Cy 12 days before), DAU/MAU 2/3", d1)
	}
	if last := r.Days[2]; last.ActiveMembers != 1 || last.MonthlyActive != 3 || r.Totals.MonthlyActive != 3 {
		t.Fatalf("last day %+v, totals MAU %d", last, r.Totals.MonthlyActive)
	}
	for _, bad := range [][2]string{{"2026-11-03", "2026-11-01"}, {"2025-01-01", "2026-02-05"}, {"2026-11-01", "tomorrow"}, {"", ""}} {
		if _, err := svc.Traffic(ctx, bad[0], bad[1], ""); !errors.Is(err, metrics.ErrTrafficRange) {
			t.Fatalf("range %v: %v, want ErrTrafficRange", bad, err)
		}
	}
	if r, err := svc.Traffic(ctx, "2025-10-01", "2026-11-04", ""); err != nil || len(r.Days) != 400 {
		t.Fatalf("400 days: %v", err)
	}
	if _, err := svc.Traffic(ctx, "2025-10-01", "2026-11-05", ""); !errors.Is(err, metrics.ErrTrafficRange) {
		t.Fatalf("401 days: %v", err)
	}
}
