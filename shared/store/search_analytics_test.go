package store_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"tribune/shared/metrics"
	"tribune/shared/posts"
	"tribune/shared/store"
	"tribune/shared/store/dynamotest"
)

// searchAnalyticsAt is the analytics service on st with a clock the test moves.
func searchAnalyticsAt(st *store.Store, now *time.Time) *metrics.SearchAnalytics {
	return &metrics.SearchAnalytics{Store: st.SearchAnalytics(), Counters: st, Now: func() time.Time { return *now }}
}

// run calls f n times at once and returns the errors.
func atOnce(n int, f func(i int) error) []error {
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = f(i) }()
	}
	wg.Wait()
	return errs
}

// Searches, searches with no result, queries (normalised), clicks and clicked searches
// are exact when 20 of each come at once: a result clicked 20 times at once counts once,
// a search takes no more distinct results' clicks than it found, and the analytics add
// them up (click-through: searches with a click over searches).
func TestSearchCountsAreExactUnderConcurrency(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	now := at("2026-11-20T10:00:00Z")
	svc := searchAnalyticsAt(st, &now)
	ids := make([]string, 20)
	failures := atOnce(20, func(i int) error {
		results := 5
		if i%4 == 0 {
			results = 0 // 5 of the 20 found nothing
		}
		q := "  Reset   PASSWORD "
		if i%2 == 1 {
			q = "reset password"
		}
		var err error
		ids[i], err = svc.Record(ctx, metrics.SearchEntry{Kind: metrics.SearchKindSearch, Query: q, Results: results, Shown: shown5})
		return err
	})
	failures = append(failures, atOnce(5, func(int) error {
		_, err := svc.Record(ctx, metrics.SearchEntry{Kind: metrics.SearchKindSearch, Query: "Invoice", Results: 0})
		return err
	})...)
	seen := map[string]bool{}
	for i, err := range failures {
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	for _, id := range ids {
		if id == "" || seen[id] {
			t.Fatalf("search ids %v: one empty or repeated", ids)
		}
		seen[id] = true
	}
	// ids[1] found 5: the same result clicked 20 times at once counts once.
	for _, err := range atOnce(20, func(int) error { return svc.Click(ctx, ids[1], "p_one", 1) }) {
		if err != nil {
			t.Fatalf("repeated click: %v", err)
		}
	}
	// ids[2] found 5: 10 distinct results clicked at once, the 5 it showed counted, the 5
	// it never showed refused (a script cannot invent results to click).
	for i, err := range atOnce(10, func(i int) error { return svc.Click(ctx, ids[2], fmt.Sprintf("p_r%d", i), 1+i%5) }) {
		if i < 5 && err != nil || i >= 5 && !errors.Is(err, metrics.ErrClickNotShown) {
			t.Fatalf("distinct click %d: %v", i, err)
		}
	}
	if err := svc.Click(ctx, ids[0], "p_x", 1); !errors.Is(err, metrics.ErrClickPosition) {
		t.Fatalf("a click on a search that found nothing: %v", err)
	}
	if err := svc.Click(ctx, ids[1], "p_x", 6); !errors.Is(err, metrics.ErrClickPosition) {
		t.Fatalf("a click past the results found: %v", err)
	}
	if err := svc.Click(ctx, "q_nosuchsearch", "p_x", 1); !errors.Is(err, metrics.ErrUnknownSearch) {
		t.Fatalf("a click on an unknown search: %v", err)
	}
	r, err := svc.Report(ctx, "2026-11-20", "2026-11-20")
	if err != nil {
		t.Fatal(err)
	}
	if r.Searches != 25 || r.NoResult != 10 || r.Clicked != 2 || r.Clicks != 6 || r.ClickThrough == nil || *r.ClickThrough != 2.0/25 {
		t.Fatalf("searches %d, no result %d, clicked %d, clicks %d, click-through %v", r.Searches, r.NoResult, r.Clicked, r.Clicks, r.ClickThrough)
	}
	if len(r.Days) != 1 || r.Days[0] != (metrics.SearchDay{Day: "2026-11-20", Searches: 25, NoResult: 10, Clicked: 2}) {
		t.Fatalf("days %+v", r.Days)
	}
	want := metrics.QueryCount{Query: "reset password", Searches: 20, NoResult: 5, Clicked: 2, Clicks: 6, ClickThrough: 0.1}
	if len(r.TopQueries) != 2 || r.TopQueries[0] != want || r.TopQueries[1].Query != "invoice" || r.TopQueries[1].Searches != 5 {
		t.Fatalf("top queries %+v", r.TopQueries)
	}
	// Ties (5 each) in the text's order.
	if len(r.NoResultQueries) != 2 || r.NoResultQueries[0].Query != "invoice" || r.NoResultQueries[0].NoResult != 5 || r.NoResultQueries[1].NoResult != 5 {
		t.Fatalf("no-result queries %+v", r.NoResultQueries)
	}
}

// A search is clickable for a day, no more; a day's query list is kept 400 days and
// then reads as absent (DynamoDB Local never deletes expired items), while the day's
// count of searches stays (a KPI counter).
func TestSearchesAndQueryListsExpire(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	now := at("2026-11-20T10:00:00Z")
	svc := searchAnalyticsAt(st, &now)
	id, err := svc.Record(ctx, metrics.SearchEntry{Kind: metrics.SearchKindSearch, Query: "webhooks", Results: 3, Shown: []string{"p_a", "p_b", "p_c"}})
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(23 * time.Hour)
	if err := svc.Click(ctx, id, "p_a", 1); err != nil {
		t.Fatalf("a click after 23 hours: %v", err)
	}
	now = now.Add(2 * time.Hour)
	if err := svc.Click(ctx, id, "p_b", 2); !errors.Is(err, metrics.ErrUnknownSearch) {
		t.Fatalf("a click after 25 hours: %v, want unknown search", err)
	}
	old := at("2025-10-15T08:00:00Z") // 401 days before 2026-11-20
	now = old
	for range 2 { // a query searched once is not listed (metrics.MinQueryListed)
		if _, err := svc.Record(ctx, metrics.SearchEntry{Kind: metrics.SearchKindSearch, Query: "old question", Results: 1}); err != nil {
			t.Fatal(err)
		}
	}
	recent := at("2025-10-17T08:00:00Z") // 399 days before
	now = recent
	for range 2 { // a query searched once is not listed (metrics.MinQueryListed)
		if _, err := svc.Record(ctx, metrics.SearchEntry{Kind: metrics.SearchKindSearch, Query: "kept question", Results: 1}); err != nil {
			t.Fatal(err)
		}
	}
	now = at("2026-11-20T12:00:00Z") // the first list's day + 400 days is past, the second's not
	r, err := svc.Report(ctx, "2025-10-15", "2025-10-17")
	if err != nil {
		t.Fatal(err)
	}
	if r.Searches != 4 || len(r.TopQueries) != 1 || r.TopQueries[0].Query != "kept question" {
		t.Fatalf("searches %d, queries %+v: want 4 searches, the list of 401 days ago gone", r.Searches, r.TopQueries)
	}
}

// A composer session counts once however many pauses in typing ask for suggestions; a
// request that shows nothing starts no session; a session of the ticket composer is not
// the question composer's; the analytics give sessions, requests and clicks.
func TestSuggestionSessionsCountOnce(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	now := at("2026-11-20T10:00:00Z")
	svc := searchAnalyticsAt(st, &now)
	suggest := func(forWhat, session string, results int) string {
		t.Helper()
		var shown []string
		if results > 0 {
			shown = []string{"p_solved"}
		}
		id, err := svc.Record(ctx, metrics.SearchEntry{Kind: metrics.SearchKindSuggest, For: forWhat, Query: "how do I", Results: results, Session: session, Shown: shown})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	if id := suggest(metrics.ForTicket, "", 0); id != "" {
		t.Fatalf("a request that showed nothing started session %q", id)
	}
	s1 := suggest(metrics.ForTicket, "", 3)
	if s1 == "" {
		t.Fatal("a request that showed suggestions started no session")
	}
	for _, n := range []int{0, 2, 4} {
		if id := suggest(metrics.ForTicket, s1, n); id != s1 {
			t.Fatalf("the same composer got %q, want its session %q", id, s1)
		}
	}
	if id := suggest(metrics.ForQuestion, s1, 1); id == s1 || id == "" {
		t.Fatalf("the question composer took the ticket composer's session: %q", id)
	}
	if id := suggest(metrics.ForTicket, "q_unknownsession", 0); id != "" {
		t.Fatalf("an unknown session with nothing shown gave %q", id)
	}
	if err := svc.Click(ctx, s1, "p_solved", 2); err != nil {
		t.Fatal(err)
	}
	if err := svc.Click(ctx, s1, "p_solved", 2); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Record(ctx, metrics.SearchEntry{Kind: metrics.SearchKindSuggest, For: "nobody", Results: 1}); err == nil {
		t.Fatal("a suggestion for no composer was counted")
	}
	r, err := svc.Report(ctx, "2026-11-20", "2026-11-20")
	if err != nil {
		t.Fatal(err)
	}
	d := r.Deflection
	if d.TicketSessions != 1 || d.QuestionSessions != 1 || d.Requests != 7 || d.Clicks != 1 || d.SessionsClicked != 1 ||
		d.Deflected != 2 || d.Rate == nil || *d.Rate != 1 || r.Searches != 0 || len(r.TopQueries) != 0 {
		t.Fatalf("deflection %+v (rate %v), searches %d, queries %+v", d, d.Rate, r.Searches, r.TopQueries)
	}
}

// The analytics' range: not after today, at most 92 days.
func TestSearchAnalyticsRange(t *testing.T) {
	t.Parallel()
	now := at("2026-11-20T10:00:00Z")
	for _, c := range []struct {
		from, to string
		ok       bool
	}{{"2026-11-20", "2026-11-20", true}, {"2026-08-21", "2026-11-20", true}, {"2026-08-20", "2026-11-20", false},
		{"2026-11-20", "2026-11-21", false}, {"2026-11-20", "2026-11-19", false}, {"20261120", "2026-11-20", false}, {"", "", false}} {
		if _, err := metrics.SearchRange(c.from, c.to, now); (err == nil) != c.ok {
			t.Errorf("%s..%s: %v", c.from, c.to, err)
		}
	}
}

// recordSearch is on every search's path: one DynamoDB call (a TransactWriteItems) per
// search, a click two (its search read, then one transaction).
func BenchmarkRecordSearch(b *testing.B) {
	tbl := dynamotest.NewTable(b)
	st := store.New(tbl.DB, tbl.Name)
	svc := &metrics.SearchAnalytics{Store: st.SearchAnalytics(), Counters: st, Now: time.Now}
	queries := []string{"reset password", "invoice", "sso with okta", "export csv", "webhooks retry"}
	b.Run("search", func(b *testing.B) {
		tbl.Trips.Reset()
		for i := 0; b.Loop(); i++ {
			if _, err := svc.Record(ctx, metrics.SearchEntry{Kind: metrics.SearchKindSearch, Query: queries[i%len(queries)], Results: i % 7}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(tbl.Trips.Count())/float64(b.N), "dynamodb-calls/search")
	})
	b.Run("suggest-continued", func(b *testing.B) {
		session, err := svc.Record(ctx, metrics.SearchEntry{Kind: metrics.SearchKindSuggest, For: metrics.ForTicket, Query: "how", Results: 2})
		if err != nil {
			b.Fatal(err)
		}
		tbl.Trips.Reset()
		for b.Loop() {
			if _, err := svc.Record(ctx, metrics.SearchEntry{Kind: metrics.SearchKindSuggest, For: metrics.ForTicket, Query: "how do", Results: 2, Session: session}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(tbl.Trips.Count())/float64(b.N), "dynamodb-calls/suggest")
	})
	b.Run("click", func(b *testing.B) {
		shown := make([]string, 1000)
		for i := range shown {
			shown[i] = fmt.Sprintf("p_%d", i)
		}
		id, err := svc.Record(ctx, metrics.SearchEntry{Kind: metrics.SearchKindSearch, Query: "clicks", Results: 1000, Shown: shown})
		if err != nil {
			b.Fatal(err)
		}
		tbl.Trips.Reset()
		for i := 0; b.Loop(); i++ {
			if err := svc.Click(ctx, id, fmt.Sprintf("p_%d", i%1000), 1+i%1000); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(tbl.Trips.Count())/float64(b.N), "dynamodb-calls/click")
	})
}

// Ten questions sent at once with one suggestion session: exactly one follows it (its
// transaction marks the session), the nine others are told the session is gone (their
// service writes them again without it); a ticket composer's session is never followed
// by a question.
func TestASuggestionSessionIsFollowedOnce(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	now := time.Now()
	svc := searchAnalyticsAt(st, &now)
	session, err := svc.Record(ctx, metrics.SearchEntry{Kind: metrics.SearchKindSuggest, For: metrics.ForQuestion, Query: "rotate", Results: 2})
	if err != nil {
		t.Fatal(err)
	}
	ticketSession, err := svc.Record(ctx, metrics.SearchEntry{Kind: metrics.SearchKindSuggest, For: metrics.ForTicket, Query: "rotate", Results: 2})
	if err != nil {
		t.Fatal(err)
	}
	question := func(i int, suggestion string) error {
		p := posts.Post{ID: fmt.Sprintf("p_follow%d", i), SpaceID: "s_1", SpaceName: "General", Kind: posts.KindQuestion, Title: "Rotate?",
			Body: "How?", HTML: "<p>How?</p>", AuthorID: "m_a", AuthorName: "A", CreatedAt: now, Reactions: map[string]int{"like": 0},
			SuggestionID: suggestion}
		return st.Posts().CreatePost(ctx, p, nil, nil)
	}
	followed, gone := 0, 0
	for _, err := range atOnce(10, func(i int) error { return question(i, session) }) {
		switch {
		case err == nil:
			followed++
		case errors.Is(err, posts.ErrSuggestionGone):
			gone++
		default:
			t.Fatal(err)
		}
	}
	if followed != 1 || gone != 9 {
		t.Fatalf("%d questions followed the session, %d were told it is gone", followed, gone)
	}
	if err := question(10, ticketSession); !errors.Is(err, posts.ErrSuggestionGone) {
		t.Fatalf("a question followed a ticket composer's session: %v", err)
	}
	// A request of the composer that went as its question was made (typing, then
	// publishing at once) is a call of that session, not a second session.
	late, err := svc.Record(ctx, metrics.SearchEntry{Kind: metrics.SearchKindSuggest, For: metrics.ForQuestion, Query: "rotate the", Results: 2, Session: session})
	if err != nil || late != session {
		t.Fatalf("a late request of a followed session: %q %v, want %q", late, err, session)
	}
	// Another composer's id (a ticket's session for a question) still starts a new one.
	other, err := svc.Record(ctx, metrics.SearchEntry{Kind: metrics.SearchKindSuggest, For: metrics.ForQuestion, Query: "rotate", Results: 2, Session: ticketSession})
	if err != nil || other == ticketSession || other == "" {
		t.Fatalf("a question composer naming a ticket session: %q %v", other, err)
	}
	day := metrics.Day(now)
	r, err := svc.Report(ctx, day, day)
	if err != nil {
		t.Fatal(err)
	}
	if d := r.Deflection; d.QuestionSessions != 2 || d.TicketSessions != 1 || d.Requests != 4 {
		t.Fatalf("deflection %+v, want 2 question sessions (the first and the other), 1 ticket session, 4 requests", d)
	}
}

// shown5 are the results a search of the tests showed.
var shown5 = []string{"p_one", "p_r0", "p_r1", "p_r2", "p_r3", "p_r4"}

// A further page's results join those the search showed (their clicks count); a
// composer session's requests add theirs; an id never shown is refused.
func TestSearchClicksCountOnlyResultsShown(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	now := time.Now()
	svc := searchAnalyticsAt(st, &now)
	id, err := svc.Record(ctx, metrics.SearchEntry{Kind: metrics.SearchKindSearch, Query: "export", Results: 30, Shown: []string{"post:p_1"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Click(ctx, id, "post:p_21", 21); !errors.Is(err, metrics.ErrClickNotShown) {
		t.Fatalf("a result of a page not read yet: %v", err)
	}
	if err := svc.ShowMore(ctx, id, "password", []string{"post:p_21"}); !errors.Is(err, metrics.ErrUnknownSearch) {
		t.Fatalf("a page of another query naming this search: %v", err)
	}
	if err := svc.Click(ctx, id, "post:p_21", 21); !errors.Is(err, metrics.ErrClickNotShown) {
		t.Fatalf("a result another query's page showed: %v", err)
	}
	if err := svc.ShowMore(ctx, id, "  Export ", []string{"post:p_21", "post:p_22"}); err != nil {
		t.Fatal(err)
	}
	if err := svc.Click(ctx, id, "post:p_21", 21); err != nil {
		t.Fatalf("a result of the next page: %v", err)
	}
	if err := svc.ShowMore(ctx, "q_nosuchsearch", "export", []string{"post:p_3"}); !errors.Is(err, metrics.ErrUnknownSearch) {
		t.Fatalf("a page of an unknown search: %v", err)
	}
	session, err := svc.Record(ctx, metrics.SearchEntry{Kind: metrics.SearchKindSuggest, For: metrics.ForQuestion, Query: "exp", Results: 1, Shown: []string{"post:p_1"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Record(ctx, metrics.SearchEntry{Kind: metrics.SearchKindSuggest, For: metrics.ForQuestion, Query: "export csv", Results: 2, Session: session, Shown: []string{"post:p_9", "post:p_1"}}); err != nil {
		t.Fatal(err)
	}
	if err := svc.Click(ctx, session, "post:p_9", 1); err != nil {
		t.Fatalf("a suggestion of the session's second request: %v", err)
	}
	if err := svc.Click(ctx, session, "post:p_404", 2); !errors.Is(err, metrics.ErrClickNotShown) {
		t.Fatalf("a suggestion never shown: %v", err)
	}
}
