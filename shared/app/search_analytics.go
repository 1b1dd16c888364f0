package app

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"time"

	"tribune/shared/errs"
	"tribune/shared/httpx"
	"tribune/shared/metrics"
	"tribune/shared/policy"
)

// SearchRecord is one search as the search routes (15B) report it to the analytics.
type SearchRecord struct {
	Query   string // as typed; stored normalised (trimmed, lower-case, spaces folded, ≤ 200 chars)
	Results int    // total hits shown to the caller (after the access re-check)
	Kind    string // "search" (the search page/box) or "suggest" (a composer's "before you ask")
	For     string // suggest only: "question" or "ticket"
	SpaceID string // the space the composer is in, if any (not stored: the analytics are the community's)
	// Session (suggest only, optional): the suggestionId the same composer was given
	// before (the suggest route's suggestionId parameter). A live one of the same
	// composer is continued and returned again, so a composer session counts once
	// however many pauses in typing ask for suggestions; "" or a dead one starts a
	// session, if this request shows a result.
	Session string
	// Shown are the ids of the results shown ("post:p_…"): clicks count on them only.
	Shown []string
}

// recordSearch counts one search and returns its searchId (opaque, unguessable, ~24 h
// life), used by click-through and by the deflection count.
//
// Kind "search": always an id (clickable). Kind "suggest": the session's id, or ""
// when the request shows no result and continues no session (nothing to click or
// follow: the composer sends no suggestionId). One DynamoDB write (a TransactWriteItems);
// a Session gone meanwhile costs a second one. No member id is stored. Errors: a
// Kind, For or Results out of their values (the caller's mistake: a 500), the store's.
func recordSearch(ctx context.Context, d Deps, r SearchRecord) (string, error) {
	return searchAnalytics(d).Record(ctx, metrics.SearchEntry{Kind: r.Kind, For: r.For, Query: r.Query, Results: r.Results, Session: r.Session, Shown: r.Shown})
}

// searchAnalytics is the analytics service on the deployment's store.
func searchAnalytics(d Deps) *metrics.SearchAnalytics {
	a := &metrics.SearchAnalytics{Now: time.Now}
	if d.Store != nil {
		a.Store, a.Counters = d.Store.SearchAnalytics(), d.Store
	}
	return a
}

// ClickBody is a click on a search result (POST /api/search/clicks).
type ClickBody struct {
	// SearchID is the searchId (or suggestionId) the search answered.
	SearchID string `json:"searchId" format:"id"`
	// ResultID is the id of the result clicked (its "id" in the results, "post:p_…").
	ResultID string `json:"resultId"`
	// Position is the result's rank in the search, 1 for the first.
	Position int `json:"position"`
}

// resultIDPattern is the shape of a result's id: the index's "<kind>:<id>"
// (search.DocID), the id one the project makes (httpx.IDPattern).
var resultIDPattern = regexp.MustCompile(`^([a-z]{1,16}:)?[A-Za-z0-9_.-]{1,64}$`)

// clickBodyBytes bounds a click's body: three short fields (4 KiB, so an id past its
// 64 characters still gets its own 400 invalid_id rather than a 413).
const clickBodyBytes = 4 << 10

// errClickBody: a click's body over clickBodyBytes (or cut off).
var errClickBody = errs.New(errs.TooLarge, "body_too_large", "A click is at most 4 KiB.")

// searchAnalyticsRoutes are the analytics routes 15B appends to the search function's.
func searchAnalyticsRoutes(d Deps) []httpx.Route {
	a := searchAnalytics(d)
	return []httpx.Route{
		{Method: "POST", Pattern: "/api/search/clicks", Tag: "search", Action: policy.Visitors, Request: ClickBody{},
			Summary: "A click on a search result (or a composer's suggestion): counts once per search and result, repeats and concurrent repeats included; " +
				"a search can be clicked for 24 hours, at most as many results as it found (docs/kpis.md, \"VII. Searches\"). Nothing about the clicker is stored.",
			Responses: httpx.Answers(204, "Counted (or counted before)", nil, map[int]string{400: "Bad searchId, resultId or position",
				404: "Unknown or expired search", 413: "Body over 4 KiB"}),
			Handler: func(w http.ResponseWriter, r *http.Request) {
				raw, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, clickBodyBytes))
				if err != nil {
					httpx.WriteError(w, r, errClickBody)
					return
				}
				r.Body = io.NopCloser(bytes.NewReader(raw))
				var in ClickBody
				if !httpx.Decoded(w, r, &in) {
					return
				}
				switch {
				case !httpx.ValidID(in.SearchID):
					httpx.WriteError(w, r, metrics.ErrSearchID)
				case !resultIDPattern.MatchString(in.ResultID):
					httpx.WriteError(w, r, metrics.ErrClickResult)
				default:
					if err := a.Click(r.Context(), in.SearchID, in.ResultID, in.Position); err != nil {
						httpx.WriteError(w, r, err)
						return
					}
					w.WriteHeader(http.StatusNoContent)
				}
			}},
		{Method: "GET", Pattern: "/api/search/analytics", Tag: "search", Action: policy.SearchAnalytics,
			Query: []httpx.Param{{Name: "from", Required: true, Description: "First day, YYYY-MM-DD (UTC)"},
				{Name: "to", Required: true, Description: "Last day, YYYY-MM-DD (UTC), not after today; at most 92 days from from"}},
			Summary: "Search analytics (staff): searches per day, searches with no result, click-through (searches with a result clicked over searches), " +
				"the 20 most searched queries with their click-through, the 20 queries that found nothing most often, and the composers' deflection " +
				"(sessions that showed suggestions, those followed by a question or ticket, suggestions clicked). Counts only: no member is named.",
			Responses: httpx.Answers(200, "The analytics", metrics.SearchReport{}, map[int]string{400: "Bad range"}),
			Handler: func(w http.ResponseWriter, r *http.Request) {
				q := r.URL.Query()
				report, err := a.Report(r.Context(), q.Get("from"), q.Get("to"))
				httpx.Reply(w, r, http.StatusOK, report, err)
			}},
	}
}
