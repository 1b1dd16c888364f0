package app_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"tribune/shared/app"
	"tribune/shared/auth"
	"tribune/shared/config"
	"tribune/shared/knowledge"
	"tribune/shared/notifications"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
)

// kbCategory creates a category as who (spaceID "" community-wide).
func (c *community) kbCategory(who *http.Client, spaceID, name string) knowledge.Category {
	c.t.Helper()
	var cat knowledge.Category
	body := fmt.Sprintf(`{"name":%q,"description":"About %s"}`, name, name)
	if spaceID != "" {
		body = fmt.Sprintf(`{"name":%q,"description":"About %s","spaceId":%q}`, name, name, spaceID)
	}
	if status, raw := c.call(who, "POST", "/api/kb/categories", body, &cat); status != 201 {
		c.t.Fatalf("category %s: %d %s", name, status, raw)
	}
	return cat
}

// kbArticle writes an article as who, published when publish.
func (c *community) kbArticle(who *http.Client, categoryID, title, body string, publish bool) knowledge.Article {
	c.t.Helper()
	var a knowledge.Article
	if status, raw := c.call(who, "POST", "/api/kb/articles", fmt.Sprintf(`{"title":%q,"body":%q,"categoryId":%q}`, title, body, categoryID), &a); status != 201 {
		c.t.Fatalf("article %s: %d %s", title, status, raw)
	}
	if publish {
		if status, raw := c.call(who, "POST", "/api/kb/articles/"+a.ID+"/publish", "", &a); status != 200 {
			c.t.Fatalf("publish %s: %d %s", title, status, raw)
		}
	}
	return a
}

// setSpaceRole gives a member of a space a space role (as the space's staff).
func (c *community) setSpaceRole(staff *http.Client, spaceID, memberID, role string) {
	c.t.Helper()
	if status, raw := c.call(staff, "PUT", "/api/spaces/"+spaceID+"/members/"+memberID+"/role", fmt.Sprintf(`{"role":%q}`, role), nil); status != 200 {
		c.t.Fatalf("role %s: %d %s", role, status, raw)
	}
}

// kbRoutes are every article and category route of a space's article a and category
// cat, with a body each unsafe one accepts (the write routes' bodies are valid, so a
// refusal comes from who is asking).
func kbRoutes(a knowledge.Article, cat knowledge.Category, spaceID string) [][3]string {
	art, kc := "/api/kb/articles/"+a.ID, "/api/kb/categories/"+cat.ID
	return [][3]string{
		{"GET", "/api/kb/categories?space=" + spaceID, ""},
		{"GET", "/api/kb/articles?space=" + spaceID, ""},
		{"GET", "/api/kb/articles?space=" + spaceID + "&category=" + cat.ID, ""},
		{"POST", "/api/kb/categories", fmt.Sprintf(`{"name":"Intruder","description":"","spaceId":%q}`, spaceID)},
		{"PATCH", kc, `{"name":"Renamed"}`},
		{"PUT", kc + "/follow", ""},
		{"DELETE", kc + "/follow", ""},
		{"POST", "/api/kb/articles", fmt.Sprintf(`{"title":"Intruder","body":"x","categoryId":%q}`, cat.ID)},
		{"GET", art, ""},
		{"PUT", art, fmt.Sprintf(`{"title":"Intruder","body":"x","categoryId":%q,"baseVersion":%d}`, cat.ID, a.Version)},
		{"POST", art + "/publish", ""},
		{"POST", art + "/unpublish", ""},
		{"GET", art + "/versions", ""},
		{"GET", art + "/versions/1", ""},
		{"GET", art + "/diff?from=1&to=2", ""},
		{"POST", art + "/restore", `{"version":1}`},
		{"PUT", art + "/follow", ""},
		{"DELETE", art + "/follow", ""},
		{"POST", art + "/feedback", `{"helpful":true}`},
		{"GET", art + "/feedback", ""},
		{"POST", "/api/kb/from-answer", fmt.Sprintf(`{"postId":"p_nothing","commentId":"c_nothing","categoryId":%q}`, cat.ID)},
	}
}

