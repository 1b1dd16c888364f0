package app_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
)

// Issue 10, "Comments show author (linked), avatar and time; members edit their own
// comments (with the history moderators already see for posts)": a thread shows each
// author's name and avatar as they are now; an author edits their comment (a revision
// per edit, none for the same text again), nobody else but a moderator may, a locked
// thread and a deleted comment take no edit from its author; the comment's history is
// read by whoever reads the post's history (space moderators and staff), nobody else.
func TestCommentsShowAuthorsAndKeepTheirEditHistory(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	staffMod := c.as("mo", policy.RoleModerator)
	ann, bob, spaceMod := c.as("ann"), c.as("bob"), c.as("sue")
	sp := c.space(admin, "General", spaces.Public)
	for _, who := range []*http.Client{ann, bob, spaceMod} {
		c.join(who, sp.ID)
	}
	if status, body := c.call(admin, "PUT", "/api/spaces/"+sp.ID+"/members/m_sue/role", `{"role":"moderator"}`, nil); status != 200 {
		t.Fatalf("space moderator: %d %s", status, body)
	}
	c.rename(bob, "Bob Martin")
	// Bob has an avatar; Ann has none.
	var up struct{ UploadURL, Key string }
	if status, body := c.call(bob, "POST", "/api/me/avatar/upload", fmt.Sprintf(`{"contentType":"image/png","size":%d}`, len(imagePNG)), &up); status != 200 {
		t.Fatalf("avatar upload: %d %s", status, body)
	}
	put(t, up.UploadURL, "image/png", imagePNG)
	if status, body := c.call(bob, "PUT", "/api/me/avatar", fmt.Sprintf(`{"key":%q}`, up.Key), nil); status != 200 {
		t.Fatalf("avatar confirm: %d %s", status, body)
	}

	p := c.post(ann, sp.ID, `{"kind":"discussion","title":"Plans","body":"What next?"}`)
	var cm, annsComment posts.Comment
	if status, body := c.call(bob, "POST", "/api/posts/"+p.ID+"/comments", `{"body":"Frist"}`, &cm); status != 201 {
		t.Fatalf("comment: %d %s", status, body)
	}
	c.call(ann, "POST", "/api/posts/"+p.ID+"/comments", `{"body":"Thanks"}`, &annsComment)
	// Renamed after commenting: the thread shows the name as it is now.
	c.rename(bob, "Bob M.")
	thread := func(who *http.Client) map[string]posts.Comment {
		t.Helper()
		var th posts.Thread
		if status, body := c.call(who, "GET", "/api/posts/"+p.ID+"/comments", "", &th); status != 200 {
			t.Fatalf("thread: %d %s", status, body)
		}
		out := map[string]posts.Comment{}
		for _, x := range th.Comments {
			out[x.ID] = x
		}
		return out
	}
	seen := thread(ann)
	if got := seen[cm.ID]; got.AuthorName != "Bob M." || got.AuthorID != "m_bob" || !got.AuthorAvatar || got.CreatedAt.IsZero() || got.EditedAt != nil {
		t.Errorf("bob's comment as ann reads it: %+v", got)
	}
	if got := seen[annsComment.ID]; got.AuthorAvatar || got.AuthorName != "ann" {
		t.Errorf("ann's comment (no avatar): %+v", got)
	}
	// A visitor may not load avatars (the avatar route is for members): none is offered.
	if got := thread(c.visitor())[cm.ID]; got.AuthorAvatar || got.AuthorName != "Bob M." {
		t.Errorf("bob's comment as a visitor reads it: %+v", got)
	}

	edit := func(who *http.Client, body string) (int, string, posts.Comment) {
		t.Helper()
		var out posts.Comment
		status, raw := c.call(who, "PATCH", "/api/posts/"+p.ID+"/comments/"+cm.ID, jsonBody(map[string]string{"body": body}), &out)
		return status, raw, out
	}
	// Another member may not edit it; a bad text is refused at its field, writing nothing.
	if status, raw, _ := edit(ann, "mine now"); status != 403 || !strings.Contains(raw, "not_the_author") {
		t.Fatalf("another member edits bob's comment: %d %s", status, raw)
	}
	if status, raw, _ := edit(bob, "   "); status != 400 || !strings.Contains(raw, `"field":"body"`) {
		t.Fatalf("an empty edit: %d %s", status, raw)
	}
	if status, raw, _ := edit(bob, strings.Repeat("x", posts.MaxCommentRunes+1)); status != 400 || !strings.Contains(raw, "invalid_comment") {
		t.Fatalf("a too long edit: %d %s", status, raw)
	}
	// The author edits: the answer and the thread show the new text, the edit's time and
	// the author as they are now.
	status, raw, edited := edit(bob, "First, **really**")
	if status != 200 || !strings.Contains(edited.HTML, "<strong>really</strong>") || edited.EditedAt == nil || edited.AuthorName != "Bob M." || !edited.AuthorAvatar {
		t.Fatalf("bob edits his comment: %d %s", status, raw)
	}
	if got := thread(bob)[cm.ID]; got.Body != "First, **really**" || got.EditedAt == nil {
		t.Errorf("the thread after the edit: %+v", got)
	}
	// The same text again (a repeated request) keeps one revision.
	if status, raw, _ := edit(bob, "First, **really**"); status != 200 {
		t.Fatalf("the same edit again: %d %s", status, raw)
	}
	// A moderator may edit it too (a second revision, by them).
	if status, raw, _ := edit(staffMod, "First, really (link removed)"); status != 200 {
		t.Fatalf("a moderator edits the comment: %d %s", status, raw)
	}

	history := func(who *http.Client, commentID string) (int, string, posts.History) {
		t.Helper()
		var h posts.History
		status, raw := c.call(who, "GET", "/api/posts/"+p.ID+"/comments/"+commentID+"/history", "", &h)
		return status, raw, h
	}
	// The post's history and the comment's are read by the same people.
	for name, who := range map[string]*http.Client{"the author": bob, "the post's author": ann, "a visitor": c.visitor()} {
		postStatus, _ := c.call(who, "GET", "/api/posts/"+p.ID+"/history", "", nil)
		if status, raw, _ := history(who, cm.ID); status != postStatus || status == 200 {
			t.Errorf("%s reads the comment's history: %d %s (the post's: %d)", name, status, raw, postStatus)
		}
	}
	for name, who := range map[string]*http.Client{"a space moderator": spaceMod, "a staff moderator": staffMod, "an admin": admin} {
		if postStatus, _ := c.call(who, "GET", "/api/posts/"+p.ID+"/history", "", nil); postStatus != 200 {
			t.Fatalf("%s reads the post's history: %d", name, postStatus)
		}
		status, raw, h := history(who, cm.ID)
		if status != 200 || len(h.Revisions) != 2 {
			t.Fatalf("%s reads the comment's history: %d %s", name, status, raw)
		}
		first, second := h.Revisions[0], h.Revisions[1]
		if first.Body != "Frist" || first.EditedBy != "m_bob" || first.CommentID != cm.ID ||
			second.Body != "First, **really**" || second.EditedBy != "m_mo" || !first.EditedAt.Before(second.EditedAt) {
			t.Errorf("%s reads the history: %+v", name, h.Revisions)
		}
	}
	// Another comment's history is its own: empty here.
	if status, raw, h := history(admin, annsComment.ID); status != 200 || len(h.Revisions) != 0 {
		t.Errorf("the unedited comment's history: %d %s", status, raw)
	}
	if status, _, _ := history(admin, "c_nope"); status != 404 {
		t.Errorf("the history of no comment: %d", status)
	}

	// A locked thread takes no edit from the author (as for posts); a deleted comment none at all.
	if status, body := c.call(staffMod, "POST", "/api/posts/"+p.ID+"/lock", "", nil); status != 200 {
		t.Fatalf("lock: %d %s", status, body)
	}
	if status, raw, _ := edit(bob, "sneaky"); status != 409 {
		t.Errorf("an edit in a locked thread: %d %s", status, raw)
	}
	c.call(staffMod, "POST", "/api/posts/"+p.ID+"/unlock", "", nil)
	if status, body := c.call(bob, "DELETE", "/api/posts/"+p.ID+"/comments/"+cm.ID, "", nil); status != 204 {
		t.Fatalf("delete: %d %s", status, body)
	}
	if status, raw, _ := edit(bob, "back again"); status != 404 {
		t.Errorf("an edit of a deleted comment: %d %s", status, raw)
	}
	if _, _, h := history(admin, cm.ID); len(h.Revisions) != 2 {
		t.Errorf("the deleted comment's history: %+v", h.Revisions)
	}
}

