package bus

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"

	"tribune/shared/eventtypes"
	"tribune/shared/logx"
)

// Handler handles one event; it must be idempotent (delivery is at least once).
type Handler func(ctx context.Context, env eventtypes.Envelope) error

// Dispatch returns the Lambda handler of a consumer: it calls the handler registered
// for the event's detail type. An error makes EventBridge/Lambda retry, then dead-letter.
func Dispatch(consumer string, handlers map[string]Handler) func(context.Context, events.EventBridgeEvent) error {
	return func(ctx context.Context, e events.EventBridgeEvent) error {
		ctx = logx.WithRequestID(ctx, e.ID)
		h, ok := handlers[e.DetailType]
		if !ok {
			// The rules should never route it here; dropping is safer than looping.
			slog.WarnContext(ctx, "no handler for event", "consumer", consumer, "detail_type", e.DetailType)
			return nil
		}
		// Deduplicate on the outbox's event id, not EventBridge's, which differs per put.
		var meta eventtypes.Meta
		if err := json.Unmarshal(e.Detail, &meta); err != nil || meta.EventID == "" {
			return fmt.Errorf("bus.Dispatch %s %s: detail has no eventId", consumer, e.DetailType)
		}
		env := eventtypes.Envelope{ID: meta.EventID, Source: e.Source, DetailType: e.DetailType, Time: e.Time, Detail: e.Detail}
		if err := h(ctx, env); err != nil {
			return fmt.Errorf("bus.Dispatch %s %s: %w", consumer, e.DetailType, err)
		}
		return nil
	}
}

// ToEventBridgeEvent is the shape EventBridge hands a Lambda target.
func ToEventBridgeEvent(env eventtypes.Envelope) events.EventBridgeEvent {
	return events.EventBridgeEvent{
		Version: "0", ID: env.ID, DetailType: env.DetailType, Source: env.Source,
		Time: env.Time, Detail: env.Detail, Region: "local", AccountID: "000000000000",
	}
}
