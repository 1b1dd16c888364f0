package app_test

import (
	"fmt"
	"strings"
	"testing"

	"tribune/shared/members"
	"tribune/shared/notifications"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
)

// The tester's example: a warning about a post said "… about « »": its notification
// carried the post's id but no title. It names the post by its title as it is now, in
// the inbox and the email, in the reader's language, while the reader may read the
// post; once they may not, it names no post.
func TestAWarningNamesThePostByItsTitle(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	mod := c.as("mia", policy.RoleModerator)
	ann, bob := c.as("ann"), c.as("bob")
	sp := c.space(mod, "General", spaces.Public, ann, bob)
	c.readsFrench(bob, "bob")
	p := c.post(ann, sp.ID, `{"kind":"discussion","title":"Cheap pills","body":"buy now"}`)
	q := c.post(bob, sp.ID, `{"kind":"discussion","title":"Cheap watches","body":"buy now"}`)
	for who, id := range map[string]string{"m_ann": p.ID, "m_bob": q.ID} {
		if status, body := c.call(mod, "POST", "/api/moderation/warnings", fmt.Sprintf(`{"memberId":%q,"message":"No ads, please.","postId":%q}`, who, id), nil); status != 204 {
			t.Fatalf("warn %s: %d %s", who, status, body)
		}
	}
	if n := c.inbox(ann, notifications.KindWarning); n.PostID != p.ID || n.PostTitle != "Cheap pills" {
		t.Fatalf("ann's warning: %+v", n)
	}
	if n := c.inbox(bob, notifications.KindWarning); n.PostID != q.ID || n.PostTitle != "Cheap watches" {
		t.Fatalf("bob's warning: %+v", n)
	}
	mails := func(addr string) string {
		var all string
		for _, m := range c.mailsTo(addr) {
			all += m.Subject + "\n" + m.Text + "\n"
		}
		return all
	}
	waitFor(t, "the warning emails", func() bool {
		return strings.Contains(mails("ann@example.com"), "No ads") && strings.Contains(mails("bob@example.com"), "No ads")
	})
	if got := mails("ann@example.com"); !strings.Contains(got, "A moderator sent you a warning about “Cheap pills”") {
		t.Fatalf("ann's email says:\n%s", got)
	}
	if got := mails("bob@example.com"); !strings.Contains(got, "Un modérateur vous a adressé un avertissement au sujet de « Cheap watches »") {
		t.Fatalf("bob's email says:\n%s", got)
	}
	// The title as it is now.
	if status, body := c.call(ann, "PATCH", "/api/posts/"+p.ID, `{"title":"Pills","body":"Gone."}`, nil); status != 200 {
		t.Fatalf("edit: %d %s", status, body)
	}
	if n := c.inbox(ann, notifications.KindWarning); n.PostTitle != "Pills" {
		t.Fatalf("after the edit ann's warning: %+v", n)
	}
	// Deleted: the warning stays, about no post.
	if status, body := c.call(bob, "DELETE", "/api/posts/"+q.ID, "", nil); status != 204 {
		t.Fatalf("delete: %d %s", status, body)
	}
	if n := c.inbox(bob, notifications.KindWarning); n.PostID != "" || n.PostTitle != "" || n.Detail != "No ads, please." {
		t.Fatalf("a warning about a deleted post: %+v", n)
	}
}

// The tester's example: "lefevre" did not find "Dave Lefèvre", and q=%FF%FE answered
// 200. The directory folds case and diacritics on both sides; a q that is not UTF-8
// is refused, naming the field.
func TestTheDirectoryFindsNamesWithoutTheirAccents(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	dave, ann, zoe := c.as("dave"), c.as("ann"), c.as("zoe")
	c.profileAs(dave, "Dave Lefèvre")
	c.profileAs(zoe, "Zoë Straße")
	for q, want := range map[string]string{"lefevre": "Dave Lefèvre", "LEFÈVRE": "Dave Lefèvre", "Lefe": "Dave Lefèvre",
		"zoe": "Zoë Straße", "strasse": "Zoë Straße", "Zoë": "Zoë Straße", "dave%20lefe": "Dave Lefèvre"} {
		var found members.DirectoryPageResult
		if status, body := c.call(ann, "GET", "/api/members?q="+q, "", &found); status != 200 {
			t.Fatalf("q=%s: %d %s", q, status, body)
		}
		var got []string
		for _, m := range found.Members {
			got = append(got, m.DisplayName)
		}
		if strings.Join(got, ",") != want {
			t.Errorf("q=%s finds %v, want %s", q, got, want)
		}
	}
	for _, q := range []string{"%FF%FE", "le%C3", "%80"} {
		status, body := c.call(ann, "GET", "/api/members?q="+q, "", nil)
		if code, field := problemAndField(t, body); status != 400 || code != "invalid_directory_query" || field != "q" {
			t.Errorf("q=%s: %d %s", q, status, body)
		}
	}
}