// Route × role in a hidden space: an outsider (member or visitor of an open community)
// gets 404 on every article and category route of the space (space_not_found when the
// route names the space, else article_not_found or category_not_found, as for a
// made-up id), and writes nothing; a member of the space reads the published article but not the
// draft, and may not write; experts, editors and staff write.
func TestKnowledgeRoutesByRoleInAHiddenSpace(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("adam", policy.RoleAdmin)
	if status, body := c.call(admin, "PUT", "/api/community/access", `{"accessMode":"open"}`, nil); status != 200 {
		t.Fatalf("open: %d %s", status, body)
	}
	expert, editor, member, outsider := c.as("erin"), c.as("eddie"), c.as("mia"), c.as("otto")
	vault := c.hiddenSpace(admin, "Vault", expert, editor, member)
	c.setSpaceRole(admin, vault.ID, c.me(expert), spaces.RoleExpert)
	c.setSpaceRole(admin, vault.ID, c.me(editor), spaces.RoleEditor)

	cat := c.kbCategory(expert, vault.ID, "Secrets")
	published := c.kbArticle(expert, cat.ID, "How the vault opens", "Turn the dial.", true)
	draft := c.kbArticle(editor, cat.ID, "Unfinished", "Not yet.", false)

	// Staff and the space's experts and editors write; its members read.
	for _, who := range []*http.Client{admin, expert, editor} {
		var got knowledge.Article
		if status, raw := c.call(who, "GET", "/api/kb/articles/"+draft.ID, "", &got); status != 200 || !got.CanEdit {
			t.Fatalf("an editor reads the draft: %d %s", status, raw)
		}
	}
	var got knowledge.Article
	if status, raw := c.call(member, "GET", "/api/kb/articles/"+published.ID, "", &got); status != 200 || got.CanEdit || got.Helpful != nil || got.SpaceName != "Vault" {
		t.Fatalf("a member reads the published article: %d %s", status, raw)
	}
	if status, raw := c.call(member, "GET", "/api/kb/articles/"+draft.ID, "", nil); status != 404 || problemCode(raw) != "article_not_found" {
		t.Fatalf("a member reads a draft: %d %s", status, raw)
	}
	var page knowledge.ArticlePage
	c.call(member, "GET", "/api/kb/articles?space="+vault.ID, "", &page)
	if len(page.Articles) != 1 || page.Articles[0].ID != published.ID {
		t.Fatalf("a member's list: %+v", page.Articles)
	}
	if status, _ := c.call(member, "GET", "/api/kb/articles?space="+vault.ID+"&status=draft", "", nil); status != 403 {
		t.Fatalf("a member lists drafts: %d", status)
	}
	c.call(editor, "GET", "/api/kb/articles?space="+vault.ID, "", &page)
	if len(page.Articles) != 2 {
		t.Fatalf("an editor's list: %+v", page.Articles)
	}
	// A closed space's outsider: 403 not_space_member, as for its posts.
	club := c.space(admin, "Club", spaces.Closed)
	clubCat := c.kbCategory(admin, club.ID, "Rules")
	for _, path := range []string{"/api/kb/categories?space=" + club.ID, "/api/kb/articles?space=" + club.ID,
		"/api/kb/articles/" + c.kbArticle(admin, clubCat.ID, "Club rules", "Be kind.", true).ID} {
		if status, raw := c.call(outsider, "GET", path, "", nil); status != 403 || problemCode(raw) != "not_space_member" {
			t.Errorf("closed space outsider %s: %d %s", path, status, raw)
		}
	}

	before := c.settledItems()
	for _, rt := range kbRoutes(published, cat, vault.ID) {
		// Named by the space: it is not found. Named by an article's or a category's id:
		// that id is not found, as a made-up one is (nothing tells where it lives).
		want := "category_not_found"
		switch {
		case strings.Contains(rt[1], "category="):
			// The category is read first (it names its place).
		case strings.Contains(rt[1], "space="+vault.ID) || strings.Contains(rt[2], vault.ID):
			want = "space_not_found"
		case strings.HasPrefix(rt[1], "/api/kb/articles/"):
			want = "article_not_found"
		}
		if status, raw := c.call(outsider, rt[0], rt[1], rt[2], nil); status != 404 || problemCode(raw) != want {
			t.Errorf("outsider %s %s: %d %s, want 404 %s", rt[0], rt[1], status, raw, want)
		}
		status, raw := c.call(c.visitor(), rt[0], rt[1], rt[2], nil)
		if want := map[bool]int{true: 404, false: 401}[rt[0] == "GET" && !strings.HasSuffix(rt[1], "/feedback")]; status != want {
			t.Errorf("visitor %s %s: %d %s", rt[0], rt[1], status, raw)
		}
	}
	// A plain member of the space may read but not write: 403 on the writes.
	for _, rt := range kbRoutes(published, cat, vault.ID) {
		path := rt[1]
		write := rt[0] != "GET" && !strings.HasSuffix(path, "/follow") && !strings.HasSuffix(path, "/feedback") && path != "/api/kb/from-answer"
		if status, raw := c.call(member, rt[0], path, rt[2], nil); write && status != 403 {
			t.Errorf("member %s %s: %d %s", rt[0], path, status, raw)
		}
	}
	// The member followed and unfollowed (nothing left) and gave feedback (two items,
	// theirs to give: the feedback and the member's pointer to it, pattern 353): take
	// them out of the count.
	after := c.settledItems()
	var fb knowledge.FeedbackList
	c.call(admin, "GET", "/api/kb/articles/"+published.ID+"/feedback", "", &fb)
	if given := fb.Yes + fb.No; after-before != 2*given {
		t.Fatalf("refusals wrote %d items (feedback given: %d)", after-before-2*given, given)
	}
}

