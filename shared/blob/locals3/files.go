package locals3

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3bolt"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// ErrFilesInUse means another running process has the file store open.
var ErrFilesInUse = errors.New("locals3: the file store is in use by another running process (another `make run` on the same DATA_DIR?)")

// Files is the local S3's object store on disk: one bbolt file served by gofakes3's
// s3bolt backend. Every PUT and DELETE is one bbolt transaction, written and synced
// to disk (fdatasync) before S3 answers, so an upload acknowledged with 200 survives
// a kill -9 of the runtime; a transaction cut by a crash is not there at all (never a
// half file, never a body without its Content-Type).
type Files struct {
	db      *bolt.DB
	backend *s3bolt.Backend
}

// OpenFiles opens (or creates) the store at path, making its folder (0700) and the
// file (0600). ErrFilesInUse when another process holds it for more than 2 s (bbolt
// locks the file while it is open).
func OpenFiles(path string) (*Files, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("locals3: %w", err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("%w: %s", ErrFilesInUse, path)
	}
	if err != nil {
		return nil, fmt.Errorf("locals3: open %s: %w", path, err)
	}
	if db.NoSync {
		// Never the case with the options above; the durability promise rests on it.
		_ = db.Close()
		return nil, errors.New("locals3: bbolt opened without sync")
	}
	return &Files{db: db, backend: s3bolt.New(db)}, nil
}

// Server is gofakes3 on the store (buckets made on first use). It checks no
// signature: put a Verifier in front.
func (f *Files) Server() http.Handler {
	return gofakes3.New(f.backend, gofakes3.WithAutoBucket(true)).Server()
}

// Close closes the file; the store must not be used after.
func (f *Files) Close() error { return f.db.Close() }
