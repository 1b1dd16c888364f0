package app_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"tribune/shared/eventtypes"
	"tribune/shared/metrics"
	"tribune/shared/store"
	"tribune/shared/store/dynamotest"
)

// The satisfaction figure keeps each ticket's latest rating, on the day it was given,
// whatever order (and however many times) the rating events arrive: an older event
// arriving after a newer one, or again, changes nothing (findings of 2026-11-30, 1).
func TestSatisfactionKeepsTheLatestRatingWhateverTheEventOrder(t *testing.T) {
	t.Parallel()
	tbl := dynamotest.NewTable(t)
	st := store.New(tbl.DB, tbl.Name)
	now := time.Now().UTC()
	svc := &metrics.Service{Store: st, Values: st, Now: func() time.Time { return now }}
	ctx := context.Background()
	rated := func(ticket string, good bool, at time.Time) eventtypes.TicketRated {
		return eventtypes.TicketRated{Meta: eventtypes.NewMeta(at), TicketID: ticket, Good: good}
	}
	// Four tickets rated bad, then good a moment later; their events arrive newest first,
	// and the older ones twice.
	for i := range 4 {
		id := fmt.Sprintf("t_%d", i)
		bad, good := rated(id, false, now.Add(-time.Second)), rated(id, true, now.Add(-time.Second+time.Microsecond))
		for _, evt := range []eventtypes.TicketRated{good, bad, good, bad} {
			if err := svc.OnTicketRated(ctx, evt); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Rated bad yesterday, good today, bad this morning (latest): delivered in every
	// order, the ticket counts once, bad, today.
	y := rated("t_days", false, now.Add(-24*time.Hour))
	g := rated("t_days", true, now.Add(-2*time.Second))
	b := rated("t_days", false, now.Add(-time.Second))
	for _, evt := range []eventtypes.TicketRated{g, b, y, g, y} {
		if err := svc.OnTicketRated(ctx, evt); err != nil {
			t.Fatal(err)
		}
	}
	// Two tickets, each rated good and bad at once by many deliveries: the latest stays.
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			evt := rated("t_race", i%2 == 0, now.Add(-time.Duration(i)*time.Millisecond))
			if err := svc.OnTicketRated(ctx, evt); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	r, err := svc.Support(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	// 6 tickets: the four good, t_days bad, t_race good (i = 0, the latest).
	if r.Rated != 6 || r.Satisfaction != 5.0/6 {
		t.Fatalf("report: rated %d, satisfaction %v; want 6 tickets, 5/6 good", r.Rated, r.Satisfaction)
	}
	// Yesterday holds nothing (unless the test runs at midnight, "yesterday" being today).
	if day := metrics.Day(now.Add(-24 * time.Hour)); day != metrics.Day(now.Add(-time.Second)) {
		if vs, err := st.Values(ctx, metrics.Satisfaction, day); err != nil || len(vs) != 0 {
			t.Fatalf("yesterday keeps %v (%v): the ticket's rating moved to today", vs, err)
		}
	}
}

// A customer who changes a rating at once sees the latest in the ticket and in the
// support figures (the tester's 4 tickets rated bad then good: 4 good).
func TestARatingChangedAtOnceCountsAsTheLatest(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	_, sam, cara, acme := c.supportDesk()
	for i := range 4 {
		tk := c.ticket(cara, acme.ID, fmt.Sprintf(`{"subject":"Down %d","product":"General","severity":"low","body":"x"}`, i))
		if status, body := c.call(sam, "POST", "/api/tickets/"+tk.ID+"/status", `{"status":"solved"}`, nil); status != 200 {
			t.Fatalf("solve: %d %s", status, body)
		}
		for _, good := range []string{"false", "true"} {
			if status, body := c.call(cara, "POST", "/api/tickets/"+tk.ID+"/rating", `{"good":`+good+`}`, nil); status != 200 {
				t.Fatalf("rate %s: %d %s", good, status, body)
			}
		}
	}
	var r metrics.SupportReport
	waitFor(t, "the support figures", func() bool {
		r = metrics.SupportReport{}
		c.call(sam, "GET", "/api/support/metrics?days=7", "", &r)
		if r.Rated == 4 && r.Satisfaction == 1 {
			return true
		}
		t.Logf("report so far: rated %d, satisfaction %v", r.Rated, r.Satisfaction)

		return false
	})
	c.settledItems()
	if c.call(sam, "GET", "/api/support/metrics?days=7", "", &r); r.Rated != 4 || r.Satisfaction != 1 {
		t.Fatalf("after every event: rated %d, satisfaction %v; want 4, all good", r.Rated, r.Satisfaction)
	}
}
