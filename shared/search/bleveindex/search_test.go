package bleveindex

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"tribune/shared/search"
)

var t0 = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)

// open is a fresh index in the test's temporary directory holding docs.
func open(t testing.TB, docs ...search.Doc) *Index {
	t.Helper()
	ix, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if err := ix.Put(docs...); err != nil {
		t.Fatal(err)
	}
	return ix
}

// everyone reads space s1 and finds members.
var everyone = search.Access{Spaces: []string{"s1"}, ListedSpaces: []string{"s1"}, Members: true}

func post(id, kind, lang, title, body string) search.Doc {
	return search.Doc{ID: "post:" + id, Kind: kind, SpaceID: "s1", AuthorID: "m1", Title: title, Body: body, Lang: lang, Created: t0, Updated: t0}
}

func find(t testing.TB, ix *Index, q search.Query) search.Result {
	t.Helper()
	if q.Access.Spaces == nil && !q.Access.Members && q.Access.ListedSpaces == nil && !q.Access.AllTickets && q.Access.TicketSpaces == nil {
		q.Access = everyone
	}
	res, err := ix.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("search %+v: %v", q, err)
	}
	return res
}

// ids searches (as everyone unless q has an Access) and returns the hits' ids in order.
func ids(t testing.TB, ix *Index, q search.Query) []string {
	t.Helper()
	out := []string{}
	for _, h := range find(t, ix, q).Hits {
		out = append(out, h.ID)
	}
	return out
}

func TestAnalysersFoldAccentsStemAndCrossLanguages(t *testing.T) {
	t.Parallel()
	ix := open(t,
		post("fr1", search.KindQuestion, "fr", "Réinitialiser le mot de passe", "L'application refuse la connexion."),
		post("en1", search.KindQuestion, "en", "Password reset", "The reset link expired before I clicked it."),
		post("en2", search.KindDiscussion, "en", "Mobile application", "Which application do you use on your phone?"),
		post("x", search.KindDiscussion, "en", "Unrelated", "Gardening tips for the winter."),
	)
	cases := []struct {
		text string
		want []string // all of these, in any order, and nothing else
	}{
		{"réinitialiser", []string{"post:fr1"}},
		{"reinitialiser", []string{"post:fr1"}},
		{"REINITIALISER", []string{"post:fr1"}},
		{"réinitialisé", []string{"post:fr1"}}, // French light stemming
		{"l'application", []string{"post:fr1", "post:en2"}},
		{"applications", []string{"post:fr1", "post:en2"}},
		{"resetting", []string{"post:en1"}},
		{"resets", []string{"post:en1"}},
		{"passwords", []string{"post:en1"}},
		{"mot de passe", []string{"post:fr1"}},
	}
	for _, c := range cases {
		got := ids(t, ix, search.Query{Text: c.text})
		slices.Sort(got)
		want := slices.Sorted(slices.Values(c.want))
		if !slices.Equal(got, want) {
			t.Errorf("%q found %v, want %v", c.text, got, want)
		}
	}
}

func TestTyposByWordLength(t *testing.T) {
	t.Parallel()
	ix := open(t,
		post("cat", search.KindDiscussion, "en", "Cat", "x"),
		post("wiki", search.KindDiscussion, "en", "Wiki", "x"),
		post("long", search.KindDiscussion, "en", "Kubernetes", "x"),
	)
	cases := []struct {
		text string
		want []string
	}{
		{"cat", []string{"post:cat"}},
		{"cot", []string{}},                    // 3 letters: no typo
		{"wiko", []string{"post:wiki"}},        // 4 letters: 1 typo
		{"wuko", []string{}},                   // 4 letters: not 2
		{"kubernetis", []string{"post:long"}},  // 10 letters: 1 typo
		{"kubarnetis", []string{"post:long"}},  // 2 typos
		{"kobarnetis", []string{}},             // not 3
		{"kubernets", []string{"post:long"}},   // a letter left out
		{"kuberrnetes", []string{"post:long"}}, // a letter too many
		{`"kubernetis"`, []string{}},           // a quoted word is taken as written
		{`"kubernetes"`, []string{"post:long"}},
	}
	for _, c := range cases {
		if got := ids(t, ix, search.Query{Text: c.text}); !slices.Equal(got, c.want) {
			t.Errorf("%q found %v, want %v", c.text, got, c.want)
		}
	}
	if got := typos(3); got != 0 {
		t.Errorf("typos(3) = %d", got)
	}
	if got := []int{typos(4), typos(7), typos(8)}; !slices.Equal(got, []int{1, 1, 2}) {
		t.Errorf("typos(4, 7, 8) = %v", got)
	}
}

