package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"tribune/shared/app"
	"tribune/shared/auth"
	"tribune/shared/metrics"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
	"tribune/shared/store"
)

func TestSpacesVisibilityMembershipAndPosting(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	staff := c.as("sia", policy.RoleSupport)
	ann := c.as("ann")
	create := func(name, visibility, kind string) spaces.Space {
		var sp spaces.Space
		if status, body := c.call(staff, "POST", "/api/spaces", fmt.Sprintf(`{"name":%q,"visibility":%q,"kind":%q,"icon":"💬"}`, name, visibility, kind), &sp); status != 201 {
			t.Fatalf("create %s: %d %s", name, status, body)
		}
		return sp
	}
	// A customer space is never public (issue 9): the public space is a community one.
	public, closed, hidden := create("Data pipelines", spaces.Public, spaces.KindGeneral), create("Acme partners", spaces.Closed, spaces.KindPartner),
		create("Board", spaces.Hidden, spaces.KindCustomer)
	if status, _ := c.call(ann, "POST", "/api/spaces", `{"name":"Mine","visibility":"public"}`, nil); status != 403 {
		t.Fatalf("a member creates a space: %d", status)
	}
	for _, bad := range []string{`{"name":"","visibility":"public"}`, `{"name":"x","visibility":"secret"}`, `{"name":"x","visibility":"public","kind":"club"}`} {
		if status, _ := c.call(staff, "POST", "/api/spaces", bad, nil); status != 400 {
			t.Fatalf("space %s: %d", bad, status)
		}
	}

	// A hidden space does not exist for outsiders: 404 for reading, joining and posting.
	for _, call := range [][2]string{{"GET", "/api/spaces/" + hidden.ID}, {"POST", "/api/spaces/" + hidden.ID + "/join"},
		{"GET", "/api/spaces/" + hidden.ID + "/posts"}} {
		if status, _ := c.call(ann, call[0], call[1], "", nil); status != 404 {
			t.Fatalf("%s %s as an outsider: %d, want 404", call[0], call[1], status)
		}
	}
	if status, _ := c.call(ann, "POST", "/api/spaces/"+hidden.ID+"/posts", `{"kind":"status","body":"hi"}`, nil); status != 404 {
		t.Fatalf("posting into a hidden space: %d, want 404", status)
	}
	// Closed: listed, but content and posting for members; joining is a request.
	var view spaces.SpaceView
	if c.call(ann, "GET", "/api/spaces/"+closed.ID, "", &view); view.CanPost || view.Space.Name != "Acme partners" {
		t.Fatalf("closed space as an outsider: %+v", view)
	}
	if status, _ := c.call(ann, "GET", "/api/spaces/"+closed.ID+"/posts", "", nil); status != 403 {
		t.Fatalf("reading a closed space's posts as an outsider: %d", status)
	}
	var m spaces.Membership
	if c.call(ann, "POST", "/api/spaces/"+closed.ID+"/join", "", &m); m.Status != spaces.StatusPending {
		t.Fatalf("joining a closed space: %+v", m)
	}
	if status, _ := c.call(ann, "POST", "/api/spaces/"+closed.ID+"/posts", `{"kind":"status","body":"hi"}`, nil); status != 403 {
		t.Fatalf("posting while the request is pending: %d", status)
	}
	var reqs spaces.MembershipList
	if c.call(staff, "GET", "/api/spaces/"+closed.ID+"/requests", "", &reqs); len(reqs.Memberships) != 1 {
		t.Fatalf("requests: %+v", reqs)
	}
	if status, _ := c.call(ann, "GET", "/api/spaces/"+closed.ID+"/requests", "", nil); status != 403 {
		t.Fatalf("a member reads a space's requests: %d", status)
	}
	if status, body := c.call(staff, "POST", "/api/spaces/"+closed.ID+"/requests/"+reqs.Memberships[0].MemberID+"/approve", "", nil); status != 200 {
		t.Fatalf("approve: %d %s", status, body)
	}
	if c.call(ann, "POST", "/api/spaces/"+public.ID+"/join", "", &m); m.Status != spaces.StatusActive {
		t.Fatalf("joining a public space: %+v", m)
	}
	var mine spaces.MembershipList
	if c.call(ann, "GET", "/api/spaces/mine", "", &mine); len(mine.Memberships) != 2 {
		t.Fatalf("my spaces: %+v", mine)
	}

	// Posting: bad input is refused; Markdown comes back sanitized.
	for _, bad := range []string{`{"kind":"poem","body":"x"}`, `{"kind":"question","body":"no title"}`, `{"kind":"status","title":"t","body":"x"}`,
		`{"kind":"status","body":"` + strings.Repeat("x", 501) + `"}`, `{"kind":"discussion","title":"t","body":""}`} {
		if status, body := c.call(ann, "POST", "/api/spaces/"+public.ID+"/posts", bad, nil); status != 400 {
			t.Fatalf("post %s: %d %s", bad[:20], status, body)
		}
	}
	var p posts.Post
	xss := `How do I page? <script>alert(1)</script> [x](javascript:alert(1)) **bold**`
	body, _ := json.Marshal(map[string]string{"kind": "question", "title": "Paging a query", "body": xss})
	if status, b := c.call(ann, "POST", "/api/spaces/"+public.ID+"/posts", string(body), &p); status != 201 {
		t.Fatalf("post: %d %s", status, b)
	}
	if strings.Contains(p.HTML, "<script") || strings.Contains(p.HTML, "javascript:") || !strings.Contains(p.HTML, "<strong>bold</strong>") {
		t.Fatalf("rendered %q", p.HTML)
	}
	var got posts.Post
	if status, _ := c.call(staff, "GET", "/api/posts/"+p.ID, "", &got); status != 200 || got.Title != "Paging a query" || got.AuthorName != "ann" {
		t.Fatalf("post read back: %d %+v", status, got)
	}
	var page posts.Page
	if c.call(staff, "GET", "/api/spaces/"+public.ID+"/posts", "", &page); len(page.Posts) != 1 || page.Posts[0].ID != p.ID {
		t.Fatalf("space stream: %+v", page)
	}
	// The post reaches the home stream of the space's members through the feed fan-out,
	// and only theirs.
	outsider := c.as("otto")
	waitFor(t, "the fan-out", func() bool {
		var home posts.Page
		c.call(ann, "GET", "/api/stream", "", &home)
		return len(home.Posts) == 1 && home.Posts[0].ID == p.ID
	})
	var theirs posts.Page
	if c.call(outsider, "GET", "/api/stream", "", &theirs); len(theirs.Posts) != 0 {
		t.Fatalf("a non-member's home stream: %+v", theirs)
	}
	// Counted on a client of its own: the event path works on the same table meanwhile.
	trips := &store.RoundTrips{}
	h, err := app.PostingHandler(app.Deps{Store: store.New(c.tbl.Client(t, trips.Option()), c.tbl.Name)})
	if err != nil {
		t.Fatal(err)
	}
	var me struct{ ID string }
	c.call(ann, "GET", "/api/me", "", &me)
	cookie := cookieFor(t, c.st, me.ID)
	// Every stream page is the session check and one query: what the route reads first
	// (its space, its post) comes with the session (package prefetch).
	for path, budget := range map[string]int64{"/api/stream": 2, "/api/spaces/" + public.ID + "/posts": 2,
		"/api/spaces/" + public.ID + "/unanswered": 2, "/api/spaces/" + public.ID + "/ideas": 2,
		"/api/spaces/" + public.ID: 1, "/api/posts/" + p.ID: 2, "/api/posts/" + p.ID + "/comments": 3} {
		trips.Reset()
		r := httptest.NewRequest("GET", path, nil)
		r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: cookie})
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 200 || trips.Count() != budget {
			t.Errorf("GET %s: %d, %d DynamoDB calls, want %d", path, w.Code, trips.Count(), budget)
		}
	}
}