// An edit keeps the names its new text's mentions show: a member mentioned only by the
// edit is shown by their name as it is now (after a rename too), in the page and in the
// edit box's names, for comments and posts alike.
func TestAnEditKeepsTheNamesOfTheMentionsItAdds(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	ann := c.as("ann")
	bob, carl := c.as(strings.TrimPrefix(bobRef, "m_")), c.as(strings.TrimPrefix(carlRef, "m_"))
	c.rename(bob, "Bob Martin")
	c.rename(carl, "Carl")
	sp := c.space(admin, "General", spaces.Public)
	for _, who := range []*http.Client{ann, bob, carl} {
		c.join(who, sp.ID)
	}
	p := c.post(ann, sp.ID, jsonBody(map[string]string{"kind": "discussion", "title": "Plans", "body": "Ask @" + bobRef + "."}))
	var cm posts.Comment
	if status, raw := c.call(ann, "POST", "/api/posts/"+p.ID+"/comments", jsonBody(map[string]string{"body": "cc @" + bobRef}), &cm); status != 201 {
		t.Fatalf("comment: %d %s", status, raw)
	}
	if status, raw := c.call(ann, "PATCH", "/api/posts/"+p.ID+"/comments/"+cm.ID, jsonBody(map[string]string{"body": "cc @" + bobRef + " and @" + carlRef}), nil); status != 200 {
		t.Fatalf("comment edit: %d %s", status, raw)
	}
	if status, raw := c.call(ann, "PATCH", "/api/posts/"+p.ID, jsonBody(map[string]string{"title": "Plans", "body": "Ask @" + bobRef + " or @" + carlRef + "."}), nil); status != 200 {
		t.Fatalf("post edit: %d %s", status, raw)
	}
	c.rename(carl, "Carl Renamed")
	var th posts.Thread
	c.call(ann, "GET", "/api/posts/"+p.ID+"/comments", "", &th)
	if len(th.Comments) != 1 || th.Comments[0].Mentions[carlRef] != "Carl Renamed" || !strings.Contains(th.Comments[0].HTML, "@Carl Renamed") {
		t.Errorf("the edited comment after carl's rename: %+v", th.Comments)
	}
	var got posts.Post
	c.call(ann, "GET", "/api/posts/"+p.ID, "", &got)
	if got.Mentions[carlRef] != "Carl Renamed" || !strings.Contains(got.HTML, "@Carl Renamed") {
		t.Errorf("the edited post after carl's rename: %v %s", got.Mentions, got.HTML)
	}
}
