package store_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"tribune/shared/eventtypes"
	"tribune/shared/tickets"
)

// The agents' queue fills its page past the tickets its filter drops (fillPage): paged
// through with any page size, it shows every ticket the filter keeps once, oldest
// first, and never more than a page; reads the filter leaves short go on from where
// they stopped, and a page that fills in the middle of a read goes on right after its
// last ticket.
func TestTheQueueShowsEveryFilteredTicketOnceWhateverThePageSize(t *testing.T) {
	t.Parallel()
	st, tbl := newStore(t)
	start := time.Now().UTC().Add(-time.Hour)
	var want, all []string
	// 24 tickets: a run of 15 solved ones (more than 6 reads of 2 entries), then every
	// third solved.
	for i := range 24 {
		status := tickets.StatusNew
		if i < 15 || i%3 == 0 {
			status = tickets.StatusSolved
		}
		tk := tickets.Ticket{ID: fmt.Sprintf("t_%02d", i), SpaceID: "s_acme", Subject: "s", Severity: "normal", Body: "b", Status: status,
			RequesterID: "m_req", CreatedAt: start.Add(time.Duration(i) * time.Second)}
		tk.UpdatedAt = tk.CreatedAt
		ack := tickets.Reply{ID: "r_" + tk.ID, TicketID: tk.ID, Body: "ack", Automatic: true, CreatedAt: tk.CreatedAt}
		if err := st.Tickets().CreateTicket(ctx, &tk, &ack, func(int64) ([]eventtypes.Envelope, error) { return nil, nil }, nil); err != nil {
			t.Fatal(err)
		}
		all = append(all, tk.ID)
		if status != tickets.StatusSolved {
			want = append(want, tk.ID)
		}
	}
	unsolved := tickets.QueueFilter{Statuses: []string{tickets.StatusNew, tickets.StatusOpen}}
	for _, c := range []struct {
		f    tickets.QueueFilter
		want []string
	}{{unsolved, want}, {tickets.QueueFilter{}, all}} {
		for _, limit := range []int{1, 2, 3, 5, 50} {
			var got []string
			cursor, pages, short := "", 0, 0
			for {
				page, next, err := st.Tickets().Queue(ctx, c.f, cursor, limit)
				if err != nil {
					t.Fatal(err)
				}
				if len(page) > limit {
					t.Fatalf("limit %d: a page holds %d tickets", limit, len(page))
				}
				if next != "" && len(page) < limit {
					short++
				}
				for _, tk := range page {
					got = append(got, tk.ID)
				}
				pages++
				if cursor = next; cursor == "" || pages > 100 {
					break
				}
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("statuses %v, limit %d: %v\nwant %v", c.f.Statuses, limit, got, c.want)
			}
			// Only what the filter drops leaves a page short: the run of solved tickets is
			// longer than the reads of a page of 1 or 2 go.
			if c.f.Statuses == nil && short > 0 || limit <= 2 && c.f.Statuses != nil && short == 0 {
				t.Fatalf("statuses %v, limit %d: %d short pages", c.f.Statuses, limit, short)
			}
		}
	}
	// A page of 2 past the run of solved tickets: 6 reads of 2 entries at most.
	tbl.Trips.Reset()
	if _, _, err := st.Tickets().Queue(ctx, unsolved, "", 2); err != nil {
		t.Fatal(err)
	}
	if n := tbl.Trips.Count(); n != 6 {
		t.Fatalf("the first page of 2 took %d queries, want 6 (the bound)", n)
	}
	if _, _, err := st.Tickets().Queue(ctx, unsolved, "not a cursor", 2); err == nil {
		t.Fatal("a made-up cursor was taken")
	}
}
