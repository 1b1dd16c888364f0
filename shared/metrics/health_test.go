package metrics

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"tribune/shared/errs"
)

func hf(v float64) *float64 { return &v }

func hcard(kpi string, value, previous *float64) HealthCard {
	return HealthCard{Card: Card{Kpi: kpi, Value: value, Previous: previous, Available: true, Unit: "count"}}
}

func TestHealthFindingsThresholds(t *testing.T) {
	t.Parallel()
	cards := []HealthCard{
		hcard(KpiFirstResponseMedian, hf(7200), hf(3600)), // doubled
		hcard(KpiSolutionRate, hf(40), hf(60)),            // down by a third exactly
		hcard(KpiDauMau, hf(0.16), hf(0.2)),               // down by a fifth
		hcard(KpiUnanswered, hf(15), hf(10)),              // up by half and by 5
		hcard(KpiContributions, hf(75), hf(100)),          // down by a quarter
	}
	got := Findings(cards, &HealthParticipation{ActiveMembers: i64p(100), Readers: HealthShare{Members: i64p(95), Share: hf(0.95)}},
		&HealthParticipation{ActiveMembers: i64p(100), Readers: HealthShare{Members: i64p(90), Share: hf(0.90)}})
	want := []Finding{
		{Code: FindingFirstResponseDoubled, Kpi: KpiFirstResponseMedian, From: 3600, To: 7200},
		{Code: FindingSolutionRateDown, Kpi: KpiSolutionRate, From: 60, To: 40},
		{Code: FindingDauMauDown, Kpi: KpiDauMau, From: 0.2, To: 0.16},
		{Code: FindingUnansweredUp, Kpi: KpiUnanswered, From: 10, To: 15},
		{Code: FindingContributionsDown, Kpi: KpiContributions, From: 100, To: 75},
		{Code: FindingShiftedToReaders, Kpi: KpiReadersShare, From: 0.90, To: 0.95},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("findings\n got %+v\nwant %+v", got, want)
	}
}

func TestHealthFindingsBelowThresholds(t *testing.T) {
	t.Parallel()
	cards := []HealthCard{
		hcard(KpiFirstResponseMedian, hf(7100), hf(3600)),
		hcard(KpiSolutionRate, hf(41), hf(60)),
		hcard(KpiDauMau, hf(0.17), hf(0.2)),
		hcard(KpiUnanswered, hf(4), hf(1)), // up by 300 % but by 3 questions only
		hcard(KpiContributions, hf(76), hf(100)),
		hcard("page_views", hf(1), hf(1000)), // not watched
	}
	if got := Findings(cards, &HealthParticipation{ActiveMembers: i64p(10), Readers: HealthShare{Share: hf(0.94)}},
		&HealthParticipation{ActiveMembers: i64p(10), Readers: HealthShare{Share: hf(0.90)}}); len(got) != 0 {
		t.Fatalf("findings below the thresholds: %+v", got)
	}
}

