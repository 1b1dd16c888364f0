package app_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"tribune/shared/app"
	"tribune/shared/config"
	"tribune/shared/eventtypes"
	"tribune/shared/metrics"
	"tribune/shared/store"
	"tribune/shared/store/dynamotest"
)

// BenchmarkMetricsConsumer runs posts and comments (each adds a counter and its author
// to the day's contributors sketch) by 500 members through the metrics consumer, 8 at
// once, one event in ten delivered twice. It reports events per second and DynamoDB
// calls per event (a read of the sketch's shard and one transaction; a repeat stops at
// the transaction). Run: go test -run '^$' -bench MetricsConsumer -benchtime 2000x ./shared/app/
func BenchmarkMetricsConsumer(b *testing.B) {
	tbl := dynamotest.NewTable(b)
	st := store.New(tbl.DB, tbl.Name)
	svc := &metrics.Service{Store: st, Values: st, Now: time.Now}
	var next atomic.Int64
	occurred := time.Now()
	b.SetParallelism(4) // 4 × GOMAXPROCS (2 here): 8 at once
	tbl.Trips.Reset()
	start := time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			meta := eventtypes.Meta{EventID: fmt.Sprintf("evt-%d", i), OccurredAt: occurred}
			author := fmt.Sprintf("m_%d", i%500)
			var err error
			for range 1 + int(i%10/9) { // every tenth twice
				if i%2 == 0 {
					err = svc.OnPostCreated(b.Context(), eventtypes.PostCreated{Meta: meta, AuthorID: author, Kind: "discussion"})
				} else {
					err = svc.OnCommentCreated(b.Context(), eventtypes.CommentCreated{Meta: meta, AuthorID: author})
				}
			}
			if err != nil {
				b.Error(err)
			}
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(tbl.Trips.Count())/float64(b.N), "calls/event")
	day := metrics.Day(occurred)
	posts, _ := st.Counter(b.Context(), metrics.Posts, day)
	comments, _ := st.Counter(b.Context(), metrics.Comments, day)
	if posts+comments != int64(b.N) {
		b.Fatalf("counted %d posts and comments of %d events", posts+comments, b.N)
	}
}

// BenchmarkBeacon sends page views through the API's handler (the whole middleware, the
// session lookup for none, the count), 8 at once, by 1,000 visitors on 250 networks
// with one page in five a space's and one in ten a new session. It reports beacons per
// second and DynamoDB calls per beacon. Run: go test -run '^$' -bench Beacon -benchtime 2000x ./shared/app/
func BenchmarkBeacon(b *testing.B) {
	tbl := dynamotest.NewTable(b)
	st := store.New(tbl.DB, tbl.Name)
	h, err := app.LocalHandler(app.Deps{Config: config.Config{TrustedProxies: 1}, Store: st})
	if err != nil {
		b.Fatal(err)
	}
	var next atomic.Int64
	b.SetParallelism(4)
	tbl.Trips.Reset()
	start := time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			path := "/members"
			if i%5 == 0 {
				path = "/spaces/sp_nope"
			}
			body := fmt.Sprintf(`{"path":%q,"newSession":%v}`, path, i%10 == 0)
			req := httptest.NewRequest("POST", "/api/beacon", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			req.Header.Set("User-Agent", fmt.Sprintf("Mozilla/5.0 Firefox/%d", i%4))
			req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.%d.%d", i%250, i%1000/250))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusNoContent {
				b.Errorf("beacon: %d %s", w.Code, w.Body)
			}
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "beacons/s")
	b.ReportMetric(float64(tbl.Trips.Count())/float64(b.N), "calls/beacon")
	views, _ := st.Counter(b.Context(), metrics.PageViews, metrics.Day(time.Now()))
	if views != int64(b.N) {
		b.Fatalf("counted %d page views of %d", views, b.N)
	}
}
