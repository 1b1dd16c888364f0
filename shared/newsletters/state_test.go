package newsletters

import (
	"slices"
	"testing"
	"time"
)

// Every state answers exactly the moves of docs/newsletters.md ("States"); every other
// move is refused; only a draft is edited.
func TestNewsletterStatesAllowTheDocumentedMovesOnly(t *testing.T) {
	want := map[string]map[string]string{
		StateDraft:     {ActSchedule: StateScheduled},
		StateScheduled: {ActUnschedule: StateDraft, ActCancel: StateCancelled},
		StateSending:   {ActPause: StatePaused, ActCancel: StateCancelled},
		StatePaused:    {ActResume: StateSending, ActCancel: StateCancelled},
		StateCancelled: {},
		StateSent:      {},
	}
	for _, state := range States {
		for _, act := range []string{ActSchedule, ActUnschedule, ActPause, ActResume, ActCancel} {
			to, err := Next(state, act)
			if w, ok := want[state][act]; ok != (err == nil) || to != w {
				t.Errorf("%s --%s--> %q, %v; want %q", state, act, to, err, w)
			}
		}
		if got := len(Moves(state)); got != len(want[state]) {
			t.Errorf("%s: moves %v", state, Moves(state))
		}
		if Editable(state) != (state == StateDraft) {
			t.Errorf("%s editable: %v", state, Editable(state))
		}
	}
	if !slices.Equal(Moves(StatePaused), []string{ActResume, ActCancel}) {
		t.Errorf("paused: %v", Moves(StatePaused))
	}
}

// Errors pause a sending past the share of mails tried, and never below the floor.
func TestTooManyErrors(t *testing.T) {
	for _, c := range []struct {
		p    Progress
		want bool
	}{
		{Progress{Sent: 0, Errors: 9}, false},
		{Progress{Sent: 0, Errors: 10}, true},
		{Progress{Sent: 190, Errors: 10}, false}, // 5 % exactly
		{Progress{Sent: 189, Errors: 11}, true},
		{Progress{Sent: 1000, Errors: 40}, false},
	} {
		if got := TooManyErrors(c.p, 5); got != c.want {
			t.Errorf("%+v: %v, want %v", c.p, got, c.want)
		}
	}
}

// A local date reads in the community's zone: 09:00 in Paris in winter is 08:00 UTC,
// in summer 07:00; a malformed one is refused.
func TestScheduleDatesReadInTheCommunityTimeZone(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{"2026-12-01T09:00": "2026-12-01T08:00:00Z", "2027-07-01T09:00": "2027-07-01T07:00:00Z"} {
		got, err := ParseLocal(in, paris)
		if err != nil || got.UTC().Format(time.RFC3339) != want {
			t.Errorf("%s: %v %v, want %s", in, got.UTC(), err, want)
		}
	}
	for _, bad := range []string{"", "2026-12-01", "2026-12-01 09:00", "2026-12-01T25:00", "2026-12-01T09:00:00Z"} {
		if _, err := ParseLocal(bad, paris); err != ErrSendAt {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