func TestStreamsPageNewestFirstWithSignedCursors(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	staff := c.as("sia", policy.RoleAdmin)
	var sp spaces.Space
	c.call(staff, "POST", "/api/spaces", `{"name":"Busy","visibility":"public"}`, &sp)
	for i := 0; i < 25; i++ {
		if status, b := c.call(staff, "POST", "/api/spaces/"+sp.ID+"/posts", fmt.Sprintf(`{"kind":"status","body":"post %02d"}`, i), nil); status != 201 {
			t.Fatalf("post %d: %d %s", i, status, b)
		}
		time.Sleep(time.Millisecond)
	}
	var first, second posts.Page
	c.call(staff, "GET", "/api/spaces/"+sp.ID+"/posts", "", &first)
	if len(first.Posts) != posts.StreamPage || first.Posts[0].Excerpt != "post 24" || first.Next == "" {
		t.Fatalf("first page: %d posts, first %q", len(first.Posts), first.Posts[0].Excerpt)
	}
	c.call(staff, "GET", "/api/spaces/"+sp.ID+"/posts?cursor="+first.Next, "", &second)
	if len(second.Posts) != 5 || second.Posts[4].Excerpt != "post 00" || second.Next != "" {
		t.Fatalf("second page: %+v", second)
	}
	if status, _ := c.call(staff, "GET", "/api/stream?cursor="+first.Next, "", nil); status != http.StatusBadRequest {
		t.Fatalf("a space cursor used on the home stream: %d", status)
	}
}

