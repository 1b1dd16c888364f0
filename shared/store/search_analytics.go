package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/errs"
	"tribune/shared/metrics"
)

// ---- Search analytics (issue 15; docs/data-model.md, patterns 290–295) ----
//
// Search: SEARCH#<id> / SEARCH (Kind, For, Query, Day, Results, Calls, Clicks,
// FollowedBy, FollowedAt, CreatedAt; TTL metrics.SearchLife): one search, or one
// composer session of suggestions, clickable and followable while it lives.
// SearchClick: SEARCH#<id> / CLICK#<result> (Position; the search's TTL): a result
// clicked, once. SearchClicked: SEARCH#<id> / CLICKED: the search's first click.
// SearchQuery: SEARCHQ#<day> / Q#<query> (Query, Searches, NoResult, Clicked, Clicks;
// TTL the day + metrics.SearchQueriesKept): a query's counts on a day.
//
// No item holds who searched: counts only.

// SearchAnalytics stores search analytics over the core.
type SearchAnalytics struct{ *Store }

// SearchAnalytics is the store of search analytics.
func (s *Store) SearchAnalytics() *SearchAnalytics { return &SearchAnalytics{s} }

const (
	typeSearch        = "Search"
	typeSearchClick   = "SearchClick"
	typeSearchClicked = "SearchClicked"
	typeSearchQuery   = "SearchQuery"
	skSearch          = "SEARCH"
	skSearchClicked   = "CLICKED"
	searchClickPrefix = "CLICK#"
	searchQueryPrefix = "Q#"

	// Conditions told apart.
	condSearchLive  = "search live"
	condClickNew    = "result not clicked yet"
	condFirstClick  = "search not clicked yet"
	condSuggestion  = "suggestion session live, of this composer, not followed yet"
	searchQueryJobs = 8 // days read at once by SearchQueryDays
)

// Attributes that expressions name (fields of searchItem and searchQueryItem).
const (
	attrSearchKind    = "Kind"
	attrSearchFor     = "For"
	attrSearchQuery   = "Query"
	attrSearchResults = "Results"
	attrSearchCalls   = "Calls"
	attrSearchShown   = "Shown"
	attrSearchClicks  = "Clicks"
	attrFollowedBy    = "FollowedBy"
	attrFollowedAt    = "FollowedAt"
	attrQSearches     = "Searches"
	attrQNoResult     = "NoResult"
	attrQClicked      = "Clicked"
)

func searchPK(id string) string       { return "SEARCH#" + id }
func searchQueryPK(day string) string { return "SEARCHQ#" + day }

type searchItem struct {
	PK, SK, Type string
	Kind, For    string `dynamodbav:",omitempty"`
	Query, Day   string
	Results      int
	Calls        int    `dynamodbav:",omitempty"`
	Clicks       int    `dynamodbav:",omitempty"`
	FollowedBy   string `dynamodbav:",omitempty"`
	FollowedAt   string `dynamodbav:",omitempty"`
	// Shown: the ids of the results shown (a string set; clicks count on them only).
	Shown     []string `dynamodbav:",stringset,omitempty"`
	CreatedAt string
	ExpiresAt int64
}

type searchClickItem struct {
	PK, SK, Type string
	Position     int `dynamodbav:",omitempty"`
	ExpiresAt    int64
}

type searchQueryItem struct {
	PK, SK, Type string
	Query        string
	Searches     int64
	NoResult     int64
	Clicked      int64
	Clicks       int64
	ExpiresAt    int64
}

// newSearchID is an opaque, unguessable id: 130 random bits (crypto/rand), in the
// shape of the project's ids (httpx.ValidID).
func newSearchID() string { return "q_" + strings.ToLower(rand.Text()) }

// sessionsOf is the counter of composer sessions of a composer.
func sessionsOf(forWhat string) string {
	if forWhat == metrics.ForTicket {
		return metrics.SuggestionSessionsTicket
	}
	return metrics.SuggestionSessionsQuestion
}

func one(name string) metrics.Count { return metrics.Count{Name: name, Delta: 1} }

