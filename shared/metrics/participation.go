package metrics

import (
	"context"
	"fmt"
	"sort"
	"time"

	"tribune/shared/errs"
)

// KpiSettings are the KPIs' settings (admins, kpis.manage).
type KpiSettings struct {
	// HeavyFrom: contributions in the period that make a heavy contributor (2–100).
	HeavyFrom int `json:"heavyFrom"`
	// HealthCheckMonths: months between health checks (1–24).
	HealthCheckMonths int `json:"healthCheckMonths"`
}

// DefaultKpiSettings are the settings never saved.
var DefaultKpiSettings = KpiSettings{HeavyFrom: 5, HealthCheckMonths: 6}

// ErrKpiSettings refuses settings out of their bounds.
var (
	ErrHeavyFrom         = errs.InvalidField("heavyFrom", "invalid_kpi_settings", "Give heavyFrom from 2 to 100 and healthCheckMonths from 1 to 24.")
	ErrHealthCheckMonths = errs.InvalidField("healthCheckMonths", "invalid_kpi_settings", "Give heavyFrom from 2 to 100 and healthCheckMonths from 1 to 24.")
)

// Check checks the settings' bounds.
func (k KpiSettings) Check() error {
	var list []error
	if k.HeavyFrom < 2 || k.HeavyFrom > 100 {
		list = append(list, ErrHeavyFrom)
	}
	if k.HealthCheckMonths < 1 || k.HealthCheckMonths > 24 {
		list = append(list, ErrHealthCheckMonths)
	}
	return errs.Fields(list)
}

// KpiSettings returns the settings.
func (s *Service) KpiSettings(ctx context.Context) (KpiSettings, error) {
	k, err := s.KpiData.KpiSettings(ctx)
	if err != nil {
		return KpiSettings{}, fmt.Errorf("metrics.KpiSettings: %w", err)
	}
	return k, nil
}

// SaveKpiSettings checks and replaces the settings.
func (s *Service) SaveKpiSettings(ctx context.Context, k KpiSettings) (KpiSettings, error) {
	if err := k.Check(); err != nil {
		return KpiSettings{}, err
	}
	if err := s.KpiData.SaveKpiSettings(ctx, k); err != nil {
		return KpiSettings{}, fmt.Errorf("metrics.SaveKpiSettings: %w", err)
	}
	return k, nil
}

// Participation limits.
const (
	// ParticipationDays is the default period; MaxParticipationDays its bound.
	ParticipationDays    = 28
	MaxParticipationDays = 400
	// TopContributors and AtRiskShown bound the lists.
	TopContributors = 10
	AtRiskShown     = 50
)

// ErrParticipationDays refuses a period out of 1..400 days.
var ErrParticipationDays = errs.InvalidField("days", "invalid_days", "A period covers 1 to 400 days.")

// Group is a participation group: how many active members, and their share.
type Group struct {
	Members *int     `json:"members"`
	Share   *float64 `json:"share"`
}

// Contributor is a member in the top contributors.
type Contributor struct {
	MemberID      string `json:"memberId"`
	Name          string `json:"name"`
	Contributions int64  `json:"contributions"`
}

// AtRisk is a member who contributed in the period before and not in this one.
type AtRisk struct {
	MemberID   string `json:"memberId"`
	Name       string `json:"name"`
	LastActive string `json:"lastActive"`
}

// Participation is the 90-9-1 view of a period.
type Participation struct {
	From string `json:"from"`
	To   string `json:"to"`
	// ActiveMembers: distinct members active in the period (shown a page signed in,
	// signed in, or contributed), estimated (SketchError); null when 1 to 4.
	ActiveMembers   *int64        `json:"activeMembers"`
	HeavyFrom       int           `json:"heavyFrom"`
	Readers         Group         `json:"readers"`
	Occasional      Group         `json:"occasional"`
	Heavy           Group         `json:"heavy"`
	TopContributors []Contributor `json:"topContributors"`
	AtRisk          []AtRisk      `json:"atRisk"`
	Merged          bool          `json:"merged"`
	// Note is NoteListsAdminsOnly when the named lists were left out for this reader
	// (absent otherwise).
	Note string `json:"note,omitempty"`
}

// NoteListsAdminsOnly: the top contributors and members at risk are shown to admins
// only (they count contributions in spaces a marketer may not read).
const NoteListsAdminsOnly = "lists_admins_only"

// Participation computes the period of days ending today: the active members, split
// into readers (no contribution), occasional (1 to heavyFrom-1) and heavy contributors
// (heavyFrom or more), the top contributors, and the members at risk (contributed in
// the days days before the period, not in it). Four queries whatever the period, and
// one read of names.
func (s *Service) Participation(ctx context.Context, days int) (Participation, error) {
	return s.ParticipationEnding(ctx, days, s.Now())
}

