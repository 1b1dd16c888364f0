// Package locale picks the language of a page or an email: English or French.
package locale

import (
	"strconv"
	"strings"
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
