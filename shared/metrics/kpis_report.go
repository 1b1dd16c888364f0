package metrics

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"tribune/shared/errs"
)

// The small-group rule: a figure that would show fewer than SmallGroup distinct
// members (1 to 4) is not shown (null, merged true).
const SmallGroup = 5

// Units of cards.
const (
	UnitCount   = "count"
	UnitRatio   = "ratio"
	UnitSeconds = "seconds"
	UnitPercent = "percent"
	UnitMoney   = "money"
)

// ScopeCommunity marks a card that ignores the space filter (Card.Scope).
const ScopeCommunity = "community"

// KpiDef is one KPI of the dashboard.
type KpiDef struct {
	Name, Number, Unit string
	// Available is false for the KPIs whose source is not built yet.
	Available bool
	// Members: the figure counts distinct members (the small-group rule applies).
	Members bool
	// SpaceScoped: the figure honours the space filter.
	SpaceScoped bool
}

// Kpis lists the KPIs in the dashboard's order (docs/kpis.md defines each).
var Kpis = []KpiDef{
	{Name: "page_views", Number: "I", Unit: UnitCount, Available: true, SpaceScoped: true},
	{Name: "unique_visitors", Number: "II", Unit: UnitCount, Available: true},
	{Name: "contributions", Number: "III", Unit: UnitCount, Available: true},
	{Name: "registrations", Number: "IV", Unit: UnitCount, Available: true},
	{Name: "sign_ins", Number: "V", Unit: UnitCount, Available: true},
	{Name: "sessions", Number: "VI", Unit: UnitCount, Available: true},
	{Name: "searches", Number: "VII", Unit: UnitCount, Available: true},
	{Name: "solutions_accepted", Number: "VIII", Unit: UnitCount, Available: true},
	{Name: "documents_produced", Number: "IX", Unit: UnitCount, Available: true},
	{Name: "customer_activities", Number: "X", Unit: UnitCount, Available: true},
	{Name: "customer_participants", Number: "XI", Unit: UnitCount, Available: true, Members: true},
	{Name: "sales_per_participant", Number: "XII", Unit: UnitMoney, Available: true, Members: true},
	{Name: "documents_per_staff", Number: "XIII", Unit: UnitRatio, Available: true},
	{Name: "documents_bookmarked", Number: "XIV", Unit: UnitCount, Available: true},
	{Name: "customer_suggestions", Number: "XV", Unit: UnitCount, Available: true},
	{Name: "dau", Unit: UnitCount, Available: true, Members: true},
	{Name: "mau", Unit: UnitCount, Available: true, Members: true},
	{Name: "dau_mau", Unit: UnitRatio, Available: true, Members: true},
	{Name: "new_contributors", Unit: UnitCount, Available: true, Members: true},
	{Name: "first_response_median", Unit: UnitSeconds, Available: true},
	{Name: "first_response_p90", Unit: UnitSeconds, Available: true},
	{Name: "unanswered_questions", Unit: UnitCount, Available: true},
	{Name: "solution_rate", Unit: UnitPercent, Available: true},
	{Name: "deflection", Unit: UnitRatio, Available: true},
	{Name: "suggestion_deflection", Unit: UnitPercent, Available: true},
	{Name: "newsletter_visits", Unit: UnitCount, Available: true},
}

// KpiByName finds a KPI.
func KpiByName(name string) (KpiDef, bool) {
	for _, k := range Kpis {
		if k.Name == name {
			return k, true
		}
	}
	return KpiDef{}, false
}

// Point is a day's value (null: none, or hidden by the small-group rule).
type Point struct {
	Day   string   `json:"day"`
	Value *float64 `json:"value"`
}

// Card is one KPI over the range.
type Card struct {
	Kpi    string `json:"kpi"`
	Number string `json:"number,omitempty"`
	// Value over the range; Previous over the equal period just before; Baseline the
	// frozen launch value (absent until frozen). Null: nothing to show (no data, or
	// hidden: Merged).
	Value    *float64 `json:"value"`
	Previous *float64 `json:"previous"`
	Baseline *float64 `json:"baseline,omitempty"`
	// Other: sales_per_participant's non-participating customers.
	Other       *float64 `json:"other,omitempty"`
	Unit        string   `json:"unit"`
	Available   bool     `json:"available"`
	Merged      bool     `json:"merged"`
	SpaceScoped bool     `json:"spaceScoped,omitempty"`
	// Note says why a card has no value when it is neither hidden nor empty data:
	// NoteNoSalesFile (sales_per_participant before any upload); absent otherwise.
	Note string `json:"note,omitempty"`
	// Scope is ScopeCommunity on a card that counts the whole community although a
	// space filter is set (every card but page views); absent without a filter.
	Scope  string  `json:"scope,omitempty"`
	Series []Point `json:"series"`
}

