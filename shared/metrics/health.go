package metrics

import (
	"context"
	"fmt"
	"time"
)

// The health check (docs/kpis.md, "Health check"): every N months (the settings'
// healthCheckMonths, 6 by default) and on demand, the KPI cards of the N months ending
// yesterday are stored as a report, compared with the previous report (else with the
// equal period before), and what went wrong is listed as findings: codes with numbers,
// which the web and the email turn into sentences in the reader's language.

// HealthCard is one KPI card of `GET /api/kpis` (Card, docs/api.md) as a health
// check's report keeps it, with the card's value in the previous check.
type HealthCard struct {
	Card
	// PreviousCheck is the card's value in the previous health check (absent for the
	// first one, or when that check could not show it).
	PreviousCheck *float64 `json:"previousCheck,omitempty"`
}

// HealthShare is one group of the participation (90-9-1): its members and their share of the
// active members, null when the small-group rule hides them (as Group).
type HealthShare struct {
	Members *int64   `json:"members"`
	Share   *float64 `json:"share"`
}

// HealthParticipation is the participation part of a report (`GET
// /api/kpis/participation`'s figures, without the named members: a report is read by
// every admin for years, it names no one).
type HealthParticipation struct {
	From          string      `json:"from"`
	To            string      `json:"to"`
	ActiveMembers *int64      `json:"activeMembers"`
	HeavyFrom     int         `json:"heavyFrom"`
	Readers       HealthShare `json:"readers"`
	Occasional    HealthShare `json:"occasional"`
	Heavy         HealthShare `json:"heavy"`
	Merged        bool        `json:"merged"`
}

// KPISource gives the figures a health check and the baseline freeze: the dashboard's
// cards of a range (the code of `GET /api/kpis` implements it) and the participation.
type KPISource interface {
	Cards(ctx context.Context, from, to string) ([]HealthCard, error)
	// Participation of the 28 days ending to (from: the report's range, unused).
	Participation(ctx context.Context, from, to string) (HealthParticipation, error)
}

// Finding is something a health check noticed: a code, the KPI it is about, and the
// figure before (the previous check, else the period before) and now.
type Finding struct {
	Code string  `json:"code"`
	Kpi  string  `json:"kpi"`
	From float64 `json:"from"`
	To   float64 `json:"to"`
}

// Finding codes and the KPIs they watch.
const (
	FindingFirstResponseDoubled = "first_response_doubled"
	FindingSolutionRateDown     = "solution_rate_down"
	FindingDauMauDown           = "dau_mau_down"
	FindingUnansweredUp         = "unanswered_up"
	FindingContributionsDown    = "contributions_down"
	FindingShiftedToReaders     = "participation_shifted_to_readers"

	KpiFirstResponseMedian = "first_response_median"
	KpiSolutionRate        = "solution_rate"
	KpiDauMau              = "dau_mau"
	KpiUnanswered          = "unanswered_questions"
	KpiContributions       = "contributions"
	// KpiReadersShare names the readers' share of the participation in a finding.
	KpiReadersShare = "readers_share"
)

// Thresholds of the findings (docs/kpis.md, "Health check").
const (
	// FirstResponseFactor: the median first response at least doubled.
	FirstResponseFactor = 2.0
	// SolutionRateFactor: the solution rate fell to two thirds or less (down by a third).
	SolutionRateFactor = 2.0 / 3
	// DauMauFactor: DAU/MAU fell to four fifths or less (down by a fifth).
	DauMauFactor = 0.8
	// UnansweredFactor and UnansweredMin: unanswered questions grew by half and by 5
	// questions at least.
	UnansweredFactor = 1.5
	UnansweredMin    = 5
	// ContributionsFactor: posts and comments written fell to three quarters or less.
	ContributionsFactor = 0.75
	// ReadersShift: the readers' share of active members grew by 5 points or more.
	ReadersShift = 0.05
)

