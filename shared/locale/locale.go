// Package locale picks the language of a page or an email: English or French.
package locale

import (
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// Supported lists the languages Tribune speaks; the first is the default.
var Supported = []string{"en", "fr"}

// Default is used when nothing better is known.
const Default = "en"

// Valid reports whether tag is a supported language.
func Valid(tag string) bool {
	for _, s := range Supported {
		if s == tag {
			return true
		}
	}
	return false
}

// Pick returns explicit when it is supported, else the best match of an
// Accept-Language header (by q-value), else Default.
func Pick(explicit, acceptLanguage string) string {
	if Valid(explicit) {
		return explicit
	}
	best, bestQ := Default, -1.0
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		lang, _, _ := strings.Cut(strings.ToLower(tag), "-")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if parsed, err := strconv.ParseFloat(v, 64); err == nil {
				q = parsed
			} else {
				q = 0
			}
		}
		if Valid(lang) && q > bestQ {
			best, bestQ = lang, q
		}
	}
	return best
}

// Plural picks the form of a count n in lang by the CLDR cardinal rules
// (golang.org/x/text/feature/plural): one ("1 vote"; in French 0 and 1 too: "0 vote",
// "1 nouvelle") or other ("2 votes"). An unsupported lang counts as Default.
func Plural(lang string, n int, one, other string) string {
	if !Valid(lang) {
		lang = Default
	}
	i := n
	if i < 0 {
		i = -i
	}
	if plural.Cardinal.MatchPlural(language.Make(lang), i, 0, 0, 0, 0) == plural.One {
		return one
	}
	return other
}

// Count writes n with the form of its unit that lang uses: Count("fr", 0, "vote",
// "votes") is "0 vote", Count("en", 0, "vote", "votes") is "0 votes".
func Count(lang string, n int, one, other string) string {
	return strconv.Itoa(n) + " " + Plural(lang, n, one, other)
}

// units name durations by language: singular, plural.
var units = map[string]map[string][2]string{
	"en": {"day": {"day", "days"}, "hour": {"hour", "hours"}, "minute": {"minute", "minutes"}},
	"fr": {"day": {"jour", "jours"}, "hour": {"heure", "heures"}, "minute": {"minute", "minutes"}},
}

// Duration writes a duration as people say it in a language: "1 hour", "3 jours",
// "0 minute" (whole days, else whole hours, else minutes; plurals as Count).
func Duration(lang string, d time.Duration) string {
	unit, n := "minute", int(d/time.Minute)
	switch {
	case d > 0 && d%(24*time.Hour) == 0:
		unit, n = "day", int(d/(24*time.Hour))
	case d > 0 && d%time.Hour == 0:
		unit, n = "hour", int(d/time.Hour)
	}
	if !Valid(lang) {
		lang = Default
	}
	names := units[lang][unit]
	return Count(lang, n, names[0], names[1])
}

// months name the months by language, January first.
var months = map[string][12]string{
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	"fr": {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
}

// Date writes a day as people write it in a language, in UTC: "5 March 2026",
// "5 mars 2026" (what the web app's formatDate shows); French writes the first of a
// month "1er" ("1er août 2026", tester 14b, finding 9).
func Date(lang string, t time.Time) string {
	if !Valid(lang) {
		lang = Default
	}
	t = t.UTC()
	day := strconv.Itoa(t.Day())
	if lang == "fr" && t.Day() == 1 {
		day = "1er"
	}
	return day + " " + months[lang][t.Month()-1] + " " + strconv.Itoa(t.Year())
}
