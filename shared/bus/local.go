package bus

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"tribune/shared/eventtypes"
)

// ConsumerFunc is a consumer function's Lambda handler.
type ConsumerFunc func(context.Context, events.EventBridgeEvent) error

// Local is the in-process bus of the local runtime: it routes with the same table as
// the CDK rules and calls the same consumer handlers, each in the background with
// retries, as EventBridge and Lambda's async invoke do.
type Local struct {
	Consumers map[string]ConsumerFunc
	// Attempts per delivery before it is dead-lettered (EventBridge + Lambda: 3).
	Attempts int
	Backoff  time.Duration
	// DeadLetter receives deliveries that failed every attempt.
	DeadLetter func(consumer string, env eventtypes.Envelope, err error)

	inflight sync.WaitGroup
}

// Put implements Putter: it accepts every event and delivers it asynchronously.
func (b *Local) Put(ctx context.Context, batch []eventtypes.Envelope) error {
	for _, env := range batch {
		for _, r := range Routes {
			fn, ok := b.Consumers[r.Consumer]
			if !ok || !r.Matches(env.Source, env.DetailType) {
				continue
			}
			b.inflight.Add(1)
			go b.deliver(context.WithoutCancel(ctx), r.Consumer, fn, env)
		}
	}
	return nil
}

func (b *Local) deliver(ctx context.Context, consumer string, fn ConsumerFunc, env eventtypes.Envelope) {
	defer b.inflight.Done()
	attempts := max(b.Attempts, 1)
	var err error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			time.Sleep(b.Backoff << (i - 1))
		}
		if err = fn(ctx, ToEventBridgeEvent(env)); err == nil {
			return
		}
		slog.WarnContext(ctx, "consumer failed", "consumer", consumer, "event_id", env.ID, "attempt", i+1, "err", err.Error())
	}
	if b.DeadLetter != nil {
		b.DeadLetter(consumer, env, err)
	}
}

// Wait blocks until every delivery started so far has finished.
func (b *Local) Wait() { b.inflight.Wait() }
