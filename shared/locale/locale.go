// Package locale picks the language of a page or an email: English or French.
package locale

import (
	"strconv"
	"strings"
	"time"
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

// units name durations by language: singular, plural.
var units = map[string]map[string][2]string{
	"en": {"day": {"day", "days"}, "hour": {"hour", "hours"}, "minute": {"minute", "minutes"}},
	"fr": {"day": {"jour", "jours"}, "hour": {"heure", "heures"}, "minute": {"minute", "minutes"}},
}

// Duration writes a duration as people say it in a language: "1 hour", "3 jours"
// (whole days, else whole hours, else minutes).
func Duration(lang string, d time.Duration) string {
	unit, n := "minute", int(d/time.Minute)
	switch {
	case d > 0 && d%(24*time.Hour) == 0:
		unit, n = "day", int(d/(24*time.Hour))
	case d > 0 && d%time.Hour == 0:
		unit, n = "hour", int(d/time.Hour)
	}
	names, ok := units[lang]
	if !ok {
		names = units[Default]
	}
	if n == 1 {
		return "1 " + names[unit][0]
	}
	return strconv.Itoa(n) + " " + names[unit][1]
}