// An article with a script, an event handler and a javascript: link renders inert:
// the HTML keeps none of them, the Markdown is kept as written.
func TestKnowledgeScriptInAnArticleRendersInert(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("adam", policy.RoleAdmin)
	cat := c.kbCategory(admin, "", "Guides")
	body := "Hello <script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(1)) **bold**"
	a := c.kbArticle(admin, cat.ID, "Scripted", body, true)
	var got knowledge.Article
	c.call(c.as("mia"), "GET", "/api/kb/articles/"+a.ID, "", &got)
	for _, bad := range []string{"<script", "onerror", "javascript:", "alert('x')"} {
		if strings.Contains(got.HTML, bad) {
			t.Errorf("html keeps %q: %s", bad, got.HTML)
		}
	}
	if !strings.Contains(got.HTML, "<strong>bold</strong>") || got.Body != body {
		t.Fatalf("rendering: %q, body %q", got.HTML, got.Body)
	}
	var v knowledge.Version
	c.call(admin, "GET", "/api/kb/articles/"+a.ID+"/versions/1", "", &v)
	if strings.Contains(v.HTML, "<script") || strings.Contains(v.HTML, "javascript:") {
		t.Fatalf("a version's html: %s", v.HTML)
	}
}

// An accepted answer becomes an article once: the article names its source, the
// answer its article (on the post page); a second time is 409 answer_has_article with
// the article's id; an answer that is not accepted is 409 answer_not_accepted; someone
// who may not write articles gets 403; refusals write nothing.
func TestKnowledgeAnswerBecomesAnArticleOnce(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("adam", policy.RoleAdmin)
	ann, bob := c.as("ann"), c.as("bob")
	help := c.space(admin, "Help", spaces.Public, ann, bob)
	cat := c.kbCategory(admin, "", "Answers")
	q := c.post(ann, help.ID, `{"kind":"question","title":"How do I reset my password?","body":"I forgot it."}`)
	var answer, other posts.Comment
	c.call(bob, "POST", "/api/posts/"+q.ID+"/comments", `{"body":"Use **Forgot password** on the sign-in page."}`, &answer)
	c.call(ann, "POST", "/api/posts/"+q.ID+"/comments", `{"body":"Thanks, trying."}`, &other)
	req := func(commentID string) string {
		return fmt.Sprintf(`{"postId":%q,"commentId":%q,"categoryId":%q,"publish":true}`, q.ID, commentID, cat.ID)
	}

	before := c.settledItems()
	if status, raw := c.call(admin, "POST", "/api/kb/from-answer", req(answer.ID), nil); status != 409 || problemCode(raw) != "answer_not_accepted" {
		t.Fatalf("not accepted yet: %d %s", status, raw)
	}
	if after := c.settledItems(); after != before {
		t.Fatalf("a refused turn wrote %d items", after-before)
	}
	if status, raw := c.call(ann, "POST", "/api/posts/"+q.ID+"/comments/"+answer.ID+"/accept", "", nil); status != 200 {
		t.Fatalf("accept: %d %s", status, raw)
	}
	before = c.settledItems()
	if status, raw := c.call(bob, "POST", "/api/kb/from-answer", req(answer.ID), nil); status != 403 {
		t.Fatalf("a member without knowledge.write: %d %s", status, raw)
	}
	if status, raw := c.call(admin, "POST", "/api/kb/from-answer", req(other.ID), nil); status != 409 || problemCode(raw) != "answer_not_accepted" {
		t.Fatalf("another comment: %d %s", status, raw)
	}
	if after := c.settledItems(); after != before {
		t.Fatalf("refusals wrote %d items", after-before)
	}

	var a knowledge.Article
	if status, raw := c.call(admin, "POST", "/api/kb/from-answer", req(answer.ID), &a); status != 201 {
		t.Fatalf("turn: %d %s", status, raw)
	}
	if a.Title != "How do I reset my password?" || a.Status != knowledge.StatusPublished || a.Source == nil ||
		a.Source.CommentID != answer.ID || a.Source.PostID != q.ID || !strings.Contains(a.HTML, "<strong>Forgot password</strong>") {
		t.Fatalf("the article: %+v", a)
	}
	var page struct {
		Comments []posts.Comment `json:"comments"`
	}
	c.call(ann, "GET", "/api/posts/"+q.ID+"/page", "", &page)
	linked := false
	for _, cm := range page.Comments {
		linked = linked || (cm.ID == answer.ID && cm.ArticleID == a.ID)
	}
	if !linked {
		t.Fatalf("the answer does not name its article: %+v", page.Comments)
	}
	before = c.settledItems()
	status, raw := c.call(admin, "POST", "/api/kb/from-answer", req(answer.ID), nil)
	if status != 409 || problemCode(raw) != "answer_has_article" || !strings.Contains(raw, `"articleId":"`+a.ID+`"`) {
		t.Fatalf("twice: %d %s", status, raw)
	}
	if after := c.settledItems(); after != before {
		t.Fatalf("the second turn wrote %d items", after-before)
	}
	// The article stays its own content when the answer is hidden later.
	if status, raw := c.call(admin, "POST", "/api/posts/"+q.ID+"/comments/"+answer.ID+"/hide", `{"reason":"Breaks the rules."}`, nil); status != 204 {
		t.Fatalf("hide: %d %s", status, raw)
	}
	if status, raw := c.call(bob, "GET", "/api/kb/articles/"+a.ID, "", nil); status != 200 {
		t.Fatalf("the article after: %d %s", status, raw)
	}
}

