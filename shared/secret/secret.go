// Package secret holds values kept in a secret store (Secrets Manager in AWS): read on
// first use, then kept for the life of the process, so a function's cold start pays for
// no secret it does not need.
package secret

import "sync"

// Value is one secret.
type Value struct {
	once  sync.Once
	fetch func() (string, error)
	value string
	err   error
}

// Lazy returns a secret that fetch reads when it is first needed.
func Lazy(fetch func() (string, error)) *Value { return &Value{fetch: fetch} }

// Get returns the secret, reading it the first time.
func (v *Value) Get() (string, error) {
	v.once.Do(func() { v.value, v.err = v.fetch() })
	return v.value, v.err
}
