package app_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"tribune/shared/app"
	"tribune/shared/config"
	"tribune/shared/store"
	"tribune/shared/store/dynamotest"
)

// BenchmarkNewsletterRedirect is a click of a newsletter's signed link to a page of the
// community (a visit), through the API's handler, once the link's item exists: it
// reports DynamoDB calls per click (the whole redirect is one transaction).
func BenchmarkNewsletterRedirect(b *testing.B) {
	tbl := dynamotest.NewTable(b)
	trips := &store.RoundTrips{}
	st := store.New(tbl.Client(b, trips.Option()), tbl.Name)
	d := app.Deps{Config: config.Config{PublicURL: "http://bench.local"}, Store: st}
	h, err := app.LocalHandler(d)
	if err != nil {
		b.Fatal(err)
	}
	links, err := app.NewsletterLinks(context.Background(), d)
	if err != nil {
		b.Fatal(err)
	}
	path := strings.TrimPrefix(links.RedirectURL("nl_bench", "http://bench.local/spaces"), "http://bench.local")
	click := func() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if w.Code != 302 {
			b.Fatalf("click: %d %s", w.Code, w.Body.String())
		}
	}
	click() // the link's first click makes its item
	trips.Reset()
	b.ResetTimer()
	for range b.N {
		click()
	}
	b.StopTimer()
	b.ReportMetric(float64(trips.Count())/float64(b.N), "ddb-calls/click")
	if c, _ := st.Newsletters().ResultCounters(context.Background(), "nl_bench"); c.Clicks != int64(b.N)+1 || c.Visits != c.Clicks {
		b.Fatalf("counters %+v after %d clicks", c, b.N+1)
	}
}
