package search

import (
	"context"
	"errors"
	"io"

	"github.com/blevesearch/bleve/v2"
)

// Index is a bleve (scorch) index on disk and the directory it lives in. Its methods are
// safe for concurrent use (bleve's own locking): Put and Delete while searching.
type Index struct {
	dir string
	bi  bleve.Index
}

var errTODO = errors.New("search: not yet implemented")

// Open opens the index in dir, or creates it (and dir) when dir holds none.
func Open(dir string) (*Index, error) { return nil, errTODO }

// Put inserts or replaces docs in one batch (a Doc replaces the one with its ID).
// Errors: ErrBadDoc for a doc without ID or Kind (nothing written).
func (ix *Index) Put(docs ...Doc) error { return errTODO }

// Delete removes the docs with these ids, in one batch; absent ids are fine.
func (ix *Index) Delete(ids ...string) error { return errTODO }

// Count is the number of docs in the index.
func (ix *Index) Count() (uint64, error) { return 0, errTODO }

// Close closes the index; the directory stays.
func (ix *Index) Close() error { return errTODO }

// Search runs q, filtered by q.Access. Errors: ErrEmptyQuery, ErrQueryTooLong,
// ErrTooDeep, ErrBadSize; ctx's deadline bounds the time.
func (ix *Index) Search(ctx context.Context, q Query) (Result, error) { return Result{}, errTODO }

// Snapshot writes a consistent copy of the index as a tar stream (uncompressed: zap
// segments are compressed already) while the index stays open and takes writes.
func (ix *Index) Snapshot(w io.Writer) error { return errTODO }

// Restore unpacks a Snapshot into dir (which must be empty or absent) and opens it.
func Restore(r io.Reader, dir string) (*Index, error) { return nil, errTODO }