// The tester's example: a space moderator who is not staff rewrote a staff member's
// post, which then showed their words under the staff name. They get 403
// moderate_staff for staff's posts and comments (and nothing changes); they still
// edit other members' texts; staff and the author still edit.
func TestSpaceModeratorsDoNotEditStaffTexts(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	mia := c.as("mia", policy.RoleModerator)
	sid, bob := c.as("sid"), c.as("bob")
	sp := c.space(admin, "Garden", spaces.Public)
	c.join(mia, sp.ID)
	c.join(sid, sp.ID)
	c.join(bob, sp.ID)
	if status, body := c.call(admin, "PUT", "/api/spaces/"+sp.ID+"/members/m_sid/role", `{"role":"moderator"}`, nil); status != 200 {
		t.Fatalf("make sid a moderator of the garden: %d %s", status, body)
	}
	staffPost := c.post(mia, sp.ID, `{"kind":"discussion","title":"House rules","body":"Be kind."}`)
	staffComment := c.comment(mia, staffPost.ID, `{"body":"Thanks for reading."}`)
	bobPost := c.post(bob, sp.ID, `{"kind":"discussion","title":"Roses","body":"Roses."}`)
	bobComment := c.comment(bob, staffPost.ID, `{"body":"Sure."}`)
	refused := func(path, body string) {
		t.Helper()
		status, raw := c.call(sid, "PATCH", path, body, nil)
		if code, _ := problemAndField(t, raw); status != 403 || code != "moderate_staff" {
			t.Fatalf("sid edits %s: %d %s", path, status, raw)
		}
	}
	refused("/api/posts/"+staffPost.ID, `{"title":"House rules","body":"Anything goes."}`)
	refused("/api/posts/"+staffPost.ID+"/comments/"+staffComment.ID, `{"body":"Ignore the rules."}`)
	var seen posts.Post
	c.call(bob, "GET", "/api/posts/"+staffPost.ID, "", &seen)
	if seen.Body != "Be kind." || seen.EditedAt != nil {
		t.Fatalf("a refused edit changed the post: %+v", seen)
	}
	// Members' texts: the space moderator edits them.
	if status, body := c.call(sid, "PATCH", "/api/posts/"+bobPost.ID, `{"body":"Roses (link removed)."}`, nil); status != 200 {
		t.Fatalf("sid edits bob's post: %d %s", status, body)
	}
	if status, body := c.call(sid, "PATCH", "/api/posts/"+staffPost.ID+"/comments/"+bobComment.ID, `{"body":"Sure (edited)."}`, nil); status != 200 {
		t.Fatalf("sid edits bob's comment: %d %s", status, body)
	}
	// Staff and the author.
	if status, body := c.call(admin, "PATCH", "/api/posts/"+staffPost.ID, `{"body":"Be kind, always."}`, nil); status != 200 {
		t.Fatalf("the admin edits mia's post: %d %s", status, body)
	}
	if status, body := c.call(mia, "PATCH", "/api/posts/"+staffPost.ID+"/comments/"+staffComment.ID, `{"body":"Thanks!"}`, nil); status != 200 {
		t.Fatalf("mia edits her comment: %d %s", status, body)
	}
	// A member who became staff after writing: their text is staff's now.
	if status, body := c.call(admin, "PUT", "/api/members/m_bob/roles", `{"roles":["member","support"]}`, nil); status != 200 {
		t.Fatalf("bob becomes support: %d %s", status, body)
	}
	refused("/api/posts/"+bobPost.ID, `{"body":"Roses again."}`)
	if status, body := c.call(bob, "PATCH", "/api/posts/"+bobPost.ID, `{"body":"My roses."}`, nil); status != 200 {
		t.Fatalf("bob edits his post: %d %s", status, body)
	}
}