func TestCommentsRepliesAndAcceptedAnswers(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	staff := c.as("sia", policy.RoleAdmin)
	ann, bea := c.as("ann"), c.as("bea")
	var sp spaces.Space
	c.call(staff, "POST", "/api/spaces", `{"name":"Help","visibility":"public"}`, &sp)
	c.call(ann, "POST", "/api/spaces/"+sp.ID+"/join", "", nil)
	c.call(bea, "POST", "/api/spaces/"+sp.ID+"/join", "", nil)
	var q, d posts.Post
	c.call(ann, "POST", "/api/spaces/"+sp.ID+"/posts", `{"kind":"question","title":"Why?","body":"Because."}`, &q)
	c.call(ann, "POST", "/api/spaces/"+sp.ID+"/posts", `{"kind":"discussion","title":"Chat","body":"Hello"}`, &d)

	var answer, reply posts.Comment
	if status, b := c.call(bea, "POST", "/api/posts/"+q.ID+"/comments", `{"body":"Use a **cursor**."}`, &answer); status != 201 || !strings.Contains(answer.HTML, "<strong>cursor</strong>") {
		t.Fatalf("comment: %d %s", status, b)
	}
	if status, _ := c.call(ann, "POST", "/api/posts/"+q.ID+"/comments", `{"body":"Thanks","parentId":"`+answer.ID+`"}`, &reply); status != 201 {
		t.Fatalf("reply: %d", status)
	}
	for _, bad := range []string{`{"body":""}`, `{"body":"x","parentId":"` + reply.ID + `"}`, `{"body":"x","parentId":"c_nope"}`} {
		if status, b := c.call(bea, "POST", "/api/posts/"+q.ID+"/comments", bad, nil); status != 400 {
			t.Fatalf("comment %s: %d %s", bad, status, b)
		}
	}
	// Counters stay exact under concurrent comments.
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c.call(bea, "POST", "/api/posts/"+d.ID+"/comments", fmt.Sprintf(`{"body":"comment %d"}`, i), nil)
		}(i)
	}
	wg.Wait()
	var got posts.Post
	if c.call(ann, "GET", "/api/posts/"+d.ID, "", &got); got.Comments != 8 {
		t.Fatalf("comment count %d after 8 concurrent comments", got.Comments)
	}
	var thread posts.Thread
	if c.call(ann, "GET", "/api/posts/"+q.ID+"/comments", "", &thread); len(thread.Comments) != 2 || thread.Comments[1].ParentID != answer.ID {
		t.Fatalf("thread: %+v", thread)
	}

	// Only the asker (or a moderator) accepts; only a top-level comment of a question.
	if status, _ := c.call(bea, "POST", "/api/posts/"+q.ID+"/comments/"+answer.ID+"/accept", "", nil); status != 403 {
		t.Fatalf("acceptance by a non-asker: %d", status)
	}
	if status, _ := c.call(ann, "POST", "/api/posts/"+q.ID+"/comments/"+reply.ID+"/accept", "", nil); status != 404 {
		t.Fatalf("accepting a reply: %d", status)
	}
	var dc posts.Comment
	c.call(bea, "POST", "/api/posts/"+d.ID+"/comments", `{"body":"x"}`, &dc)
	if status, _ := c.call(ann, "POST", "/api/posts/"+d.ID+"/comments/"+dc.ID+"/accept", "", nil); status != 409 {
		t.Fatalf("accepting on a discussion: %d", status)
	}
	if status, b := c.call(ann, "POST", "/api/posts/"+q.ID+"/comments/"+answer.ID+"/accept", "", &got); status != 200 || got.AcceptedAnswer != answer.ID {
		t.Fatalf("acceptance by the asker: %d %s", status, b)
	}
	waitFor(t, "comments and solutions counted", func() bool {
		n := counted(c.st, metrics.Comments)
		s := counted(c.st, metrics.AcceptedSolutions)
		return n == 11 && s == 1
	})
}

