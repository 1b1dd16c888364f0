package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"tribune/shared/search/bleveindex"

	"tribune/shared/app"
	"tribune/shared/policy"
	"tribune/shared/spaces"
)

// withSearch gives the community a search index, written by the indexer's handlers on
// the event path and read by the search routes, as make run does.
func (c *community) withSearch() *bleveindex.Index {
	c.t.Helper()
	ix, err := bleveindex.Open(c.t.TempDir())
	if err != nil {
		c.t.Fatal(err)
	}
	app.AttachSearch(c.st, ix)
	c.t.Cleanup(func() { app.DetachSearch(c.st); _ = ix.Close() })
	return ix
}

// find searches as who and answers the result ids (status 200 expected).
func (c *community) find(who *http.Client, query string) []string {
	c.t.Helper()
	ans := c.searchAs(who, "q="+url.QueryEscape(query))
	var ids []string
	for _, r := range ans.Results {
		ids = append(ids, r.ID)
	}
	return ids
}

func (c *community) searchAs(who *http.Client, rawQuery string) app.SearchAnswer {
	c.t.Helper()
	var ans app.SearchAnswer
	if status, body := c.call(who, "GET", "/api/search?"+rawQuery, "", &ans); status != 200 {
		c.t.Fatalf("search %s: %d %s", rawQuery, status, body)
	}
	return ans
}

// found waits until who's search for query finds want (the event path is asynchronous).
func (c *community) found(who *http.Client, query, want string) {
	c.t.Helper()
	waitFor(c.t, fmt.Sprintf("%q to find %s", query, want), func() bool {
		for _, id := range c.find(who, query) {
			if id == want {
				return true
			}
		}
		return false
	})
}

func (c *community) me(who *http.Client) string {
	var me struct{ ID string }
	c.call(who, "GET", "/api/me", "", &me)
	return me.ID
}

