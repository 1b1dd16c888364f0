package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"tribune/shared/app"
	"tribune/shared/auth"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
	"tribune/shared/store"
)

// Issue 11, "Round trips": the post page (the post, the first page of its comments, the
// reader's reactions to both, the names it shows) is one request of 3 DynamoDB calls:
// the session check with the post, the reader's vote, their reactions to the post and
// to its comments (one BatchGetItem, package prefetch); the comments (one Query); the
// space and the reader's place in it with the members the page names (one BatchGetItem,
// read ahead together). The two requests it replaces cost 2 and 5 here (the space read
// twice, the reader's comment reactions queried, the authors read apart).
func TestThePostPageTakesThreeDynamoDBCalls(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	ann := c.as("ann", policy.RoleAdmin)
	bob := c.as("bob")
	cat := c.as("cat")
	sp := c.space(ann, "Town", spaces.Public, bob, cat)
	p := c.post(ann, sp.ID, `{"kind":"discussion","title":"Market day","body":"Ask @m_cat about the stalls."}`)
	var first, second, reply posts.Comment
	for _, cm := range []struct {
		who  *http.Client
		body string
		out  *posts.Comment
	}{{bob, `{"body":"Saturday suits me."}`, &first}, {cat, `{"body":"Ask @m_ann for a table."}`, &second}} {
		if status, raw := c.call(cm.who, "POST", "/api/posts/"+p.ID+"/comments", cm.body, cm.out); status != 201 {
			t.Fatalf("comment: %d %s", status, raw)
		}
	}
	if status, raw := c.call(ann, "POST", "/api/posts/"+p.ID+"/comments", `{"body":"Noted.","parentId":"`+first.ID+`"}`, &reply); status != 201 {
		t.Fatalf("reply: %d %s", status, raw)
	}
	for _, path := range []string{"/api/posts/" + p.ID + "/reactions/like", "/api/posts/" + p.ID + "/comments/" + second.ID + "/reactions/love",
		"/api/posts/" + p.ID + "/comments/" + second.ID + "/reactions/insightful", "/api/posts/" + p.ID + "/comments/" + reply.ID + "/reactions/like"} {
		if status, raw := c.call(bob, "PUT", path, "", nil); status != 200 {
			t.Fatalf("PUT %s: %d %s", path, status, raw)
		}
	}
	if status, raw := c.call(cat, "PUT", "/api/posts/"+p.ID+"/comments/"+first.ID+"/reactions/like", "", nil); status != 200 {
		t.Fatalf("cat's reaction: %d %s", status, raw)
	}

	// What the two requests answer, for the page to answer the same.
	var post posts.Post
	var thread posts.Thread
	c.call(bob, "GET", "/api/posts/"+p.ID, "", &post)
	c.call(bob, "GET", "/api/posts/"+p.ID+"/comments", "", &thread)

	// Counted on a client of its own: the event path works on the same table meanwhile.
	trips := &store.RoundTrips{}
	h, err := app.PostingHandler(app.Deps{Store: store.New(c.tbl.Client(t, trips.Option()), c.tbl.Name)})
	if err != nil {
		t.Fatal(err)
	}
	cookie := cookieFor(t, c.st, "m_bob")
	get := func(path string, signedIn bool, out any) (int64, time.Duration) {
		t.Helper()
		trips.Reset()
		r := httptest.NewRequest("GET", path, nil)
		if signedIn {
			r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: cookie})
		}
		w := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(w, r)
		took := time.Since(start)
		if w.Code != 200 {
			t.Fatalf("GET %s: %d %s", path, w.Code, w.Body.String())
		}
		if err := json.Unmarshal(w.Body.Bytes(), out); err != nil {
			t.Fatal(err)
		}
		return trips.Count(), took
	}
	var page posts.PostPage
	get("/api/posts/"+p.ID+"/page", true, &page) // the client's first call opens its connection
	calls, took := get("/api/posts/"+p.ID+"/page", true, &page)
	var again posts.Post
	var againThread posts.Thread
	postCalls, postTook := get("/api/posts/"+p.ID, true, &again)
	commentCalls, commentsTook := get("/api/posts/"+p.ID+"/comments", true, &againThread)
	t.Logf("post page: %d DynamoDB calls, %v; the post and its comments apart: %d + %d calls, %v", calls, took,
		postCalls, commentCalls, postTook+commentsTook)
	if calls != 3 {
		t.Fatalf("the post page took %d DynamoDB calls, want 3", calls)
	}

	// The same answer as the two requests: the post with bob's reaction, the comments in
	// order with their counts, bob's own reactions, names as they are now.
	if page.Post.ID != p.ID || page.Post.Title != "Market day" || !slices.Equal(page.Post.MyReactions, []string{"like"}) ||
		page.Post.HTML != post.HTML || page.Post.AuthorName != post.AuthorName || page.Next != "" {
		t.Fatalf("the page's post: %+v (next %q), want %+v", page.Post, page.Next, post)
	}
	if len(page.Comments) != 3 || len(thread.Comments) != 3 {
		t.Fatalf("the page's comments: %d, the thread's: %d, want 3", len(page.Comments), len(thread.Comments))
	}
	for i, cm := range page.Comments {
		want := thread.Comments[i]
		if cm.ID != want.ID || cm.AuthorName != want.AuthorName || cm.HTML != want.HTML || !slices.Equal(cm.MyReactions, want.MyReactions) ||
			cm.Reactions["like"] != want.Reactions["like"] || cm.Reactions["love"] != want.Reactions["love"] {
			t.Fatalf("comment %d: %+v, the thread shows %+v", i, cm, want)
		}
	}
	byID := map[string]posts.Comment{}
	for _, cm := range page.Comments {
		byID[cm.ID] = cm
	}
	if got := byID[second.ID].MyReactions; !slices.Equal(got, []string{"love", "insightful"}) {
		t.Fatalf("bob's reactions to cat's comment: %v", got)
	}
	if got := byID[reply.ID].MyReactions; !slices.Equal(got, []string{"like"}) || len(byID[first.ID].MyReactions) != 0 || byID[first.ID].Reactions["like"] != 1 {
		t.Fatalf("bob's reactions: reply %v, first %v (count %d)", got, byID[first.ID].MyReactions, byID[first.ID].Reactions["like"])
	}
	if byID[first.ID].AuthorName != "bob" || byID[second.ID].AuthorName != "cat" || byID[reply.ID].AuthorName != "ann" {
		t.Fatalf("names: %+v %+v", byID[first.ID], byID[second.ID])
	}

	// Taking a reaction back takes it off the page.
	if status, raw := c.call(bob, "DELETE", "/api/posts/"+p.ID+"/comments/"+second.ID+"/reactions/love", "", nil); status != 200 {
		t.Fatalf("unreact: %d %s", status, raw)
	}
	get("/api/posts/"+p.ID+"/page", true, &page)
	for _, cm := range page.Comments {
		if cm.ID == second.ID && !slices.Equal(cm.MyReactions, []string{"insightful"}) {
			t.Fatalf("after taking love back: %v", cm.MyReactions)
		}
	}

	// A visitor reads the page of a public space in one call more: the guard reads
	// whether the community lets visitors read (instead of a session); the post comes in
	// the page's own first read. A space hidden from the reader answers 404 as the post does.
	var seen posts.PostPage
	if calls, _ := get("/api/posts/"+p.ID+"/page", false, &seen); calls != 4 || len(seen.Comments) != 3 || len(seen.Post.MyReactions) != 0 {
		t.Fatalf("a visitor's page: %d calls, %d comments, reactions %v", calls, len(seen.Comments), seen.Post.MyReactions)
	}
	hidden := c.space(ann, "Backroom", spaces.Hidden)
	secret := c.post(ann, hidden.ID, `{"kind":"status","body":"Not for bob."}`)
	for _, path := range []string{"/api/posts/" + secret.ID, "/api/posts/" + secret.ID + "/page"} {
		if status, _ := c.call(bob, "GET", path, "", nil); status != 404 {
			t.Fatalf("GET %s by a non-member: %d, want 404", path, status)
		}
	}
}

