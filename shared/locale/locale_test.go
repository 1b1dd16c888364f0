package locale

import "testing"

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
