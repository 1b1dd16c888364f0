package app_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"tribune/shared/eventtypes"
	"tribune/shared/knowledge"
	"tribune/shared/policy"
	"tribune/shared/spaces"
)

// Tester 16, finding 1: an accepted answer becomes an article of its question's own
// space, or community-wide when that space is public (staff: from any space), never of
// a place whose readers are wider; the refusal writes nothing.
func TestKnowledgeAnswerArticleNeverWidensItsReaders(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("adam", policy.RoleAdmin)
	alice, bob := c.as("alice"), c.as("bob")
	vault := c.hiddenSpace(admin, "Vault", alice, bob)
	lounge := c.space(admin, "Lounge", spaces.Public, alice, bob)
	c.setSpaceRole(admin, vault.ID, c.me(alice), spaces.RoleExpert)
	c.setSpaceRole(admin, lounge.ID, c.me(alice), spaces.RoleExpert)
	inVault, inLounge, everyone := c.kbCategory(alice, vault.ID, "Vault notes"), c.kbCategory(alice, lounge.ID, "Lounge notes"), c.kbCategory(admin, "", "Everyone")
	accepted := func(spaceID, title string) (string, string) {
		t.Helper()
		q := c.post(bob, spaceID, fmt.Sprintf(`{"kind":"question","title":%q,"body":"?"}`, title))
		a := c.comment(alice, q.ID, fmt.Sprintf(`{"body":%q}`, "The answer to "+title))
		if status, raw := c.call(bob, "POST", "/api/posts/"+q.ID+"/comments/"+a.ID+"/accept", "", nil); status != 200 {
			t.Fatalf("accept: %d %s", status, raw)
		}
		return q.ID, a.ID
	}
	turn := func(who *http.Client, postID, commentID, categoryID string) (int, string) {
		return c.call(who, "POST", "/api/kb/from-answer", fmt.Sprintf(`{"postId":%q,"commentId":%q,"categoryId":%q,"publish":true}`, postID, commentID, categoryID), nil)
	}
	hq, ha := accepted(vault.ID, "Hidden question")
	before := c.settledItems()
	if status, raw := turn(alice, hq, ha, inLounge.ID); status != 403 || problemCode(raw) != "answer_article_place" {
		t.Errorf("a hidden answer into a public space: %d %s", status, raw)
	}
	if status, raw := turn(alice, hq, ha, everyone.ID); status != 403 {
		t.Errorf("a hidden answer community-wide by a non-staff expert: %d %s", status, raw)
	}
	if after := c.settledItems(); after != before {
		t.Fatalf("refusals wrote %d items", after-before)
	}
	if status, raw := turn(alice, hq, ha, inVault.ID); status != 201 {
		t.Fatalf("into its own space: %d %s", status, raw)
	}
	// A public space's answer: its own space, or community-wide (the same readers); a
	// hidden space's category would narrow it and point readers at a space they may not
	// know of (finding 2).
	pq, pa := accepted(lounge.ID, "Public question")
	if status, raw := turn(alice, pq, pa, inVault.ID); status != 403 || problemCode(raw) != "answer_article_place" {
		t.Errorf("a public answer into a hidden space: %d %s", status, raw)
	}
	if status, raw := turn(admin, pq, pa, everyone.ID); status != 201 {
		t.Fatalf("a public answer community-wide: %d %s", status, raw)
	}
	// Staff may widen, as they may move posts (a deliberate act of theirs).
	hq2, ha2 := accepted(vault.ID, "Another hidden question")
	var wide knowledge.Article
	if status, raw := c.call(admin, "POST", "/api/kb/from-answer", fmt.Sprintf(`{"postId":%q,"commentId":%q,"categoryId":%q,"publish":true}`, hq2, ha2, everyone.ID), &wide); status != 201 {
		t.Fatalf("staff from a hidden space: %d %s", status, raw)
	}
	// Its source (the hidden question's id and link) is for the question's readers only
	// (re-check tester 16, finding A).
	olga := c.as("olga")
	var seen knowledge.Article
	if status, raw := c.call(olga, "GET", "/api/kb/articles/"+wide.ID, "", &seen); status != 200 || seen.Source != nil || strings.Contains(raw, hq2) {
		t.Errorf("an outsider of the vault reads the article: %d %s", status, raw)
	}
	if status, raw := c.call(bob, "GET", "/api/kb/articles/"+wide.ID, "", &seen); status != 200 || seen.Source == nil || seen.Source.PostID != hq2 {
		t.Errorf("a member of the vault reads the article: %d %s", status, raw)
	}
}

