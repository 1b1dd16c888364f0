package newsletters

import (
	"testing"
	"time"
)

// A digest's next issue is the first day and hour after a time, in its time zone:
// across a change of summer time, at the month's end, and never the same instant.
func TestNextRunIsTheNextDayAndHourInItsTimeZone(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	cases := []struct {
		freq               string
		weekday, day, hour int
		tz                 string
		after, want        time.Time
	}{
		{Weekly, 1, 0, 9, "UTC", time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC), time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)},
		{Weekly, 1, 0, 9, "UTC", time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC), time.Date(2026, 12, 14, 9, 0, 0, 0, time.UTC)},
		{Weekly, 1, 0, 9, "UTC", time.Date(2026, 12, 7, 8, 59, 0, 0, time.UTC), time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)},
		// Paris leaves summer time on 25 October 2026: 9:00 is 7:00 UTC before, 8:00 after.
		{Weekly, 1, 0, 9, "Europe/Paris", time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 26, 9, 0, 0, 0, paris)},
		{Weekly, 1, 0, 9, "Europe/Paris", time.Date(2026, 10, 12, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 12, 9, 0, 0, 0, paris)},
		{Monthly, 0, 28, 18, "UTC", time.Date(2026, 12, 28, 18, 0, 0, 0, time.UTC), time.Date(2027, 1, 28, 18, 0, 0, 0, time.UTC)},
		{Monthly, 0, 1, 0, "UTC", time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		got, err := NextRun(c.freq, c.weekday, c.day, c.hour, c.tz, c.after)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("%s after %v: %v %v, want %v", c.freq, c.after, got, err, c.want.UTC())
		}
	}
	if _, err := NextRun(Weekly, 1, 0, 9, "Mars/Olympus", time.Now()); err != ErrDigestWhen {
		t.Errorf("unknown zone: %v", err)
	}
}
