package knowledge

import (
	"strings"
	"unicode"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Diff operations.
const (
	OpEqual  = "equal"
	OpInsert = "insert"
	OpDelete = "delete"
)

// Change is one run of a diff: text kept (equal), added (insert) or taken out (delete).
type Change struct {
	Op   string `json:"op" enum:"equal,insert,delete"`
	Text string `json:"text"`
}

// DiffResult compares two versions of an article: title and body, each a list of runs
// that, read in order, give the old text (equal + delete) and the new (equal + insert).
type DiffResult struct {
	From  int      `json:"from"`
	To    int      `json:"to"`
	Title []Change `json:"title"`
	Body  []Change `json:"body"`
}

// WordDiff compares a and b word by word (github.com/sergi/go-diff v1.4.0): each word
// and each run of spaces or punctuation is one token, mapped to one rune so the
// character diff works on words (the trick go-diff's line mode uses for lines), then
// a semantic cleanup merges the small equalities that make a diff hard to read.
func WordDiff(a, b string) []Change {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0 // exact: at most 100,000 bytes each, a few milliseconds
	index := map[string]rune{}
	var tokens []string
	encode := func(s string) []rune {
		var out []rune
		for _, tok := range words(s) {
			r, ok := index[tok]
			if !ok {
				r = rune(len(tokens))
				// Skip the surrogate range: these runes are keys, never printed, but
				// a string built from them must survive conversion.
				if r >= 0xD800 {
					r += 0x800
				}
				index[tok] = r
				tokens = append(tokens, tok)
			}
			out = append(out, r)
		}
		return out
	}
	ra, rb := encode(a), encode(b)
	diffs := dmp.DiffMainRunes(ra, rb, false)
	decoded := make([]diffmatchpatch.Diff, 0, len(diffs))
	for _, d := range diffs {
		var sb strings.Builder
		for _, r := range d.Text {
			i := int(r)
			if i >= 0xD800+0x800 {
				i -= 0x800
			}
			sb.WriteString(tokens[i])
		}
		decoded = append(decoded, diffmatchpatch.Diff{Type: d.Type, Text: sb.String()})
	}
	decoded = dmp.DiffCleanupSemantic(decoded)
	out := make([]Change, 0, len(decoded))
	for _, d := range decoded {
		if d.Text == "" {
			continue
		}
		op := OpEqual
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = OpInsert
		case diffmatchpatch.DiffDelete:
			op = OpDelete
		}
		out = append(out, Change{Op: op, Text: d.Text})
	}
	return out
}

// words splits s into words (letters and digits), runs of spaces, and single other
// characters (punctuation, Markdown marks), so their concatenation is s.
func words(s string) []string {
	var out []string
	start := -1
	kind := 0 // 1 word, 2 space
	flush := func(i int) {
		if start >= 0 {
			out = append(out, s[start:i])
			start = -1
		}
	}
	for i, r := range s {
		k := 3
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			k = 1
		case unicode.IsSpace(r):
			k = 2
		}
		if k == 3 || k != kind {
			flush(i)
		}
		if start < 0 {
			start = i
		}
		kind = k
		if k == 3 {
			flush(i + len(string(r)))
			kind = 0
		}
	}
	flush(len(s))
	return out
}
