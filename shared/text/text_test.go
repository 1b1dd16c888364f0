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
		"  line one\r\nline two\rthree\n\tcode  ": "  line one\nline two\nthree\n\tcode",
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

// Issue 9 round 2: an address with an invisible character is refused, not cleaned
// ("admin@example.com" + ZWSP made a second "admin"), and every spelling of one
// mailbox's domain (full-width, upper case, Unicode, punycode) is one address.
func TestEmailAddressesRefuseInvisibleCharactersAndFoldTheDomain(t *testing.T) {
	for what, bad := range map[string]string{
		"ZWSP after":          "admin@example.com\u200b",
		"ZWSP in local part":  "ad\u200bmin@example.com",
		"ZWSP in domain":      "admin@exam\u200bple.com",
		"soft hyphen":         "ad\u00admin@example.com",
		"soft hyphen domain":  "admin@exam\u00adple.com",
		"word joiner":         "admin@example\u2060.com",
		"ZWNJ":                "admin\u200c@example.com",
		"ZWJ in domain":       "admin@ex\u200dample.com",
		"BOM":                 "\ufeffadmin@example.com",
		"LRM":                 "admin\u200e@example.com",
		"RLO":                 "\u202eadmin@example.com",
		"isolate":             "admin@\u2066example.com\u2069",
		"variation selector":  "admin\ufe0f@example.com",
		"tag character":       "admin@example.com\U000E0001",
		"BEL":                 "admin\a@example.com",
		"DEL":                 "admin\x7f@example.com",
		"C1":                  "admin\u0085x@example.com",
		"private use":         "admin\ue000@example.com",
		"Hangul filler":       "\u3164@example.com",
		"symbol in local":     "admin\u2605@example.com",
		"compat in local":     "x\u00b2@example.com",
		"underscore domain":   "admin@ex_ample.com",
		"bad punycode":        "admin@xn--abc.com",
		"hyphen label":        "admin@-example.com",
		"empty label":         "admin@example..com",
		"trailing dot":        "admin@example.com.",
		"invalid UTF-8":       "admin@exa\xffmple.com",
		"dotless IDN":         "admin@exämple",
		"no dot":              "admin@example",
		"quoted local part":   `"admin"@example.com`,
		"name and address":    "Admin <admin@example.com>",
		"two addresses":       "a@b.com, c@d.com",
		"NBSP inside":         "ad\u00a0min@example.com",
		"ideographic space":   "ad\u3000min@example.com",
		"newline inside":      "admin\n@example.com",
		"mongolian separator": "admin\u180e@example.com",
	} {
		if got, ok := NormalizeEmail(bad); ok {
			t.Errorf("NormalizeEmail(%s %q) = %q, want refused", what, bad, got)
		}
	}
	for want, spellings := range map[string][]string{
		"carol@example.com":           {"carol@ｅxample.com", "carol@ＥＸＡＭＰＬＥ．ＣＯＭ", "ｃａｒｏｌ@example.com", "CAROL@EXAMPLE.COM", "carol@example。com"},
		"carol@xn--exmple-cua.com":    {"carol@exämple.com", "carol@EXÄMPLE.com", "carol@exa\u0308mple.com", "carol@xn--exmple-cua.com", "Carol@XN--EXMPLE-CUA.COM", "carol@ｅxämple.com"},
		"josé@xn--caf-dma.fr":         {"José@Café.fr", "jose\u0301@cafe\u0301.FR"},
		"david.שלום@example.co.il":    {"david.שלום@example.co.il"},
		"jane.doe+news@gmail.com":     {"Jane.Doe+News@GMail.com"},
		"o'brien@example.com":         {"O'Brien@example.com"},
		"user@xn--strae-oqa.de":       {"user@straße.de"}, // IDNA2008: ß is not "ss"
		"info@xn--80ak6aa92e.com":     {"info@аррӏе.com"}, // a lookalike domain is its own
		"x@sub.xn--bcher-kva.example": {"x@sub.bücher.example", "x@SUB.BÜCHER.EXAMPLE"},
	} {
		for _, in := range spellings {
			if got, ok := NormalizeEmail(in); !ok || got != want {
				t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, ok, want)
			}
		}
	}
	// Normalising a normal address changes nothing (the store's uniqueness claim relies
	// on it).
	for _, in := range []string{"carol@xn--exmple-cua.com", "josé@xn--caf-dma.fr", "a.b-c+d@x.io"} {
		if got, ok := NormalizeEmail(in); !ok || got != in {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want it unchanged", in, got, ok)
		}
	}
}

