package store_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"tribune/shared/errs"
	"tribune/shared/metrics"
	"tribune/shared/spaces"
	"tribune/shared/store"
)

// Health checks are stored whole (cards with long series), listed newest first without
// their bodies, read back by id; an id is written once.
func TestHealthChecksStoreListAndRead(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	h := st.Health()
	if _, ok, err := h.LatestHealthCheck(ctx); ok || err != nil {
		t.Fatalf("latest of none: %v %v", ok, err)
	}
	base := time.Date(2026, 5, 1, 6, 0, 0, 0, time.UTC)
	var ids []string
	for i := range 3 {
		at := base.AddDate(0, 6*i, 0)
		v := float64(i)
		var series []metrics.Point
		for d := range 400 {
			x := float64(d)
			series = append(series, metrics.Point{Day: metrics.Day(at.AddDate(0, 0, d-400)), Value: &x})
		}
		var cards []metrics.HealthCard
		for k := range 27 {
			cards = append(cards, metrics.HealthCard{Card: metrics.Card{Kpi: fmt.Sprintf("kpi_%d", k), Value: &v, Unit: "count", Available: true, Series: series}})
		}
		rep := metrics.HealthReport{ID: store.NewHealthID(at), At: at, From: "a", To: fmt.Sprint(i), Cards: cards, Months: 6,
			Findings: []metrics.Finding{{Code: metrics.FindingDauMauDown, Kpi: metrics.KpiDauMau, From: 0.2, To: 0.1}}}
		if err := h.SaveHealthCheck(ctx, rep, ""); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, rep.ID)
		again := rep
		again.ID, again.From = store.NewHealthID(at), "b" // another period
		if err := h.SaveHealthCheck(ctx, again, "2026-05-01"); (i == 0) != (err == nil) {
			t.Fatalf("the periodic check of one day saved twice, or refused: %v", err)
		}
		if err := h.SaveHealthCheck(ctx, rep, ""); !errors.Is(err, store.ErrHealthCheckExists) {
			t.Fatalf("an id saved twice: %v", err)
		}
	}
	// The same period within 10 minutes is refused, naming the report; after, stored.
	last := metrics.HealthReport{ID: store.NewHealthID(base), At: base.AddDate(0, 12, 0).Add(9 * time.Minute), From: "a", To: "2", Months: 6}
	last.ID = store.NewHealthID(last.At)
	var recent *store.HealthCheckRecent
	if err := h.SaveHealthCheck(ctx, last, ""); !errors.As(err, &recent) || recent.ID != ids[2] {
		t.Fatalf("the same period 9 minutes later: %v", err)
	}
	// Other settings or another baseline are not the same check (tester 14b, finding
	// 13): checked on the key alone, nothing stored here.
	other := last
	other.Months = 7
	frozenAt := base
	withBase := last
	withBase.BaselineAt = &frozenAt
	withHeavy := last
	withHeavy.Participation = &metrics.HealthParticipation{HeavyFrom: 3}
	for _, o := range []metrics.HealthReport{other, withBase, withHeavy} {
		if o.RunKey() == last.RunKey() {
			t.Fatalf("the same run key: %s", o.RunKey())
		}
	}
	last.At = last.At.Add(time.Minute)
	last.ID = store.NewHealthID(last.At)
	if err := h.SaveHealthCheck(ctx, last, ""); err != nil {
		t.Fatalf("the same period 10 minutes later: %v", err)
	}
	ids[2] = last.ID
	list, err := h.HealthChecks(ctx)
	if err != nil || len(list) != 5 || list[0].ID != ids[2] || (list[3].ID != ids[0] && list[4].ID != ids[0]) || list[0].To != "2" || !list[0].At.Equal(base.AddDate(0, 12, 0).Add(10*time.Minute)) {
		t.Fatalf("list %+v (%v)", list, err)
	}
	latest, ok, err := h.LatestHealthCheck(ctx)
	if err != nil || !ok || latest.ID != ids[2] {
		t.Fatalf("latest %v %v", ok, err)
	}
	latest, err = h.HealthCheck(ctx, list[1].ID)
	if err != nil || len(latest.Cards) != 27 || len(latest.Cards[26].Series) != 400 || *latest.Cards[0].Value != 2 ||
		latest.Findings[0].Code != metrics.FindingDauMauDown {
		t.Fatalf("latest %v %v", ok, err)
	}
	one, err := h.HealthCheck(ctx, ids[1])
	if err != nil || one.To != "1" {
		t.Fatalf("one %+v %v", one.To, err)
	}
	if _, err := h.HealthCheck(ctx, "nope"); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
}