// Followers hear of a publication and of an edit once per event, even when they follow
// both the article and its category; the editor never; a follower who lost access to
// the space hears nothing. The email of an edit links to its diff.
func TestKnowledgeFollowersAreToldOnceAndOnlyWhileTheyMayRead(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("adam", policy.RoleAdmin)
	eve, fay, hal := c.as("eve"), c.as("fay"), c.as("hal")
	room := c.hiddenSpace(admin, "Room", eve, fay, hal)
	c.setSpaceRole(admin, room.ID, c.me(eve), spaces.RoleExpert)
	cat := c.kbCategory(eve, room.ID, "Roadmap")
	for _, who := range []*http.Client{eve, fay, hal} {
		if status, raw := c.call(who, "PUT", "/api/kb/categories/"+cat.ID+"/follow", "", nil); status != 200 {
			t.Fatalf("follow: %d %s", status, raw)
		}
	}
	c.leave(hal, room.ID) // Hal follows, but may no longer read the space

	a := c.kbArticle(eve, cat.ID, "Q1 plans", "Ship the search.", true)
	c.inbox(fay, notifications.KindArticlePublished)
	if status, raw := c.call(fay, "PUT", "/api/kb/articles/"+a.ID+"/follow", "", nil); status != 200 {
		t.Fatalf("follow the article: %d %s", status, raw)
	}
	var saved knowledge.Article
	if status, raw := c.call(eve, "PUT", "/api/kb/articles/"+a.ID, fmt.Sprintf(`{"title":"Q1 plans","body":"Ship the search and the knowledge base.","categoryId":%q,"baseVersion":%d}`,
		cat.ID, a.Version), &saved); status != 200 {
		t.Fatalf("edit: %d %s", status, raw)
	}
	n := c.inbox(fay, notifications.KindArticleUpdated)
	c.settledItems()
	if n.ArticleID != a.ID || n.ArticleVersion != saved.Version || n.PostTitle != "Q1 plans" {
		t.Fatalf("the notice: %+v", n)
	}
	count := map[string]int{}
	for _, x := range c.notes(fay) {
		count[x.Kind]++
	}
	if count[notifications.KindArticlePublished] != 1 || count[notifications.KindArticleUpdated] != 1 {
		t.Fatalf("Fay's notices: %v", count)
	}
	for who, name := range map[*http.Client]string{eve: "the editor", hal: "a follower who left the space"} {
		for _, x := range c.notes(who) {
			if notifications.IsKnowledge(x.Kind) {
				t.Fatalf("%s was told: %+v", name, x)
			}
		}
	}
	link := c.mailTo("fay@example.com", "/diff?")
	if want := fmt.Sprintf("/kb/articles/%s/diff?from=%d&to=%d", a.ID, saved.Version-1, saved.Version); !strings.HasSuffix(link, want) {
		t.Fatalf("the email's link %s, want …%s", link, want)
	}
}

