package app_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
)

// Tests of the fresh tester's findings on posts (issue 11, round 5).

// Finding 8: a moderator's reason over 500 characters is refused on the request's own
// field (reason), on hide, restore, lock and dismiss; an idea's vote with an option says
// an idea takes none; a member's announcement is refused for who they are before its
// fields are read.
func TestModerationAndPostingErrorsNameTheirOwnFieldAndRule(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	ann := c.as("ann", policy.RoleAdmin)
	bob, cat := c.as("bob"), c.as("cat")
	sp := c.space(ann, "Square", spaces.Public, bob, cat)
	p := c.post(bob, sp.ID, `{"kind":"discussion","title":"Benches","body":"More benches."}`)
	long := `{"reason":"` + strings.Repeat("x", posts.MaxNoteRunes+1) + `"}`
	for _, action := range []string{"hide", "restore", "lock", "unlock"} {
		status, raw := c.call(ann, "POST", "/api/posts/"+p.ID+"/"+action, long, nil)
		if code, field := problemAndField(t, raw); status != 400 || code != "invalid_reason" || field != "reason" {
			t.Errorf("%s with a long reason: %d %s", action, status, raw)
		}
	}
	if status, raw := c.call(cat, "POST", "/api/posts/"+p.ID+"/report", `{"reason":"spam"}`, nil); status != 200 {
		t.Fatalf("report: %d %s", status, raw)
	}
	status, raw := c.call(ann, "POST", "/api/moderation/queue/"+p.ID+"/dismiss", long, nil)
	if code, field := problemAndField(t, raw); status != 400 || code != "invalid_reason" || field != "reason" {
		t.Errorf("dismiss with a long reason: %d %s", status, raw)
	}
	// A report's note keeps its own field.
	status, raw = c.call(bob, "POST", "/api/posts/"+p.ID+"/report", `{"reason":"other","note":"`+strings.Repeat("y", posts.MaxNoteRunes+1)+`"}`, nil)
	if code, field := problemAndField(t, raw); status != 400 || code != "invalid_note" || field != "note" {
		t.Errorf("a long note: %d %s", status, raw)
	}

	idea := c.post(bob, sp.ID, `{"kind":"idea","title":"Fountain","body":"A fountain."}`)
	status, raw = c.call(cat, "POST", "/api/posts/"+idea.ID+"/vote", `{"option":"o1"}`, nil)
	if code, field := problemAndField(t, raw); status != 400 || code != "idea_vote_has_no_option" || field != "option" {
		t.Errorf("an idea's vote with an option: %d %s", status, raw)
	}
	if status, raw := c.call(cat, "POST", "/api/posts/"+idea.ID+"/vote", `{}`, nil); status != 200 {
		t.Errorf("an idea's vote: %d %s", status, raw)
	}

	status, raw = c.call(bob, "POST", "/api/spaces/"+sp.ID+"/posts", `{"kind":"announcement","title":"Hear ye","body":"News."}`, nil)
	if code, _ := problemAndField(t, raw); status != 403 || code != "announcement_staff_only" {
		t.Errorf("a member's announcement without pinnedUntil: %d %s", status, raw)
	}
}

// Finding 3: a hidden comment is no answer. Those who see it (a moderator, its author
// asking) get 409 hidden_answer; an asker who cannot see it gets 404 as before; the
// page tells the moderator the comment is hidden (no accept button on it).
func TestAHiddenCommentIsNotAcceptedAsTheAnswer(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	ann := c.as("ann", policy.RoleAdmin)
	bob, cat := c.as("bob"), c.as("cat")
	sp := c.space(ann, "Help", spaces.Public, bob, cat)
	q := c.post(bob, sp.ID, `{"kind":"question","title":"Where?","body":"Where is the key?"}`)
	cm := c.comment(cat, q.ID, `{"body":"Under the mat."}`)
	if status, raw := c.call(ann, "POST", "/api/posts/"+q.ID+"/comments/"+cm.ID+"/hide", `{"reason":"spoiler"}`, nil); status != 204 {
		t.Fatalf("hide: %d %s", status, raw)
	}
	status, raw := c.call(ann, "POST", "/api/posts/"+q.ID+"/comments/"+cm.ID+"/accept", "", nil)
	if code, _ := problemAndField(t, raw); status != 409 || code != "hidden_answer" {
		t.Errorf("the moderator accepts a hidden comment: %d %s", status, raw)
	}
	status, raw = c.call(bob, "POST", "/api/posts/"+q.ID+"/comments/"+cm.ID+"/accept", "", nil)
	if code, _ := problemAndField(t, raw); status != 404 || code != "comment_not_found" {
		t.Errorf("the asker accepts a comment hidden from him: %d %s", status, raw)
	}
	var page posts.PostPage
	c.call(ann, "GET", "/api/posts/"+q.ID+"/page", "", &page)
	if len(page.Comments) != 1 || !page.Comments[0].Hidden || page.Post.AcceptedAnswer != "" {
		t.Fatalf("the moderator's page: %+v", page)
	}
}

