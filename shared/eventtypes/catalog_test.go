package eventtypes_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"tribune/shared/eventtypes"
)

const catalogDir = "../../events"

// jsonFields lists the JSON names of a struct's fields, embedded structs flattened.
func jsonFields(t reflect.Type) []string {
	var names []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			names = append(names, jsonFields(f.Type)...)
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		names = append(names, name)
	}
	return names
}

func TestCatalogMatchesSchemasAndSamples(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(catalogDir, "*.schema.json"))
	if len(files) != len(eventtypes.Catalog) {
		t.Fatalf("%d schemas in events/, %d events in the Go catalogue", len(files), len(eventtypes.Catalog))
	}
	for _, def := range eventtypes.Catalog {
		t.Run(def.DetailType, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(catalogDir, def.DetailType+".schema.json"))
			if err != nil {
				t.Fatalf("no schema for %s: %v", def.DetailType, err)
			}
			var schema struct {
				Title      string
				Required   []string
				Properties map[string]any
			}
			if err := json.Unmarshal(raw, &schema); err != nil {
				t.Fatal(err)
			}
			fields := jsonFields(reflect.TypeOf(def.New()).Elem())
			props := make([]string, 0, len(schema.Properties))
			for p := range schema.Properties {
				props = append(props, p)
			}
			slices.Sort(fields)
			slices.Sort(props)
			required := slices.Sorted(slices.Values(schema.Required))
			if !slices.Equal(fields, props) || !slices.Equal(fields, required) || schema.Title != def.DetailType {
				t.Fatalf("Go fields %v, schema properties %v, required %v", fields, props, required)
			}
			sample, err := os.ReadFile(filepath.Join(catalogDir, def.DetailType+".sample.json"))
			if err != nil {
				t.Fatalf("no sample: %v", err)
			}
			v := def.New()
			dec := json.NewDecoder(bytes.NewReader(sample))
			dec.DisallowUnknownFields()
			if err := dec.Decode(v); err != nil {
				t.Fatalf("sample does not decode into %T: %v", v, err)
			}
			if reflect.ValueOf(v).Elem().IsZero() {
				t.Fatal("sample decoded to a zero value")
			}
		})
	}
}
