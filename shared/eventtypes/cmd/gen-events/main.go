// Command gen-events writes the event catalogue's JSON Schemas and samples
// (eventtypes.Files) into a folder: go generate ./shared/eventtypes writes events/.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"tribune/shared/eventtypes"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gen-events <folder>")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "gen-events:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	files, err := eventtypes.Files()
	if err != nil {
		return err
	}
	// Files of events no longer catalogued go.
	schemas, _ := filepath.Glob(filepath.Join(dir, "*.schema.json"))
	samples, _ := filepath.Glob(filepath.Join(dir, "*.sample.json"))
	old := append(schemas, samples...)
	for _, path := range old {
		if _, ok := files[filepath.Base(path)]; !ok {
			if err := os.Remove(path); err != nil {
				return err
			}
		}
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