// KpiReport is the dashboard's one answer.
type KpiReport struct {
	From         string     `json:"from"`
	To           string     `json:"to"`
	PreviousFrom string     `json:"previousFrom"`
	PreviousTo   string     `json:"previousTo"`
	Space        string     `json:"space,omitempty"`
	BaselineAt   *time.Time `json:"baselineAt,omitempty"`
	Cards        []Card     `json:"cards"`
	// SketchError and HistogramError are the relative errors of distinct counts and of
	// first-response times.
	SketchError    float64 `json:"sketchError"`
	HistogramError float64 `json:"histogramError"`
}

// ErrNoSalesFile: no sales file was ever uploaded (SalesFigures).
var ErrNoSalesFile = errors.New("metrics: no sales file uploaded yet")

// NoteNoSalesFile is the note of the card sales_per_participant before any upload.
const NoteNoSalesFile = "no_sales_file"

// BaselineStore reads the baseline (found false when none is frozen).
type BaselineStore interface {
	Baseline(ctx context.Context) (Baseline, bool, error)
}

// SalesFigures computes KPI XII over a range: the sales per participating customer
// (customers with a customer activity in the range: ActiveCustomers) and per other
// customer; ErrNoSalesFile when no sales were ever uploaded.
type SalesFigures interface {
	SalesPerParticipant(ctx context.Context, from, to string, participating map[string]bool) (value, other *float64, err error)
}

// ActiveCustomers are the customers (space ids) with a customer activity from..to.
func (s *Service) ActiveCustomers(ctx context.Context, from, to string) (map[string]bool, error) {
	days, err := s.KpiData.KeyedDays(ctx, CustomerActivitiesBy, from, to)
	if err != nil {
		return nil, fmt.Errorf("metrics.ActiveCustomers: %w", err)
	}
	out := map[string]bool{}
	for _, keys := range days {
		for k, n := range keys {
			if n > 0 {
				out[k] = true
			}
		}
	}
	return out, nil
}

// kpiData is what the cards are computed from, read once for the range and the
// previous period.
type kpiData struct {
	counters map[string]map[string]int64
	sketches map[string]map[string]*Sketch
	first    map[string]Histogram
	// mau memoizes each day's MAU (30 sketches merged), asked by three cards.
	mau map[string]int64
}

// monthlyActive is day's MAU.
func (d *kpiData) monthlyActive(day string) (int64, error) {
	if v, ok := d.mau[day]; ok {
		return v, nil
	}
	v, err := monthly(d.sketches[ActiveMembers], day)
	if err == nil {
		d.mau[day] = v
	}
	return v, err
}

// counter names each card reads, and those read from the beginning of time.
var kpiCounters = []string{Posts, Comments, Registrations, SignIns, Sessions, AcceptedSolutions, CustomerActivities,
	CustomerSuggestions, NewContributors, TicketsOpened, NewsletterVisits, QuestionsSolved, QuestionsSolvedOn,
	Searches, SuggestionSessionsQuestion, SuggestionSessionsTicket, QuestionsAfterSuggestions, TicketsAfterSuggestions,
	DocumentsProduced, DocumentsByStaff, DocumentsBookmarked}

var sinceEver = []string{QuestionsAsked, QuestionsAnswered}

// epochDay is before any count.
const epochDay = "2000-01-01"

// load reads every counter, sketch and histogram of the cards over from..to, in
// parallel: one query each (paged).
func (s *Service) load(ctx context.Context, from, to, space string) (kpiData, error) {
	d := kpiData{counters: map[string]map[string]int64{}, sketches: map[string]map[string]*Sketch{}, mau: map[string]int64{}}
	views := PageViews
	if space != "" {
		views = InSpace(PageViews, space)
	}
	first, _ := time.Parse(time.DateOnly, from)
	monthFrom := Day(first.AddDate(0, 0, 1-MonthDays))
	var mu sync.Mutex
	var wg sync.WaitGroup
	var errsFound []error
	run := func(f func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(); err != nil {
				mu.Lock()
				errsFound = append(errsFound, err)
				mu.Unlock()
			}
		}()
	}
	counter := func(key, name, from string) {
		run(func() error {
			v, err := s.Store.CounterDays(ctx, name, from, to)
			mu.Lock()
			d.counters[key] = v
			mu.Unlock()
			return err
		})
	}
	counter(PageViews, views, from)
	for _, name := range kpiCounters {
		counter(name, name, from)
	}
	for _, name := range sinceEver {
		counter(name, name, epochDay)
	}
	for name, since := range map[string]string{Visitors: from, CustomerParticipants: from, ActiveMembers: monthFrom, DocumentStaff: from} {
		run(func() error {
			v, err := s.Store.SketchDays(ctx, name, since, to)
			mu.Lock()
			d.sketches[name] = v
			mu.Unlock()
			return err
		})
	}
	run(func() (err error) {
		d.first, err = s.KpiData.HistogramDays(ctx, FirstResponseHistogram, from, to)
		return err
	})
	wg.Wait()
	if len(errsFound) > 0 {
		return kpiData{}, fmt.Errorf("metrics.load: %w", errors.Join(errsFound...))
	}
	return d, nil
}