// A baseline frozen again replaces the previous one.
func TestBaselineIsReplaced(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	h := st.Health()
	if _, ok, err := h.Baseline(ctx); ok || err != nil {
		t.Fatalf("before: %v %v", ok, err)
	}
	for i, v := range []float64{10, 20} {
		at := time.Date(2026, 11, 1+i, 0, 0, 0, 0, time.UTC)
		if err := h.SaveBaseline(ctx, metrics.Baseline{At: at, From: "f", To: "t", Values: map[string]float64{"page_views": v}}); err != nil {
			t.Fatal(err)
		}
	}
	b, ok, err := h.Baseline(ctx)
	if err != nil || !ok || b.Values["page_views"] != 20 || b.At.Day() != 2 {
		t.Fatalf("baseline %+v %v %v", b, ok, err)
	}
}

// An upload is matched (names to customer spaces, emails to their member's one customer
// space), stored in parts and replaces the previous upload, whose parts are deleted.
func TestSalesUploadMatchesAndReplaces(t *testing.T) {
	t.Parallel()
	st, tbl := newStore(t)
	ana, bob := named(t, st, "Ana"), named(t, st, "Bob")
	now := time.Now().UTC()
	for _, sp := range []spaces.Space{{ID: "s_acme", Name: "Acme Corp", Kind: spaces.KindCustomer, Visibility: spaces.Closed, CreatedAt: now},
		{ID: "s_globex", Name: "Globex", Kind: spaces.KindCustomer, Visibility: spaces.Closed, CreatedAt: now},
		{ID: "s_team", Name: "Team", Visibility: spaces.Public, CreatedAt: now}} {
		if err := st.Spaces().CreateSpace(ctx, sp, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range []spaces.Membership{{SpaceID: "s_acme", MemberID: ana}, {SpaceID: "s_team", MemberID: ana},
		{SpaceID: "s_acme", MemberID: bob}, {SpaceID: "s_globex", MemberID: bob}} {
		m.Role, m.Status, m.JoinedAt = spaces.RoleMember, spaces.StatusActive, now
		if err := st.Spaces().AddMember(ctx, m, ""); err != nil {
			t.Fatal(err)
		}
	}
	// Ana's one customer space is Acme; Bob's are Acme Corp and Globex: the first by name.
	rows, err := metrics.ParseSales([]byte("customer,amount\nANA@example.com,10\n  acme corp ,5.5\nteam,3\nnobody@example.com,1\nbob@example.com,7\nGlobex,1\n"))
	if err != nil {
		t.Fatal(err)
	}
	match, err := st.Sales().SalesMatches(ctx, rows)
	if err != nil {
		t.Fatal(err)
	}
	up := metrics.MatchSales(now, rows, match)
	if up.Matched != 4 || up.Unmatched != 2 || len(up.Customers) != 2 || up.Customers[0].SpaceID != "s_acme" || up.Customers[0].Cents != 2250 ||
		up.Customers[1].SpaceID != "s_globex" || up.Customers[1].Cents != 100 {
		t.Fatalf("matched %+v", up)
	}
	if v, o, err := st.Sales().SalesPerParticipant(ctx, "", "", nil); v != nil || o != nil || !errors.Is(err, metrics.ErrNoSalesFile) {
		t.Fatalf("before any upload: %v %v %v", v, o, err)
	}
	if err := st.Sales().SaveSalesUpload(ctx, up); err != nil {
		t.Fatal(err)
	}
	before := itemCount(t, tbl)
	// A bigger upload, in three parts, replaces it.
	big := metrics.SalesUpload{At: now.Add(time.Second), Rows: 9000, Matched: 9000}
	for i := range 9000 {
		big.Customers = append(big.Customers, metrics.SalesCustomer{SpaceID: fmt.Sprintf("s_%d", i), Cents: int64(i)})
	}
	if err := st.Sales().SaveSalesUpload(ctx, big); err != nil {
		t.Fatal(err)
	}
	got, ok, err := st.Sales().SalesUpload(ctx)
	if err != nil || !ok || got.Rows != 9000 || len(got.Customers) != 9000 || got.Customers[8999].Cents != 8999 {
		t.Fatalf("upload %v %v %d", ok, err, len(got.Customers))
	}
	if after := itemCount(t, tbl); after != before+2 { // three parts for one: the old part deleted
		t.Fatalf("items %d, then %d", before, after)
	}
	if strings.Contains(fmt.Sprint(got.Customers[:1]), "s_acme") {
		t.Fatal("the old upload still read")
	}
	// KPI XII: s_1 and s_3 took part (1 and 3 cents: 0.02 each); the 8,998 others.
	v, o, err := st.Sales().SalesPerParticipant(ctx, "", "", map[string]bool{"s_1": true, "s_3": true, "s_acme": true})
	if err != nil || v == nil || *v != 0.02 || o == nil || *o != float64(9000*8999/2-4)/100/8998 {
		t.Fatalf("KPI XII %v %v %v", v, o, err)
	}
}