// Search finds a published article (community-wide: anyone; in a hidden space: its
// members only), never a draft; kind=article filters; the composers' suggestions give
// published articles; an unpublished article drops out.
func TestKnowledgeSearchFindsPublishedArticlesOnly(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	c.withSearch()
	admin := c.as("adam", policy.RoleAdmin)
	mia, otto := c.as("mia"), c.as("otto")
	vault := c.hiddenSpace(admin, "Vault", mia)
	guides := c.kbCategory(admin, "", "Guides")
	secrets := c.kbCategory(admin, vault.ID, "Secrets")
	open := c.kbArticle(admin, guides.ID, "Calibrate the zorblax", "Turn the zorblax dial twice.", true)
	hidden := c.kbArticle(admin, secrets.ID, "Zorblax vault combination", "The zorblax code.", true)
	draft := c.kbArticle(admin, guides.ID, "Zorblax draft notes", "zorblax unfinished", false)
	c.found(otto, "zorblax", "article:"+open.ID)
	c.found(mia, "zorblax", "article:"+hidden.ID)
	c.settledItems()
	for who, forbidden := range map[*http.Client][]string{otto: {hidden.ID, draft.ID}, mia: {draft.ID}, admin: {draft.ID}} {
		for _, id := range c.find(who, "zorblax") {
			for _, f := range forbidden {
				if id == "article:"+f {
					t.Fatalf("search found %s", id)
				}
			}
		}
	}
	ans := c.searchAs(otto, "q=zorblax&kind=article")
	if len(ans.Results) != 1 || ans.Results[0].Kind != "article" || ans.Results[0].URL != "/kb/articles/"+open.ID {
		t.Fatalf("kind=article: %+v", ans.Results)
	}
	var sug struct {
		Results []struct{ ID, Kind string }
	}
	if status, raw := c.call(otto, "GET", "/api/search/suggest?for=question&q=zorbl", "", &sug); status != 200 || len(sug.Results) == 0 || sug.Results[0].ID != "article:"+open.ID {
		t.Fatalf("suggestions: %d %s", status, raw)
	}
	c.call(admin, "POST", "/api/kb/articles/"+open.ID+"/unpublish", "", nil)
	waitFor(t, "the unpublished article to drop out", func() bool {
		return len(c.searchAs(otto, "q=zorblax&kind=article").Results) == 0
	})
}

// The knowledge function takes an article of 100,000 bytes of text (a JSON body above
// the API's 64 KiB), refuses 100,001 (400 body_too_long) and a body over 256 KiB (413),
// writing nothing on refusal.
func TestKnowledgeArticleOf100000BytesInItsOwnFunction(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("adam", policy.RoleAdmin)
	cat := c.kbCategory(admin, "", "Long reads")
	h, err := app.HTTPHandler(app.KnowledgeFunction(), app.Deps{Config: config.Config{PublicURL: c.srv.URL}, Store: c.st})
	if err != nil {
		t.Fatal(err)
	}
	cookie := cookieFor(t, c.st, "m_adam")
	send := func(body string) *httptest.ResponseRecorder {
		payload := fmt.Sprintf(`{"title":"Long","body":%q,"categoryId":%q}`, body, cat.ID)
		req := httptest.NewRequest("POST", c.srv.URL+"/api/kb/articles", strings.NewReader(payload))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", c.srv.URL)
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: cookie})
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	// Lines of "a", so the JSON doubles nothing but the line breaks: about 150 KiB sent.
	long := strings.Repeat(strings.Repeat("a", 99)+"\n", 1000)
	long = long[:len(long)-1] + "b" // 100,000 bytes, no trailing line break to trim
	if w := send(long); w.Code != 201 {
		t.Fatalf("100,000 bytes: %d %s", w.Code, w.Body)
	}
	before := c.settledItems()
	if w := send(long + "c"); w.Code != 400 || problemCode(w.Body.String()) != "body_too_long" {
		t.Fatalf("100,001 bytes: %d %s", w.Code, w.Body)
	}
	if w := send(strings.Repeat("\"", 140_000)); w.Code != 413 {
		t.Fatalf("over 256 KiB of JSON: %d %s", w.Code, w.Body)
	}
	if after := c.settledItems(); after != before {
		t.Fatalf("refusals wrote %d items", after-before)
	}
}

