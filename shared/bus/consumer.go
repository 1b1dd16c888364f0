package bus

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

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
		detail := e.Detail
		if err := json.Unmarshal(e.Detail, &meta); err == nil && meta.EventID == "" && External(e.Source) && e.ID != "" {
			// An AWS service's event (SES's mail events) has no outbox id: EventBridge's
			// own id is the event's, the same on every retry of its delivery.
			meta.EventID, detail = e.ID, withEventID(e.Detail, e.ID)
		}
		if meta.EventID == "" {
			return fmt.Errorf("bus.Dispatch %s %s: detail has no eventId", consumer, e.DetailType)
		}
		env := eventtypes.Envelope{ID: meta.EventID, Source: e.Source, DetailType: e.DetailType, Time: e.Time, Detail: detail}
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

// External reports whether events of source come from an AWS service (aws.*), not from
// Tribune's outbox: their rules sit on the account's default bus, where AWS services
// put events, and their details carry no eventId.
func External(source string) bool { return strings.HasPrefix(source, "aws.") }

// withEventID is an event detail (a JSON object) with eventId set to id.
func withEventID(detail json.RawMessage, id string) json.RawMessage {
	var fields map[string]json.RawMessage
	if json.Unmarshal(detail, &fields) != nil || fields == nil {
		return detail
	}
	fields["eventId"], _ = json.Marshal(id)
	out, err := json.Marshal(fields)
	if err != nil {
		return detail
	}
	return out
}