// Finding 4: a space moderator who is not staff neither edits nor deletes what staff
// wrote (403 moderate_staff, nothing deleted); they still hide it. Each post and comment
// says what the reader may do (canEdit, canDelete, canHide), as the routes decide.
func TestEachItemSaysWhatTheReaderMayDoAndDeletingStaffTextsFollowsEditing(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	mia := c.as("mia", policy.RoleModerator)
	sid, bob := c.as("sid"), c.as("bob")
	sp := c.space(admin, "Garden", spaces.Public)
	for _, who := range []*http.Client{mia, sid, bob} {
		c.join(who, sp.ID)
	}
	if status, body := c.call(admin, "PUT", "/api/spaces/"+sp.ID+"/members/m_sid/role", `{"role":"moderator"}`, nil); status != 200 {
		t.Fatalf("make sid a moderator: %d %s", status, body)
	}
	staffPost := c.post(mia, sp.ID, `{"kind":"discussion","title":"House rules","body":"Be kind."}`)
	staffComment := c.comment(mia, staffPost.ID, `{"body":"Thanks for reading."}`)
	bobComment := c.comment(bob, staffPost.ID, `{"body":"Sure."}`)
	bobPost := c.post(bob, sp.ID, `{"kind":"discussion","title":"Roses","body":"Roses."}`)

	rights := func(who *http.Client, postID string) (posts.Post, map[string]posts.Comment) {
		t.Helper()
		var page posts.PostPage
		if status, raw := c.call(who, "GET", "/api/posts/"+postID+"/page", "", &page); status != 200 {
			t.Fatalf("page: %d %s", status, raw)
		}
		byID := map[string]posts.Comment{}
		for _, cm := range page.Comments {
			byID[cm.ID] = cm
		}
		return page.Post, byID
	}
	p, cms := rights(sid, staffPost.ID)
	if p.CanEdit || p.CanDelete || !p.CanHide {
		t.Errorf("the space moderator on staff's post: edit %v delete %v hide %v", p.CanEdit, p.CanDelete, p.CanHide)
	}
	if cm := cms[staffComment.ID]; cm.CanEdit || cm.CanDelete || !cm.CanHide {
		t.Errorf("the space moderator on staff's comment: %+v", cm)
	}
	if cm := cms[bobComment.ID]; !cm.CanEdit || !cm.CanDelete || !cm.CanHide {
		t.Errorf("the space moderator on bob's comment: %+v", cm)
	}
	if p, _ := rights(sid, bobPost.ID); !p.CanEdit || !p.CanDelete || !p.CanHide {
		t.Errorf("the space moderator on bob's post: %+v", p)
	}
	p, cms = rights(bob, staffPost.ID)
	if p.CanEdit || p.CanDelete || p.CanHide || cms[staffComment.ID].CanEdit || !cms[bobComment.ID].CanEdit || !cms[bobComment.ID].CanDelete || cms[bobComment.ID].CanHide {
		t.Errorf("bob's rights: post %+v, comments %+v", p, cms)
	}
	if p, cms = rights(admin, staffPost.ID); !p.CanEdit || !p.CanDelete || !cms[staffComment.ID].CanDelete {
		t.Errorf("the admin's rights: post %+v, comments %+v", p, cms)
	}
	var single posts.Post
	c.call(sid, "GET", "/api/posts/"+staffPost.ID, "", &single)
	if single.CanEdit || single.CanDelete || !single.CanHide {
		t.Errorf("GET /api/posts/{id} for the space moderator: %+v", single)
	}

	for _, path := range []string{"/api/posts/" + staffPost.ID + "/comments/" + staffComment.ID, "/api/posts/" + staffPost.ID} {
		status, raw := c.call(sid, "DELETE", path, "", nil)
		if code, _ := problemAndField(t, raw); status != 403 || code != "moderate_staff" {
			t.Errorf("the space moderator deletes %s: %d %s", path, status, raw)
		}
	}
	if p, cms = rights(bob, staffPost.ID); p.Deleted || cms[staffComment.ID].Deleted || cms[staffComment.ID].Body == "" {
		t.Fatalf("a refused delete deleted: %+v %+v", p, cms[staffComment.ID])
	}
	if status, raw := c.call(sid, "POST", "/api/posts/"+staffPost.ID+"/comments/"+staffComment.ID+"/hide", `{"reason":"off topic"}`, nil); status != 204 {
		t.Errorf("the space moderator hides staff's comment: %d %s", status, raw)
	}
	if status, raw := c.call(sid, "DELETE", "/api/posts/"+staffPost.ID+"/comments/"+bobComment.ID, "", nil); status != 204 {
		t.Errorf("the space moderator deletes bob's comment: %d %s", status, raw)
	}
	if status, raw := c.call(mia, "DELETE", "/api/posts/"+staffPost.ID, "", nil); status != 204 {
		t.Errorf("mia deletes her post: %d %s", status, raw)
	}
}

