package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"tribune/shared/eventtypes"
	"tribune/shared/newsletters"
)

// A mail event counts once on its newsletter however often it is delivered, also when
// its deliveries arrive at once; each kind counts on its own counter.
func TestNewsletterMailEventsCountOnce(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	nl, ctx, now := st.Newsletters(), context.Background(), time.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	dups := 0
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := nl.CountMailEvent(ctx, "nl_a", newsletters.MailBounced, "evt_bounce", now)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case errors.Is(err, eventtypes.ErrDuplicate):
				dups++
			case err != nil:
				t.Errorf("delivery %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	for i, kind := range []string{newsletters.MailComplained, newsletters.MailUnsubscribed, newsletters.MailUnsubscribed} {
		if err := nl.CountMailEvent(ctx, "nl_a", kind, fmt.Sprint("evt_", i), now); err != nil {
			t.Fatal(err)
		}
	}
	c, err := nl.ResultCounters(ctx, "nl_a")
	if err != nil || dups != 7 || c != (newsletters.Counters{Bounced: 1, Complaints: 1, Unsubscribes: 2}) {
		t.Fatalf("counters %+v %v, duplicates %d", c, err, dups)
	}
	if err := nl.CountMailEvent(ctx, "nl_a", "opened", "evt_x", now); err == nil {
		t.Fatal("an unknown kind counted")
	}
	if c, _ := nl.ResultCounters(ctx, "nl_none"); c != (newsletters.Counters{}) {
		t.Fatalf("a newsletter with no results: %+v", c)
	}
}

// Parallel first clicks of one link make one link item with every click on it.
func TestNewsletterFirstClicksMakeOneLink(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	nl, ctx := st.Newsletters(), context.Background()
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := nl.CountClick(ctx, newsletters.Click{NewsletterID: "nl_b", URL: "https://example.org/x"}, "2026-11-30"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	links, err := nl.LinkClicks(ctx, "nl_b", 10)
	if err != nil || len(links) != 1 || links[0].Clicks != 10 || links[0].URL != "https://example.org/x" {
		t.Fatalf("links %+v %v", links, err)
	}
	if c, _ := nl.ResultCounters(ctx, "nl_b"); c.Clicks != 10 || c.Visits != 0 {
		t.Fatalf("counters %+v", c)
	}
}
