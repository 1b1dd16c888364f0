// Package bleveindex is the search engine behind search.Index: a bleve v2 (scorch)
// index on disk with the English and French analysers, the query built in code from the
// reader's words, the Access filter, facets, highlights, and tar snapshots. Its rules,
// with their sources, are in shared/search's package documentation and docs/search.md.
// Only the functions that search or index import it (their mains pass Engine{}).
package bleveindex

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"tribune/shared/search"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
)

// Index is a bleve (scorch) index on disk and the directory it lives in. Its methods are
// safe for concurrent use (bleve's own locking): Put and Delete while searching.
type Index struct {
	dir   string
	bi    bleve.Index
	plain analysis.Analyzer // cuts query text into words the way the plain fields were
	en    analysis.Analyzer
	fr    analysis.Analyzer
}

// Open opens the index in dir, or creates it (and dir) when dir holds none.
func Open(dir string) (*Index, error) {
	bi, err := bleve.Open(dir)
	if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) || errors.Is(err, bleve.ErrorIndexMetaMissing) {
		if err := os.MkdirAll(filepath.Dir(filepath.Clean(dir)), 0o755); err != nil {
			return nil, fmt.Errorf("search: open %s: %w", dir, err)
		}
		bi, err = bleve.New(dir, newMapping())
	}
	if err != nil {
		return nil, fmt.Errorf("search: open %s: %w", dir, err)
	}
	return wrap(dir, bi)
}

func wrap(dir string, bi bleve.Index) (*Index, error) {
	ix := &Index{dir: dir, bi: bi}
	m := bi.Mapping()
	for _, a := range []struct {
		name string
		to   *analysis.Analyzer
	}{{analyzerPlain, &ix.plain}, {analyzerEN, &ix.en}, {analyzerFR, &ix.fr}} {
		*a.to = m.AnalyzerNamed(a.name)
		if *a.to == nil {
			_ = bi.Close()
			return nil, fmt.Errorf("search: open %s: the index lacks analyser %s (rebuild it)", dir, a.name)
		}
	}
	return ix, nil
}

// Put inserts or replaces docs in one batch (a Doc replaces the one with its ID).
// Errors: ErrBadDoc for a doc without ID or Kind (nothing written).
func (ix *Index) Put(docs ...search.Doc) error {
	if len(docs) == 0 {
		return nil
	}
	b := ix.bi.NewBatch()
	for _, d := range docs {
		if d.ID == "" || d.Kind == "" {
			return fmt.Errorf("search: put %q: %w", d.ID, search.ErrBadDoc)
		}
		if err := b.Index(d.ID, ix.fields(d)); err != nil {
			return fmt.Errorf("search: put %s: %w", d.ID, err)
		}
	}
	if err := ix.bi.Batch(b); err != nil {
		return fmt.Errorf("search: put %d docs: %w", len(docs), err)
	}
	return nil
}

// fields is a Doc as the index's fields (see the f… constants).
func (ix *Index) fields(d search.Doc) map[string]any {
	f := map[string]any{
		fKind:    d.Kind,
		fScope:   scopeOf(d.Kind),
		fTitle:   d.Title,
		fBody:    d.Body,
		fPTitle:  d.Title,
		fPBody:   d.Body,
		fExact:   ix.normalized(d.Title),
		fCreated: d.Created.UTC(),
		fMonth:   d.Created.UTC().Format("2006-01"),
	}
	if d.Lang == "fr" {
		f[fTitleFR], f[fBodyFR] = d.Title, d.Body
	} else {
		f[fTitleEN], f[fBodyEN] = d.Title, d.Body
	}
	for k, v := range map[string]string{fSpace: d.SpaceID, fPost: d.PostID, fAuthor: d.AuthorID, fStatus: d.IdeaStatus} {
		if v != "" {
			f[k] = v
		}
	}
	if d.Kind == search.KindQuestion || d.Kind == search.KindTicket {
		f[fSolved] = fmt.Sprint(d.Solved)
	}
	var flags []string
	if d.Accepted {
		flags = append(flags, "accepted")
	}
	if d.Staff {
		flags = append(flags, "staff")
	}
	if len(flags) > 0 {
		f[fFlags] = flags
	}
	return f
}

func scopeOf(kind string) string {
	switch kind {
	case search.KindMember:
		return scopeMember
	case search.KindSpace:
		return scopeSpace
	case search.KindTicket:
		return scopeTicket
	}
	return scopeContent
}

// normalized is text's plain words (folded, lower case, no stop words) joined by one
// space: a title and a query that say the same words compare equal.
func (ix *Index) normalized(text string) string {
	var words []string
	for _, t := range ix.plain.Analyze([]byte(text)) {
		words = append(words, string(t.Term))
	}
	return strings.Join(words, " ")
}

// Delete removes the docs with these ids, in one batch; absent ids are fine.
func (ix *Index) Delete(ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	b := ix.bi.NewBatch()
	for _, id := range ids {
		b.Delete(id)
	}
	if err := ix.bi.Batch(b); err != nil {
		return fmt.Errorf("search: delete %d docs: %w", len(ids), err)
	}
	return nil
}

// Count is the number of docs in the index.
func (ix *Index) Count() (uint64, error) {
	n, err := ix.bi.DocCount()
	if err != nil {
		return 0, fmt.Errorf("search: count: %w", err)
	}
	return n, nil
}

// Dir is the directory the index lives in.
func (ix *Index) Dir() string { return ix.dir }

// Close closes the index; the directory stays.
func (ix *Index) Close() error {
	if err := ix.bi.Close(); err != nil {
		return fmt.Errorf("search: close %s: %w", ix.dir, err)
	}
	return nil
}

// Engine is bleve's search.Engine.
type Engine struct{}

// Open implements search.Engine.
func (Engine) Open(dir string) (search.Index, error) {
	ix, err := Open(dir)
	if err != nil {
		return nil, err
	}
	return ix, nil
}

// Restore implements search.Engine.
func (Engine) Restore(r io.Reader, dir string) (search.Index, error) {
	ix, err := Restore(r, dir)
	if err != nil {
		return nil, err
	}
	return ix, nil
}

var _ search.Engine = Engine{}
