package metrics

import (
	"fmt"
	"math"
	"testing"
)

// The distinct count of a sketch stays within the stated error: 3 standard errors
// (99.7 % of estimates) at 10,000 and 100,000 distinct ids, each added three times;
// merging two halves that overlap counts the union, not the sum.
func TestSketchErrorBound(t *testing.T) {
	t.Parallel()
	for _, n := range []int{10_000, 100_000} {
		s := NewSketch()
		for range 3 {
			for i := range n {
				s.Add(fmt.Sprintf("member-%d", i))
			}
		}
		got := s.Estimate()
		rel := math.Abs(float64(got)-float64(n)) / float64(n)
		t.Logf("%d distinct ids: estimate %d, error %.3f %% (stated %.2f %%)", n, got, 100*rel, 100*SketchError)
		if rel > 3*SketchError {
			t.Fatalf("%d distinct ids estimated %d: error %.3f %% beyond 3 × %.2f %%", n, got, 100*rel, 100*SketchError)
		}
		// Two days of n ids each, half of them the same: the range counts 1.5 n.
		a, b := NewSketch(), NewSketch()
		for i := range n {
			a.Add(fmt.Sprintf("member-%d", i))
			b.Add(fmt.Sprintf("member-%d", i+n/2))
		}
		data, _ := b.MarshalBinary()
		back, err := UnmarshalSketch(data)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Merge(back); err != nil {
			t.Fatal(err)
		}
		want := float64(n + n/2)
		if rel := math.Abs(float64(a.Estimate())-want) / want; rel > 3*SketchError {
			t.Fatalf("union of %d and %d overlapping by half estimated %d, want about %.0f", n, n, a.Estimate(), want)
		}
	}
}

// Adding a member already in a sketch changes nothing (nothing to write).
func TestSketchAddAllReportsChange(t *testing.T) {
	t.Parallel()
	data, changed, err := AddAll(nil, []string{"m1", "m2"})
	if err != nil || !changed {
		t.Fatalf("first add: changed %v, %v", changed, err)
	}
	again, changed, err := AddAll(data, []string{"m2", "m1"})
	if err != nil || changed || string(again) != string(data) {
		t.Fatalf("adding the same members again changed the sketch (%v, %v)", changed, err)
	}
	s, _ := UnmarshalSketch(again)
	if s.Estimate() != 2 {
		t.Fatalf("estimate %d, want 2", s.Estimate())
	}
}
