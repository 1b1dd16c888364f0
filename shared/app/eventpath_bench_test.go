package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tribune/shared/app"
	"tribune/shared/auth"
	"tribune/shared/bus"
	"tribune/shared/config"
	"tribune/shared/eventtypes"
	"tribune/shared/mail"
	"tribune/shared/policy"
	"tribune/shared/spaces"
	"tribune/shared/store"
	"tribune/shared/store/dynamotest"
)

// landed records when each post.created event had been handled by every consumer: the
// local bus's Put returns only then (feed fan-out, metrics), and the poller
// checkpoints after it.
type landed struct {
	next bus.Putter
	mu   sync.Mutex
	lags []time.Duration
	last time.Time
	n    atomic.Int64
}

func (l *landed) Put(ctx context.Context, batch []eventtypes.Envelope) error {
	err := l.next.Put(ctx, batch)
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, env := range batch {
		if env.DetailType == eventtypes.PostCreatedType {
			l.lags = append(l.lags, now.Sub(env.Time))
			l.last = now
			l.n.Add(1)
		}
	}
	return err
}

// eventPathBench is a community on DynamoDB Local: posters who are members of one
// public space (so every post fans out to each of their home streams), the whole API
// in one handler, and the local event path (stream poller, publisher, local bus,
// every consumer) as `make run` wires it.
type eventPathBench struct {
	h       http.Handler
	space   string
	cookies []string
	streams func() (stop func())
	landed  *landed
}

func newEventPathBench(b *testing.B, posters int) *eventPathBench {
	tbl := dynamotest.NewTable(b)
	st := store.New(tbl.DB, tbl.Name)
	cfg := config.Config{PublicURL: "http://bench.local"}
	sender := mail.Outbox{Dir: b.TempDir(), From: "t@example.com"}
	h, err := app.LocalHandler(app.Deps{Config: cfg, Store: st, Mail: sender})
	if err != nil {
		b.Fatal(err)
	}
	e := &eventPathBench{h: h}
	for i := 0; i < posters; i++ {
		// Moderators, whom the posting rate limit (20 a minute) does not brake: the
		// bench is a busy community's many members.
		roles := []string{policy.RoleMember, policy.RoleModerator}
		if i == 0 {
			roles = append(roles, policy.RoleAdmin)
		}
		id := newMember(b, st, fmt.Sprintf("poster%d", i), roles)
		sess, cookie := auth.NewSession(id, time.Now(), "bench")
		if err := st.Members().CreateSession(context.Background(), sess); err != nil {
			b.Fatal(err)
		}
		e.cookies = append(e.cookies, cookie)
	}
	var sp spaces.Space
	_ = json.Unmarshal(e.call(b, 0, "POST", "/api/spaces", `{"name":"Bench","visibility":"public"}`, 201), &sp)
	e.space = sp.ID
	for i := 1; i < posters; i++ {
		e.call(b, i, "POST", "/api/spaces/"+sp.ID+"/join", "", 200)
	}
	local := &bus.Local{Consumers: app.Consumers(cfg, st, sender, nil), Attempts: 3, Backoff: 10 * time.Millisecond}
	e.landed = &landed{next: local}
	streams, ckpt := tbl.PollerStreams(b, pollerIdle), filepath.Join(b.TempDir(), "ckpt.json")
	e.streams = func() func() { return pollStream(streams, tbl.StreamARN, ckpt, e.landed) }
	// Drain what the set-up published (registrations, joins) before measuring.
	stop := e.streams()
	e.post(b, 0, -1)
	for deadline := time.Now().Add(waitLimit); e.landed.n.Load() < 1; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatal("the set-up's events never landed")
		}
	}
	stop()
	e.landed.n.Store(0)
	e.landed.lags = nil
	return e
}

func (e *eventPathBench) call(b *testing.B, who int, method, path, body string, want int) []byte {
	if b.Failed() {
		return nil
	}
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: e.cookies[who]})
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	if w.Code != want {
		b.Errorf("%s %s: %d %s", method, path, w.Code, w.Body.String())
	}
	return w.Body.Bytes()
}

func (e *eventPathBench) post(b *testing.B, who, i int) {
	e.call(b, who, "POST", "/api/spaces/"+e.space+"/posts", fmt.Sprintf(`{"kind":"discussion","title":"Bench %d","body":"Some text."}`, i), 201)
}

// postAll publishes n posts from every poster at once and returns when all were accepted.
func (e *eventPathBench) postAll(b *testing.B, n int) time.Duration {
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range e.cookies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)); i <= n; i = int(next.Add(1)) {
				e.post(b, w, i)
			}
		}()
	}
	wg.Wait()
	return time.Since(start)
}

func (e *eventPathBench) waitLanded(b *testing.B, n int) {
	if b.Failed() {
		b.FailNow()
	}
	for deadline := time.Now().Add(10 * waitLimit); e.landed.n.Load() < int64(n); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d posts through the event path", e.landed.n.Load(), n)
		}
	}
}

// BenchmarkEventPath measures, with -benchtime=Nx posts (e.g. 1000x), whether the
// event path keeps up with the API, against DynamoDB Local with 8 posters in one space:
//
//   - sustained: the posters publish as fast as the API accepts (api-posts/s) while the
//     event path runs; event-posts/s is posts over the time until the last one had
//     been handled by every consumer, lag-p50/p99/max-ms how long after its acceptance
//     a post was (in every home stream, counted), backlog-posts how many posts were
//     still waiting when the API had accepted the last one;
//   - drain: the same posts are accepted while the poller is stopped, then the event
//     path alone drains them (drain-posts/s, its capacity).
func BenchmarkEventPath(b *testing.B) {
	const posters = 8
	b.Run("sustained", func(b *testing.B) {
		e := newEventPathBench(b, posters)
		stop := e.streams()
		defer stop()
		b.ResetTimer()
		start := time.Now()
		api := e.postAll(b, b.N)
		backlog := int64(b.N) - e.landed.n.Load()
		e.waitLanded(b, b.N)
		b.StopTimer()
		e.landed.mu.Lock()
		defer e.landed.mu.Unlock()
		lags := slices.Sorted(slices.Values(e.landed.lags))
		b.ReportMetric(float64(b.N)/api.Seconds(), "api-posts/s")
		b.ReportMetric(float64(b.N)/e.landed.last.Sub(start).Seconds(), "event-posts/s")
		b.ReportMetric(float64(backlog), "backlog-posts")
		b.ReportMetric(ms(lags[len(lags)/2]), "lag-p50-ms")
		b.ReportMetric(ms(lags[len(lags)*99/100]), "lag-p99-ms")
		b.ReportMetric(ms(lags[len(lags)-1]), "lag-max-ms")
	})
	b.Run("drain", func(b *testing.B) {
		e := newEventPathBench(b, posters)
		api := e.postAll(b, b.N)
		b.ResetTimer()
		start := time.Now()
		stop := e.streams()
		defer stop()
		e.waitLanded(b, b.N)
		b.StopTimer()
		b.ReportMetric(float64(b.N)/api.Seconds(), "api-posts/s")
		b.ReportMetric(float64(b.N)/e.landed.last.Sub(start).Seconds(), "drain-posts/s")
	})
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
