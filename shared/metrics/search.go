package metrics

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"tribune/shared/errs"
	"tribune/shared/eventtypes"
)

// Search analytics (issue 15; docs/kpis.md, "VII. Searches" and "Before you ask").
// Every figure is a sharded daily counter (Store.CounterDays) except the day's queries,
// which are kept per (day, query) for SearchQueriesKept and carry counts only: no
// member id is stored with a search, a click or a query.
const (
	// Searches counts searches made from the search box or page (KPI VII); a composer's
	// suggestions are not searches.
	Searches = "searches"
	// SearchesNoResult counts the searches that found nothing the caller may see.
	SearchesNoResult = "searches_no_result"
	// SearchesClicked counts searches with at least one result clicked, SearchClicks
	// the distinct results clicked (a result counts once per search), both on the
	// search's day.
	SearchesClicked = "searches_clicked"
	SearchClicks    = "search_clicks"
	// SuggestCalls counts the composers' suggestion requests (one per pause in typing).
	SuggestCalls = "suggest_calls"
	// SuggestionSessionsQuestion and SuggestionSessionsTicket count composer sessions
	// that showed at least one suggestion (one per suggestionId), on the day the first
	// suggestion showed.
	SuggestionSessionsQuestion = "suggestion_sessions_question"
	SuggestionSessionsTicket   = "suggestion_sessions_ticket"
	// SuggestionSessionsClicked counts sessions with a suggestion clicked,
	// SuggestionClicks the distinct suggestions clicked.
	SuggestionSessionsClicked = "suggestion_sessions_clicked"
	SuggestionClicks          = "suggestion_clicks"
	// QuestionsAfterSuggestions and TicketsAfterSuggestions count the questions asked
	// and tickets opened from a composer session that showed suggestions (the event's
	// afterSuggestions; a session is followed at most once), on the day of the event.
	QuestionsAfterSuggestions = "questions_after_suggestions"
	TicketsAfterSuggestions   = "tickets_after_suggestions"
)

// Kinds of search (SearchEntry.Kind) and the composers a suggestion is for (For).
const (
	SearchKindSearch  = "search"
	SearchKindSuggest = "suggest"
	ForQuestion       = "question"
	ForTicket         = "ticket"
)

// Limits of search analytics.
const (
	// MaxQueryRunes bounds a stored query (longer ones are cut: a query is a few words).
	MaxQueryRunes = 200
	// SearchLife is how long a searchId (suggestionId) may be clicked or followed by a
	// ticket or question: a composer is written in minutes, a results page read in
	// seconds; a day covers a tab left open overnight.
	SearchLife = 24 * time.Hour
	// SearchQueriesKept is how long a day's query list is kept (its items' TTL): 400
	// days, the longest KPI range, so a year compares with the year before. The counts
	// of searches, results and clicks (counters) are kept like every other KPI counter.
	SearchQueriesKept = 400 * 24 * time.Hour
	// MaxAnalyticsDays bounds the analytics route's range: it reads each day's query
	// list (one query per day), so a quarter, not 400 days.
	MaxAnalyticsDays = 92
	// TopQueries is how many queries each list of the analytics shows.
	TopQueries = 20
	// MinQueryListed is how many times a query must have been searched over the range
	// (or found nothing, for the no-result list) to be listed: a query typed once is the
	// likeliest to hold something personal (a name, an address, an order number) and
	// the least useful (a content gap worth filling is searched more than once).
	// Tester 15, finding 12; the totals still count every query.
	MinQueryListed = 2
	// MaxClickPosition bounds a click's position (1 = the first result).
	MaxClickPosition = 1000
)

// NormalizeQuery is a query as it is stored: trimmed, lower case, runs of spaces
// folded to one, at most MaxQueryRunes characters.
func NormalizeQuery(q string) string {
	q = strings.Join(strings.Fields(strings.ToLower(q)), " ")
	if utf8.RuneCountInString(q) > MaxQueryRunes {
		q = strings.TrimSpace(string([]rune(q)[:MaxQueryRunes]))
	}
	return q
}

// SearchEntry is one search to count.
type SearchEntry struct {
	Kind    string // SearchKindSearch or SearchKindSuggest
	For     string // suggest: ForQuestion or ForTicket
	Query   string // normalised (NormalizeQuery)
	Results int
	// Session: suggest only, the suggestionId the same composer was given before ("" for
	// a first request): a live one of the same composer is continued, not counted again.
	Session string
	// Shown are the ids of the results shown ("post:p_…"): a click counts only on one
	// of them (at most MaxShown are kept).
	Shown []string
}

// MaxShown is the most result ids a search keeps for its clicks: 1,000 deep (the
// deepest page a search reads) at about 30 bytes each, well inside an item's 400 KB.
const MaxShown = 1000