// RecordSearch implements metrics.SearchStore: one TransactWriteItems.
//   - a search: Put its item + the day's searches (and no-result) counter shards + its
//     query's counts of the day;
//   - a suggestion request continuing a live session of the same composer: Update the
//     session (its query, results, calls) + the suggest_calls shard (a session gone
//     meanwhile, or of another composer: a new one, a second write);
//   - a new suggestion request: the suggest_calls shard, and when it shows a result the
//     session's Put + the composer's sessions counter; without a result no session ("").
func (s *SearchAnalytics) RecordSearch(ctx context.Context, e metrics.SearchEntry, day string, now time.Time) (string, error) {
	if e.Kind == metrics.SearchKindSuggest && e.Session != "" {
		calls := s.countUpdate(one(metrics.SuggestCalls), day, e.Session+stamp(now))
		err := s.txn().add(condSearchLive, s.continueSession(e, now)).add("", calls).run(ctx)
		if err == nil {
			return e.Session, nil
		}
		if !failed(err, condSearchLive) {
			return "", fmt.Errorf("store.RecordSearch: %w", err)
		}
		if followedSession(failedItem(err, condSearchLive), e, now) {
			// The composer's own request, sent as its question or ticket was created
			// (typing, then publishing at once): a call of that session, not a new one.
			if err := s.txn().add("", calls).run(ctx); err != nil {
				return "", fmt.Errorf("store.RecordSearch: %w", err)
			}
			return e.Session, nil
		}
	}
	id := newSearchID()
	it := searchItem{PK: searchPK(id), SK: skSearch, Type: typeSearch, Kind: e.Kind, For: e.For, Query: e.Query, Day: day,
		Results: e.Results, Shown: shownOf(e.Shown), CreatedAt: stamp(now), ExpiresAt: now.Add(metrics.SearchLife).Unix()}
	t := s.txn()
	switch e.Kind {
	case metrics.SearchKindSearch:
		t.put("", it, itemAbsent).add("", s.countUpdate(one(metrics.Searches), day, id))
		if e.Results == 0 {
			t.add("", s.countUpdate(one(metrics.SearchesNoResult), day, id))
		}
		if e.Query != "" {
			t.add("", s.queryCount(day, e.Query, e.Results == 0))
		}
	default:
		t.add("", s.countUpdate(one(metrics.SuggestCalls), day, id))
		if e.Results > 0 {
			it.Calls = 1
			t.put("", it, itemAbsent).add("", s.countUpdate(one(sessionsOf(e.For)), day, id))
		} else {
			id = ""
		}
	}
	if err := t.run(ctx); err != nil {
		return "", fmt.Errorf("store.RecordSearch: %w", err)
	}
	return id, nil
}

// continueSession updates a live suggestion session of e's composer with e.
func (s *SearchAnalytics) continueSession(e metrics.SearchEntry, now time.Time) types.TransactWriteItem {
	names := named(attrSearchQuery, attrSearchResults, attrSearchCalls, attrSearchKind, attrSearchFor, attrFollowedBy)
	names["#e"] = AttrExpires
	values := item{":q": &types.AttributeValueMemberS{Value: e.Query}, ":r": &types.AttributeValueMemberN{Value: strconv.Itoa(e.Results)},
		":one": &types.AttributeValueMemberN{Value: "1"}, ":now": &types.AttributeValueMemberN{Value: epoch(now)},
		":kind": &types.AttributeValueMemberS{Value: metrics.SearchKindSuggest}, ":for": &types.AttributeValueMemberS{Value: e.For}}
	adds := "#Calls :one"
	if shown := shownOf(e.Shown); len(shown) > 0 {
		names["#Shown"] = attrSearchShown
		values[":shown"] = &types.AttributeValueMemberSS{Value: shown}
		adds += ", #Shown :shown"
	}
	u := s.update(key(searchPK(e.Session), skSearch), "SET #Query = :q, #Results = :r ADD "+adds,
		itemExists+" AND #e > :now AND #Kind = :kind AND #For = :for AND attribute_not_exists(#FollowedBy)", names, values)
	u.Update.ReturnValuesOnConditionCheckFailure = types.ReturnValuesOnConditionCheckFailureAllOld
	return u
}

// followedSession reports whether old (a session as it was when continuing it failed)
// is e's composer's live session, already followed by the question or ticket it made:
// a request of that composer that went while its creation did (tests/ saw a fifth
// session of four composers on a loaded machine).
func followedSession(old item, e metrics.SearchEntry, now time.Time) bool {
	if old == nil || expired(old, now) {
		return false
	}
	var it searchItem
	if err := attributevalue.UnmarshalMap(old, &it); err != nil {
		return false
	}
	return it.Kind == metrics.SearchKindSuggest && it.For == e.For && it.FollowedBy != ""
}

// shownOf is ids without repeats, at most metrics.MaxShown (a string set: DynamoDB
// refuses an empty one, so none is nil).
func shownOf(ids []string) []string {
	var out []string
	for _, id := range ids {
		if id != "" && !slices.Contains(out, id) && len(out) < metrics.MaxShown {
			out = append(out, id)
		}
	}
	return out
}