// Finding 5: the server names the spaces the reader may move a post to: a space
// moderator of A who is a plain member of B is offered none of B; a community moderator
// is offered the spaces they moderate as staff; each offered move succeeds.
func TestMoveTargetsAreTheSpacesTheMoveAccepts(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	mia := c.as("mia", policy.RoleModerator)
	sid, bob := c.as("sid"), c.as("bob")
	a := c.space(admin, "Alpha", spaces.Public, sid, bob)
	b := c.space(admin, "Beta", spaces.Public, sid)
	g := c.space(admin, "Gamma", spaces.Public)
	if status, body := c.call(admin, "PUT", "/api/spaces/"+a.ID+"/members/m_sid/role", `{"role":"moderator"}`, nil); status != 200 {
		t.Fatalf("make sid a moderator: %d %s", status, body)
	}
	p := c.post(bob, a.ID, `{"kind":"discussion","title":"Lost","body":"Wrong place."}`)
	targets := func(who *http.Client) []string {
		t.Helper()
		var out posts.MoveTargets
		if status, raw := c.call(who, "GET", "/api/posts/"+p.ID+"/move-targets", "", &out); status != 200 {
			t.Fatalf("move targets: %d %s", status, raw)
		}
		var ids []string
		for _, s := range out.Spaces {
			ids = append(ids, s.ID)
		}
		return ids
	}
	if got := targets(sid); len(got) != 0 {
		t.Errorf("the moderator of Alpha only is offered %v", got)
	}
	if status, raw := c.call(sid, "POST", "/api/posts/"+p.ID+"/move", `{"spaceId":"`+b.ID+`"}`, nil); status != 403 {
		t.Errorf("moving to a space sid only belongs to: %d %s", status, raw)
	}
	got := targets(mia)
	if !slices.Contains(got, b.ID) || !slices.Contains(got, g.ID) || slices.Contains(got, a.ID) {
		t.Errorf("the community moderator is offered %v, want Beta and Gamma (%s %s)", got, b.ID, g.ID)
	}
	if status, raw := c.call(bob, "GET", "/api/posts/"+p.ID+"/move-targets", "", nil); status != 403 {
		t.Errorf("a member asks for move targets: %d %s", status, raw)
	}
	if status, raw := c.call(mia, "POST", "/api/posts/"+p.ID+"/move", `{"spaceId":"`+g.ID+`"}`, nil); status != 200 {
		t.Errorf("the community moderator moves to an offered space: %d %s", status, raw)
	}
}

