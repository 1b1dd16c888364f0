// Package bus carries domain events from the outbox to their consumers: the consumers'
// typed registrations and the routing table derived from them (used by the CDK rules
// and the local in-process bus alike), the stream publisher, the EventBridge and local
// putters, and the consumer dispatch.
package bus

import (
	"context"
	"errors"
	"slices"

	"tribune/shared/eventtypes"
)

// Consumer names; each is a function with its own rule and dead-letter queue.
const (
	ConsumerNotifications = "notifications"
	ConsumerMetrics       = "metrics"
	ConsumerFeed          = "feed"
	ConsumerAwards        = "awards"
	// ConsumerAudience: the newsletters' audience (issue 13, n2): SES's mail events
	// (suppression list), new members' list defaults, members' last activity.
	ConsumerAudience = "audience"
)

// Route sends events of one source and some detail types to one consumer.
type Route struct {
	Consumer    string
	Source      string
	DetailTypes []string
}

// Routes is the routing table: one EventBridge rule per route in the CDK stack, and
// the local bus's routing. It is derived from the consumers' registrations (Register),
// never written by hand: a consumer receives exactly the events it registered a
// handler for. Routes of one consumer come in the order their sources were first
// registered, detail types in registration order, so rule ids stay stable.
var Routes []Route

// Subscription is one registration: a consumer handles events of one type.
type Subscription struct {
	Consumer string
	Type     eventtypes.Type
	Handle   Handler
}

// On registers a typed handler: consumer handles the events of payload type P, whose
// source and detail type P declares. The handler gets the decoded payload.
func On[P eventtypes.Payload](consumer string, handle func(context.Context, P) error) Subscription {
	t := eventtypes.TypeOf[P]()
	return Subscription{Consumer: consumer, Type: t, Handle: func(ctx context.Context, env eventtypes.Envelope) error {
		var p P
		if err := eventtypes.Decode(env, &p); err != nil {
			return err
		}
		return handle(ctx, p)
	}}
}

// Register makes subs the registrations of every consumer: Routes is derived from
// them. shared/app calls it once, when it is loaded, with its one list (app.Subscriptions).
func Register(subs []Subscription) { Routes = RoutesFrom(subs) }

// RoutesFrom derives a routing table from registrations: one route per consumer and
// source, in the order they first appear.
func RoutesFrom(subs []Subscription) []Route {
	var out []Route
	at := map[[2]string]int{}
	for _, s := range subs {
		k := [2]string{s.Consumer, s.Type.Source}
		i, ok := at[k]
		if !ok {
			i, at[k] = len(out), len(out)
			out = append(out, Route{Consumer: s.Consumer, Source: s.Type.Source})
		}
		if !slices.Contains(out[i].DetailTypes, s.Type.DetailType) {
			out[i].DetailTypes = append(out[i].DetailTypes, s.Type.DetailType)
		}
	}
	// Grouped by consumer, consumers in the order of their first registration.
	first := map[string]int{}
	for i, r := range out {
		if _, ok := first[r.Consumer]; !ok {
			first[r.Consumer] = i
		}
	}
	slices.SortStableFunc(out, func(a, b Route) int { return first[a.Consumer] - first[b.Consumer] })
	return out
}

// HandlersFrom is each consumer's handler of each detail type. Several registrations
// of one consumer for one event all run, in order, even when one fails (the errors
// are joined, and the delivery retried).
func HandlersFrom(subs []Subscription) map[string]map[string]Handler {
	all := map[string]map[string][]Handler{}
	for _, s := range subs {
		if all[s.Consumer] == nil {
			all[s.Consumer] = map[string][]Handler{}
		}
		all[s.Consumer][s.Type.DetailType] = append(all[s.Consumer][s.Type.DetailType], s.Handle)
	}
	out := map[string]map[string]Handler{}
	for consumer, byType := range all {
		out[consumer] = map[string]Handler{}
		for dt, hs := range byType {
			if len(hs) == 1 {
				out[consumer][dt] = hs[0]
				continue
			}
			out[consumer][dt] = func(ctx context.Context, env eventtypes.Envelope) error {
				var errs []error
				for _, h := range hs {
					errs = append(errs, h(ctx, env))
				}
				return errors.Join(errs...)
			}
		}
	}
	return out
}

// Matches reports whether an event of this source and detail type takes this route.
func (r Route) Matches(source, detailType string) bool {
	return r.Source == source && slices.Contains(r.DetailTypes, detailType)
}

// RoutesOf returns the routes of one consumer.
func RoutesOf(consumer string) []Route {
	var out []Route
	for _, r := range Routes {
		if r.Consumer == consumer {
			out = append(out, r)
		}
	}
	return out
}
