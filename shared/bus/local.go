package bus

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"tribune/shared/eventtypes"
)

// ConsumerFunc is a consumer function's Lambda handler.
type ConsumerFunc func(context.Context, events.EventBridgeEvent) error

// Local is the in-process bus of the local runtime: it routes with the same table as
// the CDK rules and calls the same consumer handlers, with retries and a dead-letter
// destination, as EventBridge and Lambda's async invoke do.
//
// Unlike EventBridge, Put returns only once every delivery of the batch has finished
// (succeeded, or failed every attempt and been dead-lettered): the stream poller
// checkpoints after Put, so a crash can never leave an event past the checkpoint whose
// consumers had not finished. Events are then delivered again after a restart, so
// consumers must be idempotent, as they must be in AWS.
type Local struct {
	Consumers map[string]ConsumerFunc
	// Attempts per delivery before it is dead-lettered (EventBridge + Lambda: 3).
	Attempts int
	Backoff  time.Duration
	// DeadLetter keeps a delivery that failed every attempt; it must be durable when it
	// returns nil. An error makes Put report the event as refused, so the stream
	// delivers it again rather than lose it.
	DeadLetter func(consumer string, env eventtypes.Envelope, err error) error

	inflight sync.WaitGroup
}

// Put implements Putter: it delivers every event of the batch to each consumer whose
// route matches, concurrently, and waits for all of them. It returns a *PartialFailure
// naming the events whose dead letter could not be kept.
func (b *Local) Put(ctx context.Context, batch []eventtypes.Envelope) error {
	// A delivery outlives a cancelled poll (shutdown): half a delivery would be retried
	// after the restart anyway, but a finished one need not be.
	ctx = context.WithoutCancel(ctx)
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		failed = map[int]bool{}
	)
	for i, env := range batch {
		for _, r := range Routes {
			fn, ok := b.Consumers[r.Consumer]
			if !ok || !r.Matches(env.Source, env.DetailType) {
				continue
			}
			wg.Add(1)
			b.inflight.Add(1)
			go func(i int, consumer string, env eventtypes.Envelope) {
				defer b.inflight.Done()
				defer wg.Done()
				if err := b.deliver(ctx, consumer, fn, env); err != nil {
					slog.ErrorContext(ctx, "dead letter not kept; the event will be delivered again", "consumer", consumer, "event_id", env.ID, "err", err.Error())
					mu.Lock()
					failed[i] = true
					mu.Unlock()
				}
			}(i, r.Consumer, env)
		}
	}
	wg.Wait()
	if len(failed) == 0 {
		return nil
	}
	partial := &PartialFailure{}
	for i := range batch {
		if failed[i] {
			partial.Failed = append(partial.Failed, i)
		}
	}
	return partial
}

// deliver calls fn until it succeeds or the attempts are spent, then dead-letters the
// event; it fails only when the dead letter could not be kept.
func (b *Local) deliver(ctx context.Context, consumer string, fn ConsumerFunc, env eventtypes.Envelope) error {
	attempts := max(b.Attempts, 1)
	var err error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			time.Sleep(b.Backoff << (i - 1))
		}
		if err = fn(ctx, ToEventBridgeEvent(env)); err == nil {
			return nil
		}
		slog.WarnContext(ctx, "consumer failed", "consumer", consumer, "event_id", env.ID, "attempt", i+1, "err", err.Error())
	}
	slog.ErrorContext(ctx, "event dead-lettered", "consumer", consumer, "event_id", env.ID, "err", err.Error())
	if b.DeadLetter == nil {
		return nil
	}
	return b.DeadLetter(consumer, env, err)
}

// Wait blocks until every delivery started so far has finished (Put already waits for
// its own; this is for callers that run several Puts at once).
func (b *Local) Wait() { b.inflight.Wait() }

// DeadLetter is what a dead-letter file holds: the event as the consumer received it
// and the last error, enough to put the event back on the bus by hand.
type DeadLetter struct {
	Consumer   string          `json:"consumer"`
	EventID    string          `json:"eventId"`
	Source     string          `json:"source"`
	DetailType string          `json:"detailType"`
	Time       time.Time       `json:"time"`
	Error      string          `json:"error"`
	Detail     json.RawMessage `json:"detail"`
}

// DeadLetterDir keeps dead letters as files <consumer>-<eventId>.json in dir, written
// durably (synced, then renamed into place), like a DLQ message: the local runtime's
// stand-in for the consumer dead-letter queues of AWS.
func DeadLetterDir(dir string) func(consumer string, env eventtypes.Envelope, err error) error {
	return func(consumer string, env eventtypes.Envelope, cause error) error {
		b, err := json.Marshal(DeadLetter{Consumer: consumer, EventID: env.ID, Source: env.Source, DetailType: env.DetailType,
			Time: env.Time, Error: cause.Error(), Detail: env.Detail})
		if err != nil {
			return fmt.Errorf("bus.DeadLetterDir: %w", err)
		}
		if err := writeFileDurable(filepath.Join(dir, fileSafe(consumer)+"-"+fileSafe(env.ID)+".json"), b); err != nil {
			return fmt.Errorf("bus.DeadLetterDir: %w", err)
		}
		return nil
	}
}

// fileSafe keeps an id to the characters a file name may hold anywhere.
func fileSafe(id string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, id)
}
