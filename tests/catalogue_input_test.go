package tests

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"tribune/shared/rewards"
)

// Issue 12, round 3 (g4): the gift editor's variants lines and the address's country
// list, run in Node (web/src/catalogue-input.ts and web/src/i18n.ts bundled by esbuild).
func TestCatalogueInputVariantsAndCountries(t *testing.T) {
	src, _ := filepath.Abs("../web/src")
	esbuild, _ := filepath.Abs("../.tools/node_modules/.bin/esbuild")
	dir := t.TempDir()
	entry := filepath.Join(dir, "entry.ts")
	body := "export * from " + strconv.Quote(filepath.Join(src, "catalogue-input")) + ";\n" +
		"export { strings } from " + strconv.Quote(filepath.Join(src, "i18n")) + ";\n"
	if err := os.WriteFile(entry, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "web.cjs")
	if b, err := exec.Command(esbuild, entry, "--bundle", "--format=cjs", "--platform=node", "--log-level=error", "--outfile="+out).CombinedOutput(); err != nil {
		t.Fatalf("esbuild: %v\n%s", err, b)
	}
	script := `const web = require(` + strconv.Quote(out) + `);
const lines = ["M, abc\nL", "M, 3\nL", "  \nS, 10\n\nXL,0", "Size 1,5, 2", "M, -1", "M, 2.5", ", 4", "M, 100001"];
console.log(JSON.stringify({
  variants: lines.map((l) => web.parseVariants(l)),
  en: web.countries("en"), fr: web.countries("fr"),
  named: [web.strings.en.g4.named("Redeem", "Mug"), web.strings.fr.g4.named("Obtenir", "Tasse")],
}));`
	b, err := exec.Command("node", "-e", script).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, b)
	}
	type variant struct {
		Label string
		Stock int
	}
	var got struct {
		Variants []struct {
			Variants []variant
			BadLine  int
		}
		En, Fr [][2]string
		Named  []string
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("node printed %s: %v", b, err)
	}
	bad := []int{1, 0, 0, 0, 1, 1, 1, 1}
	for i, want := range bad {
		if got.Variants[i].BadLine != want {
			t.Errorf("line set %d: %+v, want bad line %d", i, got.Variants[i], want)
		}
	}
	if v := got.Variants[1].Variants; len(v) != 2 || v[0] != (variant{"M", 3}) || v[1] != (variant{"L", 0}) {
		t.Errorf("M, 3 / L: %+v", v)
	}
	if v := got.Variants[2].Variants; len(v) != 2 || v[0] != (variant{"S", 10}) || v[1] != (variant{"XL", 0}) {
		t.Errorf("blank lines: %+v", v)
	}
	if v := got.Variants[3].Variants; len(v) != 1 || v[0] != (variant{"Size 1,5", 2}) {
		t.Errorf("a comma in the label: %+v", v)
	}
	// Every code the web offers is one the server takes, named in the page's language.
	names := map[string]string{}
	for _, c := range got.Fr {
		names[c[0]] = c[1]
		if !rewards.IsCountry(c[0]) {
			t.Errorf("the web offers %s, which the server refuses", c[0])
		}
	}
	if len(got.En) != len(got.Fr) || len(got.En) < 240 || names["DE"] != "Allemagne" || names["ES"] != "Espagne" {
		t.Errorf("countries: %d en, %d fr, DE %q", len(got.En), len(got.Fr), names["DE"])
	}
	for _, c := range got.En {
		if c[0] == "DE" && c[1] != "Germany" {
			t.Errorf("DE in English: %q", c[1])
		}
	}
	if got.Named[0] != "Redeem: Mug" || got.Named[1] != "Obtenir : Tasse" || !strings.Contains(got.Named[1], "\u00a0:") && !strings.Contains(got.Named[1], " :") {
		t.Errorf("accessible names: %q", got.Named)
	}
}
