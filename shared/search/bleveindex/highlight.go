package bleveindex

import (
	"sort"
	"strings"
	"tribune/shared/search"
	"unicode"
	"unicode/utf8"

	bsearch "github.com/blevesearch/bleve/v2/search"
)

// span is a matched word's byte offsets [start, end) in the stored text.
type span struct{ start, end int }

// spans are the matched words of fields (the analyses of one stored text: offsets are
// into that text), sorted and merged.
func spans(locs bsearch.FieldTermLocationMap, fields ...string) []span {
	var out []span
	for _, f := range fields {
		for _, ls := range locs[f] {
			for _, l := range ls {
				out = append(out, span{int(l.Start), int(l.End)})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	merged := out[:0]
	for _, s := range out {
		if n := len(merged); n > 0 && s.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, s.end)
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

const ellipsis = "…"

// fragments cuts text into at most max fragments of about size bytes around the matched
// spans, the windows holding the most matches, in text order, as parts. Without a match
// the opening of the text is one fragment; "" gives none. Cuts fall between words where
// one is near, and "…" marks text left out.
func fragments(text string, marks []span, size, max int) [][]search.Part {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	var valid []span
	for _, m := range marks {
		if m.start >= 0 && m.end <= len(text) && m.start < m.end {
			valid = append(valid, m)
		}
	}
	marks = valid
	if len(text) <= size {
		return [][]search.Part{parts(text, 0, len(text), marks)}
	}
	type window struct{ start, end int }
	var chosen []window
	used := make([]bool, len(marks))
	for len(chosen) < max {
		best, bestCount := -1, 0
		var bw window
		for i, m := range marks {
			if used[i] {
				continue
			}
			w := window{start: m.start - size/5}
			w.start = wordStart(text, w.start)
			w.end = wordEnd(text, w.start+size)
			overlaps := false
			for _, c := range chosen {
				if w.start < c.end && c.start < w.end {
					overlaps = true
				}
			}
			if overlaps {
				continue
			}
			n := 0
			for j, o := range marks {
				if !used[j] && o.start >= w.start && o.end <= w.end {
					n++
				}
			}
			if n > bestCount {
				best, bestCount, bw = i, n, w
			}
		}
		if best < 0 {
			break
		}
		for j, o := range marks {
			if o.start >= bw.start && o.end <= bw.end {
				used[j] = true
			}
		}
		chosen = append(chosen, bw)
	}
	if len(chosen) == 0 {
		chosen = []window{{0, wordEnd(text, size)}}
	}
	sort.Slice(chosen, func(i, j int) bool { return chosen[i].start < chosen[j].start })
	out := make([][]search.Part, 0, len(chosen))
	for _, w := range chosen {
		out = append(out, parts(text, w.start, w.end, marks))
	}
	return out
}

// parts is text[start:end] cut at the marks, with "…" where the text goes on.
func parts(text string, start, end int, marks []span) []search.Part {
	var out []search.Part
	add := func(s string, mark bool) {
		if s == "" {
			return
		}
		if n := len(out); n > 0 && out[n-1].Mark == mark {
			out[n-1].Text += s
			return
		}
		out = append(out, search.Part{Text: s, Mark: mark})
	}
	if start > 0 {
		add(ellipsis, false)
	}
	at := start
	for _, m := range marks {
		if m.end <= start || m.start >= end {
			continue
		}
		s, e := max(m.start, start), min(m.end, end)
		add(text[at:s], false)
		add(text[s:e], true)
		at = e
	}
	add(text[at:end], false)
	if end < len(text) {
		add(ellipsis, false)
	}
	return out
}

// wordStart moves i (clamped into text) back to a rune start, then forward past a
// partial word when a space is within 20 bytes.
func wordStart(text string, i int) int {
	if i <= 0 {
		return 0
	}
	if i >= len(text) {
		return len(text)
	}
	for i > 0 && !utf8.RuneStart(text[i]) {
		i--
	}
	for j := i; j < len(text) && j < i+20; {
		r, n := utf8.DecodeRuneInString(text[j:])
		if unicode.IsSpace(r) {
			return j + n
		}
		j += n
	}
	return i
}

// wordEnd moves i (clamped into text) back to a rune start, then back to the end of a
// word when a space is within 20 bytes.
func wordEnd(text string, i int) int {
	if i >= len(text) {
		return len(text)
	}
	if i < 0 {
		return 0
	}
	for i > 0 && !utf8.RuneStart(text[i]) {
		i--
	}
	for j := i; j > 0 && j > i-20; {
		r, n := utf8.DecodeLastRuneInString(text[:j])
		if unicode.IsSpace(r) {
			return j - n
		}
		j -= n
	}
	return i
}
