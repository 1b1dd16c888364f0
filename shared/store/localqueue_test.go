package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"tribune/shared/queue"
)

// The local durable queue behaves as SQS with a redrive policy: a message handled is
// deleted; one that failed is invisible until its visibility timeout, then comes again
// (its receive count up); after MaxReceives it moves to the dead-letter queue; messages
// come first in, first out; two pollers never take the same visible message at once.
func TestLocalQueueRedeliversAfterTheVisibilityTimeoutThenDeadLetters(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	lq := st.LocalQueue()
	ctx := context.Background()
	if err := (queue.Local{Store: lq, Name: "q"}).Send(ctx, []byte("first"), []byte("second"), []byte("bad")); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	clock := func() time.Time { return now }
	var seen []string
	var receives []string
	p := &queue.Poller{Store: lq, Queue: "q", BatchSize: 10, Visibility: time.Minute, MaxReceives: 3, Now: clock,
		Handler: func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
			var resp events.SQSEventResponse
			for _, m := range ev.Records {
				seen = append(seen, m.Body)
				if m.Body == "bad" {
					receives = append(receives, m.Attributes["ApproximateReceiveCount"])
					resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
				}
			}
			return resp, nil
		}}
	if n, err := p.Once(ctx); err != nil || n != 3 {
		t.Fatalf("first receive: %d %v", n, err)
	}
	if len(seen) != 3 || seen[0] != "first" || seen[1] != "second" || seen[2] != "bad" {
		t.Fatalf("order: %v", seen)
	}
	if n, err := p.Once(ctx); err != nil || n != 0 {
		t.Fatalf("a failed message came back before its visibility timeout: %d %v", n, err)
	}
	for range 2 {
		now = now.Add(2 * time.Minute)
		if n, err := p.Once(ctx); err != nil || n != 1 {
			t.Fatalf("redelivery: %d %v", n, err)
		}
	}
	if len(receives) != 3 || receives[2] != "3" {
		t.Fatalf("receive counts: %v", receives)
	}
	if depth, err := lq.Depth(ctx, "q"); err != nil || depth != 0 {
		t.Fatalf("after the third failure the queue holds %d (%v), want 0", depth, err)
	}
	if depth, err := lq.Depth(ctx, queue.DeadLetterOf("q")); err != nil || depth != 1 {
		t.Fatalf("the dead-letter queue holds %d (%v), want 1", depth, err)
	}
	// Two pollers racing for one message: one takes it.
	if err := (queue.Local{Store: lq, Name: "race"}).Send(ctx, []byte("only")); err != nil {
		t.Fatal(err)
	}
	got := make(chan int, 4)
	for range 4 {
		go func() {
			ms, err := lq.Receive(ctx, "race", 10, time.Now(), time.Now().Add(time.Minute))
			if err != nil {
				t.Error(err)
			}
			got <- len(ms)
		}()
	}
	total := 0
	for range 4 {
		total += <-got
	}
	if total != 1 {
		t.Fatalf("%d pollers took the one message", total)
	}
	// A handler's error fails the whole batch (nothing deleted).
	failing := &queue.Poller{Store: lq, Queue: "race", BatchSize: 10, Visibility: time.Minute, MaxReceives: 5, Now: func() time.Time { return time.Now().Add(2 * time.Minute) },
		Handler: func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
			return events.SQSEventResponse{}, errors.New("boom")
		}}
	if n, err := failing.Once(ctx); n != 1 || err == nil {
		t.Fatalf("failing handler: %d %v", n, err)
	}
	if depth, _ := lq.Depth(ctx, "race"); depth != 1 {
		t.Fatalf("a failed batch was deleted (%d left)", depth)
	}
}
