package bleveindex

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/blevesearch/bleve/v2"
)

// MaxSnapshotBytes bounds what Restore unpacks (a Lambda's /tmp is at most 10 GB; the
// search function is given less): a larger snapshot is refused, not half written.
const MaxSnapshotBytes = 4 << 30

// Snapshot writes a consistent copy of the index as a tar stream (uncompressed: zap
// segments are compressed already) while the index stays open and takes writes. The copy
// goes through a temporary directory beside the index (bleve's online CopyTo), removed
// afterwards.
func (ix *Index) Snapshot(w io.Writer) error {
	c, ok := ix.bi.(bleve.IndexCopyable)
	if !ok {
		return errors.New("search: snapshot: the index cannot be copied online")
	}
	tmp, err := os.MkdirTemp(filepath.Dir(filepath.Clean(ix.dir)), ".snapshot-*")
	if err != nil {
		return fmt.Errorf("search: snapshot: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := c.CopyTo(bleve.FileSystemDirectory(tmp)); err != nil {
		return fmt.Errorf("search: snapshot: copy: %w", err)
	}
	tw := tar.NewWriter(w)
	err = filepath.WalkDir(tmp, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == tmp {
			return err
		}
		rel, err := filepath.Rel(tmp, path)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		h, err := tar.FileInfoHeader(info, "")
		if err != nil {
			return err
		}
		h.Name = filepath.ToSlash(rel)
		if d.IsDir() {
			h.Name += "/"
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(tw, f)
		return err
	})
	if err == nil {
		err = tw.Close()
	}
	if err != nil {
		return fmt.Errorf("search: snapshot: %w", err)
	}
	return nil
}

// Restore unpacks a Snapshot into dir (created; it must be absent or empty) and opens
// it. Entries that would land outside dir, links and devices are refused.
func Restore(r io.Reader, dir string) (*Index, error) {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("search: restore into %s: the directory is not empty", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("search: restore: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("search: restore: %w", err)
	}
	defer root.Close()
	tr := tar.NewReader(r)
	var total int64
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("search: restore: read: %w", err)
		}
		name := strings.TrimSuffix(h.Name, "/")
		if name == "" || !filepath.IsLocal(filepath.FromSlash(name)) {
			return nil, fmt.Errorf("search: restore: entry %q is outside the index", h.Name)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := root.MkdirAll(name, 0o755); err != nil {
				return nil, fmt.Errorf("search: restore: %w", err)
			}
		case tar.TypeReg:
			total += h.Size
			if total > MaxSnapshotBytes {
				return nil, fmt.Errorf("search: restore: the snapshot exceeds %d bytes", int64(MaxSnapshotBytes))
			}
			if d := filepath.Dir(filepath.FromSlash(name)); d != "." {
				if err := root.MkdirAll(d, 0o755); err != nil {
					return nil, fmt.Errorf("search: restore: %w", err)
				}
			}
			f, err := root.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
			if err != nil {
				return nil, fmt.Errorf("search: restore: %w", err)
			}
			_, err = io.Copy(f, io.LimitReader(tr, h.Size))
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return nil, fmt.Errorf("search: restore: %s: %w", name, err)
			}
		default:
			return nil, fmt.Errorf("search: restore: entry %q is not a file or directory", h.Name)
		}
	}
	bi, err := bleve.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("search: restore: open: %w", err)
	}
	return wrap(dir, bi)
}
