package bleveindex

import (
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"

	index "github.com/blevesearch/bleve_index_api"
)

// Analyzer and filter names registered with bleve. They are recorded in the index's
// mapping, so renaming one means rebuilding the index.
const (
	foldFilter    = "tribune_fold"
	capFilter     = "tribune_cap"
	analyzerEN    = "tribune_en"
	analyzerFR    = "tribune_fr"
	analyzerPlain = "tribune_plain"
)

// Field names inside the index. Each language field of a doc holds its text only when
// the doc is in that language; the plain fields (unstemmed, both stop lists, folded)
// serve typo tolerance and prefixes, which work on the word as written.
const (
	fKind    = "kind"
	fSpace   = "space"
	fPost    = "post"
	fAuthor  = "author"
	fScope   = "scope" // which Access field lets a reader see the doc: content, member, space, ticket
	fSolved  = "solved"
	fStatus  = "status"
	fMonth   = "month"
	fFlags   = "flags" // "accepted", "staff": ranking boosts
	fCreated = "created"
	fTitle   = "title" // stored for highlights, not indexed
	fBody    = "body"
	fTitleEN = "title_en"
	fTitleFR = "title_fr"
	fBodyEN  = "body_en"
	fBodyFR  = "body_fr"
	fPTitle  = "ptitle"
	fPBody   = "pbody"
	fExact   = "exact" // the title's plain words joined by one space: a whole-title match
)

// Access scopes (fScope values).
const (
	scopeContent = "content"
	scopeMember  = "member"
	scopeSpace   = "space"
	scopeTicket  = "ticket"
)

// foldingFilter folds accents and ligatures of each token to ASCII ("réinitialiser" →
// "reinitialiser", "œuvre" → "oeuvre") with bleve's ASCII folding table. As a token
// filter (not a char filter) it keeps each token's offsets into the original text, which
// the highlights need.
type foldingFilter struct {
	f *asciifolding.AsciiFoldingFilter
}

func (f foldingFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		if !isASCII(t.Term) { // most words: nothing to fold, nothing to allocate
			t.Term = f.f.Filter(t.Term)
		}
	}
	return in
}

// maxRepeats is how many times one word counts in one field: later occurrences are not
// indexed, so a post repeating a word 50 times scores as one saying it 3 times. (bleve's
// BM25 saturates term frequency too, but its average field length makes the saturation
// weak: measured in TestRanking.)
const maxRepeats = 3

// repeatCap drops a token's occurrences beyond the maxRepeats-th in one field.
type repeatCap struct{}

func (repeatCap) Filter(in analysis.TokenStream) analysis.TokenStream {
	seen := make(map[string]int, len(in))
	out := in[:0]
	for _, t := range in {
		seen[string(t.Term)]++
		if seen[string(t.Term)] <= maxRepeats {
			out = append(out, t)
		}
	}
	return out
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

func analyzerOf(cache *registry.Cache, filters ...string) (analysis.Analyzer, error) {
	tok, err := cache.TokenizerNamed(unicode.Name)
	if err != nil {
		return nil, err
	}
	a := &analysis.DefaultAnalyzer{Tokenizer: tok}
	for _, name := range filters {
		f, err := cache.TokenFilterNamed(name)
		if err != nil {
			return nil, err
		}
		a.TokenFilters = append(a.TokenFilters, f)
	}
	return a, nil
}

func init() {
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	must(registry.RegisterTokenFilter(foldFilter, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		return foldingFilter{asciifolding.New()}, nil
	}))
	must(registry.RegisterTokenFilter(capFilter, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		return repeatCap{}, nil
	}))
	// bleve's "en" analyser, then folding.
	must(registry.RegisterAnalyzer(analyzerEN, func(_ map[string]interface{}, c *registry.Cache) (analysis.Analyzer, error) {
		return analyzerOf(c, en.PossessiveName, lowercase.Name, en.StopName, porter.Name, foldFilter, capFilter)
	}))
	// bleve's "fr" analyser (elision, light stemmer), then folding.
	must(registry.RegisterAnalyzer(analyzerFR, func(_ map[string]interface{}, c *registry.Cache) (analysis.Analyzer, error) {
		return analyzerOf(c, lowercase.Name, fr.ElisionName, fr.StopName, fr.LightStemmerName, foldFilter, capFilter)
	}))
	// Words as written, without the stop words of either language: typos and prefixes.
	must(registry.RegisterAnalyzer(analyzerPlain, func(_ map[string]interface{}, c *registry.Cache) (analysis.Analyzer, error) {
		return analyzerOf(c, en.PossessiveName, lowercase.Name, fr.ElisionName, en.StopName, fr.StopName, foldFilter, capFilter)
	}))
}

// newMapping is the index's mapping: explicit fields only, BM25 scoring.
func newMapping() *mapping.IndexMappingImpl {
	kw := func(store bool) *mapping.FieldMapping {
		f := mapping.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = store
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = true
		return f
	}
	text := func(analyzer string) *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = true // phrases and highlight locations
		f.DocValues = false
		return f
	}
	stored := func() *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Index = false
		f.Store = true
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}
	dm := mapping.NewDocumentStaticMapping()
	for name, f := range map[string]*mapping.FieldMapping{
		fKind: kw(true), fSpace: kw(true), fPost: kw(true), fAuthor: kw(false),
		fScope: kw(false), fSolved: kw(false), fStatus: kw(false), fMonth: kw(false),
		fFlags: kw(false), fExact: kw(false),
		fTitle: stored(), fBody: stored(),
		fTitleEN: text(analyzerEN), fBodyEN: text(analyzerEN),
		fTitleFR: text(analyzerFR), fBodyFR: text(analyzerFR),
		fPTitle: text(analyzerPlain), fPBody: text(analyzerPlain),
	} {
		dm.AddFieldMappingsAt(name, f)
	}
	created := mapping.NewDateTimeFieldMapping()
	created.Store = true
	created.DocValues = true
	created.IncludeInAll = false
	dm.AddFieldMappingsAt(fCreated, created)

	im := mapping.NewIndexMapping()
	im.DefaultMapping = dm
	im.DefaultAnalyzer = analyzerPlain
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	im.ScoringModel = index.BM25Scoring
	return im
}
