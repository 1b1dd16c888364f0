package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
)

func TestSpacesVisibilityMembershipAndPosting(t *testing.T) {
	c := newCommunity(t)
	staff := c.as("sia", policy.RoleSupport)
	ann := c.as("ann")
	create := func(name, visibility string) spaces.Space {
		var sp spaces.Space
		if status, body := c.call(staff, "POST", "/api/spaces", fmt.Sprintf(`{"name":%q,"visibility":%q,"kind":"customer","icon":"💬"}`, name, visibility), &sp); status != 201 {
			t.Fatalf("create %s: %d %s", name, status, body)
		}
		return sp
	}
	public, closed, hidden := create("Data pipelines", spaces.Public), create("Acme customers", spaces.Closed), create("Board", spaces.Hidden)
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
	if c.call(ann, "GET", "/api/spaces/"+closed.ID, "", &view); view.CanPost || view.Space.Name != "Acme customers" {
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
	c.tbl.Trips.Reset()
	if status, _ := c.call(ann, "GET", "/api/stream", "", nil); status != 200 || c.tbl.Trips.Count() > 2 {
		t.Fatalf("home stream page: %d, %d DynamoDB calls (budget 2)", status, c.tbl.Trips.Count())
	}
}

func TestStreamsPageNewestFirstWithSignedCursors(t *testing.T) {
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
