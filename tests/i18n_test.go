package tests

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every problem code the API can answer has a sentence in both languages where the web
// app looks for it (errorText reads `errors`, as the app holds it at run time, pages'
// own blocks merged in), and both languages have the same keys in every block, so a
// sentence put in the wrong block (a French one under `ruleNames`) fails here (codes
// that never reach a client are listed apart).
func TestEveryProblemCodeIsTranslated(t *testing.T) {
	internal := map[string]bool{"duplicate_event": true, "nothing_to_do": true}
	modules, _ := filepath.Abs("../.tools/node_modules")
	cmd := exec.Command("node", "browser/i18n-keys.cjs")
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("node browser/i18n-keys.cjs: %v", err)
	}
	var web struct {
		Errors                  struct{ En, Fr []string }
		OnlyEnglish, OnlyFrench []string
	}
	if err := json.Unmarshal(raw, &web); err != nil {
		t.Fatal(err)
	}
	for _, p := range web.OnlyEnglish {
		t.Errorf("web/src/i18n.ts: %s has no French", p)
	}
	for _, p := range web.OnlyFrench {
		t.Errorf("web/src/i18n.ts: %s is French only", p)
	}
	has := map[string]map[string]bool{"English": {}, "French": {}}
	for _, c := range web.Errors.En {
		has["English"][c] = true
	}
	for _, c := range web.Errors.Fr {
		has["French"][c] = true
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
			for _, lang := range []string{"English", "French"} {
				if !has[lang][m[1]] {
					t.Errorf("%s (%s) has no %s sentence in web/src/i18n.ts where errorText looks", m[1], filepath.Base(f), lang)
				}
			}
		}
	}
	if found < 100 {
		t.Fatalf("found only %d problem codes: is the pattern still right?", found)
	}
}
