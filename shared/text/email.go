package text

import (
	"net/mail"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/secure/precis"
	"golang.org/x/text/unicode/norm"
)

// MaxEmailBytes bounds an address (RFC 5321's path limit less the angle brackets).
const MaxEmailBytes = 254

var (
	// visibleOnly is PRECIS's FreeformClass with no mapping, used only to refuse: it
	// fails on control characters, default-ignorable characters (zero-width space and
	// joiners, soft hyphen, word joiner, BOM, variation selectors, tags), bidi controls
	// (LRM, RLO, isolates) and unassigned code points, wherever they are in an address.
	// IDNA below would silently drop some of them ("ex\u00adample" is example), which
	// would let one mailbox be typed in ways that look different in a log or a list.
	visibleOnly = precis.NewFreeform()
	// localParts: the IdentifierClass of RFC 8264 (made for user names and protocol
	// identifiers: letters, digits and printable ASCII; no spaces, symbols, compatibility
	// characters or invisible characters), with full-width forms folded and NFC. The
	// Bidi Rule of RFC 8265 is left out on purpose: a local part is not a DNS label and
	// "david.שלום" is a real address.
	localParts = precis.NewIdentifier(precis.FoldWidth, precis.Norm(norm.NFC))
	// domains: UTS #46 mapping for lookup (width, case and compatibility folding, NFC,
	// "。" as a dot), non-transitional (IDNA2008: "ß" stays), the Bidi Rule, ContextJ,
	// hyphen and DNS length checks, letters-digits-hyphen in ASCII labels.
	domains = idna.New(idna.MapForLookup(), idna.Transitional(false), idna.BidiRule(), idna.CheckHyphens(true),
		idna.CheckJoiners(true), idna.VerifyDNSLength(true), idna.StrictDomainName(true))
)

// NormalizeEmail is the one way Tribune spells an email address, on every path that
// brings one (email sign-up and sign-in, every social provider, invitations,
// ADMIN_EMAILS, account linking, the store's uniqueness claim). ok is false when it is
// not a valid address. The rules, in order:
//
//   - surrounding white space is trimmed; any other control, invisible or bidi
//     character anywhere refuses the address (PRECIS FreeformClass, RFC 8264);
//   - it must be one bare address (net/mail, RFC 5322), no display name;
//   - the local part takes NFC, full-width forms folded to ASCII ("ｃarol" is carol),
//     then lower case, and must pass PRECIS IdentifierClass (RFC 8264 §4.2: letters,
//     digits, printable ASCII; no spaces, symbols or compatibility characters);
//   - the domain is converted with IDNA (UTS #46 lookup mapping, RFC 5891) to its ASCII
//     form: "Exämple.com", "ｅxample.com" and "xn--exmple-cua.com" all become
//     "xn--exmple-cua.com" / "example.com", the form DNS, SMTP servers and Amazon SES
//     take without the SMTPUTF8 extension; it must hold a dot and pass IDNA's checks;
//   - the whole address is at most 254 bytes.
//
// It deliberately does not strip dots or "+tags" (Gmail's rules are Gmail's: for any
// other provider jane.doe and janedoe are two mailboxes) and does not resolve aliases;
// lower-casing the local part is the one liberty taken, as every mainstream provider
// treats it case-insensitively and a person typing "Jane@" expects to reach the member
// "jane@".
func NormalizeEmail(raw string) (email string, ok bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" || !utf8.ValidString(raw) || len(raw) > 4*MaxEmailBytes {
		return "", false
	}
	if _, err := visibleOnly.String(raw); err != nil {
		return "", false
	}
	raw = norm.NFC.String(raw)
	addr, err := mail.ParseAddress(raw)
	if err != nil || addr.Address != raw || addr.Name != "" {
		return "", false
	}
	at := strings.LastIndexByte(raw, '@')
	local, domain := raw[:at], raw[at+1:]
	if local, err = localParts.String(local); err != nil {
		return "", false
	}
	local = strings.ToLower(local)
	if domain, err = domains.ToASCII(domain); err != nil {
		return "", false
	}
	if !strings.Contains(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", false
	}
	email = local + "@" + domain
	if len(email) > MaxEmailBytes {
		return "", false
	}
	// The result must still be one bare address ("ｂ" folded into a quote would not be).
	if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email {
		return "", false
	}
	return email, true
}
