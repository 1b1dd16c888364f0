package secret

import (
	"errors"
	"testing"
)

func TestReadOnceOnFirstUse(t *testing.T) {
	calls := 0
	v := Lazy(func() (string, error) { calls++; return "s3cr3t", nil })
	if calls != 0 {
		t.Fatal("read before use")
	}
	for i := 0; i < 3; i++ {
		if got, err := v.Get(); got != "s3cr3t" || err != nil {
			t.Fatalf("Get = %q, %v", got, err)
		}
	}
	if calls != 1 {
		t.Fatalf("read %d times, want once", calls)
	}
	failing := Lazy(func() (string, error) { return "", errors.New("denied") })
	if _, err := failing.Get(); err == nil {
		t.Fatal("a failed read returned no error")
	}
}
