package bus

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"tribune/shared/eventtypes"
)

// EventBridgeAPI is the part of the EventBridge client the putter uses.
type EventBridgeAPI interface {
	PutEvents(ctx context.Context, in *eventbridge.PutEventsInput, opts ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error)
}

// EventBridge puts events on an EventBridge bus.
type EventBridge struct {
	Client  EventBridgeAPI
	BusName string
}

// Put implements Putter.
func (b EventBridge) Put(ctx context.Context, batch []eventtypes.Envelope) error {
	entries := make([]types.PutEventsRequestEntry, len(batch))
	for i, env := range batch {
		entries[i] = types.PutEventsRequestEntry{
			EventBusName: aws.String(b.BusName), Source: aws.String(env.Source),
			DetailType: aws.String(env.DetailType), Detail: aws.String(string(env.Detail)), Time: aws.Time(env.Time),
		}
	}
	out, err := b.Client.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: entries})
	if err != nil {
		return fmt.Errorf("bus.EventBridge.Put: %w", err)
	}
	if out.FailedEntryCount == 0 {
		return nil
	}
	partial := &PartialFailure{}
	for i, e := range out.Entries {
		if e.ErrorCode != nil {
			partial.Failed = append(partial.Failed, i)
		}
	}
	return partial
}
