package store_test

import (
	"math"
	"testing"
	"time"

	"tribune/shared/eventtypes"
	"tribune/shared/metrics"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func meta(id, when string) eventtypes.Meta { return eventtypes.Meta{EventID: id, OccurredAt: at(when)} }

// cardOf finds a card of the report.
func cardOf(t *testing.T, r metrics.KpiReport, kpi string) metrics.Card {
	t.Helper()
	for _, c := range r.Cards {
		if c.Kpi == kpi {
			return c
		}
	}
	t.Fatalf("no card %s", kpi)
	return metrics.Card{}
}

func value(c metrics.Card) float64 {
	if c.Value == nil {
		return math.NaN()
	}
	return *c.Value
}

// Each KPI built from the posting events counts what docs/kpis.md says, every event
// delivered twice (and acceptances of two answers of one question): contributions,
// new contributors (once ever, the small-group rule under 5), first response (the first
// answer by someone else; median and p90 within the histogram's error), unanswered
// questions at the end of the range, solution rate (questions asked in the range with an
// accepted answer), the previous period; participation splits the period's active
// members and lists the members at risk.
func TestKpiDefinitionsFromSeededEventsWithDuplicates(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	svc := &metrics.Service{Store: st, Values: st, KpiData: st, Names: st.MemberNames, Now: func() time.Time { return at("2026-11-03T20:00:00Z") }}
	post := func(id, kind, author, when string) eventtypes.PostCreated {
		return eventtypes.PostCreated{Meta: meta("p-"+id, when), PostID: id, SpaceID: "s_1", Kind: kind, AuthorID: author}
	}
	comment := func(id, postID, author, when string) eventtypes.CommentCreated {
		return eventtypes.CommentCreated{Meta: meta("c-"+id, when), CommentID: id, PostID: postID, AuthorID: author}
	}
	events := []any{
		comment("c0", "p_old", "m_f", "2026-10-30T09:00:00Z"), // before the range: m_f at risk
		post("q1", "question", "m_a", "2026-11-01T10:00:00Z"),
		comment("c1", "q1", "m_a", "2026-11-01T10:30:00Z"), // its author: no answer
		comment("c2", "q1", "m_b", "2026-11-01T12:00:00Z"), // the first answer: 7,200 s
		comment("c3", "q1", "m_c", "2026-11-02T12:00:00Z"), // a later answer: nothing
		post("q2", "question", "m_b", "2026-11-02T00:00:00Z"),
		comment("c4", "q2", "m_a", "2026-11-02T01:00:00Z"), // 3,600 s
		eventtypes.AnswerAccepted{Meta: meta("a1", "2026-11-03T08:00:00Z"), PostID: "q2", CommentID: "c4"},
		eventtypes.AnswerAccepted{Meta: meta("a2", "2026-11-03T09:00:00Z"), PostID: "q2", CommentID: "c9", PreviousAnswer: "c4"},
		post("q3", "question", "m_c", "2026-11-03T10:00:00Z"), // never answered
		post("d1", "discussion", "m_d", "2026-11-03T11:00:00Z"),
		comment("c5", "d1", "m_e", "2026-11-03T12:00:00Z"),
	}
	for range 2 {
		for _, e := range events {
			var err error
			switch e := e.(type) {
			case eventtypes.PostCreated:
				err = svc.OnPostCreated(ctx, e)
			case eventtypes.CommentCreated:
				err = svc.OnCommentCreated(ctx, e)
			case eventtypes.AnswerAccepted:
				err = svc.OnAnswerAccepted(ctx, e)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	r, err := svc.Kpis(ctx, "2026-11-01", "2026-11-03", "")
	if err != nil {
		t.Fatal(err)
	}
	if r.PreviousFrom != "2026-10-29" || r.PreviousTo != "2026-10-31" || len(r.Cards) != len(metrics.Kpis) {
		t.Fatalf("previous %s..%s, %d cards", r.PreviousFrom, r.PreviousTo, len(r.Cards))
	}
	want := map[string]float64{"contributions": 9, "solutions_accepted": 2, "unanswered_questions": 1, "page_views": 0}
	for kpi, v := range want {
		if c := cardOf(t, r, kpi); value(c) != v || c.Merged {
			t.Errorf("%s = %v (merged %v), want %v", kpi, value(c), c.Merged, v)
		}
	}
	// 5 new contributors over the range are shown; its days (2, 1, 2) are not.
	if c := cardOf(t, r, "new_contributors"); value(c) != 5 || !c.Merged || c.Series[0].Value != nil || c.Series[2].Value != nil {
		t.Errorf("new contributors %v, days %+v", value(c), c.Series)
	}
	if c := cardOf(t, r, "contributions"); len(c.Series) != 3 || *c.Series[0].Value != 3 || *c.Series[1].Value != 3 || *c.Series[2].Value != 3 || value(metrics.Card{Value: c.Previous}) != 1 {
		t.Errorf("contributions by day %+v, previous %v", c.Series, c.Previous)
	}
	if c := cardOf(t, r, "unanswered_questions"); *c.Series[0].Value != 0 || *c.Series[1].Value != 0 || *c.Series[2].Value != 1 {
		t.Errorf("unanswered by day %+v", c.Series)
	}
	if c := cardOf(t, r, "solution_rate"); math.Abs(value(c)-100.0/3) > 1e-9 || c.Unit != metrics.UnitPercent {
		t.Errorf("solution rate %v %s, want 33.3 %%", value(c), c.Unit)
	}
	for kpi, truth := range map[string]float64{"first_response_median": 3600, "first_response_p90": 7200} {
		if c := cardOf(t, r, kpi); math.Abs(value(c)-truth)/truth > metrics.HistogramError {
			t.Errorf("%s %v, want %v within %.1f %%", kpi, value(c), truth, 100*metrics.HistogramError)
		}
	}
	if c := cardOf(t, r, "deflection"); c.Value != nil {
		t.Errorf("deflection without tickets %v, want none", value(c))
	}
	// KPI VII is measured since issue 15 (search analytics): no search here, 0.
	if c := cardOf(t, r, "searches"); !c.Available || value(c) != 0 || c.Number != "VII" {
		t.Errorf("searches %+v, want available and 0", c)
	}
	// The small-group rule: 2 new contributors on the first day are not shown.
	one, err := svc.Kpis(ctx, "2026-11-01", "2026-11-01", "")
	if err != nil {
		t.Fatal(err)
	}
	if c := cardOf(t, one, "new_contributors"); c.Value != nil || !c.Merged || c.Series[0].Value != nil {
		t.Errorf("2 new contributors shown: %+v", c)
	}
	if c := cardOf(t, one, "contributions"); c.Merged || value(c) != 3 {
		t.Errorf("contributions are no member count: %+v", c)
	}

	// Participation over the 3 days ending 11-03: 5 contributors (m_a 3, m_b 2, m_c 2,
	// m_d 1, m_e 1), all occasional under heavyFrom 5; m_f contributed before, not since.
	p, err := svc.Participation(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	if p.ActiveMembers == nil || *p.ActiveMembers != 5 || p.Occasional.Members == nil || *p.Occasional.Members != 5 || *p.Occasional.Share != 1 ||
		p.Heavy.Members == nil || *p.Heavy.Members != 0 || p.Merged {
		t.Fatalf("participation %+v", p)
	}
	if len(p.TopContributors) != 5 || p.TopContributors[0].MemberID != "m_a" || p.TopContributors[0].Contributions != 3 {
		t.Fatalf("top %+v", p.TopContributors)
	}
	if len(p.AtRisk) != 1 || p.AtRisk[0].MemberID != "m_f" || p.AtRisk[0].LastActive != "2026-10-30" {
		t.Fatalf("at risk %+v", p.AtRisk)
	}
	// heavyFrom 3: one heavy contributor (m_a) is a group under 5: merged.
	if _, err := svc.SaveKpiSettings(ctx, metrics.KpiSettings{HeavyFrom: 3, HealthCheckMonths: 6}); err != nil {
		t.Fatal(err)
	}
	if p, err = svc.Participation(ctx, 3); err != nil || !p.Merged || p.Heavy.Members != nil || p.Occasional.Members != nil || p.HeavyFrom != 3 {
		t.Fatalf("participation with one heavy contributor %+v (%v)", p, err)
	}
	if _, err := svc.SaveKpiSettings(ctx, metrics.KpiSettings{HeavyFrom: 1, HealthCheckMonths: 25}); err == nil {
		t.Fatal("settings out of bounds saved")
	}
}

// The first-response histogram reads a median and p90 within HistogramError of the
// exact ones, over durations from seconds to weeks.
func TestHistogramQuantilesWithinTheirError(t *testing.T) {
	t.Parallel()
	h := metrics.Histogram{}
	var exact []float64
	for i := 1; i <= 2000; i++ {
		v := math.Pow(1.007, float64(i)) // 1 s to about 12 days
		exact = append(exact, v)
		h[metrics.Bucket(v)]++
	}
	for _, q := range []float64{0.5, 0.9} {
		truth := exact[int(math.Ceil(q*float64(len(exact))))-1]
		got, ok := h.Quantile(q)
		if !ok || math.Abs(got-truth)/truth > metrics.HistogramError {
			t.Errorf("q%.1f: %v, exact %v", q, got, truth)
		}
	}
}

// A question's events count the same in any order, each delivered twice: an answer and
// an acceptance handled before the question wait for it (then count once), an earlier
// answer handled after a later one (before the question) is the first response.
func TestQuestionCountsInAnyOrder(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	svc := &metrics.Service{Store: st, Values: st, KpiData: st, Now: func() time.Time { return at("2026-11-03T20:00:00Z") }}
	q := eventtypes.PostCreated{Meta: meta("p-q", "2026-11-01T10:00:00Z"), PostID: "q", Kind: "question", AuthorID: "m_a"}
	late := eventtypes.CommentCreated{Meta: meta("c-late", "2026-11-02T10:00:00Z"), CommentID: "late", PostID: "q", PostAuthorID: "m_a", AuthorID: "m_c"}
	early := eventtypes.CommentCreated{Meta: meta("c-early", "2026-11-01T11:00:00Z"), CommentID: "early", PostID: "q", PostAuthorID: "m_a", AuthorID: "m_b"}
	own := eventtypes.CommentCreated{Meta: meta("c-own", "2026-11-01T10:10:00Z"), CommentID: "own", PostID: "q", PostAuthorID: "m_a", AuthorID: "m_a"}
	accepted := eventtypes.AnswerAccepted{Meta: meta("a", "2026-11-02T12:00:00Z"), PostID: "q", CommentID: "early"}
	for range 2 {
		for _, step := range []func() error{
			func() error { return svc.OnCommentCreated(ctx, late) },
			func() error { return svc.OnAnswerAccepted(ctx, accepted) },
			func() error { return svc.OnCommentCreated(ctx, early) },
			func() error { return svc.OnCommentCreated(ctx, own) },
			func() error { return svc.OnPostCreated(ctx, q) },
		} {
			if err := step(); err != nil {
				t.Fatal(err)
			}
		}
	}
	r, err := svc.Kpis(ctx, "2026-11-01", "2026-11-02", "")
	if err != nil {
		t.Fatal(err)
	}
	if c := cardOf(t, r, "first_response_median"); math.Abs(value(c)-3600)/3600 > metrics.HistogramError {
		t.Errorf("first response %v, want 3,600 s", value(c))
	}
	for kpi, want := range map[string]float64{"unanswered_questions": 0, "solution_rate": 100, "contributions": 4} {
		if c := cardOf(t, r, kpi); value(c) != want {
			t.Errorf("%s %v, want %v", kpi, value(c), want)
		}
	}
	if n, _ := st.Counter(ctx, metrics.QuestionsAnswered, "2026-11-01"); n != 1 {
		t.Errorf("answered %d, want 1 (on the first answer's day)", n)
	}
	if n, _ := st.Counter(ctx, metrics.QuestionsSolvedOn, "2026-11-02"); n != 1 {
		t.Errorf("solved on %d, want 1", n)
	}
}