func TestPrefixOnlyOnTheLastWordWhileTyping(t *testing.T) {
	t.Parallel()
	ix := open(t,
		post("pw", search.KindQuestion, "en", "Forgotten password", "Help with my account"),
		post("pa", search.KindQuestion, "en", "Parking", "Where to park"),
	)
	cases := []struct {
		q    search.Query
		want []string
	}{
		{search.Query{Text: "passw", Typing: true}, []string{"post:pw"}},
		{search.Query{Text: "passw"}, []string{}},                                  // not typing: a word
		{search.Query{Text: "passw ", Typing: true}, []string{}},                   // a space ends the word
		{search.Query{Text: "forgotten passw", Typing: true}, []string{"post:pw"}}, // last word only
		{search.Query{Text: "pa", Typing: true}, []string{"post:pa", "post:pw"}},   // 2 letters
		{search.Query{Text: "p", Typing: true}, []string{}},                        // 1 letter: no prefix
	}
	for _, c := range cases {
		got := ids(t, ix, c.q)
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("%q (typing %v) found %v, want %v", c.q.Text, c.q.Typing, got, c.want)
		}
	}
	// "passw" is not the last word: not a prefix, so only "forgotten" matches (any word).
	res := find(t, ix, search.Query{Text: "passw forgotten", Typing: true})
	if len(res.Hits) != 1 || !slices.Equal(res.Hits[0].Highlights["title"][0], []search.Part{{Text: "Forgotten", Mark: true}, {Text: " password", Mark: false}}) {
		t.Errorf("first word taken as a prefix: %+v", res.Hits)
	}
}

func TestPhrasesAndUnbalancedQuotes(t *testing.T) {
	t.Parallel()
	ix := open(t,
		post("near", search.KindDiscussion, "en", "Notes", "You can reset the password from the settings."),
		post("far", search.KindDiscussion, "en", "Notes too", "The password is long; to reset it ask an admin."),
	)
	got := ids(t, ix, search.Query{Text: `"reset the password"`})
	if !slices.Equal(got, []string{"post:near"}) {
		t.Errorf("phrase found %v, want only post:near", got)
	}
	got = ids(t, ix, search.Query{Text: `reset password`})
	if len(got) != 2 {
		t.Errorf("words found %v, want both", got)
	}
	// An unbalanced quote is ignored: the words are searched as words.
	got = ids(t, ix, search.Query{Text: `"reset password`})
	if len(got) != 2 {
		t.Errorf("unbalanced quote found %v, want both", got)
	}
	// French guillemets make a phrase too.
	got = ids(t, ix, search.Query{Text: `«reset the password»`})
	if !slices.Equal(got, []string{"post:near"}) {
		t.Errorf("guillemets found %v, want only post:near", got)
	}
}

func TestAllWordsFirstThenAnyWord(t *testing.T) {
	t.Parallel()
	ix := open(t,
		post("both", search.KindQuestion, "en", "Export members", "export the member list to CSV"),
		post("one", search.KindQuestion, "en", "Export posts", "export posts as a file"),
	)
	if got := ids(t, ix, search.Query{Text: "export members"}); !slices.Equal(got, []string{"post:both"}) {
		t.Errorf("all words: %v, want post:both only", got)
	}
	// No doc has all three words: the docs with most of them come first.
	if got := ids(t, ix, search.Query{Text: "export members spreadsheet"}); !slices.Equal(got, []string{"post:both", "post:one"}) {
		t.Errorf("any word: %v, want post:both then post:one", got)
	}
}

