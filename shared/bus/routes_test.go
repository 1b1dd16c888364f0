package bus_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"tribune/shared/app"
	"tribune/shared/bus"
	"tribune/shared/config"
	"tribune/shared/eventtypes"
)

// The routing table is derived from the consumers' registrations (shared/app is loaded
// with this test, as it is with the CDK and the local runtime): one list, not two.
func TestRoutesAreDerivedFromTheRegistrations(t *testing.T) {
	subs := app.Subscriptions(config.Config{}, nil, nil, nil)
	if len(bus.Routes) == 0 || !reflect.DeepEqual(bus.Routes, bus.RoutesFrom(subs)) {
		t.Fatalf("bus.Routes %v is not the table of app.Subscriptions", bus.Routes)
	}
	handlers := bus.HandlersFrom(subs)
	for _, r := range bus.Routes {
		for _, dt := range r.DetailTypes {
			if handlers[r.Consumer][dt] == nil {
				t.Errorf("%s is routed %s without a handler", r.Consumer, dt)
			}
		}
	}
}

// One route per consumer and source, in the order of first registration; a second
// registration of the same event adds no route, and both of its handlers run.
func TestRoutesFromGroupsRegistrationsAndHandlersRunAll(t *testing.T) {
	var ran []string
	handle := func(name string, fail bool) func(context.Context, eventtypes.SpaceLeft) error {
		return func(_ context.Context, evt eventtypes.SpaceLeft) error {
			ran = append(ran, name+" "+evt.MemberID)
			if fail {
				return errors.New(name + " failed")
			}
			return nil
		}
	}
	subs := []bus.Subscription{
		bus.On("b", func(context.Context, eventtypes.MemberDeleted) error { return nil }),
		bus.On("a", handle("first", true)),
		bus.On("b", func(context.Context, eventtypes.PostCreated) error { return nil }),
		bus.On("b", func(context.Context, eventtypes.MemberRolesChanged) error { return nil }),
		bus.On("a", handle("second", false)),
	}
	want := []bus.Route{
		{Consumer: "b", Source: eventtypes.SourceMembers, DetailTypes: []string{eventtypes.MemberDeletedType, eventtypes.MemberRolesChangedType}},
		{Consumer: "b", Source: eventtypes.SourcePosts, DetailTypes: []string{eventtypes.PostCreatedType}},
		{Consumer: "a", Source: eventtypes.SourceSpaces, DetailTypes: []string{eventtypes.SpaceLeftType}},
	}
	if got := bus.RoutesFrom(subs); !reflect.DeepEqual(got, want) {
		t.Fatalf("routes %+v, want %+v", got, want)
	}
	env, err := eventtypes.Wrap(eventtypes.SpaceLeft{Meta: eventtypes.NewMeta(time.Now()), MemberID: "m1"})
	if err != nil {
		t.Fatal(err)
	}
	err = bus.HandlersFrom(subs)["a"][eventtypes.SpaceLeftType](context.Background(), env)
	if err == nil || !reflect.DeepEqual(ran, []string{"first m1", "second m1"}) {
		t.Fatalf("ran %v, error %v: want both handlers run and the failure reported", ran, err)
	}
}

// The envelope takes its source and detail type from the payload's type.
func TestWrapTakesTheTypeFromThePayload(t *testing.T) {
	meta := eventtypes.NewMeta(time.Now())
	env, err := eventtypes.Wrap(eventtypes.SpaceRequestDeclined{Meta: meta, SpaceID: "s1"})
	if err != nil || env.Source != eventtypes.SourceSpaces || env.DetailType != eventtypes.SpaceRequestDeclinedType ||
		env.ID != meta.EventID || !env.Time.Equal(meta.OccurredAt) {
		t.Fatalf("envelope %+v, %v", env, err)
	}
}
