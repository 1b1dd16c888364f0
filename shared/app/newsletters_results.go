package app

import (
	"context"
	"net/http"
	"time"

	"tribune/shared/httpx"
	"tribune/shared/newsletters"
	"tribune/shared/store"
)

// Newsletters: results and the calendar (issue 13, n4): the signed redirect and the
// open-tracking image, the results, the daily visits, the open-tracking switch.

var _ newsletters.ResultsStore = (*store.Newsletters)(nil)

// newsletterResultsRoutes are the newsletters' results routes.
func newsletterResultsRoutes(d Deps) []httpx.Route {
	h := newsletters.ResultsHTTP{Results: &newsletters.Results{Now: time.Now}}
	if d.Store != nil {
		h.Results = newResults(d)
		h.Visits = func(r *http.Request, days []string) ([]int64, error) {
			return d.Store.Newsletters().NewsletterVisits(r.Context(), days)
		}
	}
	return h.Routes()
}

// newResults is the results service of a function.
func newResults(d Deps) *newsletters.Results {
	return &newsletters.Results{Store: d.Store.Newsletters(), Now: time.Now, Sending: sendingProgress{d},
		Links: func(ctx context.Context) (newsletters.Links, error) { return newsletterLinks(d, false) }}
}

// newsletterLinks signs newsletters' links with the deployment's key (derived from
// the cursor secret, which every function shares), under the community's address.
func newsletterLinks(d Deps, openTracking bool) (newsletters.Links, error) {
	k, err := d.Store.Newsletters().LinkKey()
	return newsletters.Links{BaseURL: d.Config.PublicURL, Key: k, OpenTracking: openTracking}, err
}

// NewsletterLinks is what the sending path rewrites each recipient's HTML with
// (newsletters.RewriteLinks): the signed redirects, and the open-tracking image when
// an admin switched it on (read once per call: call it when sending starts or per
// batch).
func NewsletterLinks(ctx context.Context, d Deps) (newsletters.Links, error) {
	t, err := d.Store.Newsletters().Tracking(ctx)
	if err != nil {
		return newsletters.Links{}, err
	}
	return newsletterLinks(d, t.OpenTracking)
}