func TestRanking(t *testing.T) {
	t.Parallel()
	older, newer := t0.Add(-48*time.Hour), t0
	at := func(d search.Doc, c time.Time) search.Doc { d.Created = c; return d }
	ix := open(t,
		post("spam", search.KindDiscussion, "en", "A long story", strings.Repeat("webhook ", 50)),
		post("title", search.KindQuestion, "en", "Webhook retries and timeouts", "How many times are they retried?"),
		post("exact", search.KindQuestion, "en", "Webhook", "Everything about it."),
		post("body", search.KindDiscussion, "en", "Integrations", "We send a webhook on each sale."),
	)
	got := ids(t, ix, search.Query{Text: "webhook"})
	want := []string{"post:exact", "post:title"}
	if len(got) < 4 || !slices.Equal(got[:2], want) {
		t.Errorf("webhook ranked %v, want the exact title, then the title, first", got)
	}
	if slices.Index(got, "post:spam") < slices.Index(got, "post:title") {
		t.Errorf("50 repetitions ranked above a title: %v", got)
	}

	// Repeated words are capped (BM25's term-frequency saturation): two bodies of the same
	// length, the word 50 times in one and twice in the other, score less than 2 to 1
	// (TF-IDF's square root would give 5 to 1).
	filler := strings.Repeat("lorem ", 48)
	capped := open(t,
		post("many", search.KindDiscussion, "en", "First", strings.Repeat("webhook ", 50)+"ipsum dolor"),
		post("two", search.KindDiscussion, "en", "Second", "webhook webhook "+filler+"ipsum dolor"),
	)
	hits := find(t, capped, search.Query{Text: "webhook"}).Hits
	if len(hits) != 2 || hits[0].Score/hits[1].Score >= 2 {
		t.Errorf("50 repetitions against 2: %+v", hits)
	}

	answers := open(t,
		search.Doc{ID: "comment:plain", Kind: search.KindComment, SpaceID: "s1", PostID: "p1", Title: "", Body: "Clear the browser cache and retry.", Lang: "en", Created: newer},
		search.Doc{ID: "comment:accepted", Kind: search.KindComment, SpaceID: "s1", PostID: "p1", Body: "Clear the browser cache and retry.", Lang: "en", Created: older, Accepted: true},
		search.Doc{ID: "comment:staff", Kind: search.KindComment, SpaceID: "s1", PostID: "p2", Body: "Clear the browser cache and retry.", Lang: "en", Created: older.Add(-time.Hour), Staff: true},
	)
	got = ids(t, answers, search.Query{Text: "browser cache"})
	if !slices.Equal(got, []string{"comment:accepted", "comment:staff", "comment:plain"}) {
		t.Errorf("answers ranked %v, want accepted, staff, then the other", got)
	}

	// Equal scores: the newest first.
	ties := open(t,
		at(post("old", search.KindDiscussion, "en", "Release notes", "x"), older),
		at(post("new", search.KindDiscussion, "en", "Release notes", "x"), newer),
	)
	if got := ids(t, ties, search.Query{Text: "release"}); !slices.Equal(got, []string{"post:new", "post:old"}) {
		t.Errorf("ties ranked %v, want the newest first", got)
	}
}

