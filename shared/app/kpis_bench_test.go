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
	// As the consumer runs since round 2: each contribution also counts in its author's
	// keyed contributions and, once ever, in new_contributors.
	svc := &metrics.Service{Store: st, Values: st, KpiData: st, Now: time.Now}
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

// BenchmarkKpis measures the dashboard's one call (GET /api/kpis) over 90 days (and the
// 90 before, for the previous period), every day holding counts, sketches of 40 members
// and visitors, and a question answered: DynamoDB calls and milliseconds a call.
// Run: go test -run '^$' -bench 'Kpis$' -benchtime 20x ./shared/app/
func BenchmarkKpis(b *testing.B) {
	tbl := dynamotest.NewTable(b)
	st := store.New(tbl.DB, tbl.Name)
	svc := &metrics.Service{Store: st, Values: st, KpiData: st, Now: time.Now}
	ctx := b.Context()
	end := time.Now().UTC().Truncate(24 * time.Hour)
	for i := range 180 + metrics.MonthDays {
		at := end.AddDate(0, 0, -i).Add(12 * time.Hour)
		day := metrics.Day(at)
		counts := []metrics.Count{}
		for _, name := range []string{metrics.PageViews, metrics.Sessions, metrics.SignIns, metrics.Posts, metrics.Comments, metrics.Registrations,
			metrics.AcceptedSolutions, metrics.CustomerActivities, metrics.TicketsOpened, metrics.NewsletterVisits, metrics.QuestionsAsked} {
			counts = append(counts, metrics.Count{Name: name, Delta: int64(10 + i%7)})
		}
		for m := range 40 {
			counts = append(counts, metrics.Count{Name: metrics.ActiveMembers, Member: fmt.Sprintf("m_%d", (i+m)%300)},
				metrics.Count{Name: metrics.Visitors, Member: fmt.Sprintf("v_%d_%d", i, m)},
				metrics.Count{Name: metrics.ContributionsBy, Key: fmt.Sprintf("m_%d", (i+m)%300), Delta: 1})
		}
		if err := st.CountEvent(ctx, metrics.Consumer, "seed-"+day, day, counts, time.Now()); err != nil {
			b.Fatal(err)
		}
		q := "q_" + day
		if err := st.AskQuestion(ctx, q, "m_1", day, at); err != nil {
			b.Fatal(err)
		}
		if err := st.AnswerQuestion(ctx, q, "m_2", at.Add(time.Duration(1+i%5)*time.Hour)); err != nil {
			b.Fatal(err)
		}
	}
	from, to := metrics.Day(end.AddDate(0, 0, -89)), metrics.Day(end)
	tbl.Trips.Reset()
	start := time.Now()
	b.ResetTimer()
	for range b.N {
		r, err := svc.Kpis(ctx, from, to, "")
		if err != nil {
			b.Fatal(err)
		}
		if c := r.Cards[0]; c.Value == nil || *c.Value == 0 {
			b.Fatalf("page views %+v", c)
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(tbl.Trips.Count())/float64(b.N), "calls/op")
	b.ReportMetric(float64(elapsed.Milliseconds())/float64(b.N), "ms/op")
}
