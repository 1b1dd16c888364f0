package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/eventtypes"
	"tribune/shared/posts"
	"tribune/shared/prefetch"
	"tribune/shared/store/dynamolocal"
)

// BenchmarkHomeStreamPage reads the first page of a home stream holding 1,000 and
// 100,000 posts, and publishes posts into that table. A page is one Query (the guard's session read makes two per request,
// see shared/app's round-trip test) and must cost the same at both sizes.
func BenchmarkHomeStreamPage(b *testing.B) {
	p, err := dynamolocal.Start(context.Background(), dynamolocal.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Stop()
	cfg, err := LoadAWSConfig(context.Background(), p.Endpoint)
	if err != nil {
		b.Fatal(err)
	}
	trips := &RoundTrips{}
	db := NewDynamoDB(cfg, p.Endpoint, trips.Option())
	for _, n := range []int{1000, 100000} {
		b.Run(fmt.Sprintf("posts=%d", n), func(b *testing.B) {
			table := fmt.Sprintf("bench-%d", n)
			if _, err := EnsureTable(context.Background(), db, table); err != nil {
				b.Fatal(err)
			}
			st := New(db, table)
			seedFeed(b, st, "m_bench", n)
			for i := 0; i < 200; i++ { // warm DynamoDB Local's JVM
				if _, err := st.Posts().HomeStream(context.Background(), "m_bench", "", posts.StreamPage); err != nil {
					b.Fatal(err)
				}
			}
			b.Run("read-page", func(b *testing.B) {
				trips.Reset()
				for i := 0; i < b.N; i++ {
					// The member's item (its LeftSpaces) comes with the guard's session read.
					ctx := prefetch.WithMember(context.Background())
					prefetch.From(ctx).Put(memberPK("m_bench")+"|"+skProfile, nil)
					page, err := st.Posts().HomeStream(ctx, "m_bench", "", posts.StreamPage)
					if err != nil || len(page.Posts) != posts.StreamPage || page.Next == "" {
						b.Fatalf("page: %d posts, %v", len(page.Posts), err)
					}
				}
				b.ReportMetric(float64(trips.Count())/float64(b.N), "dynamodb-calls/page")
			})
			// Publishing writes the post, its space and author entries and its event in
			// one transaction, whatever the table holds.
			published := 0 // the runner calls the function more than once: ids stay unique
			b.Run("publish", func(b *testing.B) {
				trips.Reset()
				for i := 0; i < b.N; i++ {
					published++
					p := posts.Post{ID: fmt.Sprintf("p_pub%d_%d", n, published), SpaceID: "s_bench", SpaceName: "Bench", Kind: posts.KindDiscussion,
						Title: "A benchmark post", Body: "Some **Markdown**.", HTML: "<p>Some <strong>Markdown</strong>.</p>", AuthorID: "m_bench",
						AuthorName: "bench", CreatedAt: time.Now(), Reactions: map[string]int{"like": 0}}
					meta := eventtypes.NewMeta(p.CreatedAt)
					event, err := eventtypes.Wrap(eventtypes.PostCreated{Meta: meta, PostID: p.ID})
					if err != nil {
						b.Fatal(err)
					}
					if err := st.Posts().CreatePost(context.Background(), p, []eventtypes.Envelope{event}, nil); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(trips.Count())/float64(b.N), "dynamodb-calls/post")
			})
		})
	}
}

// seedFeed writes n summaries into one member's home stream, 25 per call, 4 writers.
func seedFeed(b *testing.B, st *Store, memberID string, n int) {
	start := time.Now().Add(-time.Duration(n) * time.Second)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var reqs []types.WriteRequest
			for i := w; i < n; i += 4 {
				s := posts.Summary{ID: fmt.Sprintf("p_%07d", i), SpaceID: "s_bench", SpaceName: "Bench", Kind: posts.KindStatus,
					Excerpt: "a post of the benchmark", AuthorID: "m_x", AuthorName: "x", CreatedAt: start.Add(time.Duration(i) * time.Second)}
				item, err := attributevalue.MarshalMap(newStreamItem(feedPK(memberID), streamSK(s), typeStreamEntry, s, 0))
				if err != nil {
					errs <- err
					return
				}
				reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
			}
			if err := st.batchWrite(context.Background(), reqs); err != nil {
				errs <- err
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}
