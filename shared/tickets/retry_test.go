package tickets

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"tribune/shared/eventtypes"
)

// versioned is a store whose SaveTicket writes only if the ticket is still as it was
// read (its update time), as DynamoDB's conditional write does, taking a while to write.
type versioned struct {
	Store
	mu      sync.Mutex
	current Ticket
	replies int
}

func (v *versioned) read() (Ticket, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.current, nil
}

func (v *versioned) SaveTicket(_ context.Context, old, t Ticket, reply *Reply, _ []eventtypes.Envelope) error {
	time.Sleep(2 * time.Millisecond)
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.current.UpdatedAt.Equal(old.UpdatedAt) {
		return ErrConflict
	}
	v.current = t
	if reply != nil {
		v.replies++
	}
	return nil
}

// Changes racing from different processes (no turns taken: each its own changeLoaded)
// all land: the one that lost reads the fresh ticket and tries again, after a random
// wait (findings of 2026-11-30, 2).
func TestChangesRacingAcrossProcessesAllLand(t *testing.T) {
	v := &versioned{current: Ticket{ID: "t_1", UpdatedAt: time.Now()}}
	s := &Service{Store: v, Now: time.Now}
	var wg sync.WaitGroup
	errs := make(chan error, 30)
	for i := range 30 {
		wg.Go(func() {
			_, err := s.changeLoaded(context.Background(), v.read, func(tk *Ticket) (*Reply, []eventtypes.Envelope, error) {
				tk.UpdatedAt = tk.UpdatedAt.Add(time.Duration(i+1) * time.Nanosecond)
				return &Reply{ID: fmt.Sprint(i)}, nil, nil
			})
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if v.replies != 30 {
		t.Fatalf("%d replies landed, want 30", v.replies)
	}
}

// The waits between attempts are short at first, and never over 2 s.
func TestRetryWaitsAreBounded(t *testing.T) {
	if w := retryWait(1, 0); w <= 0 || w > 6*time.Millisecond {
		t.Fatalf("first wait %v", w)
	}
	for n := 1; n < 20; n++ {
		if w := retryWait(n, time.Second); w > 2*time.Second+time.Millisecond {
			t.Fatalf("wait %d is %v, over 2 s", n, w)
		}
	}
}
