package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/knowledge"
	"tribune/shared/store"
)

// kbPlaces gives every caller the same access to every place (the store's tests are
// about what is written, not who may: the app's tests check the rules).
type kbPlaces struct{ acc knowledge.Access }

func (p kbPlaces) Access(context.Context, auth.Principal, string) (knowledge.Access, error) {
	return p.acc, nil
}

func newKB(t *testing.T) (*knowledge.Service, *store.Store, func() int) {
	st, tbl := newStore(t)
	svc := &knowledge.Service{Store: st.Knowledge(), Places: kbPlaces{knowledge.Access{Read: true, Edit: true, Feedback: true}}}
	return svc, st, func() int { return itemCount(t, tbl) }
}

func kbCategory(t *testing.T, svc *knowledge.Service, editor auth.Principal, name string) knowledge.Category {
	t.Helper()
	c, err := svc.CreateCategory(ctx, editor, knowledge.CategoryInput{Name: name, Description: "About " + name})
	if err != nil {
		t.Fatalf("CreateCategory: %v", err)
	}
	return c
}

// Every save is a version; publishing and restoring too; a diff compares two; the
// events go with the writes; a save on a stale baseVersion is a 409 that writes nothing.
func TestKnowledgeVersionsDiffRestoreAndStaleSaves(t *testing.T) {
	t.Parallel()
	svc, st, items := newKB(t)
	ed := auth.Principal{MemberID: named(t, st, "Eda")}
	c := kbCategory(t, svc, ed, "Printers")
	a, err := svc.CreateArticle(ctx, ed, knowledge.ArticleInput{Title: "Reset the printer", Body: "Hold the power button for ten seconds.", CategoryID: c.ID})
	if err != nil || a.Version != 1 || a.Status != knowledge.StatusDraft {
		t.Fatalf("create: %+v %v", a.Summary, err)
	}
	if n := outboxCount(t, st.DB, st.Table, eventtypes.ArticlePublishedType) + outboxCount(t, st.DB, st.Table, eventtypes.ArticleUpdatedType); n != 0 {
		t.Fatalf("a draft published %d events", n)
	}
	if a, err = svc.SetPublished(ctx, ed, a.ID, true); err != nil || a.Version != 2 || a.Status != knowledge.StatusPublished || a.PublishedAt == nil {
		t.Fatalf("publish: %+v %v", a.Summary, err)
	}
	if again, err := svc.SetPublished(ctx, ed, a.ID, true); err != nil || again.Version != 2 {
		t.Fatalf("publish again made a version: %+v %v", again.Summary, err)
	}
	if n := outboxCount(t, st.DB, st.Table, eventtypes.ArticlePublishedType); n != 1 {
		t.Fatalf("article.published events: %d", n)
	}
	cats, _ := svc.Categories(ctx, ed, "")
	if len(cats.Categories) != 1 || cats.Categories[0].Articles != 1 {
		t.Fatalf("published count: %+v", cats.Categories)
	}
	a, err = svc.SaveArticle(ctx, ed, a.ID, knowledge.ArticleInput{Title: "Reset the office printer", Body: "Hold the power button for twenty seconds.",
		CategoryID: c.ID, BaseVersion: 2})
	if err != nil || a.Version != 3 {
		t.Fatalf("save: %+v %v", a.Summary, err)
	}
	if n := outboxCount(t, st.DB, st.Table, eventtypes.ArticleUpdatedType); n != 1 {
		t.Fatalf("article.updated events: %d", n)
	}

	// Stale: made on version 2 while 3 is current.
	before := items()
	_, err = svc.SaveArticle(ctx, ed, a.ID, knowledge.ArticleInput{Title: "Lost?", Body: "x", CategoryID: c.ID, BaseVersion: 2})
	if !errs.Is(err, "article_changed") {
		t.Fatalf("stale save: %v", err)
	}
	if after := items(); after != before {
		t.Fatalf("a refused save wrote %d items", after-before)
	}

	d, err := svc.Diff(ctx, ed, a.ID, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	var ins, del []string
	for _, ch := range d.Body {
		switch ch.Op {
		case knowledge.OpInsert:
			ins = append(ins, ch.Text)
		case knowledge.OpDelete:
			del = append(del, ch.Text)
		}
	}
	if strings.Join(ins, "|") != "twenty" || strings.Join(del, "|") != "ten" {
		t.Fatalf("word diff: %+v", d.Body)
	}
	if got := d.Title; len(got) != 3 || got[1] != (knowledge.Change{Op: knowledge.OpInsert, Text: "office "}) {
		t.Fatalf("title diff: %+v", got)
	}

	r, err := svc.Restore(ctx, ed, a.ID, 1)
	if err != nil || r.Version != 4 || r.Title != "Reset the printer" || r.Status != knowledge.StatusPublished {
		t.Fatalf("restore: %+v %v", r.Summary, err)
	}
	hist, err := svc.Versions(ctx, ed, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, v := range hist.Versions {
		actions = append(actions, fmt.Sprintf("%d:%s", v.Version, v.Action))
	}
	if got := strings.Join(actions, " "); got != "4:restored 3:edited 2:published 1:created" || hist.Versions[0].RestoredFrom != 1 || hist.Versions[0].Editor.Name != "Eda" {
		t.Fatalf("history: %s %+v", got, hist.Versions[0])
	}
	// A reader who does not edit it reads the versions that were published: not the
	// draft of version 1.
	reader := &knowledge.Service{Store: st.Knowledge(), Places: kbPlaces{knowledge.Access{Read: true}}}
	rh, err := reader.Versions(ctx, auth.Principal{MemberID: "m_reader"}, a.ID)
	if err != nil || len(rh.Versions) != 3 || rh.Versions[2].Version != 2 {
		t.Fatalf("a reader's history: %+v %v", rh.Versions, err)
	}
	if _, err := reader.Version(ctx, auth.Principal{MemberID: "m_reader"}, a.ID, 1); !errs.Is(err, "version_not_found") {
		t.Fatalf("a reader reads the draft version: %v", err)
	}
	if _, err := reader.Diff(ctx, auth.Principal{MemberID: "m_reader"}, a.ID, 1, 2); !errs.Is(err, "version_not_found") {
		t.Fatalf("a reader diffs the draft version: %v", err)
	}
	v3, err := svc.Version(ctx, ed, a.ID, 3)
	if err != nil || v3.Title != "Reset the office printer" || !strings.Contains(v3.HTML, "twenty") {
		t.Fatalf("version 3: %+v %v", v3, err)
	}
	if _, err := svc.Version(ctx, ed, a.ID, 9); !errs.Is(err, "version_not_found") {
		t.Fatalf("version 9: %v", err)
	}
}

// Two editors save on the same base at once: one wins, the other gets 409; the winner's
// text is the article's and there is one version per winning save.
func TestKnowledgeConcurrentSavesLoseNothing(t *testing.T) {
	t.Parallel()
	svc, st, _ := newKB(t)
	ed := auth.Principal{MemberID: named(t, st, "Eda")}
	c := kbCategory(t, svc, ed, "Billing")
	a, err := svc.CreateArticle(ctx, ed, knowledge.ArticleInput{Title: "Invoices", Body: "v1", CategoryID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	var wg sync.WaitGroup
	results := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, results[i] = svc.SaveArticle(ctx, ed, a.ID, knowledge.ArticleInput{Title: "Invoices", Body: fmt.Sprintf("writer %d", i), CategoryID: c.ID, BaseVersion: 1})
		})
	}
	wg.Wait()
	won := -1
	for i, err := range results {
		switch {
		case err == nil && won < 0:
			won = i
		case err == nil:
			t.Fatalf("two saves on version 1 both won: %d and %d", won, i)
		case !errs.Is(err, "article_changed"):
			t.Fatalf("save %d: %v", i, err)
		}
	}
	got, err := svc.Article(ctx, ed, a.ID)
	if won < 0 || err != nil || got.Version != 2 || got.Body != fmt.Sprintf("writer %d", won) {
		t.Fatalf("after the race: won %d, %+v %v", won, got.Summary, err)
	}
	hist, _ := svc.Versions(ctx, ed, a.ID)
	if len(hist.Versions) != 2 {
		t.Fatalf("versions: %+v", hist.Versions)
	}
}

// Feedback counts stay exact under repeats, changes of mind and concurrency: 50
// concurrent answers of 10 members (each answering 5 times, yes or no) leave one item
// per member and counts equal to the items' answers.
func TestKnowledgeFeedbackCountsAreExactUnderConcurrency(t *testing.T) {
	t.Parallel()
	svc, st, _ := newKB(t)
	ed := auth.Principal{MemberID: named(t, st, "Eda")}
	c := kbCategory(t, svc, ed, "Network")
	a, err := svc.CreateArticle(ctx, ed, knowledge.ArticleInput{Title: "VPN", Body: "Connect.", CategoryID: c.ID})
	if err == nil {
		_, err = svc.SetPublished(ctx, ed, a.ID, true)
	}
	if err != nil {
		t.Fatal(err)
	}
	readers := make([]auth.Principal, 10)
	for i := range readers {
		readers[i] = auth.Principal{MemberID: fmt.Sprintf("m_reader%02d", i)}
	}
	var wg sync.WaitGroup
	errors := make(chan error, 50)
	for i := range 50 {
		wg.Go(func() {
			who := readers[i%10]
			_, err := svc.GiveFeedback(ctx, who, a.ID, knowledge.FeedbackInput{Helpful: (i/10)%2 == 0, Comment: fmt.Sprintf("try %d", i)})
			errors <- err
		})
	}
	wg.Wait()
	close(errors)
	for err := range errors {
		if err != nil {
			t.Fatalf("feedback: %v", err)
		}
	}
	yes, no := 0, 0
	for _, r := range readers {
		f, err := st.Knowledge().MyFeedback(ctx, a.ID, r.MemberID)
		if err != nil || f == nil {
			t.Fatalf("feedback of %s: %+v %v", r.MemberID, f, err)
		}
		if f.Helpful {
			yes++
		} else {
			no++
		}
	}
	list, err := svc.FeedbackOf(ctx, ed, a.ID, "")
	if err != nil || list.Yes != yes || list.No != no || list.Yes+list.No != 10 || len(list.Comments) != 10 {
		t.Fatalf("counts %d/%d, items say %d/%d, %d comments (%v)", list.Yes, list.No, yes, no, len(list.Comments), err)
	}
	// A change of mind moves one count; the same answer again moves none.
	r := readers[0]
	f, _ := st.Knowledge().MyFeedback(ctx, a.ID, r.MemberID)
	for _, helpful := range []bool{!f.Helpful, !f.Helpful} {
		if _, err := svc.GiveFeedback(ctx, r, a.ID, knowledge.FeedbackInput{Helpful: helpful}); err != nil {
			t.Fatal(err)
		}
	}
	again, _ := svc.FeedbackOf(ctx, ed, a.ID, "")
	wantYes, wantNo := yes+1, no-1
	if f.Helpful {
		wantYes, wantNo = yes-1, no+1
	}
	if again.Yes != wantYes || again.No != wantNo {
		t.Fatalf("after a change of mind: %d/%d, want %d/%d", again.Yes, again.No, wantYes, wantNo)
	}
}

// Follow and unfollow are idempotent; followers are listed by target.
func TestKnowledgeFollowersAreIdempotent(t *testing.T) {
	t.Parallel()
	svc, st, _ := newKB(t)
	ed := auth.Principal{MemberID: named(t, st, "Eda")}
	c := kbCategory(t, svc, ed, "Roadmap")
	for range 2 {
		if s, err := svc.FollowCategory(ctx, ed, c.ID, true); err != nil || !s.Following {
			t.Fatalf("follow: %+v %v", s, err)
		}
	}
	if ids, err := st.Knowledge().Followers(ctx, c.ID); err != nil || len(ids) != 1 || ids[0] != ed.MemberID {
		t.Fatalf("followers: %v %v", ids, err)
	}
	for range 2 {
		if s, err := svc.FollowCategory(ctx, ed, c.ID, false); err != nil || s.Following {
			t.Fatalf("unfollow: %+v %v", s, err)
		}
	}
	if ids, _ := st.Knowledge().Followers(ctx, c.ID); len(ids) != 0 {
		t.Fatalf("followers after unfollowing: %v", ids)
	}
}

// A place holds at most 200 categories: the 201st is refused and writes nothing.
func TestKnowledgeCategoryLimit(t *testing.T) {
	t.Parallel()
	svc, st, items := newKB(t)
	ed := auth.Principal{MemberID: named(t, st, "Eda")}
	for i := range knowledge.CategoriesPerPlace {
		kbCategory(t, svc, ed, fmt.Sprintf("Category %d", i))
	}
	before := items()
	if _, err := svc.CreateCategory(ctx, ed, knowledge.CategoryInput{Name: "One too many"}); !errs.Is(err, "too_many_categories") {
		t.Fatalf("201st category: %v", err)
	}
	if after := items(); after != before {
		t.Fatalf("a refused category wrote %d items", after-before)
	}
}

// A place's articles page by page, last changed first: every article once; the title
// filter (the agents' picker) and the status filter fill their page across reads.
func TestKnowledgeArticleListPagesAndFilters(t *testing.T) {
	t.Parallel()
	svc, st, _ := newKB(t)
	ed := auth.Principal{MemberID: named(t, st, "Eda")}
	c := kbCategory(t, svc, ed, "Many")
	for i := range 65 {
		title := fmt.Sprintf("Article %02d", i)
		if i%20 == 3 {
			title = fmt.Sprintf("Printer reset %02d", i)
		}
		a, err := svc.CreateArticle(ctx, ed, knowledge.ArticleInput{Title: title, Body: "x", CategoryID: c.ID})
		if err == nil && i%2 == 0 {
			_, err = svc.SetPublished(ctx, ed, a.ID, true)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	cursor := ""
	for pages := 0; ; pages++ {
		page, err := svc.Articles(ctx, ed, "", "", "", "", cursor)
		if err != nil || pages > 5 {
			t.Fatalf("page %d: %v", pages, err)
		}
		for _, a := range page.Articles {
			if seen[a.ID] {
				t.Fatalf("%s twice", a.ID)
			}
			seen[a.ID] = true
		}
		if cursor = page.Next; cursor == "" {
			break
		}
	}
	if len(seen) != 65 {
		t.Fatalf("listed %d of 65", len(seen))
	}
	picked, err := svc.Articles(ctx, ed, "", "", "", "print RES", "")
	if err != nil || len(picked.Articles) != 4 {
		t.Fatalf("picker: %d %v", len(picked.Articles), err)
	}
	// 33 published of 65: the pages (each filled by at most 5 reads) give each once.
	count, cursor := 0, ""
	for pages := 0; ; pages++ {
		published, err := svc.Articles(ctx, ed, "", "", knowledge.StatusPublished, "", cursor)
		if err != nil || pages > 5 || (pages == 0 && len(published.Articles) < knowledge.PageSize/2) {
			t.Fatalf("published page %d: %d %v", pages, len(published.Articles), err)
		}
		for _, a := range published.Articles {
			if a.Status != knowledge.StatusPublished {
				t.Fatalf("a draft in the published list: %+v", a)
			}
		}
		count += len(published.Articles)
		if cursor = published.Next; cursor == "" {
			break
		}
	}
	if count != 33 {
		t.Fatalf("published: %d, want 33", count)
	}
}
