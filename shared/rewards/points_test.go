package rewards

import (
	"errors"
	"testing"
	"time"

	"tribune/shared/errs"
)

// The periods of a leaderboard: ISO weeks (a year's last days may be next year's week
// 1), months, quarters, all time; an entry counts on the community's boards and, with a
// space, on the space's.
func TestRewardsPeriodsAndBoards(t *testing.T) {
	at := time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC)
	for kind, want := range map[string]string{PeriodWeek: "2026-W53", PeriodMonth: "2026-12", PeriodQuarter: "2026-Q4", PeriodAll: "all"} {
		if got := PeriodKey(kind, at); got != want {
			t.Errorf("%s: %s, want %s", kind, got, want)
		}
	}
	if got := PeriodKey(PeriodWeek, time.Date(2027, 1, 1, 0, 0, 0, 0, time.FixedZone("x", 3600))); got != "2026-W53" {
		t.Errorf("a time in another zone counts in UTC: %s", got)
	}
	if n := len(BoardsOf("", at)); n != 4 {
		t.Errorf("%d community boards, want 4", n)
	}
	if n := len(BoardsOf("s_1", at)); n != 8 {
		t.Errorf("%d boards with a space, want 8", n)
	}
}

// Ranks follow the score; settings are valid only complete and in order, and a refusal
// names its field.
func TestRewardsRanksAndSettings(t *testing.T) {
	ranks := DefaultRanks()
	for score, want := range map[int64]string{0: "newcomer", 99: "newcomer", 100: "contributor", 4999: "expert", 1e6: "legend"} {
		if got := RankFor(ranks, score).ID; got != want {
			t.Errorf("%d points: %s, want %s", score, got, want)
		}
	}
	v, err := Settings{Rules: []Rule{{Name: RuleComment, Points: 7, DailyCap: 21, On: true}}, Ranks: ranks}.Valid()
	if err != nil || len(v.Rules) != len(DefaultRules()) || v.Rule(RuleComment).Points != 7 || v.Rule(RulePostCreated).Points != 10 {
		t.Fatalf("valid settings: %+v %v", v, err)
	}
	for field, s := range map[string]Settings{
		"rules.0.name":      {Rules: []Rule{{Name: "bribe"}}, Ranks: ranks},
		"rules.1.name":      {Rules: []Rule{{Name: RuleComment}, {Name: RuleComment}}, Ranks: ranks},
		"rules.0.points":    {Rules: []Rule{{Name: RuleComment, Points: 1001}}, Ranks: ranks},
		"ranks":             {},
		"ranks.0.threshold": {Ranks: []Rank{{ID: "a", Name: Names{"A", "A"}, Threshold: 5}}},
		"ranks.1.threshold": {Ranks: []Rank{ranks[0], {ID: "b", Name: Names{"B", "B"}, Threshold: 0}}},
		"ranks.1.id":        {Ranks: []Rank{ranks[0], {ID: "newcomer", Name: Names{"B", "B"}, Threshold: 10}}},
		"ranks.0.name.fr":   {Ranks: []Rank{{ID: "a", Name: Names{"A", "\x07"}}}},
	} {
		_, err := s.Valid()
		var e *errs.Error
		if !errors.As(err, &e) || e.Field != field || e.Code != ErrSettings.Code {
			t.Errorf("%s: %v", field, err)
		}
	}
	if base, ok := IsReversal(ReversalOf(RuleComment)); !ok || base != RuleComment {
		t.Errorf("reversal of %s: %s %v", RuleComment, base, ok)
	}
	if got := BadgesFor(StatAcceptedAnswers, 10); len(got) != 2 {
		t.Errorf("10 accepted answers earn %d badges, want 2", len(got))
	}
}
