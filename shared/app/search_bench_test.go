package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"tribune/shared/search/bleveindex"

	"github.com/aws/aws-lambda-go/events"

	"tribune/shared/app"
	"tribune/shared/auth"
	"tribune/shared/config"
	"tribune/shared/eventtypes"
	"tribune/shared/policy"
	"tribune/shared/store"
	"tribune/shared/store/dynamotest"
)

// BenchmarkSearchIndexer is the indexer's throughput through its real path: SQS batches
// of 100 post.created events, each post re-read from DynamoDB Local (with its author),
// applied to the index and the index published to S3 (gofakes3) before the batch is
// answered. It reports events/s and the DynamoDB calls per event.
//
//	go test -run '^$' -bench SearchIndexer -benchtime 20x ./shared/app/
func BenchmarkSearchIndexer(b *testing.B) {
	const posts, batch = 200, 100
	tbl := dynamotest.NewTable(b)
	st := store.New(tbl.DB, tbl.Name)
	h, err := app.LocalHandler(app.Deps{Config: config.Config{PublicURL: "http://bench.local"}, Store: st})
	if err != nil {
		b.Fatal(err)
	}
	id := newMember(b, st, "poster", []string{policy.RoleMember, policy.RoleModerator, policy.RoleAdmin})
	sess, cookie := auth.NewSession(id, time.Now(), "bench")
	if err := st.Members().CreateSession(context.Background(), sess); err != nil {
		b.Fatal(err)
	}
	call := func(path, body string, want int) []byte {
		r := httptest.NewRequest("POST", path, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: cookie})
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != want {
			b.Fatalf("POST %s: %d %s", path, w.Code, w.Body.String())
		}
		return w.Body.Bytes()
	}
	var sp struct{ ID string }
	_ = json.Unmarshal(call("/api/spaces", `{"name":"Bench","visibility":"public"}`, 201), &sp)
	var ids []string
	for i := 0; i < posts; i++ {
		var p struct{ ID string }
		body := fmt.Sprintf(`{"kind":"question","title":"How do I reset router %d","body":"I tried to reset the router number %d twice, `+
			`unplugging it for ten seconds, and it still blinks orange. What else can I try before I call support?"}`, i, i)
		_ = json.Unmarshal(call("/api/spaces/"+sp.ID+"/posts", body, 201), &p)
		ids = append(ids, p.ID)
	}
	trips := &store.RoundTrips{}
	counted := store.New(tbl.Client(b, trips.Option()), tbl.Name)
	indexer := app.NewSearchIndexer(bleveindex.Engine{}, counted, testFiles(b), b.TempDir())
	batches := make([][]eventtypes.Payload, posts/batch)
	for i, id := range ids {
		batches[i/batch] = append(batches[i/batch], eventtypes.PostCreated{Meta: eventtypes.NewMeta(time.Now()), PostID: id})
	}
	sqs := make([]events.SQSEvent, len(batches))
	for i := range batches {
		sqs[i] = sqsBatch(b, batches[i]...)
	}
	trips.Reset()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		resp, err := indexer.Handle(context.Background(), sqs[i%len(sqs)])
		if err != nil || len(resp.BatchItemFailures) != 0 {
			b.Fatalf("batch: %v %+v", err, resp)
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	events := float64(b.N * batch)
	b.ReportMetric(events/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(trips.Count())/events, "dynamodb-calls/event")
	b.ReportMetric(float64(elapsed.Milliseconds())/float64(b.N), "ms/batch")
}