// Finding 6: a reply to a hidden comment shows, to a reader who may not see the hidden
// comment, under a placeholder (withheld: no author, no text) rather than without its
// parent; the count is what the reader sees.
func TestARepliedHiddenCommentStaysAPlaceholder(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	ann := c.as("ann", policy.RoleAdmin)
	bob, cat := c.as("bob"), c.as("cat")
	sp := c.space(ann, "Porch", spaces.Public, bob, cat)
	p := c.post(ann, sp.ID, `{"kind":"discussion","title":"Rain","body":"Rain again."}`)
	parent := c.comment(bob, p.ID, `{"body":"Rude words."}`)
	reply := c.comment(cat, p.ID, `{"body":"Calm down.","parentId":"`+parent.ID+`"}`)
	lonely := c.comment(bob, p.ID, `{"body":"More rude words."}`)
	for _, id := range []string{parent.ID, lonely.ID} {
		if status, raw := c.call(ann, "POST", "/api/posts/"+p.ID+"/comments/"+id+"/hide", `{"reason":"rude"}`, nil); status != 204 {
			t.Fatalf("hide: %d %s", status, raw)
		}
	}
	for _, who := range []*http.Client{c.visitor(), cat} {
		var page posts.PostPage
		if status, raw := c.call(who, "GET", "/api/posts/"+p.ID+"/page", "", &page); status != 200 {
			t.Fatalf("page: %d %s", status, raw)
		}
		if len(page.Comments) != 2 || page.Post.Comments != 1 {
			t.Fatalf("the reader's page: count %d, comments %+v", page.Post.Comments, page.Comments)
		}
		ph, r := page.Comments[0], page.Comments[1]
		if ph.ID != parent.ID || !ph.Withheld || !ph.Hidden || ph.Body != "" || ph.HTML != "" || ph.AuthorID != "" || ph.AuthorName != "" {
			t.Errorf("the placeholder: %+v", ph)
		}
		if r.ID != reply.ID || r.ParentID != parent.ID || r.Body != "Calm down." {
			t.Errorf("the reply: %+v", r)
		}
		var thread posts.Thread
		c.call(who, "GET", "/api/posts/"+p.ID+"/comments", "", &thread)
		if len(thread.Comments) != 2 || !thread.Comments[0].Withheld {
			t.Errorf("the thread: %+v", thread.Comments)
		}
	}
	var page posts.PostPage
	c.call(bob, "GET", "/api/posts/"+p.ID+"/page", "", &page)
	if len(page.Comments) != 3 || page.Comments[0].Withheld || page.Comments[0].Body != "Rude words." {
		t.Errorf("the hidden comments' author sees them: %+v", page.Comments)
	}
}

// Finding 10: a post's byline shows its author's name as it is now (as comments do),
// on the page, GET /api/posts/{id}; the page stays within its 3 DynamoDB calls (the
// author is read ahead with the names it shows).
func TestAPostsBylineShowsTheAuthorsCurrentName(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	ann := c.as("ann", policy.RoleAdmin)
	bob := c.as("bob")
	sp := c.space(ann, "Hall", spaces.Public, bob)
	p := c.post(bob, sp.ID, `{"kind":"discussion","title":"Hello","body":"Hi all."}`)
	c.comment(bob, p.ID, `{"body":"Me again."}`)
	c.rename(bob, "Robert")
	var page posts.PostPage
	c.call(ann, "GET", "/api/posts/"+p.ID+"/page", "", &page)
	if page.Post.AuthorName != "Robert" || page.Comments[0].AuthorName != "Robert" {
		t.Errorf("the page's byline: post %q, comment %q", page.Post.AuthorName, page.Comments[0].AuthorName)
	}
	var got posts.Post
	c.call(ann, "GET", "/api/posts/"+p.ID, "", &got)
	if got.AuthorName != "Robert" {
		t.Errorf("GET /api/posts/{id}: %q", got.AuthorName)
	}
	if n := c.tripsOf("m_ann", "/api/posts/"+p.ID+"/page"); n != 3 {
		t.Errorf("the post page took %d DynamoDB calls, want 3", n)
	}
}

// Finding 10: a method a path does not take answers 405 with an Allow header; a path
// no route has is still 404 no_route.
func TestAWrongMethodIs405WithAllow(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	ann := c.as("ann", policy.RoleAdmin)
	sp := c.space(ann, "Hall", spaces.Public)
	p := c.post(ann, sp.ID, `{"kind":"status","body":"Hi."}`)
	for _, tc := range []struct{ method, path, allow string }{
		{"PUT", "/api/posts/" + p.ID + "/page", "GET, HEAD"},
		{"POST", "/api/posts/" + p.ID, "GET, HEAD, PATCH, DELETE"},
		{"DELETE", "/api/spaces/" + sp.ID + "/posts", "GET, HEAD, POST"},
	} {
		req, _ := http.NewRequest(tc.method, c.srv.URL+tc.path, strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
		resp, err := ann.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 405 || resp.Header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d Allow %q, want 405 %q", tc.method, tc.path, resp.StatusCode, resp.Header.Get("Allow"), tc.allow)
		}
	}
	if status, raw := c.call(ann, "GET", "/api/nothing", "", nil); status != 404 || problemCode(raw) != "no_route" {
		t.Errorf("no such route: %d %s", status, raw)
	}
}
