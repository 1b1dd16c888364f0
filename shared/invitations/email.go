package invitations

import (
	"net/mail"
	"strings"
)

// normalizeEmail is the same rule as members' (lower case, a bare address with a
// dotted domain); kept here so the two domains stay independent.
func normalizeEmail(raw string) (string, bool) {
	email := strings.ToLower(strings.TrimSpace(raw))
	if email == "" || len(email) > 254 {
		return "", false
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || addr.Name != "" {
		return "", false
	}
	domain := email[strings.LastIndexByte(email, '@')+1:]
	return email, strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}
