package text

import (
	"testing"

	"tribune/shared/errs"
)

// The cases of issue 9 (zero-width spaces, "admin" + ZWSP, a right-to-left override,
// BEL, NUL) and the lookalikes and emoji that must keep working.
func TestNamesRefuseInvisibleAndControlCharacters(t *testing.T) {
	refused := map[string]string{
		"only zero-width spaces": "\u200b\u200b\u200b",
		"admin + ZWSP":           "admin\u200b",
		"RLO":                    "ad\u202emin",
		"LRM":                    "a\u200eb",
		"BEL":                    "bel\x07",
		"NUL":                    "nul\x00",
		"tab":                    "a\tb",
		"line break":             "a\nb",
		"soft hyphen":            "ad\u00admin",
		"Hangul filler":          "\u3164",
		"halfwidth filler":       "\uffa0",
		"braille blank":          "\u2800\u2800",
		"word joiner":            "ad\u2060min",
		"byte order mark":        "\ufeffadmin",
		"tag character":          "admin\U000E0001",
		"private use":            "\ue000",
		"lone joiner":            "\u200dadmin",
		"lone selector":          "\ufe0fadmin",
		"invalid UTF-8":          "ad\xffmin",
	}
	for what, in := range refused {
		for name, f := range map[string]func(string, string) (string, error){"Name": Name, "Line": Line} {
			out, err := f("displayName", in)
			if e, ok := errs.As(err); !ok || e.Code != CodeCharacters || e.Field != "displayName" {
				t.Errorf("%s(%s %q) = %q, %v; want %s on displayName", name, what, in, out, err, CodeCharacters)
			}
		}
	}
	kept := []struct{ in, name, line string }{
		{"admin", "admin", "admin"},
		{"  Jane   Doe  ", "Jane Doe", "Jane Doe"},
		{"Jane\u00a0Doe", "Jane Doe", "Jane Doe"},  // no-break space
		{"\u3000Jane", "Jane", "Jane"},             // ideographic space
		{"Ａｄｍｉｎ", "Admin", "Admin"},                // fullwidth
		{"Zoe\u0308", "Zoë", "Zoë"},                // NFC
		{"x²", "x2", "x²"},                         // compatibility: names fold, lines keep
		{"ﬁle", "file", "ﬁle"},                     // ligature
		{"שלום world", "שלום world", "שלום world"}, // mixed directions, no override
		{"کرمانشاه\u200cها", "کرمانشاه\u200cها", "کرمانشاه\u200cها"}, // ZWNJ in Persian
		{"Jane 👩\u200d💻", "Jane 👩\u200d💻", "Jane 👩\u200d💻"},          // emoji ZWJ sequence
		{"I ❤\ufe0f Go", "I ❤\ufe0f Go", "I ❤\ufe0f Go"},             // emoji presentation
		{"1\ufe0f\u20e3", "1\ufe0f\u20e3", "1\ufe0f\u20e3"},          // keycap
		{"👍🏽", "👍🏽", "👍🏽"},
		{"", "", ""},
		{"   ", "", ""},
	}
	// Cleaning is stable: a cleaned name cleans to itself (NFKC can make spaces).
	for _, in := range []string{"a ¨", "¨abc", "x⑴ y", "Ａ　Ｂ"} {
		once, err := Name("n", in)
		if err != nil {
			continue
		}
		if twice, err := Name("n", once); err != nil || twice != once {
			t.Errorf("Name(%q) = %q, then %q %v", in, once, twice, err)
		}
	}
	for _, k := range kept {
		if got, err := Name("n", k.in); err != nil || got != k.name {
			t.Errorf("Name(%q) = %q, %v; want %q", k.in, got, err, k.name)
		}
		if got, err := Line("n", k.in); err != nil || got != k.line {
			t.Errorf("Line(%q) = %q, %v; want %q", k.in, got, err, k.line)
		}
	}
}

// "admin", "Admin" and its fullwidth spelling search and compare as one.
func TestNameKeyFoldsCaseAndWidth(t *testing.T) {
	for _, in := range []string{"admin", "Admin", "ＡＤＭＩＮ", " admin "} {
		if got := NameKey(in); got != "admin" {
			t.Errorf("NameKey(%q) = %q, want admin", in, got)
		}
	}
	if got := NameKey("admin\u200b"); got != "" {
		t.Errorf("NameKey of a refused name = %q, want empty", got)
	}
}

func TestBodiesRefuseControlsAndBidiOverridesOnly(t *testing.T) {
	for what, in := range map[string]string{
		"NUL": "a\x00b", "BEL": "a\x07b", "ESC": "\x1b[31mred", "DEL": "a\x7fb", "C1": "a\u0085b",
		"RLO": "access\u202e // check", "LRI": "a\u2066b\u2069", "invalid UTF-8": "a\xffb",
	} {
		if _, err := Body("body", in); !errs.Is(err, CodeCharacters) {
			t.Errorf("Body(%s) = %v, want %s", what, err, CodeCharacters)
		}
	}
	for in, want := range map[string]string{
		"  line one\r\nline two\rthree\n\tcode  ": "line one\nline two\nthree\n\tcode",
		"Zoe\u0308":         "Zoë",
		"a\u200bb":          "a\u200bb", // zero-width characters stay in bodies
		"שלום \u200f world": "שלום \u200f world",
		"\u200b\u200b \n":   "", // nothing visible: the caller's "empty"
	} {
		if got, err := Body("body", in); err != nil || got != want {
			t.Errorf("Body(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestOneSpellingOfAnEmailAddress(t *testing.T) {
	for _, in := range []string{"Jane.Doe@Example.COM ", "jane.doe@example.com", "\tJANE.DOE@EXAMPLE.COM\n", "\u00a0jane.doe@example.com"} {
		if got, ok := NormalizeEmail(in); !ok || got != "jane.doe@example.com" {
			t.Errorf("NormalizeEmail(%q) = %q, %v", in, got, ok)
		}
	}
	// A decomposed accent and a composed one are one address.
	composed, ok1 := NormalizeEmail("jos\u00e9@example.com")
	decomposed, ok2 := NormalizeEmail("Jose\u0301@Example.com")
	if !ok1 || !ok2 || composed != decomposed {
		t.Errorf("NFC: %q vs %q", composed, decomposed)
	}
	// Not Gmail's rules: dots and +tags are part of the address.
	if a, _ := NormalizeEmail("jane.doe+news@gmail.com"); a != "jane.doe+news@gmail.com" {
		t.Errorf("dots or tags were rewritten: %q", a)
	}
	for _, bad := range []string{"", "jane", "jane@localhost", "Jane <jane@example.com>", "jane@example.com.", "jane@.example.com",
		"a@b.c, d@e.f", "jane\x00@example.com", "jane@exa mple.com"} {
		if got, ok := NormalizeEmail(bad); ok {
			t.Errorf("NormalizeEmail(%q) = %q, want refused", bad, got)
		}
	}
	long := make([]byte, 250)
	for i := range long {
		long[i] = 'a'
	}
	if _, ok := NormalizeEmail(string(long) + "@x.io"); ok {
		t.Error("an address over 254 bytes was accepted")
	}
}
