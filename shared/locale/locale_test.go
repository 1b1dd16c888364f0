package locale

import (
	"testing"
	"time"
)

func TestPick(t *testing.T) {
	cases := []struct{ explicit, header, want string }{
		{"fr", "en-US", "fr"},
		{"", "fr-CA,fr;q=0.9,en;q=0.8", "fr"},
		{"", "de-DE,en;q=0.5,fr;q=0.7", "fr"},
		{"de", "", "en"},
		{"", "", "en"},
		{"", "es", "en"},
	}
	for _, c := range cases {
		if got := Pick(c.explicit, c.header); got != c.want {
			t.Errorf("Pick(%q, %q) = %q, want %q", c.explicit, c.header, got, c.want)
		}
	}
}

func TestDurationsAreSaidInEachLanguage(t *testing.T) {
	for _, c := range []struct {
		lang string
		d    time.Duration
		want string
	}{{"en", time.Hour, "1 hour"}, {"en", 4 * time.Hour, "4 hours"}, {"fr", 72 * time.Hour, "3 jours"},
		{"fr", 90 * time.Minute, "90 minutes"}, {"de", 24 * time.Hour, "1 day"}} {
		if got := Duration(c.lang, c.d); got != c.want {
			t.Errorf("Duration(%s, %v) = %q, want %q", c.lang, c.d, got, c.want)
		}
	}
}

// Counts follow each language's plural rule: French treats 0 and 1 as singular.
func TestCountsArePluralsOfTheirLanguage(t *testing.T) {
	for _, c := range []struct {
		lang string
		n    int
		want string
	}{{"en", 0, "0 votes"}, {"en", 1, "1 vote"}, {"en", 2, "2 votes"}, {"fr", 0, "0 vote"}, {"fr", 1, "1 vote"},
		{"fr", 2, "2 votes"}, {"fr", 1000, "1000 votes"}, {"de", 1, "1 vote"}} {
		if got := Count(c.lang, c.n, "vote", "votes"); got != c.want {
			t.Errorf("Count(%s, %d) = %q, want %q", c.lang, c.n, got, c.want)
		}
	}
	if got := Duration("fr", 0); got != "0 minute" {
		t.Errorf("Duration(fr, 0) = %q, want 0 minute", got)
	}
	if got := Date("fr", time.Date(2026, 8, 1, 23, 0, 0, 0, time.UTC)); got != "1er août 2026" {
		t.Errorf("Date(fr) = %q", got)
	}
	if got := Date("fr", time.Date(2026, 8, 2, 0, 0, 0, 0, time.UTC)); got != "2 août 2026" {
		t.Errorf("Date(fr) = %q", got)
	}
	if got := Date("en", time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)); got != "1 August 2026" {
		t.Errorf("Date(fr) = %q", got)
	}
	if got := Date("en", time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)); got != "5 March 2026" {
		t.Errorf("Date(en) = %q", got)
	}
}