func TestNewMembersAreSlowedDown(t *testing.T) {
	t.Parallel()
	inAFreshWindow(posts.LimitNewPosts.Window, 30*time.Second)
	c := newCommunity(t)
	staff := c.as("sia", policy.RoleAdmin)
	var sp spaces.Space
	c.call(staff, "POST", "/api/spaces", `{"name":"Open","visibility":"public"}`, &sp)
	id := newMemberSince(t, c.st, "fresh", []string{policy.RoleMember}, time.Now())
	fresh := c.visitor()
	u, _ := http.NewRequest("GET", c.srv.URL, nil)
	fresh.Jar.SetCookies(u.URL, []*http.Cookie{{Name: auth.SessionCookie, Value: cookieFor(t, c.st, id)}})
	c.call(fresh, "POST", "/api/spaces/"+sp.ID+"/join", "", nil)
	links := `{"kind":"status","body":"https://a.example https://b.example https://c.example"}`
	if status, body := c.call(fresh, "POST", "/api/spaces/"+sp.ID+"/posts", links, nil); status != 400 || !strings.Contains(body, "too_many_links") {
		t.Fatalf("a new member's link-heavy post: %d %s", status, body)
	}
	for i := 0; i < posts.LimitNewPosts.Limit; i++ {
		if status, body := c.call(fresh, "POST", "/api/spaces/"+sp.ID+"/posts", fmt.Sprintf(`{"kind":"status","body":"hello %d"}`, i), nil); status != 201 {
			t.Fatalf("post %d: %d %s", i, status, body)
		}
	}
	if status, body := c.call(fresh, "POST", "/api/spaces/"+sp.ID+"/posts", `{"kind":"status","body":"one more"}`, nil); status != 429 || !strings.Contains(body, "posting_too_fast") {
		t.Fatalf("a new member's 4th post in a minute: %d %s", status, body)
	}
	var page posts.Page
	if c.call(staff, "GET", "/api/spaces/"+sp.ID+"/posts", "", &page); len(page.Posts) != posts.LimitNewPosts.Limit {
		t.Fatalf("%d posts written, want %d (nothing for refused ones)", len(page.Posts), posts.LimitNewPosts.Limit)
	}
}
