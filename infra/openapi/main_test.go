package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The web's API types are generated from the API's OpenAPI document by `make web`; a
// route, a body or an answer changed in Go without regenerating them fails here, so
// the committed web/src/api.gen.ts is always the document's.
func TestWebTypesAreFresh(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root, err := Root(wd)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := Spec()
	if err != nil {
		t.Fatal(err)
	}
	want, err := Types(root, spec)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(root, Generated))
	if err != nil {
		t.Fatalf("%s: %v: run make web", Generated, err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is not what the API's OpenAPI document gives: run make web (and commit it)", Generated)
	}
}
