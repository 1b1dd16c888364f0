package rewards

import (
	"fmt"
	"time"
)

// Leaderboard periods: a board counts the points earned (Lifetime moves) in one of them.
const (
	PeriodWeek    = "week"
	PeriodMonth   = "month"
	PeriodQuarter = "quarter"
	PeriodAll     = "all"
)

// Periods are the leaderboard periods, shortest first.
var Periods = []string{PeriodWeek, PeriodMonth, PeriodQuarter, PeriodAll}

// BoardTop is how many members a leaderboard shows.
const BoardTop = 50

// PeriodKey names the period of kind that holds t (UTC): "2026-W48" (ISO week),
// "2026-11", "2026-Q4", "all".
func PeriodKey(kind string, t time.Time) string {
	t = t.UTC()
	switch kind {
	case PeriodWeek:
		y, w := t.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	case PeriodMonth:
		return t.Format("2006-01")
	case PeriodQuarter:
		return fmt.Sprintf("%04d-Q%d", t.Year(), (int(t.Month())-1)/3+1)
	default:
		return PeriodAll
	}
}

// Board names one leaderboard: a period of a scope (the community: SpaceID "").
type Board struct {
	SpaceID string
	Period  string // a PeriodKey
}

// BoardsOf are the boards an entry of space spaceID earned at t counts on: the
// community's and, with a space, the space's, for every period.
func BoardsOf(spaceID string, t time.Time) []Board {
	var out []Board
	for _, kind := range Periods {
		out = append(out, Board{Period: PeriodKey(kind, t)})
	}
	if spaceID != "" {
		for _, kind := range Periods {
			out = append(out, Board{SpaceID: spaceID, Period: PeriodKey(kind, t)})
		}
	}
	return out
}
