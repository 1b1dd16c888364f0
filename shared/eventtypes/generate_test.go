package eventtypes_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"tribune/shared/eventtypes"
)

// events/ is generated from the Go types and the catalogue: a schema or sample that
// differs from what `go generate ./shared/eventtypes` writes, or that no catalogued
// event has, fails.
func TestGeneratedEventFilesAreCurrent(t *testing.T) {
	files, err := eventtypes.Files()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(catalogDir, name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("events/%s is stale (%v): run go generate ./shared/eventtypes", name, err)
		}
	}
	schemas, _ := filepath.Glob(filepath.Join(catalogDir, "*.schema.json"))
	samples, _ := filepath.Glob(filepath.Join(catalogDir, "*.sample.json"))
	on := append(schemas, samples...)
	for _, path := range on {
		if _, ok := files[filepath.Base(path)]; !ok {
			t.Errorf("events/%s belongs to no catalogued event: run go generate ./shared/eventtypes", filepath.Base(path))
		}
	}
}

// Every catalogued payload type declares the source and detail type it is catalogued
// under, and its sample names them too once wrapped.
func TestCatalogueTakesTypesFromThePayloads(t *testing.T) {
	seen := map[string]bool{}
	for _, def := range eventtypes.Catalog {
		env, err := eventtypes.Wrap(def.Sample)
		if err != nil || env.Source != def.Source || env.DetailType != def.DetailType || env.ID == "" {
			t.Errorf("%s: sample wraps as %s/%s %q (%v)", def.DetailType, env.Source, env.DetailType, env.ID, err)
		}
		if seen[def.DetailType] {
			t.Errorf("%s catalogued twice", def.DetailType)
		}
		seen[def.DetailType] = true
	}
}
