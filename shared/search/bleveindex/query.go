package bleveindex

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"tribune/shared/search"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Expansion limits: a typo or a prefix stands for at most this many indexed words (the
// most frequent ones, as Lucene's top-terms rewrite does), so a 2-letter prefix or a
// 2-edit typo costs bounded time and memory whatever the vocabulary.
const (
	maxFuzzyTerms  = 32
	maxPrefixTerms = 64
	minPrefixChars = 2
)

// Boosts. The title counts 5 times the body; a whole-title match adds 20 (exact title
// first); accepted answers and staff writing are lifted; typo and prefix matches weigh
// less than the word itself.
const (
	boostTitle      = 5
	boostBody       = 1
	boostLooseTitle = 2   // typo or prefix in the title
	boostLooseBody  = 0.4 // typo or prefix in the body
	boostExactTitle = 20
	boostAccepted   = 3
	boostStaff      = 1.5
)

// ErrBadDates: a date filter outside the years 1970 to 2200.

// word is one word of the query: as written (for the stemming analysers) and as the
// plain fields index it (folded, lower case: typos and prefixes).
type word struct {
	surface string
	plain   string
	quoted  bool // "word": as written, no typo
}

// parsed is a query's text cut into words and quoted phrases.
type parsed struct {
	words   []word
	phrases []string // each with at least two words
	exact   string   // all words, as fExact holds a title
	prefix  bool     // the last word is also a prefix
	ignored int      // words beyond MaxWords, not searched
}

func (p parsed) empty() bool { return len(p.words) == 0 && len(p.phrases) == 0 }

// isQuote: the straight and curly double quotes and French guillemets open or close a
// phrase.
func isQuote(r rune) bool { return r == '"' || r == '“' || r == '”' || r == '«' || r == '»' }

// parse cuts text into words and phrases: no query syntax, every character but a quote
// is literal, an unbalanced (last) quote is ignored, at most MaxWords words are kept.
func (ix *Index) parse(text string, typing bool) parsed {
	var segments []string // alternately outside and inside quotes
	var quotes []int
	for i, r := range text {
		if isQuote(r) {
			quotes = append(quotes, i)
		}
	}
	if len(quotes)%2 == 1 {
		quotes = quotes[:len(quotes)-1]
	}
	start := 0
	for _, q := range quotes {
		segments = append(segments, text[start:q])
		_, n := utf8.DecodeRuneInString(text[q:])
		start = q + n
	}
	segments = append(segments, text[start:])

	var p parsed
	var all []string
	n := 0
	lastIsWord := false
	for i, seg := range segments {
		toks := ix.plain.Analyze([]byte(seg))
		if n+len(toks) > search.MaxWords {
			p.ignored += n + len(toks) - search.MaxWords
			toks = toks[:search.MaxWords-n]
		}
		if len(toks) == 0 {
			continue
		}
		n += len(toks)
		for _, t := range toks {
			all = append(all, string(t.Term))
		}
		if i%2 == 1 && len(toks) > 1 { // a phrase
			p.phrases = append(p.phrases, seg[toks[0].Start:toks[len(toks)-1].End])
			lastIsWord = false
			continue
		}
		for _, t := range toks {
			p.words = append(p.words, word{surface: seg[t.Start:t.End], plain: string(t.Term), quoted: i%2 == 1})
		}
		// A quoted single word is matched as written (no typo, no prefix).
		lastIsWord = i%2 == 0 && toks[len(toks)-1].End == len(seg)
	}
	p.exact = strings.Join(all, " ")
	// A prefix only while typing the last word: not after a space, a quote or a phrase.
	p.prefix = typing && lastIsWord
	return p
}

// typos is the number of edits allowed in a word of n letters: the Typesense/Algolia
// rule (0 up to 3 letters, 1 from 4 to 7, 2 from 8).
func typos(n int) int {
	switch {
	case n >= 8:
		return 2
	case n >= 4:
		return 1
	}
	return 0
}

func term(t, field string, boost float64) *query.TermQuery {
	q := bleve.NewTermQuery(t)
	q.SetField(field)
	q.SetBoost(boost)
	return q
}

func oneTerm(a analysis.Analyzer, s string) string {
	toks := a.Analyze([]byte(s))
	if len(toks) == 0 {
		return ""
	}
	return string(toks[0].Term)
}

// expansion is a disjunction of the most frequent dictionary terms of field that dict
// yields (a typo's neighbours or a prefix's completions), at most max of them.
func expansion(dict index.FieldDict, err error, field string, max int, boost float64) (query.Query, error) {
	if err != nil {
		return nil, err
	}
	defer dict.Close()
	var top []*index.DictEntry
	for {
		e, err := dict.Next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			break
		}
		c := *e
		top = append(top, &c)
		if len(top) > 4*max { // keep memory bounded while scanning
			sortEntries(top)
			top = top[:max]
		}
	}
	sortEntries(top)
	if len(top) > max {
		top = top[:max]
	}
	if len(top) == 0 {
		return nil, nil
	}
	qs := make([]query.Query, len(top))
	for i, e := range top {
		qs[i] = term(e.Term, field, boost)
	}
	return bleve.NewDisjunctionQuery(qs...), nil
}