// AddShown implements metrics.SearchStore: one UpdateItem of a live search (not a
// composer session: its requests add their own).
func (s *SearchAnalytics) AddShown(ctx context.Context, searchID, query string, ids []string, now time.Time) error {
	shown := shownOf(ids)
	if len(shown) == 0 {
		return metrics.ErrUnknownSearch
	}
	names := named(attrSearchKind, attrSearchQuery)
	names["#e"], names["#Shown"] = AttrExpires, attrSearchShown
	u := s.update(key(searchPK(searchID), skSearch), "ADD #Shown :shown", itemExists+" AND #e > :now AND #Kind = :kind AND #Query = :q", names,
		item{":shown": &types.AttributeValueMemberSS{Value: shown}, ":now": &types.AttributeValueMemberN{Value: epoch(now)},
			":kind": &types.AttributeValueMemberS{Value: metrics.SearchKindSearch}, ":q": &types.AttributeValueMemberS{Value: query}})
	err := s.txn().add(condSearchLive, u).run(ctx)
	if failed(err, condSearchLive) {
		return metrics.ErrUnknownSearch
	}
	if err != nil {
		return fmt.Errorf("store.AddShown %s: %w", searchID, err)
	}
	return nil
}

// queryCount adds a search (and a search with no result) to its query's counts of the
// day, and clicks adds clicked searches and clicks.
func (s *SearchAnalytics) queryCount(day, query string, noResult bool) types.TransactWriteItem {
	nr := "0"
	if noResult {
		nr = "1"
	}
	return s.queryUpdate(day, query, "#Searches :one, #NoResult :nr", named(attrQSearches, attrQNoResult),
		item{":one": &types.AttributeValueMemberN{Value: "1"}, ":nr": &types.AttributeValueMemberN{Value: nr}})
}

func (s *SearchAnalytics) queryUpdate(day, query, adds string, names map[string]string, values item) types.TransactWriteItem {
	start, _ := time.Parse(time.DateOnly, day)
	names["#t"], names["#e"], names["#Query"] = AttrType, AttrExpires, attrSearchQuery
	values[":type"] = &types.AttributeValueMemberS{Value: typeSearchQuery}
	values[":q"] = &types.AttributeValueMemberS{Value: query}
	values[":exp"] = &types.AttributeValueMemberN{Value: epoch(start.Add(metrics.SearchQueriesKept))}
	return s.update(key(searchQueryPK(day), searchQueryPrefix+query), "SET #t = :type, #Query = :q, #e = :exp ADD "+adds, "", names, values)
}

// SearchSession implements metrics.SearchStore: GetItem (consistent).
func (s *SearchAnalytics) SearchSession(ctx context.Context, id string, now time.Time) (metrics.SearchSession, error) {
	var it searchItem
	if err := s.get(ctx, "store.SearchSession", searchPK(id), skSearch, now, &it); err != nil {
		if errors.Is(err, errs.ErrNotFound) {
			return metrics.SearchSession{}, metrics.ErrUnknownSearch
		}
		return metrics.SearchSession{}, err
	}
	return metrics.SearchSession{ID: id, Kind: it.Kind, For: it.For, Query: it.Query, Day: it.Day, Results: it.Results, Clicks: it.Clicks, Shown: it.Shown}, nil
}

// CountClick implements metrics.SearchStore: one TransactWriteItems of the click's
// marker (if absent), the search's Clicks (if live), the clicks counter and, for a
// search, its query's clicks of the day; the search's first click also Puts its
// CLICKED marker (if absent) and counts a clicked search (or session). A first click
// that another click beat runs again as a later click (two writes at most).
func (s *SearchAnalytics) CountClick(ctx context.Context, se metrics.SearchSession, resultID string, position int, now time.Time) error {
	clicks, clicked := metrics.SearchClicks, metrics.SearchesClicked
	if se.Kind == metrics.SearchKindSuggest {
		clicks, clicked = metrics.SuggestionClicks, metrics.SuggestionSessionsClicked
	}
	exp := now.Add(metrics.SearchLife).Unix() // a marker outlives its search by at most SearchLife: harmless
	names := named(attrSearchClicks)
	names["#e"] = AttrExpires
	// A search takes at most as many distinct results' clicks as it found (a script
	// inventing result ids cannot inflate it further).
	live := s.update(key(searchPK(se.ID), skSearch), "ADD #Clicks :one",
		itemExists+" AND #e > :now AND (attribute_not_exists(#Clicks) OR #Clicks < :max)", names,
		item{":one": &types.AttributeValueMemberN{Value: "1"}, ":now": &types.AttributeValueMemberN{Value: epoch(now)},
			":max": &types.AttributeValueMemberN{Value: strconv.Itoa(min(se.Results, metrics.MaxClickPosition))}})
	live.Update.ReturnValuesOnConditionCheckFailure = types.ReturnValuesOnConditionCheckFailureAllOld
	for first := se.Clicks == 0; ; first = false {
		t := s.txn().
			put(condClickNew, searchClickItem{PK: searchPK(se.ID), SK: searchClickPrefix + resultID, Type: typeSearchClick, Position: position, ExpiresAt: exp}, itemAbsent).
			add(condSearchLive, live).
			add("", s.countUpdate(one(clicks), se.Day, se.ID+"#"+resultID))
		qAdds, qNames, qValues := "#Clicks :one", named(attrSearchClicks), item{":one": &types.AttributeValueMemberN{Value: "1"}}
		if first {
			t.put(condFirstClick, searchClickItem{PK: searchPK(se.ID), SK: skSearchClicked, Type: typeSearchClicked, ExpiresAt: exp}, itemAbsent).
				add("", s.countUpdate(one(clicked), se.Day, se.ID))
			qAdds, qNames["#Clicked"] = qAdds+", #Clicked :one", attrQClicked
		}
		if se.Kind == metrics.SearchKindSearch && se.Query != "" {
			t.add("", s.queryUpdate(se.Day, se.Query, qAdds, qNames, qValues))
		}
		err := t.run(ctx)
		switch {
		case failed(err, condClickNew):
			return nil // this result was counted for this search already
		case failed(err, condSearchLive):
			if old := failedItem(err, condSearchLive); old != nil && !expired(old, now) {
				return nil // as many results clicked as it found: counted no further
			}
			return metrics.ErrUnknownSearch
		case first && failed(err, condFirstClick):
			continue // another result's click was the first: count this one as a later one
		case err != nil:
			return fmt.Errorf("store.CountClick %s: %w", se.ID, err)
		}
		return nil
	}
}

