package app_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"tribune/shared/app"
	"tribune/shared/auth"
	"tribune/shared/bus"
	"tribune/shared/config"
	"tribune/shared/eventtypes"
	"tribune/shared/mail"
	"tribune/shared/members"
	"tribune/shared/metrics"
	"tribune/shared/notifications"
	"tribune/shared/store"
	"tribune/shared/store/dynamotest"
)

// failingBus refuses every put while down is set: the path between the write and
// the bus is cut.
type failingBus struct {
	down  atomic.Bool
	tries atomic.Int32
	next  bus.Putter
}

func (f *failingBus) Put(ctx context.Context, batch []eventtypes.Envelope) error {
	f.tries.Add(1)
	if f.down.Load() {
		return errors.New("bus unreachable")
	}
	return f.next.Put(ctx, batch)
}

type eventPath struct {
	st      *store.Store
	outbox  string
	local   *bus.Local
	streams bus.StreamsAPI
	arn     string
	ckpt    string
}

func newEventPath(t *testing.T) (*eventPath, dynamotest.Table) {
	tbl := dynamotest.NewTable(t)
	st := store.New(tbl.DB, tbl.Name)
	outbox := t.TempDir()
	cfg := config.Config{PublicURL: "http://localhost:8080"}
	local := &bus.Local{Consumers: app.Consumers(cfg, st, mail.Outbox{Dir: outbox, From: "t@example.com"}, nil), Attempts: 3, Backoff: 10 * time.Millisecond}
	return &eventPath{st: st, outbox: outbox, local: local, streams: tbl.PollerStreams(t, pollerIdle), arn: tbl.StreamARN, ckpt: filepath.Join(t.TempDir(), "ckpt.json")}, tbl
}

// poll runs a poller with its own checkpoint file handle until stop is called.
func (p *eventPath) poll(putter bus.Putter) (stop func()) {
	return pollStream(p.streams, p.arn, p.ckpt, putter)
}

// registerMember registers a member and returns the id of its member.registered event.
func (p *eventPath) registerMember(t *testing.T, email string) string {
	t.Helper()
	now := time.Now()
	m := members.Member{ID: "m_" + email, Email: email, DisplayName: "Eve", Locale: "fr", Roles: []string{"member"}, Status: members.StatusActive, CreatedAt: now}
	sess, _ := auth.NewSession(m.ID, now, "test")
	meta := eventtypes.NewMeta(now)
	env, _ := eventtypes.Wrap(eventtypes.MemberRegistered{Meta: meta, MemberID: m.ID, Email: email, DisplayName: "Eve", Locale: "fr"})
	if err := p.st.Members().Register(context.Background(), m, sess, env, nil, nil); err != nil {
		t.Fatal(err)
	}
	return meta.EventID
}

func (p *eventPath) welcomes(t *testing.T) int {
	msgs, err := mail.ReadOutbox(p.outbox)
	if err != nil {
		t.Fatal(err)
	}
	return len(msgs)
}

func (p *eventPath) registrations(t *testing.T) int64 {
	return counted(p.st, metrics.Registrations)
}

func TestRegistrationReachesNotificationsAndMetricsOnce(t *testing.T) {
	t.Parallel()
	p, _ := newEventPath(t)
	stop := p.poll(p.local)
	defer stop()
	p.registerMember(t, "eve@example.com")
	waitFor(t, "the welcome email", func() bool { return p.welcomes(t) == 1 })
	waitFor(t, "the registration count", func() bool { return p.registrations(t) == 1 })
	msgs, _ := mail.ReadOutbox(p.outbox)
	if msgs[0].To != "eve@example.com" || msgs[0].Subject != "Bienvenue sur Tribune, Eve" {
		t.Fatalf("welcome mail %+v", msgs[0])
	}
	stop()

	// EventBridge delivers at least once: replaying the whole stream from the start
	// (a fresh checkpoint) hands every consumer the same event again.
	p.ckpt = p.ckpt + ".replay"
	stop = p.poll(p.local)
	time.Sleep(300 * time.Millisecond)
	p.local.Wait()
	if n := p.welcomes(t); n != 1 {
		t.Fatalf("%d welcome emails after a duplicate delivery, want 1", n)
	}
	if n := p.registrations(t); n != 1 {
		t.Fatalf("registrations = %d after a duplicate delivery, want 1", n)
	}
}

func TestEventSurvivesACutBetweenWriteAndPublish(t *testing.T) {
	t.Parallel()
	p, _ := newEventPath(t)
	cut := &failingBus{next: p.local}
	cut.down.Store(true)
	stop := p.poll(cut)
	p.registerMember(t, "fay@example.com")
	waitFor(t, "publish attempts", func() bool { return cut.tries.Load() >= 3 })
	// The publisher crashes while the bus is still unreachable.
	stop()
	if n := p.welcomes(t); n != 0 {
		t.Fatalf("welcome sent although the bus was down")
	}
	// A new publisher resumes from the checkpoint once the bus is back.
	cut.down.Store(false)
	stop = p.poll(cut)
	defer stop()
	waitFor(t, "the welcome email after recovery", func() bool { return p.welcomes(t) == 1 })
	waitFor(t, "the registration count after recovery", func() bool { return p.registrations(t) == 1 })
}