// SearchSession is a recorded search (or composer session) as a click reads it.
type SearchSession struct {
	ID, Kind, For, Query, Day string
	Results                   int
	Clicks                    int
	// Shown: the ids of the results it showed (its pages, a session's requests).
	Shown []string
}

// SearchStore keeps search analytics.
type SearchStore interface {
	// RecordSearch counts e on day and returns its id, in one write: a search is
	// recorded (clickable for SearchLife); a suggestion request continues its live
	// Session, or starts a session when it shows a result, else returns "" (nothing to
	// click or follow).
	RecordSearch(ctx context.Context, e SearchEntry, day string, now time.Time) (string, error)
	// AddShown adds the ids of a further page of results to a live search of the same
	// (normalised) query (one write); ErrUnknownSearch when none, expired or another query's.
	AddShown(ctx context.Context, searchID, query string, ids []string, now time.Time) error
	// SearchSession reads a live search; ErrUnknownSearch when none (or expired).
	SearchSession(ctx context.Context, id string, now time.Time) (SearchSession, error)
	// CountClick counts a click on resultID of search s once (a repeat changes nothing;
	// ErrUnknownSearch when it expired meanwhile).
	CountClick(ctx context.Context, s SearchSession, resultID string, position int, now time.Time) error
	// SearchQueryDays returns the live query lists of the days from..to.
	SearchQueryDays(ctx context.Context, from, to string, now time.Time) ([]QueryCount, error)
}

// QueryCount is a query's counts on a day (or over a range, summed).
type QueryCount struct {
	Query    string `json:"query"`
	Searches int64  `json:"searches"`
	// NoResult: its searches that found nothing; Clicked: its searches with a result
	// clicked; Clicks: the distinct results clicked.
	NoResult int64 `json:"noResult"`
	Clicked  int64 `json:"clicked"`
	Clicks   int64 `json:"clicks"`
	// ClickThrough is Clicked over Searches (0 to 1).
	ClickThrough float64 `json:"clickThrough"`
}

// Errors of search analytics.
var (
	ErrUnknownSearch = errs.New(errs.NotFound, "search_not_found", "This search is unknown or over a day old: search again.")
	ErrClickResult   = errs.InvalidField("resultId", "invalid_result_id", "Give the id of the result clicked.")
	ErrClickNotShown = errs.InvalidField("resultId", "result_not_shown", "This search did not show that result.")
	ErrClickPosition = errs.InvalidField("position", "invalid_position", "Give the result's position, from 1 to the number of results.")
	ErrSearchID      = errs.InvalidField("searchId", "invalid_search_id", "Give the searchId the search answered.")
	ErrSearchRange   = errs.InvalidField("from", "invalid_search_range", "Give from and to as YYYY-MM-DD, from not after to and not after today, at most 92 days apart.")
	// errSearchEntry is a caller's mistake (the search routes), a 500.
	errSearchEntry = errors.New("metrics: bad search entry")
)

// SearchAnalytics counts searches and clicks and reports them.
type SearchAnalytics struct {
	Store    SearchStore
	Counters Store
	Now      func() time.Time
}

func (a *SearchAnalytics) now() time.Time {
	if a.Now == nil {
		return time.Now()
	}
	return a.Now()
}

// Record counts one search (normalising its query) and returns its id ("" for a
// suggestion request that showed nothing and continues no session).
func (a *SearchAnalytics) Record(ctx context.Context, e SearchEntry) (string, error) {
	e.Query = NormalizeQuery(e.Query)
	switch {
	case e.Results < 0, e.Kind == SearchKindSearch && (e.For != "" || e.Session != ""),
		e.Kind == SearchKindSuggest && e.For != ForQuestion && e.For != ForTicket,
		e.Kind != SearchKindSearch && e.Kind != SearchKindSuggest:
		return "", fmt.Errorf("metrics.Record %+v: %w", e, errSearchEntry)
	}
	now := a.now()
	id, err := a.Store.RecordSearch(ctx, e, Day(now), now)
	if err != nil {
		return "", fmt.Errorf("metrics.Record: %w", err)
	}
	return id, nil
}

// ShowMore adds a further page's result ids to the live search searchID (its "more") of
// the same query: their clicks count as the search's. ErrUnknownSearch when it is gone,
// is another query's, or the page shows nothing.
func (a *SearchAnalytics) ShowMore(ctx context.Context, searchID, query string, ids []string) error {
	if len(ids) == 0 {
		return ErrUnknownSearch // nothing to click: the page names no search
	}
	if err := a.Store.AddShown(ctx, searchID, NormalizeQuery(query), ids, a.now()); err != nil {
		return fmt.Errorf("metrics.ShowMore: %w", err)
	}
	return nil
}

