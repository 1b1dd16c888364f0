// Package text holds the rules every domain applies to what people type: display
// names, single-line text (titles, subjects, space and product names, poll options,
// company, location), multi-line bodies (Markdown, messages, notes) and email
// addresses. One place, so that a name refused on the profile page is refused on
// sign-up too, and one mailbox is one member whatever path the address came by.
//
// Names and lines follow the PRECIS framework (RFC 8264) as implemented by
// golang.org/x/text/secure/precis: its FreeformClass refuses control characters,
// invisible ("default ignorable") characters such as zero-width spaces, bidi
// overrides and marks, soft hyphens, Hangul fillers, private-use and unassigned code
// points. Display names take the Nickname rules of RFC 8266 (NFKC, so width and
// compatibility variants fold to one spelling); lines keep compatibility characters
// (x² stays x²) but fold width and take NFC. Both map every Unicode space to an ASCII
// space, trim and collapse spaces. On top of PRECIS, names and lines refuse every
// character that shows as nothing or as blank space (blank: the braille blank, the
// musical null notehead, the object replacement character, fillers, and any
// default-ignorable code point of Go's newer Unicode tables), and a name or line needs
// a visible letter, digit, symbol or punctuation (Visible).
//
// One deliberate exception to PRECIS: the zero-width joiner between two emoji and the
// emoji/text presentation selectors (U+FE0F, U+FE0E) after a symbol are kept, so
// "👩‍💻" and "❤️" are accepted; anywhere else they are refused like other invisible
// characters.
package text

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mtibben/confusables"
	"golang.org/x/text/cases"
	"golang.org/x/text/secure/precis"
	"golang.org/x/text/unicode/norm"

	"tribune/shared/errs"
)

// CodeCharacters is the problem code of a text holding a refused character.
const CodeCharacters = "invalid_characters"

// Refused returns the error of a field whose text holds a character that is not
// allowed (or only invisible ones).
func Refused(field string) *errs.Error {
	return errs.InvalidField(field, "invalid_characters",
		"This text holds characters that are not allowed: control or invisible characters, or direction overrides. Remove them and try again.")
}

var (
	// names: RFC 8266 without its space rule (applied before, see spaces), which
	// cannot run piece by piece.
	names = precis.NewFreeform(precis.Norm(norm.NFKC), precis.IgnoreCase)
	// lines: FreeformClass, width folded, NFC.
	lines = precis.NewFreeform(precis.FoldWidth, precis.Norm(norm.NFC))
)

// Name cleans a display name: the result, or Refused(field) when it holds a refused
// character or nothing visible. An empty or all-space name gives "" (the caller's
// length rule refuses it). Lengths are the caller's, counted on the result.
func Name(field, s string) (string, error) {
	out, err := enforce(names, s, false)
	if err != nil {
		return "", Refused(field)
	}
	return out, nil
}

// NameKey is how display names compare and are searched: the cleaned name, lower
// case (a name that Name refuses gives "").
func NameKey(s string) string {
	out, err := enforce(names, s, true)
	if err != nil {
		return ""
	}
	return out
}

// Line cleans one line of text (titles, subjects, names of spaces and products, poll
// options, company, location, short reasons), like Name but keeping compatibility
// characters.
func Line(field, s string) (string, error) {
	out, err := enforce(lines, s, false)
	if err != nil {
		return "", Refused(field)
	}
	return out, nil
}

// enforce applies a profile to s until the result is stable (NFKC can make spaces:
// "¨" is a space and a combining mark), as RFC 8266 §2.4 asks of nicknames. It refuses
// text with nothing visible, and text that does not settle in four passes.
func enforce(p *precis.Profile, s string, key bool) (string, error) {
	for range 4 {
		out, err := enforceOnce(p, s, key)
		if err != nil || out == s {
			return out, err
		}
		s = out
	}
	return "", errRefused
}

// enforceOnce is one pass: spaces mapped, trimmed and collapsed, then the profile, the
// emoji joiners kept out of its check.
func enforceOnce(p *precis.Profile, s string, key bool) (string, error) {
	if !utf8.ValidString(s) {
		return "", errRefused
	}
	s = spaces(s)
	if s == "" {
		return "", nil
	}
	pieces, glue := splitGlue(s)
	var b strings.Builder
	for i, piece := range pieces {
		var out string
		var err error
		if key {
			out, err = p.CompareKey(piece)
		} else {
			out, err = p.String(piece)
		}
		if err != nil {
			return "", err
		}
		if strings.IndexFunc(piece, refusedBlank) >= 0 || strings.IndexFunc(out, refusedBlank) >= 0 {
			return "", errRefused
		}
		b.WriteString(out)
		if i < len(glue) {
			b.WriteString(glue[i])
		}
	}
	out := b.String()
	if !Visible(out) {
		return "", errRefused
	}
	return out, nil
}

var errRefused = Refused("")