func TestHealthFindingsPreferThePreviousCheckAndSkipHiddenFigures(t *testing.T) {
	t.Parallel()
	c := hcard(KpiContributions, hf(50), hf(40)) // up on the period before...
	c.PreviousCheck = hf(100)                    // ...but halved since the last check
	merged := HealthCard{Card: Card{Kpi: KpiSolutionRate, Value: nil, Previous: hf(60), Available: true, Merged: true}}
	unavailable := HealthCard{Card: Card{Kpi: KpiDauMau, Value: hf(0), Previous: hf(0.5), Available: false}}
	noBefore := hcard(KpiFirstResponseMedian, hf(9000), nil)
	got := Findings([]HealthCard{c, merged, unavailable, noBefore}, &HealthParticipation{Merged: true, Readers: HealthShare{Share: hf(1)}},
		&HealthParticipation{ActiveMembers: i64p(100), Readers: HealthShare{Share: hf(0.5)}})
	want := []Finding{{Code: FindingContributionsDown, Kpi: KpiContributions, From: 100, To: 50}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func TestHealthAndBaselineRanges(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 30, 18, 0, 0, 0, time.UTC)
	if from, to := HealthRange(now, 6); from != "2026-05-30" || to != "2026-11-29" {
		t.Errorf("6 months: %s..%s", from, to)
	}
	if from, to := HealthRange(now, 24); to != "2026-11-29" || from != "2025-10-26" {
		t.Errorf("24 months are cut to 400 days: %s..%s", from, to)
	}
	if from, to := BaselineRange(now); from != "2026-10-31" || to != "2026-11-29" {
		t.Errorf("baseline: %s..%s", from, to)
	}
	b := BaselineOf(now, "a", "b", []HealthCard{hcard("page_views", hf(12), nil), {Card: Card{Kpi: "searches", Available: false}},
		{Card: Card{Kpi: "mau", Available: true, Merged: true}}})
	if !reflect.DeepEqual(b.Values, map[string]float64{"page_views": 12}) {
		t.Errorf("baseline values %v", b.Values)
	}
}

func TestParseSales(t *testing.T) {
	t.Parallel()
	rows, err := ParseSales([]byte("\xef\xbb\xbfCustomer,Amount\nAna@Example.com,1250.5\n\n\"Acme, Inc\",300\nacme,0.07\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []SalesRow{{Customer: "ana@example.com", Email: true, Cents: 125050}, {Customer: "Acme, Inc", Cents: 30000}, {Customer: "acme", Cents: 7}}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("rows %+v", rows)
	}
}

func TestParseSalesRefusesTheWholeFile(t *testing.T) {
	t.Parallel()
	_, err := ParseSales([]byte("customer,amount\nok,10\n,5\nx,-3\nx,1.234\nx,1,2\nnot@an@email,3\ny,1e5\nz,12.\n"))
	e, ok := errs.As(err)
	if !ok || e.Code != "invalid_sales_rows" || e.Valid != 1 {
		t.Fatalf("error %v", err)
	}
	var lines []int
	var codes []string
	for _, en := range e.Entries {
		lines, codes = append(lines, en.Line), append(codes, en.Code)
	}
	if !reflect.DeepEqual(lines, []int{3, 4, 5, 6, 7, 8, 9}) ||
		strings.Join(codes, " ") != "invalid_sales_customer invalid_sales_amount invalid_sales_amount invalid_sales_fields invalid_sales_customer invalid_sales_amount invalid_sales_amount" {
		t.Fatalf("lines %v codes %v", lines, codes)
	}
	for _, body := range []string{"", "name,amount\nx,1\n", "customer\nx\n", "customer,amount\n\xff,1\n", "customer,amount\n" + strings.Repeat("x,1\n", MaxSalesBytes/4)} {
		if _, err := ParseSales([]byte(body)); !errors.Is(err, ErrSalesFile) {
			t.Errorf("%.30q: %v, want invalid_sales_file", body, err)
		}
	}
}

type salesMatcher map[string]string

func (m salesMatcher) CustomerSpaceByEmail(email string) string { return m["email:"+email] }
func (m salesMatcher) CustomerSpaceByName(name string) string {
	return m["space:"+strings.ToLower(name)]
}

func TestSalesPerParticipant(t *testing.T) {
	t.Parallel()
	rows := []SalesRow{{Customer: "ana@example.com", Email: true, Cents: 10000}, {Customer: "Acme", Cents: 50000},
		{Customer: "acme", Cents: 10000}, {Customer: "Globex", Cents: 20000}, {Customer: "bob@example.com", Email: true, Cents: 999},
		{Customer: "Initech", Cents: 40000}}
	up := MatchSales(time.Now(), rows, salesMatcher{"email:ana@example.com": "s-hooli", "space:acme": "s-acme", "space:globex": "s-globex", "space:initech": "s-initech"})
	if up.Rows != 6 || up.Matched != 5 || up.Unmatched != 1 || len(up.Customers) != 4 || up.Customers[1].Cents != 60000 {
		t.Fatalf("upload %+v", up)
	}
	cmp := SalesPerParticipant(up, map[string]bool{"s-hooli": true, "s-acme": true})
	// participating: Hooli (ana's) 100 + Acme 600 → 350 each; others: Globex 200 + Initech 400 → 300.
	if *cmp.Value != 350 || *cmp.Other != 300 || cmp.Participating != 2 || cmp.NotParticipating != 2 {
		t.Fatalf("comparison %+v", cmp)
	}
	if none := SalesPerParticipant(up, map[string]bool{}); none.Value != nil || *none.Other != 325 {
		t.Fatalf("no one took part: %+v", none)
	}
}

func i64p(v int64) *int64 { return &v }
