package metrics

import (
	"testing"
	"time"
)

func TestDayIsTheUTCDate(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	if got := Day(time.Date(2026, 11, 25, 0, 30, 0, 0, paris)); got != "2026-11-24" {
		t.Fatalf("Day = %s, want the UTC date 2026-11-24", got)
	}
}
