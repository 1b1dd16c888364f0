package newsletters

import (
	"context"
	"fmt"
	"testing"
	"time"

	"tribune/shared/auth"
)

// pagedNewsletters is a real minimal NewsletterLister (writing's store lists newest
// first, a page at a time): the newsletters of a slice, two a page.
type pagedNewsletters []Newsletter

func (p pagedNewsletters) Newsletters(_ context.Context, cursor string, limit int) ([]Newsletter, string, error) {
	start := 0
	if cursor != "" {
		fmt.Sscan(cursor, &start)
	}
	end := min(start+2, len(p))
	next := ""
	if end < len(p) {
		next = fmt.Sprint(end)
	}
	return p[start:end], next, nil
}

// The calendar merges its sources, earliest first, keeps the range, and refuses a
// range backwards or over 93 days; newsletters show by their send date, named by
// their staff name.
func TestNewsletterCalendarMergesSourcesInRange(t *testing.T) {
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	at := func(h int) *time.Time { v := day.Add(time.Duration(h) * time.Hour); return &v }
	list := pagedNewsletters{
		{ID: "n1", State: StateScheduled, SendAt: at(30), Writing: Writing{Name: "December digest"}},
		{ID: "n2", State: StateDraft},
		{ID: "n3", State: StateSent, SendAt: at(-48), Writing: Writing{Name: "Before the range"}},
		{ID: "n4", State: StateSent, SendAt: at(2), Writing: Writing{Name: "Launch"}},
		{ID: "n5", State: StateScheduled, SendAt: at(24 * 40), Writing: Writing{Name: "After the range"}},
	}
	other := CalendarSourceFunc(func(context.Context, auth.Principal, time.Time, time.Time) ([]CalendarEntry, error) {
		return []CalendarEntry{{Kind: EntryCampaignStart, At: *at(10), ID: "c1", Title: "Spring"}}, nil
	})
	cal := Calendar{Sources: []CalendarSource{NewsletterDates{List: list}, other}}
	page, err := cal.Between(context.Background(), auth.Principal{}, day, day.Add(31*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range page.Entries {
		got = append(got, e.ID+":"+e.Title)
	}
	if fmt.Sprint(got) != "[n4:Launch c1:Spring n1:December digest]" {
		t.Fatalf("entries %v", got)
	}
	for _, r := range [][2]time.Time{{day, day}, {day, day.Add(-time.Hour)}, {day, day.Add(94 * 24 * time.Hour)}} {
		if _, err := cal.Between(context.Background(), auth.Principal{}, r[0], r[1]); err == nil {
			t.Errorf("range %v accepted", r)
		}
	}
}
