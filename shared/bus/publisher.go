package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"tribune/shared/eventtypes"
)

// Outbox item attribute names, as the store writes them.
const (
	OutboxType          = "Outbox"
	OutboxAttrType      = "Type"
	OutboxAttrEventID   = "EventId"
	OutboxAttrSource    = "Source"
	OutboxAttrDetail    = "Detail"
	OutboxAttrDetailTyp = "DetailType"
	OutboxAttrTime      = "OccurredAt"
)

// MaxPutBatch is EventBridge's PutEvents limit.
const MaxPutBatch = 10

// Putter puts events on a bus. It returns a *PartialFailure naming the entries that
// were not accepted, or another error when none was.
type Putter interface {
	Put(ctx context.Context, batch []eventtypes.Envelope) error
}

// PartialFailure names the indexes of a batch that the bus refused.
type PartialFailure struct{ Failed []int }

func (p *PartialFailure) Error() string { return fmt.Sprintf("bus: %d entries refused", len(p.Failed)) }

// Publisher moves outbox items from the table's stream onto the bus.
type Publisher struct {
	Bus Putter
	// Concurrency is how many puts (of up to MaxPutBatch events each) run at once;
	// DefaultPutConcurrency when 0. Events of one stream batch are independent (every
	// consumer is idempotent and works from the data as it is when it runs, so the
	// order of deliveries does not matter); the handler still returns only once every
	// put has finished, so the stream's checkpoint never passes an unfinished event.
	Concurrency int
}

// DefaultPutConcurrency: puts of a stream batch that run at once.
const DefaultPutConcurrency = 8

// HandleStream publishes every outbox insert of a stream batch and reports the records
// that did not make it, so the stream retries exactly those (ReportBatchItemFailures).
func (p Publisher) HandleStream(ctx context.Context, e events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	var resp events.DynamoDBEventResponse
	var batch []eventtypes.Envelope
	var seqs []string
	for _, rec := range e.Records {
		if rec.EventName != string(events.DynamoDBOperationTypeInsert) {
			continue
		}
		img := rec.Change.NewImage
		if t, ok := img[OutboxAttrType]; !ok || t.DataType() != events.DataTypeString || t.String() != OutboxType {
			continue
		}
		env, err := EnvelopeFromImage(img)
		if err != nil {
			// A malformed outbox item is retried, then lands on the failure destination.
			slog.ErrorContext(ctx, "outbox item unreadable", "seq", rec.Change.SequenceNumber, "err", err.Error())
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: rec.Change.SequenceNumber})
			continue
		}
		batch = append(batch, env)
		seqs = append(seqs, rec.Change.SequenceNumber)
	}
	// Puts of MaxPutBatch events, Concurrency at a time.
	concurrency := p.Concurrency
	if concurrency <= 0 {
		concurrency = DefaultPutConcurrency
	}
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		failed []string
		slots  = make(chan struct{}, concurrency)
	)
	for start := 0; start < len(batch); start += MaxPutBatch {
		end := min(start+MaxPutBatch, len(batch))
		slots <- struct{}{}
		wg.Add(1)
		go func(chunk []eventtypes.Envelope, seqs []string) {
			defer wg.Done()
			defer func() { <-slots }()
			for _, i := range p.put(ctx, chunk) {
				mu.Lock()
				failed = append(failed, seqs[i])
				mu.Unlock()
			}
		}(batch[start:end], seqs[start:end])
	}
	wg.Wait()
	for _, seq := range failed {
		resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: seq})
	}
	// Reported in stream order.
	slices.SortFunc(resp.BatchItemFailures, func(a, b events.DynamoDBBatchItemFailure) int {
		if a.ItemIdentifier == b.ItemIdentifier {
			return 0
		}
		if seqLess(a.ItemIdentifier, b.ItemIdentifier) {
			return -1
		}
		return 1
	})
	return resp, nil
}

// put returns the indexes of batch that were not accepted.
func (p Publisher) put(ctx context.Context, batch []eventtypes.Envelope) []int {
	err := p.Bus.Put(ctx, batch)
	if err == nil {
		for _, env := range batch {
			slog.InfoContext(ctx, "event published", "event_id", env.ID, "detail_type", env.DetailType)
		}
		return nil
	}
	var partial *PartialFailure
	if errors.As(err, &partial) {
		slog.WarnContext(ctx, "bus refused some events", "refused", len(partial.Failed), "of", len(batch))
		return partial.Failed
	}
	slog.ErrorContext(ctx, "bus put failed", "err", err.Error(), "events", len(batch))
	all := make([]int, len(batch))
	for i := range all {
		all[i] = i
	}
	return all
}

// EnvelopeFromImage reads an outbox item's stream image.
func EnvelopeFromImage(img map[string]events.DynamoDBAttributeValue) (eventtypes.Envelope, error) {
	str := func(name string) (string, error) {
		v, ok := img[name]
		if !ok || v.DataType() != events.DataTypeString || v.String() == "" {
			return "", fmt.Errorf("bus.EnvelopeFromImage: attribute %s missing", name)
		}
		return v.String(), nil
	}
	var env eventtypes.Envelope
	var err error
	var detail, occurred string
	for name, dst := range map[string]*string{OutboxAttrEventID: &env.ID, OutboxAttrSource: &env.Source,
		OutboxAttrDetailTyp: &env.DetailType, OutboxAttrDetail: &detail, OutboxAttrTime: &occurred} {
		if *dst, err = str(name); err != nil {
			return env, err
		}
	}
	if !json.Valid([]byte(detail)) {
		return env, fmt.Errorf("bus.EnvelopeFromImage %s: detail is not JSON", env.ID)
	}
	env.Detail = json.RawMessage(detail)
	if env.Time, err = time.Parse(time.RFC3339Nano, occurred); err != nil {
		return env, fmt.Errorf("bus.EnvelopeFromImage %s: %w", env.ID, err)
	}
	return env, nil
}
