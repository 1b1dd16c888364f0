// Command zipfn packs a function's bootstrap binary into the zip Lambda deploys
// (provided.al2023 runs ./bootstrap) and prints its size against the 15 MB budget.
package main

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

const budget = 15 << 20

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: zipfn BOOTSTRAP OUT.zip")
		os.Exit(2)
	}
	size, err := pack(os.Args[1], os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "zipfn:", err)
		os.Exit(1)
	}
	fmt.Printf("%-40s %6.2f MB (budget 15 MB)\n", filepath.Base(os.Args[2]), float64(size)/(1<<20))
	if size > budget {
		fmt.Fprintf(os.Stderr, "zipfn: %s is over the 15 MB budget\n", os.Args[2])
		os.Exit(1)
	}
}

func pack(bootstrap, out string) (int64, error) {
	in, err := os.Open(bootstrap)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	f, err := os.Create(out)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	hdr := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate, Modified: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}
	hdr.SetMode(0o755)
	w, err := zw.CreateHeader(hdr)
	if err != nil {
		return 0, err
	}
	if _, err := io.Copy(w, in); err != nil {
		return 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}
