package text

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Reserved display names (issue 9, round 2: a member could call themselves "Deleted
// member", which the web app then showed as an erased account, "Tribune Support", the
// author of the automatic ticket acknowledgement, or "admin"). A name is reserved when
// its ReservedKey is made only of the words below, at least one of them not a filler:
// "Deleted member", "deleted-MEMBER", "Ｍｅｍｂｒｅ supprimé", "Tribune Support",
// "TribuneSupport", "a.d.m.i.n", "Support team", "L'équipe Tribune" are reserved; "Admin
// Jane", "Supporter", "Staffan" and "Modesty" are not. The list and who may use which
// words: docs/decisions.md ("Reserved display names").
var (
	// erasedNames are the placeholders of a deleted account, in every language the web
	// app speaks (auth.DeletedName and its translations), and the system's own authors
	// (tickets' automatic acknowledgement is written by "Tribune Support"): nobody may
	// take them, staff included.
	erasedNames = []string{"deletedmember", "deleteduser", "deletedaccount", "membresupprime", "utilisateursupprime",
		"comptesupprime", "tribunesupport", "system", "systeme"}
	// staffWords are the community's name and the words of staff roles: reserved for
	// staff (policy.MembersStaffNames).
	staffWords = []string{"tribune", "admin", "admins", "administrator", "administrateur", "administratrice", "moderator",
		"moderators", "moderateur", "moderatrice", "mod", "mods", "modo", "support", "staff", "official", "officiel", "officielle",
		"helpdesk", "marketer", "marketing", "sysadmin", "webmaster", "postmaster", "noreply"}
	// fillers may surround reserved words ("the admin team") but reserve nothing alone.
	fillers = []string{"the", "team", "equipe", "lequipe", "de", "du", "des", "le", "la", "les", "bot", "service", "account", "compte"}
)

// Reserved kinds.
const (
	// NotReserved: any member may take the name.
	NotReserved = iota
	// ReservedForStaff: the community's name or staff role words; staff may take it.
	ReservedForStaff
	// ReservedForSystem: a deleted account's placeholder or the system's own author;
	// nobody may take it.
	ReservedForSystem
)

// ReservedName says whether a display name reads as the system, an erased account or
// staff (NotReserved, ReservedForStaff or ReservedForSystem), compared on ReservedKey.
func ReservedName(name string) int {
	key := ReservedKey(name)
	if key == "" {
		return NotReserved
	}
	found := NotReserved
	if !segments(key, func(word string) {
		switch {
		case contains(erasedNames, word):
			found = ReservedForSystem
		case contains(staffWords, word) && found == NotReserved:
			found = ReservedForStaff
		}
	}) {
		return NotReserved
	}
	return found
}

func contains(list []string, w string) bool {
	for _, x := range list {
		if x == w {
			return true
		}
	}
	return false
}

// segments reports whether key is a sequence of known words (erased names, staff words,
// fillers) and calls seen with each word of one such split (the longest words first).
func segments(key string, seen func(string)) bool {
	words := append(append(append([]string{}, erasedNames...), staffWords...), fillers...)
	// best[i] is the length of the word that ends a split of key[:i], or 0 if none.
	best := make([]int, len(key)+1)
	ok := make([]bool, len(key)+1)
	ok[0] = true
	for i := 1; i <= len(key); i++ {
		for _, w := range words {
			if len(w) <= i && ok[i-len(w)] && key[i-len(w):i] == w && len(w) > best[i] {
				ok[i], best[i] = true, len(w)
			}
		}
	}
	if !ok[len(key)] {
		return false
	}
	for i := len(key); i > 0; i -= best[i] {
		seen(key[i-best[i] : i])
	}
	return true
}

// ReservedKey is the directory's comparison (NFKC, case folded) made blind to what does
// not change how a name reads: accents and other marks, spaces, punctuation, symbols
// and digits go, and a few Cyrillic and Greek letters that look Latin become Latin
// ("Аdmin" with a Cyrillic А is "admin"). Only for the reserved-name check.
func ReservedKey(name string) string {
	// A Caser keeps state: one per call (it is not safe for concurrent use).
	s := norm.NFD.String(cases.Fold().String(norm.NFKC.String(name)))
	var b strings.Builder
	for _, r := range s {
		if l, ok := latinLookalikes[r]; ok {
			r = l
		}
		if unicode.IsLetter(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// latinLookalikes are lower-case Cyrillic and Greek letters drawn like a Latin one.
var latinLookalikes = map[rune]rune{
	'а': 'a', 'в': 'b', 'е': 'e', 'һ': 'h', 'і': 'i', 'ј': 'j', 'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o', 'р': 'p', 'с': 'c',
	'т': 't', 'у': 'y', 'х': 'x', 'ѕ': 's', 'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'ӏ': 'l',
	'α': 'a', 'β': 'b', 'ε': 'e', 'η': 'n', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p', 'τ': 't', 'υ': 'u', 'χ': 'x',
}
