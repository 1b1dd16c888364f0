package bus_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"tribune/shared/bus"
	"tribune/shared/eventtypes"
)

type capture struct {
	got []eventtypes.Envelope
	err error
}

func (c *capture) Put(_ context.Context, batch []eventtypes.Envelope) error {
	if c.err != nil {
		return c.err
	}
	c.got = append(c.got, batch...)
	return nil
}

func streamSample(t *testing.T) events.DynamoDBEvent {
	raw, err := os.ReadFile("../../events/lambda/dynamodb-stream-outbox.json")
	if err != nil {
		t.Fatal(err)
	}
	var e events.DynamoDBEvent
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestPublisherPutsOnlyOutboxInserts(t *testing.T) {
	c := &capture{}
	resp, err := bus.Publisher{Bus: c}.HandleStream(context.Background(), streamSample(t))
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("HandleStream = %+v, %v", resp, err)
	}
	if len(c.got) != 1 {
		t.Fatalf("published %d events, want the one outbox insert", len(c.got))
	}
	env := c.got[0]
	var evt eventtypes.MemberRegistered
	if err := eventtypes.Decode(env, &evt); err != nil {
		t.Fatal(err)
	}
	if env.Source != eventtypes.SourceMembers || env.DetailType != eventtypes.MemberRegisteredType || env.ID != evt.EventID || evt.Email != "ann@example.com" {
		t.Fatalf("envelope %+v, payload %+v", env, evt)
	}
}

func TestPublisherReportsWhatTheBusRefused(t *testing.T) {
	for name, putErr := range map[string]error{
		"bus down":      errors.New("unreachable"),
		"entry refused": &bus.PartialFailure{Failed: []int{0}},
	} {
		t.Run(name, func(t *testing.T) {
			resp, err := bus.Publisher{Bus: &capture{err: putErr}}.HandleStream(context.Background(), streamSample(t))
			if err != nil {
				t.Fatal(err)
			}
			if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "100000000000000000002" {
				t.Fatalf("failures %+v, want the outbox record", resp.BatchItemFailures)
			}
		})
	}
}

func TestDispatchDecodesTheEventBridgeEnvelope(t *testing.T) {
	raw, err := os.ReadFile("../../events/lambda/eventbridge-member-registered.json")
	if err != nil {
		t.Fatal(err)
	}
	var e events.EventBridgeEvent
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatal(err)
	}
	var seen eventtypes.Envelope
	h := bus.Dispatch("test", map[string]bus.Handler{eventtypes.MemberRegisteredType: func(_ context.Context, env eventtypes.Envelope) error {
		seen = env
		return nil
	}})
	if err := h(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	// Consumers deduplicate on the outbox id, not EventBridge's.
	if seen.ID != "7QH5ZJ3RKD2WJYQG4VQ6Y3N2XA" {
		t.Fatalf("envelope id %q", seen.ID)
	}
	e.Detail = json.RawMessage(`{"memberId":"x"}`)
	if err := h(context.Background(), e); err == nil {
		t.Fatal("an event without eventId must fail (and be dead-lettered)")
	}
}

func TestEveryRouteNamesACataloguedEvent(t *testing.T) {
	known := map[string]string{}
	for _, d := range eventtypes.Catalog {
		known[d.DetailType] = d.Source
	}
	for _, r := range bus.Routes {
		if bus.External(r.Source) {
			continue // an AWS service's events (SES's mail events: docs/events.md)
		}
		for _, dt := range r.DetailTypes {
			if known[dt] != r.Source {
				t.Errorf("route %s takes %s/%s, which is not in the catalogue", r.Consumer, r.Source, dt)
			}
		}
	}
}