// Findings compares each watched card with its previous check (else its previous
// period) and the participation with the previous report's; a figure not shown (null:
// unavailable, merged by the small-group rule) on either side makes no finding.
func Findings(cards []HealthCard, part, prevPart *HealthParticipation) []Finding {
	out := []Finding{}
	for _, c := range cards {
		if c.Value == nil || !c.Available {
			continue
		}
		before := c.PreviousCheck
		if before == nil {
			before = c.Previous
		}
		if before == nil {
			continue
		}
		from, to := *before, *c.Value
		code := ""
		switch c.Kpi {
		case KpiFirstResponseMedian:
			if from > 0 && to >= FirstResponseFactor*from {
				code = FindingFirstResponseDoubled
			}
		case KpiSolutionRate:
			if from > 0 && to <= SolutionRateFactor*from {
				code = FindingSolutionRateDown
			}
		case KpiDauMau:
			if from > 0 && to <= DauMauFactor*from {
				code = FindingDauMauDown
			}
		case KpiUnanswered:
			if to >= UnansweredFactor*from && to-from >= UnansweredMin {
				code = FindingUnansweredUp
			}
		case KpiContributions:
			if from > 0 && to <= ContributionsFactor*from {
				code = FindingContributionsDown
			}
		}
		if code != "" {
			out = append(out, Finding{Code: code, Kpi: c.Kpi, From: from, To: to})
		}
	}
	if part != nil && prevPart != nil && !part.Merged && !prevPart.Merged && part.Readers.Share != nil && prevPart.Readers.Share != nil &&
		*part.Readers.Share-*prevPart.Readers.Share >= ReadersShift-1e-9 {
		out = append(out, Finding{Code: FindingShiftedToReaders, Kpi: KpiReadersShare, From: *prevPart.Readers.Share, To: *part.Readers.Share})
	}
	return out
}

// HealthReport is one health check: `GET /api/kpis/health-checks/{id}`.
type HealthReport struct {
	ID    string       `json:"id"`
	At    time.Time    `json:"at"`
	From  string       `json:"from"`
	To    string       `json:"to"`
	Cards []HealthCard `json:"cards"`
	// Participation is always there in a report run since tester 14b's finding 4 (the
	// 28 days ending To, groups under the small-group rule, all zeros included).
	Participation *HealthParticipation `json:"participation"`
	Findings      []Finding            `json:"findings"`
	// Months is the period the check covered (the settings' healthCheckMonths then).
	Months int `json:"months"`
	// BaselineAt is when the baseline its cards carry was frozen (absent: none was).
	BaselineAt *time.Time `json:"baselineAt,omitempty"`
}

// RunKey is what makes two checks the same for the 10-minute rule: the period, the
// settings (months, heavyFrom) and the baseline's time, so a check after a freeze or a
// settings change runs anew (tester 14b, finding 13).
func (r HealthReport) RunKey() string {
	heavy, base := 0, int64(0)
	if r.Participation != nil {
		heavy = r.Participation.HeavyFrom
	}
	if r.BaselineAt != nil {
		base = r.BaselineAt.UnixNano()
	}
	return fmt.Sprintf("%s#%s#m%d#h%d#b%d", r.From, r.To, r.Months, heavy, base)
}

// HealthSummary is a report in the list: `GET /api/kpis/health-checks`.
type HealthSummary struct {
	ID   string    `json:"id"`
	At   time.Time `json:"at"`
	From string    `json:"from"`
	To   string    `json:"to"`
}

// HealthRange is the period a check run at now covers: the months ending yesterday
// (UTC), from the day after the same date months earlier.
func HealthRange(now time.Time, months int) (from, to string) {
	end := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, -1)
	start := end.AddDate(0, -months, 1)
	if end.Sub(start) >= MaxTrafficDays*24*time.Hour {
		start = end.AddDate(0, 0, -(MaxTrafficDays - 1))
	}
	return Day(start), Day(end)
}

// BaselineRange is the period a baseline freezes: the 30 days ending yesterday (UTC).
func BaselineRange(now time.Time) (from, to string) {
	end := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, -1)
	return Day(end.AddDate(0, 0, -(BaselineDays - 1))), Day(end)
}

// BaselineDays is the length of the baseline's period.
const BaselineDays = 30

// Baseline is the launch baseline: `GET /api/kpis/baseline`.
type Baseline struct {
	At     time.Time          `json:"at"`
	From   string             `json:"from"`
	To     string             `json:"to"`
	Values map[string]float64 `json:"values"`
}

// BaselineOf keeps the cards' shown values (a card without one is left out).
func BaselineOf(at time.Time, from, to string, cards []HealthCard) Baseline {
	b := Baseline{At: at.UTC(), From: from, To: to, Values: map[string]float64{}}
	for _, c := range cards {
		if c.Available && c.Value != nil {
			b.Values[c.Kpi] = *c.Value
		}
	}
	return b
}

// WithPreviousCheck sets each card's PreviousCheck from the previous report's card of the
// same KPI.
func WithPreviousCheck(cards []HealthCard, prev *HealthReport) []HealthCard {
	if prev == nil {
		return cards
	}
	before := map[string]*float64{}
	for _, c := range prev.Cards {
		before[c.Kpi] = c.Value
	}
	for i := range cards {
		cards[i].PreviousCheck = before[cards[i].Kpi]
	}
	return cards
}