func TestHighlightsArePartsNeverHTML(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Filler words about nothing in particular. ", 20) +
		"Here the <b>export</b> button sits, near the other export tools. " +
		strings.Repeat("More filler text to pad the body further. ", 20)
	ix := open(t, post("h", search.KindQuestion, "en", "Export à la française", long))
	res := find(t, ix, search.Query{Text: "export"})
	if len(res.Hits) != 1 {
		t.Fatalf("hits %v", res.Hits)
	}
	h := res.Hits[0].Highlights
	title := h["title"]
	if len(title) != 1 || len(title[0]) != 2 || title[0][0] != (search.Part{Text: "Export", Mark: true}) || title[0][1] != (search.Part{Text: " à la française", Mark: false}) {
		t.Errorf("title parts %+v", title)
	}
	body := h["body"]
	if len(body) == 0 {
		t.Fatal("no body fragment")
	}
	var text strings.Builder
	marks := 0
	for _, p := range body[0] {
		text.WriteString(p.Text)
		if p.Mark {
			marks++
			if !strings.EqualFold(p.Text, "export") {
				t.Errorf("marked %q", p.Text)
			}
		}
	}
	s := text.String()
	if marks != 2 || !strings.Contains(s, "<b>") || !strings.HasPrefix(s, "…") || !strings.HasSuffix(s, "…") {
		t.Errorf("body fragment %q has %d marks", s, marks)
	}
	if n := len([]rune(s)); n > search.FragmentChars+2 || n < search.FragmentChars/2 {
		t.Errorf("body fragment of %d characters: %q", n, s)
	}

	// A match in the title only: the body's opening, unmarked.
	ix2 := open(t, post("t", search.KindQuestion, "en", "Invoices", long))
	h = find(t, ix2, search.Query{Text: "invoices"}).Hits[0].Highlights
	if b := h["body"]; len(b) != 1 || len(b[0]) != 1 || b[0][0].Mark || !strings.HasPrefix(b[0][0].Text, "Filler words") || !strings.HasSuffix(b[0][0].Text, "…") {
		t.Errorf("opening fragment %+v", b)
	}
}

func TestFacetsCountAFilteredFieldAsIfUnfiltered(t *testing.T) {
	t.Parallel()
	var docs []search.Doc
	for i := range 12 {
		d := post(fmt.Sprint("q", i), search.KindQuestion, "en", "Billing question", "about billing")
		d.AuthorID = fmt.Sprint("m", i%11) // 11 authors: the facet keeps 10
		d.Solved = i%3 == 0
		d.Created = t0.AddDate(0, -(i % 2), 0)
		docs = append(docs, d)
	}
	for i := range 3 {
		d := post(fmt.Sprint("i", i), search.KindIdea, "en", "Billing idea", "billing")
		d.IdeaStatus = "planned"
		docs = append(docs, d)
	}
	other := post("o", search.KindDiscussion, "en", "Billing elsewhere", "billing")
	other.SpaceID = "s2"
	docs = append(docs, other)
	ix := open(t, docs...)
	acc := search.Access{Spaces: []string{"s1", "s2"}}

	res := find(t, ix, search.Query{Text: "billing", Access: acc, Facets: true, Kinds: []string{search.KindQuestion}})
	if res.Total != 12 {
		t.Errorf("total %d, want 12 questions", res.Total)
	}
	f := res.Facets
	if !slices.Equal(f["kind"], []search.FacetCount{{Value: search.KindQuestion, Count: 12}, {Value: search.KindIdea, Count: 3}, {Value: search.KindDiscussion, Count: 1}}) {
		t.Errorf("kind facet %v: want every kind counted, the filter set aside", f["kind"])
	}
	if !slices.Equal(f["space"], []search.FacetCount{{Value: "s1", Count: 12}}) {
		t.Errorf("space facet %v: want the questions' spaces", f["space"])
	}
	if !slices.Equal(f["solved"], []search.FacetCount{{Value: "false", Count: 8}, {Value: "true", Count: 4}}) {
		t.Errorf("solved facet %v", f["solved"])
	}
	if len(f["author"]) != 10 {
		t.Errorf("author facet has %d values, want the top 10", len(f["author"]))
	}
	if !slices.Equal(f["month"], []search.FacetCount{{Value: "2026-11", Count: 6}, {Value: "2026-10", Count: 6}}) {
		t.Errorf("month facet %v, want newest first", f["month"])
	}
	if len(f["status"]) != 0 {
		t.Errorf("status facet %v: questions have none", f["status"])
	}

	solved := true
	res = find(t, ix, search.Query{Text: "billing", Access: acc, Facets: true, Solved: &solved})
	if res.Total != 4 || !slices.Equal(res.Facets["solved"], []search.FacetCount{{Value: "false", Count: 8}, {Value: "true", Count: 4}}) {
		t.Errorf("solved filter: total %d, facet %v", res.Total, res.Facets["solved"])
	}
	if !slices.Equal(res.Facets["kind"], []search.FacetCount{{Value: search.KindQuestion, Count: 4}}) {
		t.Errorf("solved filter: kind facet %v", res.Facets["kind"])
	}
}

