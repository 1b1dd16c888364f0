package newsletters

import (
	"slices"

	"tribune/shared/errs"
)

// States (docs/newsletters.md, "States"): a newsletter is written as a draft; scheduled
// for a date; sending from that date (its audience frozen into delivery records);
// paused (by a marketer, after too many errors, or because its schedule woke up too
// late); cancelled; sent once every delivery record is done. The server enforces every
// move; the web only offers the moves of Moves(state).

// Actions a marketer takes on a newsletter's sending (POST /api/newsletters/{id}/...).
const (
	ActSchedule   = "schedule"   // draft -> scheduled
	ActUnschedule = "unschedule" // scheduled -> draft
	ActPause      = "pause"      // sending -> paused
	ActResume     = "resume"     // paused -> sending (also confirms a late send)
	ActCancel     = "cancel"     // scheduled, sending, paused -> cancelled
)

// Why a newsletter is paused.
const (
	PausedByMarketer = "marketer" // a marketer paused it
	PausedErrors     = "errors"   // errors passed the threshold (auto-pause)
	PausedLate       = "late"     // its schedule woke up more than LateAfterHours late
)

// moves is the table of moves: from each state, the actions that leave it and where
// they lead. Starting (scheduled -> sending) and finishing (sending -> sent) are the
// sender's, not a marketer's.
var moves = map[string]map[string]string{
	StateDraft:     {ActSchedule: StateScheduled},
	StateScheduled: {ActUnschedule: StateDraft, ActCancel: StateCancelled},
	StateSending:   {ActPause: StatePaused, ActCancel: StateCancelled},
	StatePaused:    {ActResume: StateSending, ActCancel: StateCancelled},
}

// Errors of the state machine.
var (
	ErrNotFromState = errs.New(errs.Conflict, "newsletter_state", "The newsletter cannot do that from the state it is in.")
)

// Next is the state an action leads to from state, or ErrNotFromState.
func Next(state, action string) (string, error) {
	to, ok := moves[state][action]
	if !ok {
		return "", ErrNotFromState
	}
	return to, nil
}

// Moves are the actions a marketer may take from state, in a fixed order.
func Moves(state string) []string {
	var out []string
	for _, a := range []string{ActSchedule, ActUnschedule, ActPause, ActResume, ActCancel} {
		if _, ok := moves[state][a]; ok {
			out = append(out, a)
		}
	}
	return out
}

// Editable reports whether a newsletter in state may be edited or deleted: a draft
// only. A scheduled one is unscheduled first (as Mailchimp asks): what is scheduled is
// what the marketer saw; one that is sending, paused, cancelled or sent never changes.
func Editable(state string) bool { return state == StateDraft || state == "" }

// Finished reports whether state is final (cancelled, sent).
func Finished(state string) bool { return state == StateCancelled || state == StateSent }

// States is every state, in the order of their life.
var States = []string{StateDraft, StateScheduled, StateSending, StatePaused, StateCancelled, StateSent}

// ValidState reports whether s is a state.
func ValidState(s string) bool { return slices.Contains(States, s) }