// sortEntries: closest first (edit distance), then most frequent, then alphabetical.
func sortEntries(es []*index.DictEntry) {
	sort.Slice(es, func(i, j int) bool {
		if es[i].EditDistance != es[j].EditDistance {
			return es[i].EditDistance < es[j].EditDistance
		}
		if es[i].Count != es[j].Count {
			return es[i].Count > es[j].Count
		}
		return es[i].Term < es[j].Term
	})
}

// wordQuery matches one word in any title or body field: the stem in each language,
// typos (by length) and, for the last word while typing, completions on the plain fields.
func (ix *Index) wordQuery(r index.IndexReader, w word, prefix bool) (query.Query, error) {
	var qs []query.Query
	if t := oneTerm(ix.en, w.surface); t != "" {
		qs = append(qs, term(t, fTitleEN, boostTitle), term(t, fBodyEN, boostBody))
	}
	if t := oneTerm(ix.fr, w.surface); t != "" {
		qs = append(qs, term(t, fTitleFR, boostTitle), term(t, fBodyFR, boostBody))
	}
	fz, _ := r.(index.IndexReaderFuzzy)
	letters := utf8.RuneCountInString(w.plain)
	for _, f := range []struct {
		field string
		boost float64
	}{{fPTitle, boostLooseTitle}, {fPBody, boostLooseBody}} {
		if n := typos(letters); n > 0 && fz != nil && !w.quoted {
			d, err := fz.FieldDictFuzzy(f.field, w.plain, n, "")
			q, err := expansion(d, err, f.field, maxFuzzyTerms, f.boost)
			if err != nil {
				return nil, err
			}
			if q != nil {
				qs = append(qs, q)
			}
		}
		if prefix && letters >= minPrefixChars {
			d, err := r.FieldDictPrefix(f.field, []byte(w.plain))
			q, err := expansion(d, err, f.field, maxPrefixTerms, f.boost)
			if err != nil {
				return nil, err
			}
			if q != nil {
				qs = append(qs, q)
			}
		}
	}
	if len(qs) == 0 {
		return bleve.NewMatchNoneQuery(), nil
	}
	return bleve.NewDisjunctionQuery(qs...), nil
}

