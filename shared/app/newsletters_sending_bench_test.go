package app_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"tribune/shared/app"
	"tribune/shared/auth"
	"tribune/shared/config"
	"tribune/shared/newsletters"
	"tribune/shared/policy"
	"tribune/shared/queue"
	"tribune/shared/store"
	"tribune/shared/store/dynamotest"
)

// nullTransport takes every mail and writes nothing (the benchmark leaves the mail
// transport out).
type nullTransport struct{ n *atomic.Int64 }

func (t nullTransport) Send(ctx context.Context, m newsletters.Mail) error {
	t.n.Add(1)
	return nil
}

// BenchmarkNewsletterSend runs audiences of 2,500 and 10,000 recipients through the
// whole local pipeline (schedule, the clock's job, the freeze into delivery records,
// the local durable queue in the table, two senders claiming, rendering with writing's
// Composer and marking each recipient) with a transport that writes nothing, unthrottled.
// It reports the wall time, the CPU of this process per recipient (DynamoDB Local is
// another process), the peak heap above the start (flat as the audience grows) and the
// DynamoDB calls per recipient. Run: go test -run '^$' -bench NewsletterSend -benchtime 1x ./shared/app/
func BenchmarkNewsletterSend(b *testing.B) {
	for _, n := range []int{2500, 10000} {
		b.Run(fmt.Sprintf("recipients=%d", n), func(b *testing.B) {
			for range b.N {
				benchSend(b, n)
			}
		})
	}
}

func benchSend(b *testing.B, n int) {
	b.StopTimer()
	tbl := dynamotest.NewTable(b)
	st := store.New(tbl.DB, tbl.Name)
	var readers []newsletters.Recipient
	for i := range n {
		id := fmt.Sprintf("m_b%06d", i)
		readers = append(readers, addReader(b, st, id, "Reader "+id, []string{"en", "fr"}[i%2]))
	}
	deps := app.Deps{Config: config.Config{PublicURL: "http://bench.local"}, Store: st}
	marketer := newMember(b, st, "Marketa", []string{policy.RoleMember, policy.RoleMarketer})
	e := &sendEnv{st: st, members: readers, marketer: marketer}
	e.draftTB(b, "nl_bench")
	svc, err := app.NewSendService(deps)
	if err != nil {
		b.Fatal(err)
	}
	var handed atomic.Int64
	sender, err := app.NewSender(deps)
	if err != nil {
		b.Fatal(err)
	}
	sender.Transport, sender.Unthrottled = nullTransport{&handed}, true
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	peak := atomic.Uint64{}
	stopSampling := make(chan struct{})
	var sampled sync.WaitGroup
	sampled.Go(func() {
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stopSampling:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
	tbl.Trips.Reset()
	cpu0 := cpuTime()
	start := time.Now()
	b.StartTimer()

	ctx := context.Background()
	if _, err := svc.Schedule(ctx, auth.Principal{MemberID: marketer, Roles: []string{policy.RoleMarketer}}, "nl_bench", newsletters.ScheduleRequest{Now: true}); err != nil {
		b.Fatal(err)
	}
	if err := app.RunDueSchedules(ctx, deps, time.Now()); err != nil {
		b.Fatal(err)
	}
	p := &queue.Poller{Store: st.LocalQueue(), Queue: app.NewsletterQueueName, Handler: app.SendHandler(sender, nil), BatchSize: 1,
		Visibility: app.SendVisibility, MaxReceives: app.SendMaxReceives}
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for {
				got, err := p.Once(ctx)
				if err != nil {
					b.Error(err)
					return
				}
				if got == 0 {
					return
				}
			}
		})
	}
	wg.Wait()

	b.StopTimer()
	wall, cpu, calls := time.Since(start), cpuTime()-cpu0, tbl.Trips.Count()
	close(stopSampling)
	sampled.Wait()
	s, err := st.Newsletters().Sending(ctx, "nl_bench")
	if err != nil || s.Progress.Sent != n || handed.Load() != int64(n) {
		b.Fatalf("sent %d, handed over %d, want %d (%v)", s.Progress.Sent, handed.Load(), n, err)
	}
	b.ReportMetric(wall.Seconds(), "wall-s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(n)/1000, "cpu-ms/recipient")
	b.ReportMetric(float64(calls)/float64(n), "ddb-calls/recipient")
	b.ReportMetric(float64(peak.Load()-min(peak.Load(), base.HeapInuse))/(1<<20), "peak-heap-MB")
}

// cpuTime is the CPU time (user and system) this process used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