// Click counts a click on a result of a live search, once per (search, result).
// position is the result's rank, 1 for the first, at most the search's results.
func (a *SearchAnalytics) Click(ctx context.Context, searchID, resultID string, position int) error {
	now := a.now()
	s, err := a.Store.SearchSession(ctx, searchID, now)
	if err != nil {
		return fmt.Errorf("metrics.Click: %w", err)
	}
	if position < 1 || position > min(s.Results, MaxClickPosition) {
		return fmt.Errorf("metrics.Click: %w", ErrClickPosition)
	}
	// Only a result the search showed is counted: a script cannot click ids it invents.
	if !slices.Contains(s.Shown, resultID) {
		return fmt.Errorf("metrics.Click: %w", ErrClickNotShown)
	}
	if err := a.Store.CountClick(ctx, s, resultID, position, now); err != nil {
		return fmt.Errorf("metrics.Click: %w", err)
	}
	return nil
}

// SearchDay is one day of the analytics.
type SearchDay struct {
	Day      string `json:"day"`
	Searches int64  `json:"searches"`
	NoResult int64  `json:"noResult"`
	Clicked  int64  `json:"clicked"`
}

// Deflection is what the composers' suggestions ("before you ask") did over a range.
type Deflection struct {
	// Sessions: composer sessions that showed at least one suggestion (a suggestionId
	// each), by composer.
	QuestionSessions int64 `json:"questionSessions"`
	TicketSessions   int64 `json:"ticketSessions"`
	// QuestionsAfter, TicketsAfter: those followed by a question asked or a ticket
	// opened.
	QuestionsAfter int64 `json:"questionsAfter"`
	TicketsAfter   int64 `json:"ticketsAfter"`
	// Deflected: sessions not followed by a question or ticket (Sessions − After, at
	// least 0); Rate: Deflected over Sessions (0 to 1), null without a session.
	Deflected int64    `json:"deflected"`
	Rate      *float64 `json:"rate"`
	// SessionsClicked: sessions where a suggestion was clicked; Clicks: suggestions
	// clicked (each once per session).
	SessionsClicked int64 `json:"sessionsClicked"`
	Clicks          int64 `json:"clicks"`
	// Requests: the suggestion requests made (one per pause in typing).
	Requests int64 `json:"requests"`
}

// SearchReport is the staff's search analytics over a range.
type SearchReport struct {
	From     string      `json:"from"`
	To       string      `json:"to"`
	Days     []SearchDay `json:"days"`
	Searches int64       `json:"searches"`
	NoResult int64       `json:"noResult"`
	Clicked  int64       `json:"clicked"`
	Clicks   int64       `json:"clicks"`
	// ClickThrough: searches with a result clicked over searches (0 to 1), null
	// without a search.
	ClickThrough *float64 `json:"clickThrough"`
	// TopQueries: the TopQueries most searched queries; NoResultQueries: those that
	// found nothing most often (queries kept SearchQueriesKept: older days list none).
	TopQueries      []QueryCount `json:"topQueries"`
	NoResultQueries []QueryCount `json:"noResultQueries"`
	Deflection      Deflection   `json:"deflection"`
}

// SearchRange checks an analytics range: two days, from not after to, not after today,
// at most MaxAnalyticsDays days.
func SearchRange(from, to string, now time.Time) ([]string, error) {
	days, err := TrafficRange(from, to)
	if err == nil && days[len(days)-1] > Day(now) {
		return nil, ErrKpiRangeFuture
	}
	if err != nil || len(days) > MaxAnalyticsDays {
		return nil, ErrSearchRange
	}
	return days, nil
}

// searchCounters are the counters the report reads, one query each.
var searchCounters = []string{Searches, SearchesNoResult, SearchesClicked, SearchClicks, SuggestCalls,
	SuggestionSessionsQuestion, SuggestionSessionsTicket, SuggestionSessionsClicked, SuggestionClicks,
	QuestionsAfterSuggestions, TicketsAfterSuggestions}

