package rewards

import (
	"testing"
	"time"
)

// The state a campaign is in comes from its stored state and the times, whatever the
// schedules did: a late start schedule leaves nobody out, a late end schedule lets
// nobody in.
func TestStateAtFollowsTheTimes(t *testing.T) {
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	end := start.Add(24 * time.Hour)
	before, during, after := start.Add(-time.Second), start.Add(time.Hour), end
	for _, c := range []struct {
		stored string
		at     time.Time
		want   string
	}{
		{StateDraft, during, StateDraft}, {StateDraft, after, StateDraft},
		{StateScheduled, before, StateScheduled}, {StateScheduled, start, StateLive}, {StateScheduled, during, StateLive}, {StateScheduled, after, StateEnded},
		{StateLive, during, StateLive}, {StateLive, after, StateEnded},
		{StatePaused, during, StatePaused}, {StatePaused, after, StateEnded},
		{StateEnded, before, StateEnded}, {StateEnded, during, StateEnded},
	} {
		if got := StateAt(c.stored, start, end, c.at); got != c.want {
			t.Errorf("stored %s at %s: %s, want %s", c.stored, c.at.Format(time.RFC3339), got, c.want)
		}
	}
}

// A proof address is an http(s) link without credentials or hidden characters; the
// same page written otherwise has the same canonical form.
func TestProofAddresses(t *testing.T) {
	for _, bad := range []string{"javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,hi", "ftp://example.com/x", "//example.com/x",
		"https://user:pw@example.com/x", "https://", "example.com/review", "https://example.com/\u202ereview", "https://exa mple.com/"} {
		if _, _, err := NormalProofURL(bad); err == nil {
			t.Errorf("%q was taken", bad)
		}
	}
	_, want, err := NormalProofURL("https://example.com/reviews/tribune")
	if err != nil {
		t.Fatal(err)
	}
	for _, same := range []string{"https://EXAMPLE.com/reviews/tribune/", "http://www.example.com/reviews/tribune#top",
		"https://example.com:443/reviews/tribune?utm_source=mail&utm_campaign=x",
		// RFC 3986 §6.2.2: escaped unreserved characters, the host's trailing dot, dot segments.
		"https://example.com/%72eviews/tribun%65", "https://example.com/reviews/%74ribune%2D%2e%5F%7E/../tribune",
		"https://example.com./reviews/tribune", "https://example.com/reviews/tribune/.", "https://example.com/reviews/./tribune",
		"https://example.com/x/../reviews/tribune", "https://example.com/../reviews/tribune", "https://example.com/reviews/x/y/../../tribune/"} {
		if _, got, err := NormalProofURL(same); err != nil || got != want {
			t.Errorf("%q: %q %v, want %q", same, got, err, want)
		}
	}
	for _, different := range []string{"https://example.com/reviews/tribune?page=2", "https://example.com/reviews/tribune%2Fx",
		"https://example.com/reviews/tribune..", "https://example.com/reviews"} {
		if _, other, _ := NormalProofURL(different); other == want {
			t.Errorf("%q: another page of the site has the same canonical form", different)
		}
	}
	// Reserved characters stay escaped, in one case of hex digits; an internationalised
	// host is the same in Unicode and in punycode.
	_, a, _ := NormalProofURL("https://example.com/a%2fb")
	_, b, _ := NormalProofURL("https://example.com/a%2Fb")
	_, c, _ := NormalProofURL("https://example.com/a/b")
	if a != b || a == c {
		t.Errorf("escaped slash: %q %q %q", a, b, c)
	}
	_, u, _ := NormalProofURL("https://bücher.example/x")
	_, p, _ := NormalProofURL("https://xn--bcher-kva.example/x")
	if u != p {
		t.Errorf("internationalised host: %q and %q", u, p)
	}
	for _, bad := range []string{"https://./x", "https://../x"} {
		if _, _, err := NormalProofURL(bad); err == nil {
			t.Errorf("%q was taken", bad)
		}
	}
}