// A crash between claiming a mail and sending it leaves a claim behind: the next
// delivery must send the mail, not take the claim for a sent mail.
func TestAMailClaimedButNeverSentIsSentOnRedelivery(t *testing.T) {
	t.Parallel()
	p, _ := newEventPath(t)
	id := p.registerMember(t, "gus@example.com")
	if err := p.st.ClaimEvent(context.Background(), notifications.Consumer, id, time.Now()); err != nil {
		t.Fatal(err)
	}
	stop := p.poll(p.local)
	defer stop()
	waitFor(t, "the welcome email", func() bool { return p.welcomes(t) == 1 })
}

// lostAnswer delivers a message and then fails, as a mail server that accepted the
// message but whose answer never came back: the consumer cannot know it was sent.
type lostAnswer struct {
	next  mail.Sender
	calls atomic.Int32
}

func (l *lostAnswer) Send(ctx context.Context, m mail.Message) error {
	if err := l.next.Send(ctx, m); err != nil {
		return err
	}
	if l.calls.Add(1) == 1 {
		return errors.New("connection reset after DATA")
	}
	return nil
}

// A mail whose sending looked failed is sent again (at least once), and the outbox,
// which keeps one file per message id, shows it once.
func TestAMailSentTwiceArrivesOnce(t *testing.T) {
	t.Parallel()
	p, _ := newEventPath(t)
	sender := &lostAnswer{next: mail.Outbox{Dir: p.outbox, From: "t@example.com"}}
	p.local = &bus.Local{Consumers: app.Consumers(config.Config{PublicURL: "http://localhost:8080"}, p.st, sender, nil), Attempts: 3, Backoff: 10 * time.Millisecond}
	p.registerMember(t, "hal@example.com")
	stop := p.poll(p.local)
	waitFor(t, "the second send", func() bool { return sender.calls.Load() >= 2 })
	stop()
	if n := p.welcomes(t); n != 1 {
		t.Fatalf("%d welcome emails in the outbox, want 1", n)
	}
	// Replaying the whole stream sends nothing more: the claim is marked done.
	p.ckpt += ".replay"
	stop = p.poll(p.local)
	time.Sleep(300 * time.Millisecond)
	stop()
	if n := sender.calls.Load(); n != 2 {
		t.Fatalf("%d sends after a replay, want 2", n)
	}
}

func TestFailingConsumerIsRetriedThenDeadLettered(t *testing.T) {
	var calls atomic.Int32
	dead := make(chan string, 1)
	local := &bus.Local{Attempts: 3, Backoff: time.Millisecond,
		Consumers: map[string]bus.ConsumerFunc{bus.ConsumerMetrics: bus.Dispatch("metrics", map[string]bus.Handler{
			eventtypes.MemberRegisteredType: func(context.Context, eventtypes.Envelope) error { calls.Add(1); return errors.New("boom") },
		})},
		DeadLetter: func(consumer string, env eventtypes.Envelope, err error) error {
			dead <- consumer + " " + env.ID
			return nil
		},
	}
	meta := eventtypes.NewMeta(time.Now())
	env, _ := eventtypes.Wrap(eventtypes.MemberRegistered{Meta: meta})
	if err := local.Put(context.Background(), []eventtypes.Envelope{env}); err != nil {
		t.Fatal(err)
	}
	local.Wait()
	if calls.Load() != 3 {
		t.Fatalf("consumer called %d times, want 3", calls.Load())
	}
	if got := <-dead; got != "metrics "+meta.EventID {
		t.Fatalf("dead letter %q", got)
	}
}

// Every event the routing table sends to a consumer has a handler there (an event
// without one would be logged and dropped).
func TestEveryRoutedEventHasAHandler(t *testing.T) {
	handlers := app.Handlers(config.Config{}, nil, nil, nil)
	for _, r := range bus.Routes {
		for _, dt := range r.DetailTypes {
			if handlers[r.Consumer][dt] == nil {
				t.Errorf("%s receives %s but has no handler for it", r.Consumer, dt)
			}
		}
	}
	for consumer, hs := range handlers {
		for dt := range hs {
			routed := false
			for _, r := range bus.RoutesOf(consumer) {
				routed = routed || slices.Contains(r.DetailTypes, dt)
			}
			if !routed {
				t.Errorf("%s handles %s but no route sends it", consumer, dt)
			}
		}
	}
}