func TestFilters(t *testing.T) {
	t.Parallel()
	a := post("a", search.KindQuestion, "en", "Invoice", "x")
	a.Solved, a.Created = true, t0.AddDate(0, -2, 0)
	b := post("b", search.KindIdea, "en", "Invoice", "x")
	b.IdeaStatus, b.AuthorID = "planned", "m2"
	c := post("c", search.KindDiscussion, "en", "Invoice", "x")
	c.SpaceID = "s2"
	ix := open(t, a, b, c)
	acc := search.Access{Spaces: []string{"s1", "s2"}}
	yes, no := true, false
	cases := []struct {
		name string
		q    search.Query
		want []string
	}{
		{"kinds", search.Query{Kinds: []string{search.KindIdea, search.KindDiscussion}}, []string{"post:b", "post:c"}},
		{"space", search.Query{SpaceID: "s2"}, []string{"post:c"}},
		{"author", search.Query{AuthorID: "m2"}, []string{"post:b"}},
		{"from", search.Query{From: t0.AddDate(0, -1, 0)}, []string{"post:b", "post:c"}},
		{"to", search.Query{To: t0.AddDate(0, -1, 0)}, []string{"post:a"}},
		{"solved", search.Query{Solved: &yes}, []string{"post:a"}},
		{"unsolved", search.Query{Solved: &no}, []string{}}, // only questions and tickets have a state
		{"status", search.Query{IdeaStatus: "planned"}, []string{"post:b"}},
	}
	for _, c := range cases {
		for _, text := range []string{"invoice", ""} { // with words, and browsing
			q := c.q
			q.Text, q.Access = text, acc
			got := ids(t, ix, q)
			slices.Sort(got)
			if !slices.Equal(got, c.want) {
				t.Errorf("%s (text %q): %v, want %v", c.name, text, got, c.want)
			}
		}
	}
}

