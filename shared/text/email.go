package text

import (
	"net/mail"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// MaxEmailBytes bounds an address (RFC 5321's path limit less the angle brackets).
const MaxEmailBytes = 254

// NormalizeEmail is the one way Tribune spells an email address, on every path that
// brings one (email sign-up and sign-in, every social provider, invitations,
// ADMIN_EMAILS, account linking, the store's uniqueness claim): surrounding white
// space trimmed, Unicode NFC, then lower case, and it must be one bare address
// (net/mail, RFC 5322) of at most 254 bytes whose domain holds a dot. ok is false
// when it is not a valid address.
//
// It deliberately does not strip dots or "+tags" (Gmail's rules are Gmail's: for
// any other provider jane.doe and janedoe are two mailboxes), does not rewrite
// internationalised domains between Unicode and punycode, and does not resolve
// aliases; lower-casing the local part is the one liberty taken, as every mainstream
// provider treats it case-insensitively and a person typing "Jane@" expects to reach
// the member "jane@".
func NormalizeEmail(raw string) (email string, ok bool) {
	email = strings.ToLower(norm.NFC.String(strings.TrimSpace(raw)))
	if email == "" || len(email) > MaxEmailBytes {
		return "", false
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || addr.Name != "" {
		return "", false
	}
	domain := email[strings.LastIndexByte(email, '@')+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", false
	}
	return email, true
}