// KpiRange checks a range (as TrafficRange) and returns its days and the previous
// period's.
func KpiRange(from, to string) (days, previous []string, err error) {
	if days, err = TrafficRange(from, to); err != nil {
		return nil, nil, err
	}
	f, _ := time.Parse(time.DateOnly, from)
	for i := len(days); i >= 1; i-- {
		previous = append(previous, Day(f.AddDate(0, 0, -i)))
	}
	return days, previous, nil
}

// Kpis computes the dashboard: every card over from..to and the period before, with
// the baseline when one is frozen.
func (s *Service) Kpis(ctx context.Context, from, to, space string) (KpiReport, error) {
	days, previous, err := KpiRange(from, to)
	if err == nil && days[len(days)-1] > Day(s.now()) {
		// Days to come read as a collapse, and a period half in the future is compared
		// with a whole past one (tester 14b, finding 1).
		err = ErrKpiRangeFuture
	}
	if err != nil {
		return KpiReport{}, fmt.Errorf("metrics.Kpis: %w", err)
	}
	d, err := s.load(ctx, previous[0], to, space)
	if err != nil {
		return KpiReport{}, err
	}
	r := KpiReport{From: from, To: to, PreviousFrom: previous[0], PreviousTo: previous[len(previous)-1], Space: space,
		SketchError: SketchError, HistogramError: HistogramError}
	var base Baseline
	var frozen bool
	if s.Baselines != nil {
		if base, frozen, err = s.Baselines.Baseline(ctx); err != nil {
			return KpiReport{}, fmt.Errorf("metrics.Kpis: %w", err)
		}
		if frozen {
			at := base.At
			r.BaselineAt = &at
		}
	}
	for _, k := range Kpis {
		c := Card{Kpi: k.Name, Number: k.Number, Unit: k.Unit, Available: k.Available, SpaceScoped: k.SpaceScoped && space != "", Series: []Point{}}
		if space != "" && !k.SpaceScoped {
			c.Scope = ScopeCommunity
		}
		if k.Available {
			cur, err := s.figure(ctx, k, &d, days)
			if err != nil {
				return KpiReport{}, err
			}
			prev, err := s.figure(ctx, k, &d, previous)
			if err != nil {
				return KpiReport{}, err
			}
			c.Value, c.Series, c.Other, c.Merged, c.Note = cur.value, cur.series, cur.other, cur.merged, cur.note
			if !prev.merged {
				c.Previous = prev.value
			}
			if v, ok := base.Values[k.Name]; frozen && ok {
				c.Baseline = &v
			}
		}
		r.Cards = append(r.Cards, c)
	}
	return r, nil
}

// KpiCard is one card of Kpis (its series for the CSV export).
func (s *Service) KpiCard(ctx context.Context, kpi, from, to, space string) (Card, error) {
	k, ok := KpiByName(kpi)
	if !ok {
		return Card{}, fmt.Errorf("metrics.KpiCard: %w", ErrUnknownKpi)
	}
	if !k.Available {
		return Card{}, fmt.Errorf("metrics.KpiCard %s: %w", kpi, ErrKpiUnavailable)
	}
	r, err := s.Kpis(ctx, from, to, space)
	if err != nil {
		return Card{}, err
	}
	for _, c := range r.Cards {
		if c.Kpi == kpi {
			return c, nil
		}
	}
	return Card{}, fmt.Errorf("metrics.KpiCard: %w", ErrUnknownKpi)
}

// Errors of the KPI routes.
var (
	ErrUnknownKpi     = errs.InvalidField("kpi", "invalid_kpi", "Name one of the KPIs of the dashboard.")
	ErrKpiUnavailable = errs.New(errs.NotFound, "kpi_unavailable", "This KPI is not measured yet.")
)