// "Download my data" holds what the member follows and the feedback they gave (comment
// included), as recorded, and no one else's; deleting the account forgets the follows
// (no news reaches it: the article's followers no longer list it) while the feedback
// stays counted (docs/knowledge.md, "A member's own records"; pattern 353).
func TestDownloadMyDataHoldsTheMembersKnowledgeRecords(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	mia, otto := c.as("mia"), c.as("otto")
	cat := c.kbCategory(admin, "", "Guides")
	a := c.kbArticle(admin, cat.ID, "Reset a printer", "Hold the button.", true)
	for _, path := range []string{"/api/kb/categories/" + cat.ID + "/follow", "/api/kb/articles/" + a.ID + "/follow", "/api/kb/articles/" + a.ID + "/follow"} {
		if status, raw := c.call(mia, "PUT", path, "", nil); status >= 300 {
			t.Fatalf("follow %s: %d %s", path, status, raw)
		}
	}
	for _, body := range []string{`{"helpful":false,"comment":"The button is on the back."}`, `{"helpful":true}`} {
		if status, raw := c.call(mia, "POST", "/api/kb/articles/"+a.ID+"/feedback", body, nil); status >= 300 {
			t.Fatalf("feedback %s: %d %s", body, status, raw)
		}
	}
	export := func(who *http.Client) knowledge.MemberRecords {
		t.Helper()
		var out struct {
			Sections struct {
				Knowledge *knowledge.MemberRecords `json:"knowledge"`
			} `json:"sections"`
		}
		if status, raw := c.call(who, "GET", "/api/me/export", "", &out); status != 200 || out.Sections.Knowledge == nil {
			t.Fatalf("export: %d %s", status, raw)
		}
		return *out.Sections.Knowledge
	}
	got := export(mia)
	if len(got.Follows) != 2 || got.Follows[0].Kind != "category" || got.Follows[0].ID != cat.ID || got.Follows[1].Kind != "article" || got.Follows[1].ID != a.ID {
		t.Errorf("mia's follows: %+v, want the category then the article", got.Follows)
	}
	if len(got.Feedback) != 1 || got.Feedback[0].ArticleID != a.ID || !got.Feedback[0].Helpful || got.Feedback[0].Comment != "The button is on the back." {
		t.Errorf("mia's feedback: %+v, want one yes keeping her comment", got.Feedback)
	}
	// Following again and answering the same again change nothing, not even the dates.
	c.call(mia, "PUT", "/api/kb/categories/"+cat.ID+"/follow", "", nil)
	c.call(mia, "POST", "/api/kb/articles/"+a.ID+"/feedback", `{"helpful":true}`, nil)
	if again := export(mia); fmt.Sprint(again) != fmt.Sprint(got) {
		t.Errorf("after the same follow and answer again: %+v, want %+v", again, got)
	}
	if other := export(otto); len(other.Follows) != 0 || len(other.Feedback) != 0 {
		t.Errorf("otto's export holds records he never made: %+v", other)
	}

	if status, raw := c.call(mia, "POST", "/api/me/delete", `{"confirm":true}`, nil); status != 204 {
		t.Fatalf("deletion: %d %s", status, raw)
	}
	c.settledItems()
	for _, target := range []string{a.ID, cat.ID} {
		if f, err := c.st.Knowledge().Followers(t.Context(), target); err != nil || len(f) != 0 {
			t.Errorf("followers of %s after the deletion: %v %v", target, f, err)
		}
	}
	var art knowledge.Article
	if status, raw := c.call(admin, "GET", "/api/kb/articles/"+a.ID, "", &art); status != 200 || art.Helpful == nil || art.Helpful.Yes != 1 {
		t.Errorf("the article's counts after the deletion: %d %s, want the yes kept", status, raw)
	}
}
