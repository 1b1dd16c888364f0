//go:build !unix

package dynamolocal

import "os"

// tryLock: no advisory locks here; the data directory is not guarded.
func tryLock(f *os.File) (bool, error) { return true, nil }
