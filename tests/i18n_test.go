package tests

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every problem code the API can answer has a sentence in both languages of the web
// app (codes that never reach a client are listed apart): in the shared `errors` or a
// page's own block (newsletters' `nl.errors`, `nr.errors`), a string or a function.
func TestEveryProblemCodeIsTranslated(t *testing.T) {
	internal := map[string]bool{"duplicate_event": true, "nothing_to_do": true}
	web, err := os.ReadFile("../web/src/i18n.ts")
	if err != nil {
		t.Fatal(err)
	}
	en, fr, ok := strings.Cut(string(web), "const fr: Strings")
	if !ok {
		t.Fatal("web/src/i18n.ts has no French strings")
	}
	code := regexp.MustCompile(`errs\.(?:New|InvalidField)\(\s*(?:errs\.[A-Za-z]+|"[a-zA-Z]+"|[a-zA-Z]+)\s*,\s*"([a-z_]+)"`)
	files, _ := filepath.Glob("../shared/*/*.go")
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range code.FindAllStringSubmatch(string(src), -1) {
			found++
			if internal[m[1]] {
				continue
			}
			for lang, text := range map[string]string{"English": en, "French": fr} {
				if !regexp.MustCompile(`\n\s+` + m[1] + `: ['(]`).MatchString(text) {
					t.Errorf("%s (%s) has no %s sentence in web/src/i18n.ts", m[1], filepath.Base(f), lang)
				}
			}
		}
	}
	if found < 100 {
		t.Fatalf("found only %d problem codes: is the pattern still right?", found)
	}
}
