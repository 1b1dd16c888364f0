// Package queue carries work from one function to another through a queue with a
// dead-letter queue: SQS in AWS (an event source mapping invokes the consumer with
// batches, aws-lambda-go's events.SQSEvent, and it answers the messages that failed);
// under make run and in tests a local durable queue kept in the table (shared/store's
// LocalQueue), which Poller reads and hands to the very same handler, with the same
// shapes. Either way a message may come twice, or late: its handler is idempotent.
package queue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// Handler handles a batch of messages and answers those that failed (they come again
// after their visibility timeout, and go to the dead-letter queue after MaxReceives).
// It is the Lambda handler of a function started by a queue.
type Handler func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error)

// Sender puts messages on a queue.
type Sender interface {
	Send(ctx context.Context, bodies ...[]byte) error
}

// SQSAPI is the part of the SQS client the adapter uses.
type SQSAPI interface {
	SendMessageBatch(ctx context.Context, in *sqs.SendMessageBatchInput, opts ...func(*sqs.Options)) (*sqs.SendMessageBatchOutput, error)
}

// SQS sends to an SQS queue, ten messages a call.
type SQS struct {
	Client SQSAPI
	URL    string
}

// Send implements Sender; a message SQS did not take fails the whole (the caller
// sends again: messages are idempotent).
func (q SQS) Send(ctx context.Context, bodies ...[]byte) error {
	for start := 0; start < len(bodies); start += 10 {
		chunk := bodies[start:min(start+10, len(bodies))]
		entries := make([]types.SendMessageBatchRequestEntry, len(chunk))
		for i, b := range chunk {
			entries[i] = types.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), MessageBody: aws.String(string(b))}
		}
		out, err := q.Client.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(q.URL), Entries: entries})
		if err != nil {
			return fmt.Errorf("queue.SQS.Send: %w", err)
		}
		if len(out.Failed) > 0 {
			return fmt.Errorf("queue.SQS.Send: %d messages refused: %s", len(out.Failed), aws.ToString(out.Failed[0].Message))
		}
	}
	return nil
}

// Message is a message of the local queue.
type Message struct {
	ID   string
	Body string
	// Receives counts the times it was received (this one included).
	Receives int
	// SentAt is when it was put on the queue.
	SentAt time.Time
}

// LocalStore keeps the local queues (shared/store's LocalQueue).
type LocalStore interface {
	// Put adds messages to queue.
	Put(ctx context.Context, queue string, bodies [][]byte, now time.Time) error
	// Receive takes up to max visible messages, each invisible until until.
	Receive(ctx context.Context, queue string, max int, now, until time.Time) ([]Message, error)
	// Delete removes a handled message.
	Delete(ctx context.Context, queue, id string) error
	// DeadLetter moves a message to queue's dead-letter queue (DeadLetterOf(queue)).
	DeadLetter(ctx context.Context, queue string, m Message, now time.Time) error
}

// DeadLetterOf is the name of a local queue's dead-letter queue.
func DeadLetterOf(queue string) string { return queue + "-dlq" }

// Local sends to a local queue.
type Local struct {
	Store LocalStore
	Name  string
}

// Send implements Sender.
func (l Local) Send(ctx context.Context, bodies ...[]byte) error {
	return l.Store.Put(ctx, l.Name, bodies, time.Now())
}

// Poller reads a local queue and hands its messages to a handler, as SQS's event
// source mapping does: batches of BatchSize, a message handled is deleted, one that
// failed comes again after Visibility, and after MaxReceives it goes to the
// dead-letter queue. Workers batches run at once (the mapping's maximum concurrency).
type Poller struct {
	Store       LocalStore
	Queue       string
	Handler     Handler
	BatchSize   int
	Visibility  time.Duration
	MaxReceives int
	Interval    time.Duration
	Workers     int
	// Timeout bounds one batch (the function's timeout).
	Timeout time.Duration
	Now     func() time.Time
}

func (p *Poller) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// Run polls until ctx ends.
func (p *Poller) Run(ctx context.Context) error {
	workers := max(1, p.Workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				n, err := p.Once(ctx)
				if err != nil && ctx.Err() == nil {
					slog.Error("queue poll failed", "queue", p.Queue, "err", err)
				}
				if n == 0 || err != nil {
					select {
					case <-ctx.Done():
					case <-time.After(p.Interval):
					}
				}
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}

// Once receives one batch and handles it; it answers how many messages it received.
func (p *Poller) Once(ctx context.Context) (int, error) {
	now := p.now()
	msgs, err := p.Store.Receive(ctx, p.Queue, max(1, p.BatchSize), now, now.Add(p.Visibility))
	if err != nil || len(msgs) == 0 {
		return 0, err
	}
	ev := events.SQSEvent{Records: make([]events.SQSMessage, len(msgs))}
	for i, m := range msgs {
		ev.Records[i] = events.SQSMessage{MessageId: m.ID, Body: m.Body, EventSource: "aws:sqs", EventSourceARN: "local:" + p.Queue,
			Attributes: map[string]string{"ApproximateReceiveCount": strconv.Itoa(m.Receives),
				"SentTimestamp": strconv.FormatInt(m.SentAt.UnixMilli(), 10)}}
	}
	hctx := ctx
	if p.Timeout > 0 {
		var cancel context.CancelFunc
		hctx, cancel = context.WithTimeout(ctx, p.Timeout)
		defer cancel()
	}
	resp, herr := p.Handler(hctx, ev)
	if ctx.Err() != nil {
		return len(msgs), ctx.Err() // stopped: nothing is deleted, every message comes again
	}
	failedIDs := map[string]bool{}
	for _, f := range resp.BatchItemFailures {
		failedIDs[f.ItemIdentifier] = true
	}
	var errs error
	for _, m := range msgs {
		switch {
		case herr == nil && !failedIDs[m.ID]:
			errs = errors.Join(errs, p.Store.Delete(ctx, p.Queue, m.ID))
		case p.MaxReceives > 0 && m.Receives >= p.MaxReceives:
			errs = errors.Join(errs, p.Store.DeadLetter(ctx, p.Queue, m, p.now()))
		}
	}
	if herr != nil {
		errs = errors.Join(errs, herr)
	}
	return len(msgs), errs
}