// spaces maps every Unicode space separator to an ASCII space, trims and collapses
// runs (RFC 8266 §2.1 rule 2). Other white space (tabs, line breaks) is left for the
// profile to refuse.
func spaces(s string) string {
	var b strings.Builder
	pending := false
	for _, r := range s {
		if r == ' ' || unicode.Is(unicode.Zs, r) {
			pending = b.Len() > 0
			continue
		}
		if pending {
			b.WriteByte(' ')
			pending = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

const (
	zwj  = '\u200d'
	vs15 = '\ufe0e'
	vs16 = '\ufe0f'
)

// isEmoji approximates Extended_Pictographic and the emoji modifiers, which Go's
// unicode tables lack: symbols (So) and the skin-tone modifiers (Sk, U+1F3FB–U+1F3FF).
func isEmoji(r rune) bool {
	return unicode.Is(unicode.So, r) || (r >= 0x1F3FB && r <= 0x1F3FF)
}

// splitGlue cuts s around the emoji joiners it keeps: a zero-width joiner between two
// emoji (a presentation selector may sit before it), a presentation selector after a
// symbol, a digit, '#' or '*' (keycaps). Everything else stays in the pieces, for
// the profile to judge. len(glue) == len(pieces)-1.
func splitGlue(s string) (pieces, glue []string) {
	runes := []rune(s)
	start := 0
	for i, r := range runes {
		keep := false
		switch r {
		case vs15, vs16:
			if i > 0 {
				p := runes[i-1]
				keep = isEmoji(p) || (p >= '0' && p <= '9') || p == '#' || p == '*'
			}
		case zwj:
			if i > 0 && i+1 < len(runes) {
				p := runes[i-1]
				if (p == vs16 || p == vs15) && i > 1 {
					p = runes[i-2]
				}
				keep = isEmoji(p) && isEmoji(runes[i+1])
			}
		}
		if keep {
			pieces = append(pieces, string(runes[start:i]))
			glue = append(glue, string(r))
			start = i + 1
		}
	}
	return append(pieces, string(runes[start:])), glue
}

// blanks are characters that show as nothing or as blank space though they are
// letters or symbols, so PRECIS lets them through: the braille pattern blank
// (U+2800), the musical null notehead (U+1D159), the object replacement character
// (U+FFFC, a box in some fonts and nothing in most browsers), the Hangul fillers
// (U+115F, U+1160, U+3164, U+FFA0; also default-ignorable) and the Khitan filler
// (U+16FE4). Sources: the list of invisible-characters.com (Florian Pigorsch,
// github.com/flopp/invisible-characters) and Unicode's Default_Ignorable_Code_Point
// (UAX #44, DerivedCoreProperties.txt), whose members blank takes from Go's tables.
var blanks = []rune{0x2800, 0x1D159, 0xFFFC, 0x115F, 0x1160, 0x3164, 0xFFA0, 0x16FE4}

// blank reports whether r renders as nothing or as blank space and is no space: a
// format character (Cf: zero-width spaces and joiners, bidi marks, soft hyphen,
// invisible operators, tags...), another default-ignorable code point (combining
// grapheme joiner, Khmer inherent vowels, Hangul fillers, unassigned ones), a
// variation selector, or one of the blank-looking letters and symbols above. Names
// and lines refuse every one of them anywhere (the emoji joiners they keep are cut
// out before: splitGlue); bodies keep them.
func blank(r rune) bool {
	return unicode.In(r, unicode.Cf, unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector) || slices.Contains(blanks, r)
}

// refusedBlank is blank but for the zero-width non-joiner and joiner, which PRECIS
// allows only where a script needs them (RFC 5892 ContextJ: after a virama, inside a
// Persian or Arabic word) and refuses elsewhere.
func refusedBlank(r rune) bool { return r != '\u200c' && r != zwj && blank(r) }

// Visible reports whether s holds at least one character that shows: a letter,
// digit, symbol or punctuation that is not blank (nor U+FFFD, which stands for a
// character that could not be read). Spaces, marks alone, controls, private-use
// characters and blanks do not count.
func Visible(s string) bool {
	for _, r := range s {
		if r != '\ufffd' && !blank(r) && unicode.In(r, unicode.L, unicode.N, unicode.S, unicode.P) {
			return true
		}
	}
	return false
}

// Body cleans multi-line text (Markdown bodies, comments, messages, notes): line
// breaks become "\n", the text takes NFC, and trailing white space and blank lines at
// either end go. The indentation of the first line stays: in Markdown four leading
// spaces make a code block, and trimming them turned "    @m_<id>" from code into a
// mention. It refuses (Refused(field))
// control characters other than tab and line breaks (NUL, BEL, ESC, DEL, the C1
// range) and the bidi embeddings, overrides and isolates (U+202A–U+202E,
// U+2066–U+2069) that make text read differently from how it is stored ("Trojan
// Source"). Zero-width characters stay allowed in bodies (joiners in emoji and in
// Indic and Persian scripts); a body with nothing visible comes back "" for the
// caller's "empty" rule.
func Body(field, s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", Refused(field)
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	for _, r := range s {
		if refusedInBody(r) {
			return "", Refused(field)
		}
	}
	s = strings.TrimRightFunc(norm.NFC.String(s), unicode.IsSpace)
	for {
		line, rest, found := strings.Cut(s, "\n")
		if !found || strings.TrimSpace(line) != "" {
			break
		}
		s = rest // a blank first line: Markdown ignores it, so it carries nothing
	}
	if !Visible(s) {
		return "", nil
	}
	return s, nil
}

func refusedInBody(r rune) bool {
	switch {
	case r == '\t' || r == '\n':
		return false
	case r < 0x20 || (r >= 0x7f && r <= 0x9f):
		return true
	case (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069):
		return true
	case r == 0xfffe || r == 0xffff:
		return true
	}
	return false
}

// Truncate cuts s to at most n runes (never inside a character).
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// LookalikeKey is what a name looks like, to tell apart names a reader could not: the
// name case folded (NFKC first, so full-width letters fold too), mapped to its
// skeleton of Unicode Technical Standard #39 (section 4, "Confusable Detection":
// Cyrillic "а" reads as Latin "a", "m" as "rn"), then stripped of combining marks,
// spaces, punctuation and symbols. "Ada Admin", "АDA ADMIN" (Cyrillic А), "Ada Admiń"
// and "Ada Admin." have one key. Empty when nothing of a letter or digit is left.
func LookalikeKey(s string) string {
	s = confusables.Skeleton(cases.Fold().String(norm.NFKC.String(s)))
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}
