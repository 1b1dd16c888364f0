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
