package knowledge

import (
	"fmt"
	"strings"
	"testing"
)

// rebuild is the old (equal + delete) and the new (equal + insert) text of a diff.
func rebuild(changes []Change) (string, string) {
	var old, cur strings.Builder
	for _, c := range changes {
		if c.Op != OpInsert {
			old.WriteString(c.Text)
		}
		if c.Op != OpDelete {
			cur.WriteString(c.Text)
		}
	}
	return old.String(), cur.String()
}

// A word diff gives back both texts exactly, marks whole words, and stays exact past
// 55,296 distinct words (the tokens' runes skip the UTF-16 surrogate range).
func TestWordDiffIsExactAndByWords(t *testing.T) {
	t.Parallel()
	var many, manyChanged strings.Builder
	for i := range 60_000 {
		fmt.Fprintf(&many, "w%d ", i)
		if i == 59_000 {
			manyChanged.WriteString("changed ")
			continue
		}
		fmt.Fprintf(&manyChanged, "w%d ", i)
	}
	for _, c := range []struct{ a, b string }{
		{"Hold the power button for ten seconds.", "Hold the power button for twenty seconds."},
		{"", "New text"},
		{"Old text", ""},
		{"Réinitialiser l’imprimante 🖨️ vite", "Réinitialiser l’imprimante 🖨️ lentement"},
		{"# Title\n\n- one\n- two\n", "# Title\n\n- one\n- three\n- two\n"},
		{many.String(), manyChanged.String()},
	} {
		d := WordDiff(c.a, c.b)
		if old, cur := rebuild(d); old != c.a || cur != c.b {
			t.Fatalf("diff of %.40q → %.40q does not rebuild them", c.a, c.b)
		}
	}
	d := WordDiff("Hold the power button for ten seconds.", "Hold the power button for twenty seconds.")
	want := []Change{{OpEqual, "Hold the power button for "}, {OpDelete, "ten"}, {OpInsert, "twenty"}, {OpEqual, " seconds."}}
	if fmt.Sprint(d) != fmt.Sprint(want) {
		t.Fatalf("diff %v, want %v", d, want)
	}
	big := WordDiff(many.String(), manyChanged.String())
	var ins, del []string
	for _, c := range big {
		switch c.Op {
		case OpInsert:
			ins = append(ins, c.Text)
		case OpDelete:
			del = append(del, c.Text)
		}
	}
	if strings.Join(ins, "|") != "changed" || strings.Join(del, "|") != "w59000" {
		t.Fatalf("60,000 words: inserted %q, deleted %q", ins, del)
	}
}

// Titles, bodies, categories and feedback are refused past their limits, with the
// field named.
func TestArticleLimits(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in    ArticleInput
		field string
	}{
		{ArticleInput{Title: "", Body: "x"}, "title"},
		{ArticleInput{Title: strings.Repeat("é", 151), Body: "x"}, "title"},
		{ArticleInput{Title: "Ok", Body: strings.Repeat("a", BodyMaxBytes+1)}, "body"},
		{ArticleInput{Title: "Ok", Body: "bad \u202e override"}, "body"},
	} {
		_, _, err := cleanArticle(c.in)
		if e, ok := err.(interface{ Error() string }); !ok || err == nil || !strings.Contains(e.Error(), "("+c.field+")") {
			t.Errorf("%.30q: %v, want a refusal of %s", c.in.Title, err, c.field)
		}
	}
	if _, _, err := cleanArticle(ArticleInput{Title: strings.Repeat("é", 150), Body: strings.Repeat("a", BodyMaxBytes)}); err != nil {
		t.Fatalf("at the limits: %v", err)
	}
	if _, _, err := cleanCategory(strings.Repeat("n", 81), ""); err == nil {
		t.Fatal("a name of 81 characters")
	}
	if _, _, err := cleanCategory("Ok", strings.Repeat("d", 501)); err == nil {
		t.Fatal("a description of 501 characters")
	}
	if !ValidArticleID(newID("a_")) || ValidArticleID("a_x") || ValidCategoryID(newID("a_")) {
		t.Fatal("ids")
	}
}
