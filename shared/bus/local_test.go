package bus_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"tribune/shared/bus"
	"tribune/shared/eventtypes"
)

func registered(t *testing.T) eventtypes.Envelope {
	meta := eventtypes.NewMeta(time.Now())
	env, err := eventtypes.Wrap(eventtypes.MemberRegistered{Meta: meta, MemberID: "m1"})
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// Put returns only once every consumer the event is routed to has finished: the stream
// checkpoint, set after Put, can never pass an event whose delivery is still running.
func TestLocalPutReturnsOnceEveryConsumerFinished(t *testing.T) {
	var done atomic.Int32
	slow := func(context.Context, events.EventBridgeEvent) error {
		time.Sleep(100 * time.Millisecond)
		done.Add(1)
		return nil
	}
	local := &bus.Local{Attempts: 1, Consumers: map[string]bus.ConsumerFunc{bus.ConsumerNotifications: slow, bus.ConsumerMetrics: slow}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // a poll cancelled by a shutdown still finishes its deliveries
	if err := local.Put(ctx, []eventtypes.Envelope{registered(t), registered(t)}); err != nil {
		t.Fatal(err)
	}
	if n := done.Load(); n != 4 {
		t.Fatalf("Put returned after %d of 4 deliveries", n)
	}
}

// A delivery that failed every attempt is dead-lettered durably; when the dead letter
// cannot be kept, Put names the event as refused, so the stream delivers it again.
func TestLocalDeadLettersOrRefuses(t *testing.T) {
	failing := func(context.Context, events.EventBridgeEvent) error { return errors.New("boom") }
	dir := t.TempDir()
	local := &bus.Local{Attempts: 2, Backoff: time.Millisecond, Consumers: map[string]bus.ConsumerFunc{bus.ConsumerMetrics: failing},
		DeadLetter: bus.DeadLetterDir(dir)}
	env := registered(t)
	if err := local.Put(context.Background(), []eventtypes.Envelope{env}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "metrics-"+env.ID+".json"))
	var dl bus.DeadLetter
	if err != nil || json.Unmarshal(b, &dl) != nil || dl.EventID != env.ID || dl.DetailType != eventtypes.MemberRegisteredType ||
		dl.Error != "boom" || string(dl.Detail) != string(env.Detail) {
		t.Fatalf("dead letter %s: %v", b, err)
	}

	blocked := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocked, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	local.DeadLetter = bus.DeadLetterDir(filepath.Join(blocked, "dead-letters")) // a directory under a file: cannot be written
	other := registered(t)
	err = local.Put(context.Background(), []eventtypes.Envelope{env, other})
	var partial *bus.PartialFailure
	if !errors.As(err, &partial) || len(partial.Failed) != 2 {
		t.Fatalf("Put with an unwritable dead-letter folder = %v, want both events refused", err)
	}
}