// figureOf is a card's value, series and whether the small-group rule hid anything.
type figureOf struct {
	value, other *float64
	series       []Point
	merged       bool
	note         string
}

func num(v float64) *float64 { return &v }

// figure computes KPI k over days from d.
func (s *Service) figure(ctx context.Context, k KpiDef, d *kpiData, days []string) (figureOf, error) {
	var f figureOf
	daily := func(v func(day string) *float64) {
		for _, day := range days {
			f.series = append(f.series, Point{Day: day, Value: v(day)})
		}
	}
	sum := func(names ...string) {
		total := 0.0
		daily(func(day string) *float64 {
			n := 0.0
			for _, name := range names {
				n += float64(d.counters[name][day])
			}
			total += n
			return num(n)
		})
		f.value = num(total)
	}
	distinct := func(name string) error {
		over := NewSketch()
		daily(func(day string) *float64 {
			sk := d.sketches[name][day]
			if sk == nil {
				return num(0)
			}
			_ = over.Merge(sk)
			return num(float64(sk.Estimate()))
		})
		f.value = num(float64(over.Estimate()))
		return nil
	}
	switch k.Name {
	case "page_views":
		sum(PageViews)
	case "unique_visitors":
		if err := distinct(Visitors); err != nil {
			return f, err
		}
	case "contributions":
		sum(Posts, Comments)
	case "registrations":
		sum(Registrations)
	case "sign_ins":
		sum(SignIns)
	case "sessions":
		sum(Sessions)
	case "solutions_accepted":
		sum(AcceptedSolutions)
	case "customer_activities":
		sum(CustomerActivities)
	case "customer_suggestions":
		sum(CustomerSuggestions)
	case "new_contributors":
		sum(NewContributors)
	case "newsletter_visits":
		sum(NewsletterVisits)
	case "searches":
		sum(Searches)
	case "documents_produced":
		sum(DocumentsProduced)
	case "documents_bookmarked":
		sum(DocumentsBookmarked)
	case "documents_per_staff":
		return d.perStaff(days), nil
	case "suggestion_deflection":
		// Composer sessions that showed suggestions and were followed by no question
		// or ticket, as a percentage of those sessions (docs/kpis.md, "Before you ask").
		var sessions, followed int64
		daily(func(day string) *float64 {
			n := d.counters[SuggestionSessionsQuestion][day] + d.counters[SuggestionSessionsTicket][day]
			a := d.counters[QuestionsAfterSuggestions][day] + d.counters[TicketsAfterSuggestions][day]
			sessions, followed = sessions+n, followed+a
			return percentDeflected(n, a)
		})
		f.value = percentDeflected(sessions, followed)
	case "customer_participants":
		if err := distinct(CustomerParticipants); err != nil {
			return f, err
		}
	case "sales_per_participant":
		if s.Sales == nil || s.KpiData == nil {
			daily(func(string) *float64 { return nil })
			break
		}
		active, err := s.ActiveCustomers(ctx, days[0], days[len(days)-1])
		if err != nil {
			return f, err
		}
		daily(func(string) *float64 { return nil })
		f.value, f.other, err = s.Sales.SalesPerParticipant(ctx, days[0], days[len(days)-1], active)
		if errors.Is(err, ErrNoSalesFile) {
			// Nothing uploaded yet: said as such, not blamed on the small-group rule
			// (tester 14b, finding 2).
			f.value, f.other, f.note = nil, nil, NoteNoSalesFile
			return f, nil
		}
		if err != nil {
			return f, fmt.Errorf("metrics.figure: %w", err)
		}
		if n := len(active); n > 0 && n < SmallGroup {
			f.value, f.other, f.merged = nil, nil, true
		}
		return f, nil
	case "dau", "mau", "dau_mau":
		return d.activity(k.Name, days)
	case "first_response_median", "first_response_p90":
		q := 0.5
		if k.Name == "first_response_p90" {
			q = 0.9
		}
		over := Histogram{}
		daily(func(day string) *float64 {
			h := d.first[day]
			over.Add(h)
			if v, ok := h.Quantile(q); ok {
				return num(math.Round(v))
			}
			return nil
		})
		if v, ok := over.Quantile(q); ok {
			f.value = num(math.Round(v))
		}
	case "unanswered_questions":
		asked, answered := cumulative(d.counters[QuestionsAsked]), cumulative(d.counters[QuestionsAnswered])
		daily(func(day string) *float64 { return num(float64(max(asked(day)-answered(day), 0))) })
		f.value = f.series[len(f.series)-1].Value
	case "solution_rate":
		var asked, solved int64
		daily(func(day string) *float64 {
			a, n := d.counters[QuestionsAsked][day], d.counters[QuestionsSolved][day]
			asked, solved = asked+a, solved+n
			if a == 0 {
				return nil
			}
			return num(100 * float64(n) / float64(a))
		})
		if asked > 0 {
			f.value = num(100 * float64(solved) / float64(asked))
		}
	case "deflection":
		var tickets, solved int64
		daily(func(day string) *float64 {
			t, n := d.counters[TicketsOpened][day], d.counters[QuestionsSolvedOn][day]
			tickets, solved = tickets+t, solved+n
			if t == 0 {
				return nil
			}
			return num(float64(n) / float64(t))
		})
		if tickets > 0 {
			f.value = num(float64(solved) / float64(tickets))
		}
	}
	if k.Members {
		smallGroup(&f)
	}
	return f, nil
}