func phraseQuery(text string) query.Query {
	var qs []query.Query
	for _, f := range []struct {
		field, analyzer string
		boost           float64
	}{{fTitleEN, analyzerEN, boostTitle}, {fTitleFR, analyzerFR, boostTitle}, {fBodyEN, analyzerEN, boostBody}, {fBodyFR, analyzerFR, boostBody}} {
		q := bleve.NewMatchPhraseQuery(text)
		q.SetField(f.field)
		q.Analyzer = f.analyzer
		q.SetBoost(f.boost)
		qs = append(qs, q)
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// textQuery: every word and phrase must match (all), or at least one (any).
func (ix *Index) textQuery(r index.IndexReader, p parsed, all bool) (query.Query, error) {
	var parts []query.Query
	for i, w := range p.words {
		q, err := ix.wordQuery(r, w, p.prefix && i == len(p.words)-1)
		if err != nil {
			return nil, err
		}
		parts = append(parts, q)
	}
	for _, ph := range p.phrases {
		parts = append(parts, phraseQuery(ph))
	}
	// Conjunction and disjunction of at least one part are never bleve's MatchNone
	// searcher, which a boolean query would drop, leaving its boosts to match alone.
	var text query.Query
	if all {
		text = bleve.NewConjunctionQuery(parts...)
	} else {
		d := bleve.NewDisjunctionQuery(parts...)
		d.SetMin(1)
		text = d
	}
	b := bleve.NewBooleanQuery()
	b.AddMust(text)
	boosts := []query.Query{term("accepted", fFlags, boostAccepted), term("staff", fFlags, boostStaff)}
	if p.exact != "" {
		boosts = append(boosts, term(p.exact, fExact, boostExactTitle))
	}
	b.AddShould(boosts...)
	return b, nil
}

func anyTerm(field string, values []string) query.Query {
	qs := make([]query.Query, 0, len(values))
	for _, v := range slices.Compact(slices.Sorted(slices.Values(values))) {
		if v != "" {
			qs = append(qs, term(v, field, 1))
		}
	}
	if len(qs) == 0 {
		return nil
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// accessQuery is what a reader may find: member docs with Members, space docs of
// ListedSpaces, tickets with AllTickets or of TicketSpaces, any other doc of Spaces.
// nil: nothing.
func accessQuery(a search.Access) query.Query {
	var qs []query.Query
	scoped := func(scope string, spaces []string) {
		if s := anyTerm(fSpace, spaces); s != nil {
			qs = append(qs, bleve.NewConjunctionQuery(term(scope, fScope, 1), s))
		}
	}
	if a.Members {
		qs = append(qs, term(scopeMember, fScope, 1))
	}
	scoped(scopeSpace, a.ListedSpaces)
	if a.AllTickets {
		qs = append(qs, term(scopeTicket, fScope, 1))
	} else {
		scoped(scopeTicket, a.TicketSpaces)
	}
	scoped(scopeContent, a.Spaces)
	if len(qs) == 0 {
		return nil
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// Facet names and the field each counts.
var facetFields = map[string]struct {
	field string
	size  int
}{
	"space": {fSpace, 50}, "kind": {fKind, 10}, "author": {fAuthor, 10},
	"solved": {fSolved, 2}, "status": {fStatus, 20}, "month": {fMonth, 600},
}

// filterQuery is the Access and the user's filters, without the one of facet skip ("":
// all of them). nil: the reader may find nothing.
func filterQuery(q search.Query, skip string) query.Query {
	acc := accessQuery(q.Access)
	if acc == nil {
		return nil
	}
	qs := []query.Query{acc}
	if skip != "kind" {
		if k := anyTerm(fKind, q.Kinds); k != nil {
			qs = append(qs, k)
		}
	}
	if skip != "space" && q.SpaceID != "" {
		qs = append(qs, term(q.SpaceID, fSpace, 1))
	}
	if skip != "author" && q.AuthorID != "" {
		qs = append(qs, term(q.AuthorID, fAuthor, 1))
	}
	if skip != "solved" && q.Solved != nil {
		qs = append(qs, term(fmt.Sprint(*q.Solved), fSolved, 1))
	}
	if skip != "status" && q.IdeaStatus != "" {
		qs = append(qs, term(q.IdeaStatus, fStatus, 1))
	}
	if skip != "month" && (!q.From.IsZero() || !q.To.IsZero()) {
		yes, no := true, false
		d := bleve.NewDateRangeInclusiveQuery(q.From, q.To, &yes, &no)
		d.SetField(fCreated)
		qs = append(qs, d)
	}
	return bleve.NewConjunctionQuery(qs...)
}

// filtered reports whether the field of facet name is filtered in q.
func filtered(q search.Query, name string) bool {
	switch name {
	case "kind":
		return len(q.Kinds) > 0
	case "space":
		return q.SpaceID != ""
	case "author":
		return q.AuthorID != ""
	case "solved":
		return q.Solved != nil
	case "status":
		return q.IdeaStatus != ""
	case "month":
		return !q.From.IsZero() || !q.To.IsZero()
	}
	return false
}

func hasFilter(q search.Query) bool {
	for name := range facetFields {
		if filtered(q, name) {
			return true
		}
	}
	return false
}

var (
	minDate = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	maxDate = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

func validDate(t time.Time) bool { return t.IsZero() || !t.Before(minDate) && t.Before(maxDate) }

// Search runs q, filtered by q.Access, best first (score, then newest). Without words it
// lists the filtered docs newest first. Errors: ErrEmptyQuery, ErrCommonWords, ErrQueryTooLong,
// ErrTooDeep, ErrBadSize, ErrBadDates; ctx's deadline bounds the time (its error is
// wrapped: errors.Is(err, context.DeadlineExceeded), for the caller's 503).
func (ix *Index) Search(ctx context.Context, q search.Query) (search.Result, error) {
	start := time.Now()
	switch {
	case utf8.RuneCountInString(q.Text) > search.MaxQueryChars:
		return search.Result{}, search.ErrQueryTooLong
	case q.Size < 0 || q.Size > search.MaxSize:
		return search.Result{}, search.ErrBadSize
	case q.Offset < 0 || q.Offset > search.MaxOffset:
		return search.Result{}, search.ErrTooDeep
	case !validDate(q.From) || !validDate(q.To):
		return search.Result{}, search.ErrBadDates
	}
	if q.Size == 0 {
		q.Size = search.DefaultSize
	}
	p := ix.parse(q.Text, q.Typing)
	if p.empty() && (q.NeedWords || !hasFilter(q)) {
		if strings.IndexFunc(q.Text, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			return search.Result{}, search.ErrCommonWords
		}
		return search.Result{}, search.ErrEmptyQuery
	}
	if accessQuery(q.Access) == nil {
		return search.Result{Took: time.Since(start)}, nil
	}
	r, err := ix.bi.Advanced()
	if err != nil {
		return search.Result{}, fmt.Errorf("search: %w", err)
	}
	reader, err := r.Reader()
	if err != nil {
		return search.Result{}, fmt.Errorf("search: reader: %w", err)
	}
	defer reader.Close()

	res, err := ix.run(ctx, reader, q, p, true)
	if err == nil && res.Total == 0 && len(p.words)+len(p.phrases) > 1 {
		res, err = ix.run(ctx, reader, q, p, false)
	}
	if err != nil {
		return search.Result{}, err
	}
	res.Took, res.IgnoredWords = time.Since(start), p.ignored
	return res, nil
}

// run is one search: every word required (all) or any.
func (ix *Index) run(ctx context.Context, reader index.IndexReader, q search.Query, p parsed, all bool) (search.Result, error) {
	var text query.Query = bleve.NewMatchAllQuery()
	if !p.empty() {
		t, err := ix.textQuery(reader, p, all)
		if err != nil {
			return search.Result{}, fmt.Errorf("search: build: %w", err)
		}
		text = t
	}
	main := func(skip string) query.Query {
		b := bleve.NewBooleanQuery()
		b.AddMust(text)
		b.AddFilter(filterQuery(q, skip))
		return b
	}
	req := bleve.NewSearchRequestOptions(main(""), q.Size, q.Offset, false)
	if p.empty() {
		req.SortBy([]string{"-" + fCreated})
	} else {
		req.SortBy([]string{"-_score", "-" + fCreated})
	}
	req.Fields = []string{fKind, fSpace, fPost, fCreated, fTitle, fBody}
	var extra []string // facets counted as if their field were not filtered
	if q.Facets {
		for name, f := range facetFields {
			if filtered(q, name) {
				extra = append(extra, name)
			} else {
				req.AddFacet(name, bleve.NewFacetRequest(f.field, f.size))
			}
		}
	}
	sr, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return search.Result{}, fmt.Errorf("search: %w", err)
	}
	locs, err := ix.locations(ctx, text, p, sr.Hits)
	if err != nil {
		return search.Result{}, err
	}
	res := search.Result{Total: sr.Total, Hits: make([]search.Hit, 0, len(sr.Hits))}
	for _, dm := range sr.Hits {
		res.Hits = append(res.Hits, hitOf(dm, locs[dm.ID]))
	}
	if !q.Facets {
		return res, nil
	}
	res.Facets = map[string][]search.FacetCount{}
	for name, fr := range sr.Facets {
		res.Facets[name] = facetCounts(name, fr)
	}
	for _, name := range extra {
		freq := bleve.NewSearchRequestOptions(main(name), 0, 0, false)
		freq.Score = "none"
		f := facetFields[name]
		freq.AddFacet(name, bleve.NewFacetRequest(f.field, f.size))
		fr, err := ix.bi.SearchInContext(ctx, freq)
		if err != nil {
			return search.Result{}, fmt.Errorf("search: facet %s: %w", name, err)
		}
		res.Facets[name] = facetCounts(name, fr.Facets[name])
	}
	return res, nil
}

func facetCounts(name string, fr *bsearch.FacetResult) []search.FacetCount {
	out := []search.FacetCount{}
	if fr == nil || fr.Terms == nil {
		return out
	}
	for _, t := range fr.Terms.Terms() {
		out = append(out, search.FacetCount{Value: t.Term, Count: t.Count})
	}
	if name == "month" {
		sort.Slice(out, func(i, j int) bool { return out[i].Value > out[j].Value })
	}
	return out
}

func str(dm *bsearch.DocumentMatch, field string) string {
	s, _ := dm.Fields[field].(string)
	return s
}

// locations are the matched words' places in the page's hits, by id: a second search of
// the text restricted to those ids, so that term locations are read for at most a page of
// docs rather than for every match (the first search's largest cost when they were).
func (ix *Index) locations(ctx context.Context, text query.Query, p parsed, hits bsearch.DocumentMatchCollection) (map[string]bsearch.FieldTermLocationMap, error) {
	if p.empty() || len(hits) == 0 {
		return nil, nil
	}
	ids := make([]string, len(hits))
	for i, dm := range hits {
		ids[i] = dm.ID
	}
	req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(bleve.NewDocIDQuery(ids), text), len(ids), 0, false)
	req.IncludeLocations = true
	sr, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: highlights: %w", err)
	}
	out := make(map[string]bsearch.FieldTermLocationMap, len(sr.Hits))
	for _, dm := range sr.Hits {
		out[dm.ID] = dm.Locations
	}
	return out, nil
}

func hitOf(dm *bsearch.DocumentMatch, locs bsearch.FieldTermLocationMap) search.Hit {
	h := search.Hit{ID: dm.ID, Kind: str(dm, fKind), SpaceID: str(dm, fSpace), PostID: str(dm, fPost), Score: dm.Score}
	if t, err := time.Parse(time.RFC3339Nano, str(dm, fCreated)); err == nil {
		h.Created = t
	}
	h.Highlights = map[string][][]search.Part{}
	title, body := str(dm, fTitle), str(dm, fBody)
	if f := fragments(title, spans(locs, fTitleEN, fTitleFR, fPTitle), search.FragmentChars, 1); len(f) > 0 {
		h.Highlights["title"] = f
	}
	if f := fragments(body, spans(locs, fBodyEN, fBodyFR, fPBody), search.FragmentChars, 2); len(f) > 0 {
		h.Highlights["body"] = f
	}
	return h
}
