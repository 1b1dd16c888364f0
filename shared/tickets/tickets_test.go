package tickets

import (
	"testing"
	"time"
)

func TestQueueFlagsMissedAndSoonTargets(t *testing.T) {
	created := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	tk := Ticket{Status: StatusNew, CreatedAt: created, FirstResponseDue: created.Add(4 * time.Hour), ResolutionDue: created.Add(24 * time.Hour)}
	cases := []struct {
		name           string
		now            time.Time
		first          bool
		breached, soon bool
	}{
		{"fresh", created.Add(time.Hour), false, false, false},
		{"less than a quarter left", created.Add(3*time.Hour + 30*time.Minute), false, false, true},
		{"missed", created.Add(5 * time.Hour), false, true, false},
		{"answered, resolution far", created.Add(5 * time.Hour), true, false, false},
		{"answered, resolution soon", created.Add(20 * time.Hour), true, false, true},
		{"answered, resolution missed", created.Add(25 * time.Hour), true, true, false},
	}
	for _, c := range cases {
		tc := tk
		if c.first {
			at := created.Add(time.Hour)
			tc.FirstResponseAt, tc.Status = &at, StatusOpen
		}
		s := tc.Summary(c.now)
		if s.Breached != c.breached || s.Soon != c.soon {
			t.Errorf("%s: breached %v soon %v, want %v %v", c.name, s.Breached, s.Soon, c.breached, c.soon)
		}
	}
	solved := tk
	solved.Status = StatusSolved
	if s := solved.Summary(created.Add(48 * time.Hour)); s.Breached || s.Soon || !s.NextDue.IsZero() {
		t.Errorf("a solved ticket is flagged: %+v", s)
	}
}

func TestWorkflowMoves(t *testing.T) {
	if err := move(&Ticket{Status: StatusOpen}, StatusClosed, true, false, time.Now(), 7); err != ErrMove {
		t.Errorf("agent closes an open ticket: %v", err)
	}
	if err := move(&Ticket{Status: StatusOpen}, StatusOnHold, false, true, time.Now(), 7); err != ErrMove {
		t.Errorf("customer puts a ticket on hold: %v", err)
	}
	tk := Ticket{Status: StatusOpen}
	now := time.Now()
	if err := move(&tk, StatusSolved, false, true, now, 3); err != nil || tk.AutoCloseAt == nil || !tk.AutoCloseAt.Equal(now.Add(72*time.Hour)) {
		t.Errorf("customer solves: %v %+v", err, tk)
	}
	if err := move(&tk, StatusClosed, true, false, now, 3); err != nil || tk.AutoCloseAt != nil {
		t.Errorf("agent closes a solved ticket: %v %+v", err, tk)
	}
}