// activity computes DAU, MAU and DAU/MAU over days (tester 14, finding 7). DAU over a
// range is the mean of the days' DAU, MAU the MAU of the last day, DAU/MAU the mean of
// the ratios of the days that have a MAU (a day with MAU 0 has no ratio; no such day:
// null). The small-group rule applies to the distinct members behind the figure,
// never to a mean: DAU's are the members active in the range (the days' sketches
// merged), DAU/MAU's those active in the 30-day windows of its days, MAU's itself.
// A day of the series is hidden when its own members (its DAU, its MAU) are 1 to 4.
func (d *kpiData) activity(kpi string, days []string) (figureOf, error) {
	var f figureOf
	active := d.sketches[ActiveMembers]
	first, _ := time.Parse(time.DateOnly, days[0])
	inRange, inWindows := NewSketch(), NewSketch()
	for day := first.AddDate(0, 0, 1-MonthDays); Day(day) <= days[len(days)-1]; day = day.AddDate(0, 0, 1) {
		sk := active[Day(day)]
		if err := inWindows.Merge(sk); err != nil {
			return f, err
		}
		if Day(day) >= days[0] {
			if err := inRange.Merge(sk); err != nil {
				return f, err
			}
		}
	}
	small := func(n int64) bool { return n > 0 && n < SmallGroup }
	dauSum, ratioSum, ratioDays := 0.0, 0.0, 0
	for _, day := range days {
		var dau int64
		if sk := active[day]; sk != nil {
			dau = sk.Estimate()
		}
		mau, err := d.monthlyActive(day)
		if err != nil {
			return f, err
		}
		dauSum += float64(dau)
		var v *float64
		switch kpi {
		case "dau":
			v = num(float64(dau))
			if small(dau) {
				v, f.merged = nil, true
			}
		case "mau":
			v = num(float64(mau))
			if small(mau) {
				v, f.merged = nil, true
			}
		case "dau_mau":
			if mau > 0 {
				r := min(1, float64(dau)/float64(mau))
				ratioSum, ratioDays = ratioSum+r, ratioDays+1
				v = num(r)
			}
			if small(mau) {
				v, f.merged = nil, true
			}
		}
		f.series = append(f.series, Point{Day: day, Value: v})
	}
	var behind int64
	switch kpi {
	case "dau":
		f.value, behind = num(dauSum/float64(len(days))), inRange.Estimate()
	case "mau":
		last, _ := d.monthlyActive(days[len(days)-1])
		f.value, behind = num(float64(last)), last
	case "dau_mau":
		if ratioDays > 0 {
			f.value = num(ratioSum / float64(ratioDays))
		}
		behind = inWindows.Estimate()
	}
	if small(behind) {
		f.value, f.merged = nil, true
	}
	return f, nil
}

// smallGroup hides the value and the days that would show 1 to 4 members.
func smallGroup(f *figureOf) {
	small := func(v *float64) bool { return v != nil && *v > 0 && *v < SmallGroup }
	if small(f.value) {
		f.value, f.merged = nil, true
	}
	for i := range f.series {
		if small(f.series[i].Value) {
			f.series[i].Value, f.merged = nil, true
		}
	}
}

// cumulative returns, for a day, the sum of counts up to it (days in order).
func cumulative(counts map[string]int64) func(day string) int64 {
	days := make([]string, 0, len(counts))
	for d := range counts {
		days = append(days, d)
	}
	slices.Sort(days)
	sums := make([]int64, len(days))
	var total int64
	for i, d := range days {
		total += counts[d]
		sums[i] = total
	}
	return func(day string) int64 {
		i, found := slices.BinarySearch(days, day)
		if found {
			return sums[i]
		}
		if i == 0 {
			return 0
		}
		return sums[i-1]
	}
}