// Canary words planted in every place a reader may not see, searched by every role: none
// is found by anyone who may not open it, each by those who may (issue 15, "Who sees
// what").
func TestSearchFindsNoCanaryInAForbiddenPlace(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	c.withSearch()
	admin, sam, cara, acme := c.supportDesk()
	mod := c.as("mona", policy.RoleModerator)
	alice, bob, dave, erin := c.as("alice"), c.as("bob"), c.as("dave"), c.as("erin")
	visitor := c.visitor()
	globex := c.customerSpace(admin, "Globex", c.me(erin))
	c.join(erin, globex.ID)

	public := c.space(admin, "Town square", spaces.Public, alice, bob, dave)
	closed := c.space(admin, "Inner circle", spaces.Closed)
	if status, body := c.call(admin, "POST", "/api/spaces/"+closed.ID+"/invitations", fmt.Sprintf(`{"memberId":%q}`, c.me(alice)), nil); status != 200 {
		t.Fatalf("invite: %d %s", status, body)
	}
	c.join(alice, closed.ID)
	left := c.space(admin, "Left behind", spaces.Closed)
	for _, who := range []*http.Client{dave, alice} {
		if status, body := c.call(admin, "POST", "/api/spaces/"+left.ID+"/invitations", fmt.Sprintf(`{"memberId":%q}`, c.me(who)), nil); status != 200 {
			t.Fatalf("invite: %d %s", status, body)
		}
		c.join(who, left.ID)
	}
	hidden := c.hiddenSpace(admin, "Backroom", alice)

	written := time.Now()
	open := c.post(alice, public.ID, `{"kind":"discussion","title":"Canaryopen garden","body":"Everyone may read this."}`)
	c.found(alice, "canaryopen", "post:"+open.ID)
	t.Logf("freshness: a post is found %v after it is written (local event path)", time.Since(written).Round(time.Millisecond))
	inClosed := c.post(alice, closed.ID, `{"kind":"discussion","title":"Plans","body":"The canaryclosed roadmap."}`)
	inLeft := c.post(alice, left.ID, `{"kind":"discussion","title":"Notes","body":"The canaryleft minutes."}`)
	inHidden := c.post(alice, hidden.ID, `{"kind":"discussion","title":"Secret","body":"The canaryhidden plan."}`)
	hiddenPost := c.post(bob, public.ID, `{"kind":"discussion","title":"Spam","body":"Buy canaryhiddenpost now."}`)
	deletedPost := c.post(bob, public.ID, `{"kind":"discussion","title":"Oops","body":"The canarydeletedpost text."}`)
	commented := c.post(bob, public.ID, `{"kind":"question","title":"Question","body":"How?"}`)
	gone := c.comment(bob, commented.ID, `{"body":"A canarydeletedcomment reply."}`)
	tk := c.ticket(cara, acme.ID, `{"subject":"Invoices canaryacme","product":"General","severity":"low","body":"Our invoices are wrong."}`)
	if status, body := c.call(sam, "POST", "/api/tickets/"+tk.ID+"/replies", `{"body":"canarynote: the customer is late paying","internal":true}`, nil); status != 200 {
		t.Fatalf("internal note: %d %s", status, body)
	}
	if status, body := c.call(sam, "POST", "/api/tickets/"+tk.ID+"/replies", `{"body":"We fixed the canarypublicreply."}`, nil); status != 200 {
		t.Fatalf("public reply: %d %s", status, body)
	}
	zed := c.as("zed")
	c.profileAs(zed, "Canarymember Zed")

	// Everything is indexed before anything is taken away: what follows is what the
	// table and the re-check remove.
	c.found(alice, "canaryopen", "post:"+open.ID)
	c.found(alice, "canaryhidden", "post:"+inHidden.ID)
	c.found(alice, "canaryleft", "post:"+inLeft.ID)
	c.found(bob, "canaryhiddenpost", "post:"+hiddenPost.ID)
	c.found(bob, "canarydeletedcomment", "comment:"+gone.ID)
	c.found(sam, "canarypublicreply", "ticket:"+tk.ID)

	if status, body := c.call(mod, "POST", "/api/posts/"+hiddenPost.ID+"/hide", `{"reason":"Spam."}`, nil); status != 200 {
		t.Fatalf("hide: %d %s", status, body)
	}
	if status, body := c.call(bob, "DELETE", "/api/posts/"+deletedPost.ID, "", nil); status != 204 {
		t.Fatalf("delete post: %d %s", status, body)
	}
	if status, body := c.call(bob, "DELETE", "/api/posts/"+commented.ID+"/comments/"+gone.ID, "", nil); status != 204 && status != 200 {
		t.Fatalf("delete comment: %d %s", status, body)
	}
	c.leave(dave, left.ID) // at once: no event has reached the index yet
	for _, canary := range []string{"canaryleft"} {
		if ids := c.find(dave, canary); len(ids) != 0 {
			t.Fatalf("dave, who just left, finds %q: %v", canary, ids)
		}
	}
	if status, body := c.call(zed, "POST", "/api/me/delete", `{"confirm":true}`, nil); status != 204 {
		t.Fatalf("delete account: %d %s", status, body)
	}
	c.settledItems()

	everyone := map[string]*http.Client{"admin": admin, "moderator": mod, "agent": sam, "customer": cara, "other customer": erin,
		"member": bob, "insider": alice, "leaver": dave, "visitor": visitor}
	// who may find each canary; everyone else may not.
	cases := []struct {
		canary string
		id     string
		may    []string
	}{
		{"canaryopen", "post:" + open.ID, []string{"admin", "moderator", "agent", "customer", "other customer", "member", "insider", "leaver", "visitor"}},
		{"canaryclosed", "post:" + inClosed.ID, []string{"admin", "moderator", "insider"}},
		{"canaryleft", "post:" + inLeft.ID, []string{"admin", "moderator", "insider"}},
		{"canaryhidden", "post:" + inHidden.ID, []string{"insider", "admin"}}, // the admin made it (its owner)
		{"canaryhiddenpost", "", nil},
		{"canarydeletedpost", "", nil},
		{"canarydeletedcomment", "", nil},
		{"canarynote", "", nil},
		{"canaryacme", "ticket:" + tk.ID, []string{"agent", "customer", "admin"}},
		{"canarymember", "", nil},
	}
	for _, tc := range cases {
		for role, who := range everyone {
			ids := c.find(who, tc.canary)
			may := false
			for _, r := range tc.may {
				may = may || r == role
			}
			if !may && len(ids) != 0 {
				t.Errorf("the %s finds %q: %v", role, tc.canary, ids)
			}
			if may && (len(ids) != 1 || ids[0] != tc.id) {
				t.Errorf("the %s searching %q finds %v, want %s", role, tc.canary, ids, tc.id)
			}
		}
	}
	// Spaces are listed to whom may see them; a closed space's name, not its content.
	c.found(bob, "Inner circle", "space:"+closed.ID)
	if ids := c.find(bob, "Inner circle"); !contains(ids, "space:"+closed.ID) {
		t.Errorf("a member does not find the closed space by its name: %v", ids)
	}
	if ids := c.find(bob, "Backroom"); contains(ids, "space:"+hidden.ID) {
		t.Errorf("a member finds a hidden space they are outside of: %v", ids)
	}
	if ids := c.find(visitor, "Globex"); len(ids) != 0 {
		t.Errorf("a visitor finds a customer space: %v", ids)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Bad input is a 400 problem+json with a sentence, never a 5xx, and writes nothing.
func TestSearchRefusesBadInputClearly(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	c.withSearch()
	bob := c.as("bob")
	for _, tc := range []struct {
		query string
		code  string
	}{
		{"q=", "search_empty"},
		{"q=" + strings.Repeat("a", 10000), "invalid_query"},
		{"q=" + url.QueryEscape(strings.Repeat("word ", 60)), "search_too_long"},
		{"q=x&kind=posts", "search_bad_filter"},
		{"q=x&solved=maybe", "search_bad_filter"},
		{"q=x&status=shipped", "search_bad_filter"},
		{"q=x&from=yesterday", "search_bad_filter"},
		{"q=x&from=2026-02-01&to=2026-01-01", "search_bad_filter"},
		{"q=x&size=0", "search_bad_size"},
		{"q=x&size=51", "search_bad_size"},
		{"q=x&size=-3", "search_bad_size"},
		{"q=x&size=99999999999999999999", "search_bad_size"},
		{"q=" + url.QueryEscape("how do I"), "search_common_words"},
		{"q=x&offset=1001", "search_too_deep"},
		{"q=x&offset=-1", "search_bad_filter"},
		{"q=x&space=not%20an%20id", "search_bad_filter"},
	} {
		status, body := c.call(bob, "GET", "/api/search?"+tc.query, "", nil)
		if status != 400 || problemCode(body) != tc.code {
			t.Errorf("%.60s: %d %s, want 400 %s", tc.query, status, body, tc.code)
		}
	}
	// Operators, wildcards and unbalanced quotes are words, or nothing: a clear answer.
	for _, q := range []string{"*", `"unbalanced`, "a AND OR NOT", "(+-:^~)", "\\/?"} {
		status, body := c.call(bob, "GET", "/api/search?q="+url.QueryEscape(q), "", nil)
		if status != 200 && !(status == 400 && (problemCode(body) == "search_empty" || problemCode(body) == "search_common_words")) {
			t.Errorf("%q: %d %s", q, status, body)
		}
	}
	// A composer with nothing to search yet (no word, only common words or operators) is
	// shown nothing and starts no session: the filters alone would list every solved question.
	admin := c.as("ada", policy.RoleAdmin)
	square := c.space(admin, "Square", spaces.Public, bob)
	q := c.post(bob, square.ID, `{"kind":"question","title":"How do I export?","body":"Where?"}`)
	answer := c.comment(admin, q.ID, `{"body":"Settings, Export."}`)
	if status, body := c.call(bob, "POST", "/api/posts/"+q.ID+"/comments/"+answer.ID+"/accept", "", nil); status != 200 {
		t.Fatalf("accept: %d %s", status, body)
	}
	c.found(bob, "export", "post:"+q.ID)
	// The search box's last word is a prefix too (a word cut short finds it).
	if ids := c.find(bob, "expor"); !contains(ids, "post:"+q.ID) {
		t.Errorf("a search for a word's start finds %v", ids)
	}
	for _, text := range []string{"", "*", `"(`, "a", "how do I"} {
		var ans app.SuggestAnswer
		status, body := c.call(bob, "GET", "/api/search/suggest?for=question&q="+url.QueryEscape(text), "", &ans)
		if status != 200 || len(ans.Results) != 0 || ans.SuggestionID != "" {
			t.Errorf("suggest %q: %d %s, want nothing shown and no session", text, status, body)
		}
	}
	for _, tc := range []struct{ query, code string }{{"q=x&for=post", "search_bad_for"}, {"q=x", "search_bad_for"}} {
		if status, body := c.call(bob, "GET", "/api/search/suggest?"+tc.query, "", nil); status != 400 || problemCode(body) != tc.code {
			t.Errorf("suggest %s: %d %s", tc.query, status, body)
		}
	}
}

// A comment's edit and its showing again after being hidden reach the index
// (comment.updated); hiding an accepted answer makes its question unsolved in search.
func TestSearchFollowsCommentEditsHidingAndRestoring(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	c.withSearch()
	admin := c.as("ada", policy.RoleAdmin)
	mod := c.as("mona", policy.RoleModerator)
	asker, helper := c.as("asker"), c.as("helper")
	square := c.space(admin, "Town square", spaces.Public, asker, helper)
	q := c.post(asker, square.ID, `{"kind":"question","title":"Printer jams","body":"Every morning."}`)
	answer := c.comment(helper, q.ID, `{"body":"Clean the oldroller first."}`)
	if status, body := c.call(asker, "POST", "/api/posts/"+q.ID+"/comments/"+answer.ID+"/accept", "", nil); status != 200 {
		t.Fatalf("accept: %d %s", status, body)
	}
	c.found(asker, "oldroller", "comment:"+answer.ID)
	solved := func() []string {
		var ids []string
		for _, r := range c.searchAs(asker, "q=printer&solved=true").Results {
			ids = append(ids, r.ID)
		}
		return ids
	}
	waitFor(t, "the question solved in search", func() bool { return contains(solved(), "post:"+q.ID) })

	if status, body := c.call(helper, "PATCH", "/api/posts/"+q.ID+"/comments/"+answer.ID, `{"body":"Clean the newroller first."}`, nil); status != 200 {
		t.Fatalf("edit: %d %s", status, body)
	}
	c.found(asker, "newroller", "comment:"+answer.ID)
	if ids := c.find(asker, "oldroller"); len(ids) != 0 {
		t.Errorf("the edited-away word is still found: %v", ids)
	}

	if status, body := c.call(mod, "POST", "/api/posts/"+q.ID+"/comments/"+answer.ID+"/hide", `{"reason":"Unsafe advice."}`, nil); status != 200 && status != 204 {
		t.Fatalf("hide: %d %s", status, body)
	}
	c.settledItems()
	if ids := c.find(asker, "newroller"); len(ids) != 0 {
		t.Errorf("a hidden comment is found: %v", ids)
	}
	if contains(solved(), "post:"+q.ID) {
		t.Errorf("a question whose accepted answer was hidden is still found as solved")
	}

	if status, body := c.call(mod, "POST", "/api/posts/"+q.ID+"/comments/"+answer.ID+"/restore", `{"reason":"Fine after all."}`, nil); status != 200 && status != 204 {
		t.Fatalf("restore: %d %s", status, body)
	}
	c.found(asker, "newroller", "comment:"+answer.ID)
}