// SearchQueryDays implements metrics.SearchStore: one Query (paged) per day's list,
// searchQueryJobs at once; items past their TTL are left out (DynamoDB deletes them
// late, DynamoDB Local never).
func (s *SearchAnalytics) SearchQueryDays(ctx context.Context, from, to string, now time.Time) ([]metrics.QueryCount, error) {
	f, err1 := time.Parse(time.DateOnly, from)
	l, err2 := time.Parse(time.DateOnly, to)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("store.SearchQueryDays: %w", err)
	}
	var out []metrics.QueryCount
	var mu sync.Mutex
	var wg sync.WaitGroup
	var found []error
	jobs := make(chan struct{}, searchQueryJobs)
	for d := f; !d.After(l); d = d.AddDate(0, 0, 1) {
		wg.Add(1)
		jobs <- struct{}{}
		go func(day string) {
			defer func() { <-jobs; wg.Done() }()
			in := queryPrefix(s.Table, searchQueryPK(day), searchQueryPrefix)
			err := s.eachPage(ctx, in, func(page []item) error {
				mu.Lock()
				defer mu.Unlock()
				for _, raw := range page {
					if expired(raw, now) {
						continue
					}
					var it searchQueryItem
					if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
						return err
					}
					out = append(out, metrics.QueryCount{Query: it.Query, Searches: it.Searches, NoResult: it.NoResult, Clicked: it.Clicked, Clicks: it.Clicks})
				}
				return nil
			})
			if err != nil {
				mu.Lock()
				found = append(found, err)
				mu.Unlock()
			}
		}(metrics.Day(d))
	}
	wg.Wait()
	if len(found) > 0 {
		return nil, fmt.Errorf("store.SearchQueryDays: %w", errors.Join(found...))
	}
	return out, nil
}

// followSuggestion marks a live suggestion session of composer forWhat ("ticket",
// "question") followed, once: in the transaction that writes the ticket or question,
// named condSuggestion (failed: the session is unknown, expired, of another composer or
// followed already, and the ticket or question is written without it).
func (s *Store) followSuggestion(id, forWhat string, now time.Time) types.TransactWriteItem {
	names := named(attrSearchKind, attrSearchFor, attrFollowedBy, attrFollowedAt)
	names["#e"] = AttrExpires
	return s.update(key(searchPK(id), skSearch), "SET #FollowedBy = :for, #FollowedAt = :at",
		itemExists+" AND #e > :now AND #Kind = :kind AND #For = :for AND attribute_not_exists(#FollowedBy)", names,
		item{":for": &types.AttributeValueMemberS{Value: forWhat}, ":at": &types.AttributeValueMemberS{Value: stamp(now)},
			":now": &types.AttributeValueMemberN{Value: epoch(now)}, ":kind": &types.AttributeValueMemberS{Value: metrics.SearchKindSuggest}})
}

// suggestionFollowed is followSuggestion of a ticket's or question's suggestion
// session, none without one.
func (s *Store) suggestionFollowed(id, forWhat string, now time.Time) []types.TransactWriteItem {
	if id == "" {
		return nil
	}
	return []types.TransactWriteItem{s.followSuggestion(id, forWhat, now)}
}