// TestAccessCanaries plants a canary word in a doc each Access field forbids and checks
// that a reader without that field never finds it, and a reader with it does.
func TestAccessCanaries(t *testing.T) {
	t.Parallel()
	docs := []search.Doc{
		{ID: "post:p", Kind: search.KindDiscussion, SpaceID: "s1", Title: "canary", Body: "content", Lang: "en", Created: t0},
		{ID: "comment:c", Kind: search.KindComment, SpaceID: "s1", PostID: "p", Body: "canary comment", Lang: "en", Created: t0},
		{ID: "member:m", Kind: search.KindMember, Title: "Canary Member", Lang: "en", Created: t0},
		{ID: "space:s1", Kind: search.KindSpace, SpaceID: "s1", Title: "Canary space", Lang: "en", Created: t0},
		{ID: "ticket:t", Kind: search.KindTicket, SpaceID: "cust", Title: "canary ticket", Lang: "en", Created: t0},
		{ID: "article:a", Kind: search.KindArticle, SpaceID: "s1", Title: "canary article", Lang: "en", Created: t0},
	}
	ix := open(t, docs...)
	cases := []struct {
		name string
		a    search.Access
		want []string
	}{
		{"nothing", search.Access{}, []string{}},
		{"other spaces", search.Access{Spaces: []string{"s9"}, ListedSpaces: []string{"s9"}, TicketSpaces: []string{"s9"}}, []string{}},
		{"content", search.Access{Spaces: []string{"s1"}}, []string{"article:a", "comment:c", "post:p"}},
		{"listed", search.Access{ListedSpaces: []string{"s1"}}, []string{"space:s1"}},
		{"members", search.Access{Members: true}, []string{"member:m"}},
		{"ticket space", search.Access{TicketSpaces: []string{"cust"}}, []string{"ticket:t"}},
		{"agent", search.Access{AllTickets: true}, []string{"ticket:t"}},
		// A customer space in Spaces does not open its tickets; nor TicketSpaces its posts.
		{"tickets need ticket access", search.Access{Spaces: []string{"cust"}, ListedSpaces: []string{"cust"}}, []string{}},
		{"ticket space is not content", search.Access{TicketSpaces: []string{"s1"}}, []string{}},
	}
	for _, c := range cases {
		for _, q := range []search.Query{{Text: "canary"}, {Text: "canari"}, {Text: "can", Typing: true}, {Kinds: []string{search.KindDiscussion, search.KindComment, search.KindMember, search.KindSpace, search.KindTicket, search.KindArticle}}} {
			q.Access = c.a
			res, err := ix.Search(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, h := range res.Hits {
				got = append(got, h.ID)
			}
			slices.Sort(got)
			if !slices.Equal(got, c.want) {
				t.Errorf("%s, %+v: found %v, want %v", c.name, q, got, c.want)
			}
		}
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	ix := open(t,
		post("a", search.KindQuestion, "en", "Reset password", "anything at all"),
		post("b", search.KindQuestion, "en", "AND OR NOT", "operators as words"),
	)
	cases := []struct {
		name string
		q    search.Query
		err  error
		hits int // when no error: exactly this many
	}{
		{"empty", search.Query{}, search.ErrEmptyQuery, 0},
		{"spaces", search.Query{Text: "   \t "}, search.ErrEmptyQuery, 0},
		{"only operators", search.Query{Text: `* ? + - : ^ ~ ( ) \ / && || !`}, search.ErrEmptyQuery, 0},
		{"star", search.Query{Text: "*"}, search.ErrEmptyQuery, 0},
		{"star typing", search.Query{Text: "*", Typing: true}, search.ErrEmptyQuery, 0},
		{"quote", search.Query{Text: `"`}, search.ErrEmptyQuery, 0},
		{"quotes", search.Query{Text: `"""""`}, search.ErrEmptyQuery, 0},
		{"stop words", search.Query{Text: "the and le la"}, search.ErrCommonWords, 0},
		{"stop words with a filter and NeedWords", search.Query{Text: "how do I", Kinds: []string{search.KindQuestion}, NeedWords: true}, search.ErrCommonWords, 0},
		{"nothing with a filter and NeedWords", search.Query{Kinds: []string{search.KindQuestion}, NeedWords: true}, search.ErrEmptyQuery, 0},
		{"10,000 characters", search.Query{Text: strings.Repeat("a", 10000)}, search.ErrQueryTooLong, 0},
		{"201 characters", search.Query{Text: strings.Repeat("é", 201)}, search.ErrQueryTooLong, 0},
		{"size", search.Query{Text: "reset", Size: 51}, search.ErrBadSize, 0},
		{"negative size", search.Query{Text: "reset", Size: -1}, search.ErrBadSize, 0},
		{"deep", search.Query{Text: "reset", Offset: 1001}, search.ErrTooDeep, 0},
		{"negative offset", search.Query{Text: "reset", Offset: -1}, search.ErrTooDeep, 0},
		{"year 1000", search.Query{Text: "reset", From: time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC)}, search.ErrBadDates, 0},
		{"year 9999", search.Query{Text: "reset", To: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)}, search.ErrBadDates, 0},
		{"200 characters", search.Query{Text: strings.Repeat("é", 200)}, nil, 0},
		{"wildcard is literal", search.Query{Text: "res*"}, nil, 0},
		{"field syntax is literal", search.Query{Text: "title:reset"}, nil, 0},  // one word "title:reset"
		{"field syntax is literal", search.Query{Text: "title: reset"}, nil, 1}, // "title" or "reset"
		{"operators are words", search.Query{Text: "reset AND password"}, nil, 1},
		{"1-letter prefix", search.Query{Text: "r", Typing: true}, nil, 0},
		{"many words", search.Query{Text: strings.Repeat("reset ", 33)}, nil, 1},
		{"regexp", search.Query{Text: "/.*/"}, search.ErrEmptyQuery, 0},
		{"at offset 1000", search.Query{Text: "reset", Offset: 1000}, nil, 0},
	}
	for _, c := range cases {
		c.q.Access = everyone
		res, err := ix.Search(context.Background(), c.q)
		if c.err != nil {
			if !errors.Is(err, c.err) {
				t.Errorf("%s: err %v, want %v", c.name, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if len(res.Hits) != c.hits {
			t.Errorf("%s: %d hits, want %d", c.name, len(res.Hits), c.hits)
		}
	}
	// Only MaxWords words are used: the 17th and 18th are not searched at all (else no doc
	// has all 18, and any word would find post:z too).
	words := strings.Fields("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa")
	d := post("w", search.KindDiscussion, "en", "Words", strings.Join(words, " "))
	ix2 := open(t, d, post("z", search.KindDiscussion, "en", "Other", "zulu yankee"))
	res := find(t, ix2, search.Query{Text: strings.Join(words, " ") + " zulu yankee"})
	if len(res.Hits) != 1 || res.Hits[0].ID != "post:w" || res.IgnoredWords != 2 {
		t.Errorf("18 words found %+v, ignored %d: want the doc with the first 16, 2 ignored", res.Hits, res.IgnoredWords)
	}
}

func TestPutReplacesDeleteRemovesCount(t *testing.T) {
	t.Parallel()
	ix := open(t, post("a", search.KindDiscussion, "en", "Original title", "x"))
	if err := ix.Put(post("a", search.KindDiscussion, "en", "Edited heading", "x")); err != nil {
		t.Fatal(err)
	}
	if got := ids(t, ix, search.Query{Text: "original"}); len(got) != 0 {
		t.Errorf("old text still found: %v", got)
	}
	if got := ids(t, ix, search.Query{Text: "heading"}); !slices.Equal(got, []string{"post:a"}) {
		t.Errorf("new text: %v", got)
	}
	if n, err := ix.Count(); err != nil || n != 1 {
		t.Errorf("count %d, %v", n, err)
	}
	if err := ix.Delete("post:a", "post:absent"); err != nil {
		t.Fatal(err)
	}
	if n, err := ix.Count(); err != nil || n != 0 {
		t.Errorf("count after delete %d, %v", n, err)
	}
	if err := ix.Put(search.Doc{ID: "post:x"}, post("y", search.KindDiscussion, "en", "Y", "y")); !errors.Is(err, search.ErrBadDoc) {
		t.Errorf("a doc without kind: %v", err)
	}
	if n, _ := ix.Count(); n != 0 {
		t.Errorf("a refused batch wrote %d docs", n)
	}
}

func TestReopenKeepsTheIndex(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "nested", "index")
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Put(post("a", search.KindDiscussion, "fr", "Éléphant", "x")); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	ix, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if got := ids(t, ix, search.Query{Text: "elephant"}); !slices.Equal(got, []string{"post:a"}) {
		t.Errorf("reopened: %v", got)
	}
}

func TestSnapshotRestoreWhileWriting(t *testing.T) {
	t.Parallel()
	var docs []search.Doc
	for i := range 300 {
		docs = append(docs, post(fmt.Sprint("p", i), search.KindDiscussion, []string{"en", "fr"}[i%2], fmt.Sprintf("Topic %d about gardens", i), "Roses and tulips in the garden."))
	}
	ix := open(t, docs...)
	want := ids(t, ix, search.Query{Text: "garden", Size: 50, Facets: true})

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the source keeps taking writes
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := ix.Put(post(fmt.Sprint("new", i), search.KindDiscussion, "en", "Later garden", "garden")); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	var buf bytes.Buffer
	err := ix.Snapshot(&buf)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	restored, err := Restore(&buf, filepath.Join(t.TempDir(), "restored"))
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	n, _ := restored.Count()
	if n < 300 {
		t.Fatalf("restored %d docs, want at least 300", n)
	}
	// Same results for the docs the snapshot holds: those written before it.
	got := ids(t, restored, search.Query{Text: "topic garden", Size: 50})
	wantTopic := ids(t, ix, search.Query{Text: "topic garden", Size: 50})
	if !slices.Equal(got, wantTopic) {
		t.Errorf("restored %v\nsource   %v", got, wantTopic)
	}
	if len(want) != 50 {
		t.Errorf("source found %d", len(want))
	}
	// The restored index takes writes of its own.
	if err := restored.Put(post("r", search.KindDiscussion, "en", "Orchids", "x")); err != nil {
		t.Fatal(err)
	}
	if got := ids(t, restored, search.Query{Text: "orchids"}); !slices.Equal(got, []string{"post:r"}) {
		t.Errorf("after restore: %v", got)
	}
}

func TestRestoreRefusesUnsafeArchives(t *testing.T) {
	t.Parallel()
	ix := open(t, post("a", search.KindDiscussion, "en", "A", "x"))
	var buf bytes.Buffer
	if err := ix.Snapshot(&buf); err != nil {
		t.Fatal(err)
	}
	// The index's parent directory holds the index: not empty.
	if _, err := Restore(bytes.NewReader(buf.Bytes()), filepath.Dir(ix.Dir())); err == nil {
		t.Error("restored into a directory that is not empty")
	}
	evil := tarOf(t, "../escape", "x")
	if _, err := Restore(bytes.NewReader(evil), filepath.Join(t.TempDir(), "r")); err == nil || !strings.Contains(err.Error(), "outside") {
		t.Errorf("an entry outside the directory: %v", err)
	}
}

func TestOpenInAnEmptyExistingDirectory(t *testing.T) {
	t.Parallel()
	ix, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Put(post("a", search.KindDiscussion, "en", "Hello", "x")); err != nil {
		t.Fatal(err)
	}
	if got := ids(t, ix, search.Query{Text: "hello"}); !slices.Equal(got, []string{"post:a"}) {
		t.Errorf("found %v", got)
	}
}

// TestExpansionsAreBounded: a 2-letter prefix stands for at most maxPrefixTerms words (the
// most frequent), and a typo for at most maxFuzzyTerms, whatever the vocabulary.
func TestExpansionsAreBounded(t *testing.T) {
	t.Parallel()
	var docs []search.Doc
	for i := range 200 {
		// 200 distinct 8-letter words starting "ab", each in its own doc's title: all
		// within 2 edits of one another.
		w := fmt.Sprintf("ab%c%cqqqq", 'a'+i%26, 'a'+(i/26)%26)
		docs = append(docs, post(fmt.Sprint("p", i), search.KindDiscussion, "en", "Doc "+w, "x"))
	}
	ix := open(t, docs...)
	res := find(t, ix, search.Query{Text: "ab", Typing: true, Size: 50})
	if res.Total != maxPrefixTerms {
		t.Errorf("a 2-letter prefix found %d docs, want %d of the 200", res.Total, maxPrefixTerms)
	}
	res = find(t, ix, search.Query{Text: "abaaqqqq"})
	if res.Total != maxFuzzyTerms {
		t.Errorf("a word with 2 typos allowed found %d docs, want %d of the 200", res.Total, maxFuzzyTerms)
	}
}

func TestSearchHonoursTheContext(t *testing.T) {
	t.Parallel()
	ix := open(t, post("a", search.KindDiscussion, "en", "Hello", "x"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.Search(ctx, search.Query{Text: "hello", Access: everyone}); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled search: %v", err)
	}
}
