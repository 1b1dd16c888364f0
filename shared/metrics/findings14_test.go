package metrics

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Nine active members, 5 occasional, 0 heavy: readers (4) are hidden, and so must be
// the next smallest group and the total, or readers = 9 − 5 − 0 (tester 14, finding 9).
func TestParticipationComplementarySuppression(t *testing.T) {
	active, r, o, h, merged := participationGroups(9, 4, 5, 0)
	if active != nil || r.Members != nil || h.Members != nil || !merged {
		t.Fatalf("a hidden group derivable: active %v readers %+v heavy %+v merged %v", active, r, h, merged)
	}
	if o.Members == nil || *o.Members != 5 || o.Share != nil {
		t.Fatalf("occasional %+v: its members shown, no share (it gives the total)", o)
	}
	// Two hidden groups adding up to 5 or more keep the total; no group is hidden alone.
	active, r, o, h, merged = participationGroups(20, 12, 3, 5)
	if active == nil || *active != 20 || r.Members == nil || o.Members != nil || h.Members != nil || !merged {
		t.Fatalf("20 = 12/3/5: active %v %+v %+v %+v", active, r, o, h)
	}
	if r.Share == nil || *r.Share != 0.6 {
		t.Fatalf("readers' share %+v", r)
	}
	// Nothing small: everything shown, not merged.
	active, r, o, h, merged = participationGroups(15, 5, 5, 5)
	if active == nil || r.Members == nil || o.Members == nil || h.Members == nil || merged {
		t.Fatalf("15 = 5/5/5 hidden: %v %+v %+v %+v %v", active, r, o, h, merged)
	}
	// A small total hides everything.
	if active, _, _, _, merged = participationGroups(3, 3, 0, 0); active != nil || !merged {
		t.Fatalf("3 active members shown")
	}
}

func sketchOf(members ...string) *Sketch {
	s := NewSketch()
	for _, m := range members {
		s.Add(m)
	}
	return s
}

// DAU/MAU over a range is the mean of the days that have a MAU; the small-group rule
// applies to the distinct members behind DAU (those active in the range), never to the
// mean of the days (tester 14, finding 7).
func TestDauMauOverARangeLeavesOutDaysWithoutMau(t *testing.T) {
	days := []string{}
	for d := 1; d <= 30; d++ {
		days = append(days, "2026-11-"+string(rune('0'+d/10))+string(rune('0'+d%10)))
	}
	five := sketchOf("a", "b", "c", "d", "e")
	d := &kpiData{sketches: map[string]map[string]*Sketch{ActiveMembers: {"2026-11-30": five}}, mau: map[string]int64{}}
	ratio, err := d.activity("dau_mau", days)
	if err != nil || ratio.value == nil || *ratio.value != 1 || ratio.merged {
		t.Fatalf("dau_mau %+v %v, want 1 (one day with a MAU)", ratio, err)
	}
	if ratio.series[0].Value != nil || ratio.series[29].Value == nil {
		t.Fatalf("a day without MAU has a ratio: %+v", ratio.series[0])
	}
	dau, _ := d.activity("dau", days)
	if dau.value == nil || *dau.value != 5.0/30 || dau.merged {
		t.Fatalf("dau %+v, want the mean 5/30 shown (5 members behind it)", dau)
	}
	// No day with a MAU: no ratio.
	empty := &kpiData{sketches: map[string]map[string]*Sketch{ActiveMembers: {}}, mau: map[string]int64{}}
	if none, _ := empty.activity("dau_mau", days); none.value != nil || none.merged {
		t.Fatalf("no MAU: %+v", none)
	}
	// Three members behind the figures: hidden, whatever the mean.
	three := &kpiData{sketches: map[string]map[string]*Sketch{ActiveMembers: {"2026-11-29": sketchOf("a", "b", "c")}}, mau: map[string]int64{}}
	for _, kpi := range []string{"dau", "mau", "dau_mau"} {
		if f, _ := three.activity(kpi, days); f.value != nil || !f.merged {
			t.Errorf("%s of 3 members shown: %+v", kpi, f)
		}
	}
}

// The Go list of page shapes is the web's (web/src/routes.ts), in the same order: a page
// added there and not here would never be counted.
func TestPagePathsAreTheWebRoutes(t *testing.T) {
	raw, err := os.ReadFile("../../web/src/routes.ts")
	if err != nil {
		t.Fatal(err)
	}
	var web []string
	for _, m := range regexp.MustCompile(`\{ name: '[A-Za-z]+', path: '([^']*)'`).FindAllStringSubmatch(string(raw), -1) {
		web = append(web, m[1])
	}
	if len(web) < 30 || !slices.Equal(web, PagePaths) {
		t.Fatalf("routes.ts %q\nPagePaths %q", web, PagePaths)
	}
}

// Only paths the app can show are page views (finding 15).
func TestBeaconCountsOnlyPagesOfTheApp(t *testing.T) {
	ua := "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
	for p, want := range map[string]bool{"/": true, "/spaces/s_01": true, "/spaces/s_01/": true, "/newsletters/n_1/results": true, "/kpis/manage": true,
		"/conc": false, "/rl": false, "/<script>alert(1)</script>": false, "/spaces": false, "/spaces/a/b": false, "/Spaces/s_1": false,
		"/posts/%3Cx%3E": false, "/members/" + strings.Repeat("x", 65): false} {
		v := Visit{BeaconBody: BeaconBody{Path: p}, UserAgent: ua, SameOrigin: true}
		if got := v.Counts(); got != want {
			t.Errorf("%s counts %v, want %v", p, got, want)
		}
	}
}