// Report computes the analytics over from..to: the counters (one query each) and the
// days' query lists (one query per day), in parallel.
func (a *SearchAnalytics) Report(ctx context.Context, from, to string) (SearchReport, error) {
	now := a.now()
	days, err := SearchRange(from, to, now)
	if err != nil {
		return SearchReport{}, fmt.Errorf("metrics.SearchReport: %w", err)
	}
	counters := map[string]map[string]int64{}
	var queries []QueryCount
	var mu sync.Mutex
	var wg sync.WaitGroup
	var found []error
	for _, name := range searchCounters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := a.Counters.CounterDays(ctx, name, from, to)
			mu.Lock()
			defer mu.Unlock()
			counters[name] = v
			if err != nil {
				found = append(found, err)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		v, err := a.Store.SearchQueryDays(ctx, from, to, now)
		mu.Lock()
		defer mu.Unlock()
		queries = v
		if err != nil {
			found = append(found, err)
		}
	}()
	wg.Wait()
	if len(found) > 0 {
		return SearchReport{}, fmt.Errorf("metrics.SearchReport: %w", errors.Join(found...))
	}
	total := func(name string) int64 {
		var n int64
		for _, day := range days {
			n += counters[name][day]
		}
		return n
	}
	r := SearchReport{From: from, To: to, Days: make([]SearchDay, 0, len(days)),
		Searches: total(Searches), NoResult: total(SearchesNoResult), Clicked: total(SearchesClicked), Clicks: total(SearchClicks)}
	for _, day := range days {
		r.Days = append(r.Days, SearchDay{Day: day, Searches: counters[Searches][day], NoResult: counters[SearchesNoResult][day],
			Clicked: counters[SearchesClicked][day]})
	}
	if r.Searches > 0 {
		r.ClickThrough = num(float64(r.Clicked) / float64(r.Searches))
	}
	r.TopQueries, r.NoResultQueries = topQueries(queries)
	d := Deflection{QuestionSessions: total(SuggestionSessionsQuestion), TicketSessions: total(SuggestionSessionsTicket),
		QuestionsAfter: total(QuestionsAfterSuggestions), TicketsAfter: total(TicketsAfterSuggestions),
		SessionsClicked: total(SuggestionSessionsClicked), Clicks: total(SuggestionClicks), Requests: total(SuggestCalls)}
	d.Deflected, d.Rate = deflected(d.QuestionSessions+d.TicketSessions, d.QuestionsAfter+d.TicketsAfter)
	r.Deflection = d
	return r, nil
}

// deflected is sessions not followed (at least 0) and their share of sessions (null
// without a session). Sessions are counted on the day they start and follow-ups on
// the day of the ticket or question, so at a range's edge followed may pass sessions.
func deflected(sessions, followed int64) (int64, *float64) {
	n := max(sessions-followed, 0)
	if sessions == 0 {
		return n, nil
	}
	return n, num(float64(n) / float64(sessions))
}

// percentDeflected is deflected's share as a percentage (null without a session).
func percentDeflected(sessions, followed int64) *float64 {
	if sessions == 0 {
		return nil
	}
	return num(100 * float64(max(sessions-followed, 0)) / float64(sessions))
}

// topQueries sums the days' counts per query and returns the most searched and the
// most often fruitless (ties: the query's text, so the lists are stable).
func topQueries(days []QueryCount) (top, noResult []QueryCount) {
	sums := map[string]*QueryCount{}
	for _, q := range days {
		s := sums[q.Query]
		if s == nil {
			s = &QueryCount{Query: q.Query}
			sums[q.Query] = s
		}
		s.Searches += q.Searches
		s.NoResult += q.NoResult
		s.Clicked += q.Clicked
		s.Clicks += q.Clicks
	}
	all := make([]QueryCount, 0, len(sums))
	for _, s := range sums {
		if s.Searches > 0 {
			s.ClickThrough = float64(s.Clicked) / float64(s.Searches)
		}
		all = append(all, *s)
	}
	by := func(f func(QueryCount) int64) []QueryCount {
		list := slices.Clone(all)
		slices.SortFunc(list, func(a, b QueryCount) int {
			return cmp.Or(cmp.Compare(f(b), f(a)), cmp.Compare(a.Query, b.Query))
		})
		out := []QueryCount{}
		for _, q := range list {
			if len(out) == TopQueries || f(q) < MinQueryListed {
				break
			}
			out = append(out, q)
		}
		return out
	}
	return by(func(q QueryCount) int64 { return q.Searches }), by(func(q QueryCount) int64 { return q.NoResult })
}

// afterSuggestions counts a ticket opened or question asked from a composer session
// that showed suggestions (the event says so: the session was valid and followed once).
func afterSuggestions(name string, after bool) []Count {
	if !after {
		return nil
	}
	return []Count{{Name: name, Delta: 1}}
}

// ticketAfterSuggestions is OnTicketOpened's count of deflection.
func ticketAfterSuggestions(evt eventtypes.TicketOpened) []Count {
	return afterSuggestions(TicketsAfterSuggestions, evt.AfterSuggestions)
}

// questionAfterSuggestions is OnPostCreated's count of deflection.
func questionAfterSuggestions(evt eventtypes.PostCreated) []Count {
	return afterSuggestions(QuestionsAfterSuggestions, evt.Kind == "question" && evt.AfterSuggestions)
}