// Issue 9, round 2: "    @m_<id>" was trimmed into a paragraph and notified; the
// first line's indentation is part of a body (an indented code block in Markdown).
func TestBodiesKeepTheFirstLinesIndentation(t *testing.T) {
	for in, want := range map[string]string{
		// The first line's indentation is part of the text (an indented code block);
		// blank lines before it and white space at the end are not.
		"    @m_A\n    more code\n\n  \n": "    @m_A\n    more code",
		" \n\t\n    code\n":               "    code",
		"\tcode":                          "\tcode",
		"text  \n\u00a0\n":                "text",
	} {
		if got, err := Body("body", in); err != nil || got != want {
			t.Errorf("Body(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// Issue 9, round 2: names that read as an erased account, the system or staff are
// reserved, however they are spelled.
func TestReservedDisplayNames(t *testing.T) {
	for want, names := range map[int][]string{
		ReservedForSystem: {"Deleted member", "deleted   MEMBER", "Deleted-Member", "DeletedMember", "Ｄｅｌｅｔｅｄ member", "Membre supprimé",
			"membre supprime", "MEMBRE SUPPRIMÉ", "Deleted user", "Tribune Support", "TribuneSupport", "tribune.support", "Tribune Support Team",
			"Système", "Dеleted mеmber" /* Cyrillic е */, "Deleted member 2"},
		ReservedForStaff: {"admin", "Admin", "ADMIN", "a.d.m.i.n", "Ａｄｍｉｎ", "Аdmin" /* Cyrillic А */, "Administrator", "Modérateur",
			"moderateur", "Moderator", "Support", "Support Team", "Staff", "Official", "The Admin Team", "Équipe support", "L'équipe Tribune",
			"Tribune", "Tribune Staff", "Admin 👩\u200d💻", "Official Support", "Admin1"},
		NotReserved: {"Ann", "Jane Smith", "Admin Jane", "Supporter", "Staffan", "Modesty", "Madmin", "Teamwork", "Des", "The Team",
			"Member", "Deleted", "Tribune fan", "x²", "2024", "", "Zoë"},
	} {
		for _, name := range names {
			if got := ReservedName(name); got != want {
				t.Errorf("ReservedName(%q) = %d, want %d (key %q)", name, got, want, ReservedKey(name))
			}
		}
	}
}

// Issue 9, round 3: characters that show as nothing or as blank space are refused
// anywhere in a name or line, not only when nothing else is there ("Bob Member" + a
// braille blank made a second, identical-looking "Bob Member"; an object replacement
// character alone made a post link without a visible title).
func TestNamesAndLinesRefuseBlankCharactersAnywhere(t *testing.T) {
	blank := map[string]rune{
		"braille blank": 0x2800, "musical null notehead": 0x1D159, "object replacement": 0xFFFC, "Hangul choseong filler": 0x115F,
		"Hangul jungseong filler": 0x1160, "Hangul filler": 0x3164, "halfwidth Hangul filler": 0xFFA0, "Khitan filler": 0x16FE4,
		"combining grapheme joiner": 0x034F, "Khmer inherent vowel": 0x17B4, "Mongolian vowel separator": 0x180E,
		"Mongolian variation selector": 0x180F, "invisible times": 0x2062, "musical begin beam": 0x1D173, "Arabic letter mark": 0x061C,
		"interlinear annotation": 0xFFF9, "shorthand format control": 0x1BCA0, "variation selector 1": 0xFE00, "default-ignorable unassigned": 0x2065,
	}
	for what, r := range blank {
		for _, in := range []string{"Bob Member" + string(r), "Bob" + string(r) + "Member", string(r) + "Bob Member", "Alice Admin" + string(r), string(r)} {
			for name, f := range map[string]func(string, string) (string, error){"Name": Name, "Line": Line} {
				if out, err := f("title", in); !errs.Is(err, CodeCharacters) {
					t.Errorf("%s(%s in %q) = %q, %v; want %s", name, what, in, out, err, CodeCharacters)
				}
			}
			if key := NameKey(in); key != "" {
				t.Errorf("NameKey(%s in %q) = %q, want none", what, in, key)
			}
		}
	}
	// Something visible is needed: a letter, digit, symbol or punctuation. Marks alone
	// (a combining acute after a space) are not enough.
	for _, in := range []string{"\u0301", " \u0301 ", "\u0903", "\ufffd"} {
		if out, err := Line("title", in); !errs.Is(err, CodeCharacters) {
			t.Errorf("Line(%q) = %q, %v; want refused", in, out, err)
		}
	}
	// What must keep working: letters of every script with their marks, joiners where
	// a script needs them, emoji sequences, symbols and punctuation alone.
	for _, in := range []string{"Zoë", "क्‍ष", "कर्‍म", "کرمانشاه\u200cها", "Jane 👩\u200d💻", "I ❤\ufe0f Go", "𝄞 music", "⠁⠃ braille", "?", "★", "1\ufe0f\u20e3", "Hangul 한글"} {
		if _, err := Line("title", in); err != nil {
			t.Errorf("Line(%q): %v", in, err)
		}
		if _, err := Name("displayName", in); err != nil {
			t.Errorf("Name(%q): %v", in, err)
		}
	}
}

// Issue 9, round 4: "Аda Admin" (Cyrillic А), "Ada Admiń" and "Ada Admin." passed for
// "Ada Admin". Names a reader cannot tell apart have one LookalikeKey; names they can
// have different keys.
func TestLookalikeKeyJoinsNamesThatLookAlike(t *testing.T) {
	want := LookalikeKey("Ada Admin")
	for _, name := range []string{"Ada Admin", "ada admin", "ADA ADMIN", "\u0410da Admin", "Ad\u0430 Admin", "Ada Admin\u0301", "Ada Admi\u0144",
		"Ada Admin.", "Ada  Admin", "Ada-Admin", "AdaAdmin", "Ａｄａ Ａｄｍｉｎ", "Ada Adrnin", "Ada Adm\u0456n", "Ada\u00a0Admin"} {
		if got := LookalikeKey(name); got != want {
			t.Errorf("LookalikeKey(%q) = %q, want %q (as Ada Admin)", name, got, want)
		}
	}
	for _, name := range []string{"Ada Admins", "Ada", "Ida Admin", "Ada Admin 2", "Adam Admin"} {
		if LookalikeKey(name) == want {
			t.Errorf("LookalikeKey(%q) is Ada Admin's", name)
		}
	}
	if got := LookalikeKey("..."); got != "" {
		t.Errorf("LookalikeKey(...) = %q, want empty", got)
	}
}