// Tester 16, findings 3, 4, 6, 10 and 11.
func TestKnowledgeTesterFindings(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin, sam, cara, acme := c.supportDesk()
	mia := c.as("mia")
	lounge := c.space(admin, "Lounge", spaces.Public, mia)
	c.setSpaceRole(admin, lounge.ID, c.me(mia), spaces.RoleEditor)
	cat := c.kbCategory(mia, lounge.ID, "Guides")
	a := c.kbArticle(mia, cat.ID, "Reset a password", "Use the link.", true)

	// 3: a space's category filters the list without space=.
	var page knowledge.ArticlePage
	if status, raw := c.call(cara, "GET", "/api/kb/articles?category="+cat.ID, "", &page); status != 200 || len(page.Articles) != 1 || page.Articles[0].ID != a.ID {
		t.Errorf("category without space: %d %s", status, raw)
	}

	// 4: the support agents write the knowledge base and documents of the customer
	// spaces they run, without joining them; the customer reads them.
	acmeCat := c.kbCategory(sam, acme.ID, "Acme setup")
	acmeArt := c.kbArticle(sam, acmeCat.ID, "Acme's single sign-on", "Ask your administrator.", true)
	if status, raw := c.call(cara, "GET", "/api/kb/articles/"+acmeArt.ID, "", nil); status != 200 {
		t.Errorf("the customer reads the agents' article: %d %s", status, raw)
	}
	if status, raw := c.call(sam, "GET", "/api/spaces/"+acme.ID+"/documents", "", nil); status != 200 {
		t.Errorf("an agent lists a customer space's documents: %d %s", status, raw)
	}
	c.document(sam, acme.ID, "Acme contract")
	if status, raw := c.call(mia, "GET", "/api/kb/articles/"+acmeArt.ID, "", nil); status != 404 {
		t.Errorf("an outsider reads a customer's article: %d %s", status, raw)
	}

	// 6: changing yes to no keeps the comment; a new comment replaces it.
	if status, raw := c.call(cara, "POST", "/api/kb/articles/"+a.ID+"/feedback", `{"helpful":true,"comment":"Very clear"}`, nil); status != 200 {
		t.Fatalf("feedback: %d %s", status, raw)
	}
	if status, raw := c.call(cara, "POST", "/api/kb/articles/"+a.ID+"/feedback", `{"helpful":false}`, nil); status != 200 {
		t.Fatalf("feedback changed: %d %s", status, raw)
	}
	var fb knowledge.FeedbackList
	if status, raw := c.call(mia, "GET", "/api/kb/articles/"+a.ID+"/feedback", "", &fb); status != 200 || fb.Yes != 0 || fb.No != 1 ||
		len(fb.Comments) != 1 || fb.Comments[0].Comment != "Very clear" || fb.Comments[0].Helpful {
		t.Errorf("after a change of mind: %d %s", status, raw)
	}

	// 10: a version that does not exist is 404 on restore as on the diff.
	if status, raw := c.call(mia, "POST", "/api/kb/articles/"+a.ID+"/restore", `{"version":999}`, nil); status != 404 || problemCode(raw) != "version_not_found" {
		t.Errorf("restore 999: %d %s", status, raw)
	}

	// 11: a save that changes nothing, or restoring what the article already says,
	// writes nothing and tells nobody.
	var cur knowledge.Article
	c.call(mia, "GET", "/api/kb/articles/"+a.ID, "", &cur)
	updates := c.countOutbox(eventtypes.ArticleUpdatedType)
	before := c.settledItems()
	var same knowledge.Article
	body := fmt.Sprintf(`{"title":%q,"body":%q,"categoryId":%q,"baseVersion":%d}`, cur.Title, cur.Body, cur.CategoryID, cur.Version)
	if status, raw := c.call(mia, "PUT", "/api/kb/articles/"+a.ID, body, &same); status != 200 || same.Version != cur.Version {
		t.Errorf("an unchanged save: %d %s", status, raw)
	}
	if status, raw := c.call(mia, "POST", "/api/kb/articles/"+a.ID+"/restore", fmt.Sprintf(`{"version":%d}`, cur.Version), &same); status != 200 || same.Version != cur.Version {
		t.Errorf("restoring the current version: %d %s", status, raw)
	}
	if after := c.settledItems(); after != before || c.countOutbox(eventtypes.ArticleUpdatedType) != updates {
		t.Errorf("an unchanged save wrote %d items", after-before)
	}
}