// The comments after the post page's first 100 come from its next cursor.
func TestThePostPageShowsTheFirstHundredCommentsAndTheRestByCursor(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	ann := c.as("ann", policy.RoleAdmin)
	sp := c.space(ann, "Busy", spaces.Public)
	p := c.post(ann, sp.ID, `{"kind":"discussion","title":"Many","body":"Say something."}`)
	const n = posts.CommentPage + 3
	concurrently(t, 8, func(i int) {
		for j := i; j < n; j += 8 {
			if status, raw := c.call(ann, "POST", "/api/posts/"+p.ID+"/comments", fmt.Sprintf(`{"body":"comment %d"}`, j), nil); status != 201 {
				t.Errorf("comment %d: %d %s", j, status, raw)
			}
		}
	})
	var page posts.PostPage
	if status, raw := c.call(ann, "GET", "/api/posts/"+p.ID+"/page", "", &page); status != 200 || len(page.Comments) != posts.CommentPage || page.Next == "" {
		t.Fatalf("first page: %d, %d comments, next %q %s", status, len(page.Comments), page.Next, raw)
	}
	var rest posts.Thread
	if status, raw := c.call(ann, "GET", "/api/posts/"+p.ID+"/comments?cursor="+page.Next, "", &rest); status != 200 || len(rest.Comments) != 3 || rest.Next != "" {
		t.Fatalf("the rest: %d, %d comments, next %q %s", status, len(rest.Comments), rest.Next, raw)
	}
	var all posts.Thread
	c.call(ann, "GET", "/api/posts/"+p.ID+"/comments", "", &all)
	ids := func(list []posts.Comment) []string {
		out := make([]string, len(list))
		for i, cm := range list {
			out[i] = cm.ID
		}
		return out
	}
	if !slices.Equal(append(ids(page.Comments), ids(rest.Comments)...), ids(all.Comments)) {
		t.Fatalf("the pages are not the thread in order")
	}
	if status, _ := c.call(ann, "GET", "/api/posts/"+p.ID+"/comments?cursor=nonsense", "", nil); status != 400 {
		t.Fatalf("a bad cursor: %d, want 400", status)
	}
}