// ParticipationEnding is Participation of the days days ending on end's day (a health
// check's: its last day).
func (s *Service) ParticipationEnding(ctx context.Context, days int, end time.Time) (Participation, error) {
	if days < 1 || days > MaxParticipationDays {
		return Participation{}, fmt.Errorf("metrics.Participation: %w", ErrParticipationDays)
	}
	settings, err := s.KpiSettings(ctx)
	if err != nil {
		return Participation{}, err
	}
	today := end.UTC()
	from, to := Day(today.AddDate(0, 0, 1-days)), Day(today)
	before := Day(today.AddDate(0, 0, 1-2*days))
	keyed, err := s.KpiData.KeyedDays(ctx, ContributionsBy, before, to)
	if err != nil {
		return Participation{}, fmt.Errorf("metrics.Participation: %w", err)
	}
	active := NewSketch()
	for _, name := range []string{ActiveMembers, ActiveContributors} {
		sketches, err := s.Store.SketchDays(ctx, name, from, to)
		if err != nil {
			return Participation{}, fmt.Errorf("metrics.Participation: %w", err)
		}
		for _, sk := range sketches {
			if err := active.Merge(sk); err != nil {
				return Participation{}, err
			}
		}
	}
	in := map[string]int64{}          // contributions in the period
	lastBefore := map[string]string{} // last day contributing before it
	for day, members := range keyed {
		for m, n := range members {
			if day >= from {
				in[m] += n
			} else if day > lastBefore[m] {
				lastBefore[m] = day
			}
		}
	}
	p := Participation{From: from, To: to, HeavyFrom: settings.HeavyFrom, TopContributors: []Contributor{}, AtRisk: []AtRisk{}}
	occasional, heavy := 0, 0
	for _, n := range in {
		if n >= int64(settings.HeavyFrom) {
			heavy++
		} else {
			occasional++
		}
	}
	total := max(int(active.Estimate()), occasional+heavy)
	p.ActiveMembers, p.Readers, p.Occasional, p.Heavy, p.Merged = participationGroups(total, total-occasional-heavy, occasional, heavy)
	top := make([]Contributor, 0, len(in))
	for m, n := range in {
		top = append(top, Contributor{MemberID: m, Contributions: n})
	}
	sort.Slice(top, func(i, j int) bool {
		if top[i].Contributions != top[j].Contributions {
			return top[i].Contributions > top[j].Contributions
		}
		return top[i].MemberID < top[j].MemberID
	})
	p.TopContributors = append(p.TopContributors, top[:min(len(top), TopContributors)]...)
	for m, day := range lastBefore {
		if in[m] == 0 {
			p.AtRisk = append(p.AtRisk, AtRisk{MemberID: m, LastActive: day})
		}
	}
	sort.Slice(p.AtRisk, func(i, j int) bool {
		if p.AtRisk[i].LastActive != p.AtRisk[j].LastActive {
			return p.AtRisk[i].LastActive > p.AtRisk[j].LastActive
		}
		return p.AtRisk[i].MemberID < p.AtRisk[j].MemberID
	})
	p.AtRisk = p.AtRisk[:min(len(p.AtRisk), AtRiskShown)]
	if err := s.name(ctx, &p); err != nil {
		return Participation{}, err
	}
	return p, nil
}

// participationGroups applies the small-group rule to the active members and their three
// groups, with complementary suppression (tester 14, finding 9): a group of 1 to 4
// members is hidden; when exactly one is, the next smallest is hidden too, so the
// hidden one is not the total minus the others; when the hidden groups still add up
// to 1 to 4, the total is hidden as well, and with it every share (a share and its
// group's members give the total). merged: anything was hidden.
func participationGroups(total, readers, occasional, heavy int) (active *int64, r, o, h Group, merged bool) {
	small := func(n int) bool { return n > 0 && n < SmallGroup }
	if small(total) {
		return nil, Group{}, Group{}, Group{}, true
	}
	counts := []int{readers, occasional, heavy}
	hidden := make([]bool, 3)
	nHidden, hiddenSum := 0, 0
	for i, n := range counts {
		if small(n) {
			hidden[i], nHidden, hiddenSum = true, nHidden+1, hiddenSum+n
		}
	}
	if nHidden == 1 {
		next := -1
		for i, n := range counts {
			if !hidden[i] && (next < 0 || n < counts[next]) {
				next = i
			}
		}
		hidden[next], hiddenSum = true, hiddenSum+counts[next]
	}
	showTotal := !small(hiddenSum)
	if showTotal {
		t := int64(total)
		active = &t
	}
	groups := make([]Group, 3)
	for i, n := range counts {
		if hidden[i] {
			merged = true
			continue
		}
		groups[i].Members = &n
		if showTotal && total > 0 {
			groups[i].Share = num(float64(n) / float64(total))
		}
	}
	return active, groups[0], groups[1], groups[2], merged || !showTotal
}

// name fills in the members' names (a member since erased keeps an empty name).
func (s *Service) name(ctx context.Context, p *Participation) error {
	if s.Names == nil {
		return nil
	}
	ids := make([]string, 0, len(p.TopContributors)+len(p.AtRisk))
	for _, c := range p.TopContributors {
		ids = append(ids, c.MemberID)
	}
	for _, a := range p.AtRisk {
		ids = append(ids, a.MemberID)
	}
	if len(ids) == 0 {
		return nil
	}
	names, err := s.Names(ctx, ids)
	if err != nil {
		return fmt.Errorf("metrics.Participation: %w", err)
	}
	for i := range p.TopContributors {
		p.TopContributors[i].Name = names[p.TopContributors[i].MemberID]
	}
	for i := range p.AtRisk {
		p.AtRisk[i].Name = names[p.AtRisk[i].MemberID]
	}
	return nil
}
