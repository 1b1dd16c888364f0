package app_test

import (
	"net/http"
	"strings"
	"testing"

	"tribune/shared/audit"
	"tribune/shared/notifications"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
)

// Tests of issue 10, round 2: space moderators reach the queue of their
// spaces, the queue shows the reporters' notes, hiding says why to the author, and the
// moderation log names who did what to what.

// A member who moderates a space by a space role (not a community moderator) receives
// the report emails of the space; the queue answered them 403. They now read the queue
// of the spaces they moderate, and nothing else; a member who moderates nothing still
// gets 403; the report email opens the queue.
func TestSpaceModeratorsReadTheQueueOfTheirSpacesOnly(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	sid, bob, carl := c.as("sid"), c.as("bob"), c.as("carl")
	garden, kitchen := c.space(admin, "Garden", spaces.Public), c.space(admin, "Kitchen", spaces.Public)
	for _, who := range []*http.Client{sid, bob, carl} {
		c.join(who, garden.ID)
		c.join(who, kitchen.ID)
	}
	if status, body := c.call(admin, "PUT", "/api/spaces/"+garden.ID+"/members/m_sid/role", `{"role":"moderator"}`, nil); status != 200 {
		t.Fatalf("make sid a moderator of the garden: %d %s", status, body)
	}
	inGarden := c.post(bob, garden.ID, `{"kind":"discussion","title":"Roses","body":"Buy roses at my shop."}`)
	inKitchen := c.post(bob, kitchen.ID, `{"kind":"discussion","title":"Knives","body":"Buy knives at my shop."}`)
	for _, p := range []posts.Post{inGarden, inKitchen} {
		if status, body := c.call(carl, "POST", "/api/posts/"+p.ID+"/report", `{"reason":"spam","note":"Same shop link in five threads."}`, nil); status != 200 {
			t.Fatalf("report: %d %s", status, body)
		}
	}
	// The report email to the space moderator opens the queue.
	waitFor(t, "the report email to sid", func() bool { return c.mailsAbout("sid@example.com", "/moderation") == 1 })

	var q posts.Queue
	if status, body := c.call(sid, "GET", "/api/moderation/queue", "", &q); status != 200 {
		t.Fatalf("a space moderator opens the queue: %d %s", status, body)
	}
	if len(q.Items) != 1 || q.Items[0].PostID != inGarden.ID {
		t.Fatalf("a space moderator's queue: %+v, want only the garden's post", q.Items)
	}
	notes := q.Items[0].Notes
	if len(notes) != 1 || notes[0].Note != "Same shop link in five threads." || notes[0].ReporterName != "carl" || notes[0].Reason != "spam" {
		t.Fatalf("the queue's notes: %+v", notes)
	}
	// Nothing else: the other space's content, the log, warnings.
	if status, _ := c.call(sid, "POST", "/api/moderation/queue/"+inKitchen.ID+"/dismiss", "", nil); status != 404 {
		t.Fatalf("a space moderator dismisses another space's report: %d", status)
	}
	if status, _ := c.call(sid, "GET", "/api/moderation/audit", "", nil); status != 403 {
		t.Fatalf("a space moderator reads the log: %d", status)
	}
	if status, _ := c.call(sid, "POST", "/api/moderation/warnings", `{"memberId":"m_bob","message":"Stop."}`, nil); status != 403 {
		t.Fatalf("a space moderator warns: %d", status)
	}
	if status, _ := c.call(bob, "GET", "/api/moderation/queue", "", nil); status != 403 {
		t.Fatalf("a member who moderates nothing opens the queue: %d", status)
	}
	// A community moderator reads both.
	mod := c.as("moe", policy.RoleModerator)
	if c.call(mod, "GET", "/api/moderation/queue", "", &q); len(q.Items) != 2 {
		t.Fatalf("a community moderator's queue: %+v", q.Items)
	}
	// The space moderator deals with their item.
	if status, body := c.call(sid, "POST", "/api/moderation/queue/"+inGarden.ID+"/dismiss", "", nil); status != 204 {
		t.Fatalf("a space moderator dismisses: %d %s", status, body)
	}
	if c.call(sid, "GET", "/api/moderation/queue", "", &q); len(q.Items) != 0 {
		t.Fatalf("after the dismissal: %+v", q.Items)
	}
	// A moderator who steps down reads nothing any more.
	if status, body := c.call(admin, "PUT", "/api/spaces/"+garden.ID+"/members/m_sid/role", `{"role":"member"}`, nil); status != 200 {
		t.Fatalf("sid steps down: %d %s", status, body)
	}
	if status, _ := c.call(sid, "GET", "/api/moderation/queue", "", nil); status != 403 {
		t.Fatalf("a former space moderator opens the queue: %d", status)
	}
}

// Hiding needs a reason (400 naming the field, nothing written); the author of the
// hidden post or comment is told why, in the app and by email, in their language; once
// the content is restored the notice reads outdated.
func TestHidingTellsTheAuthorWhy(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	mod := c.as("mia", policy.RoleModerator)
	ann, bob := c.as("ann"), c.as("bob")
	sp := c.space(mod, "General", spaces.Public, ann, bob)
	c.readsFrench(bob, "bob")
	p := c.post(ann, sp.ID, `{"kind":"discussion","title":"Cheap pills","body":"buy now"}`)
	// Bob's comment is on a post that stays shown: a comment on a hidden post is out of
	// its author's sight with the post, and so is its notice.
	shop := c.post(ann, sp.ID, `{"kind":"discussion","title":"Shops","body":"Which shops?"}`)
	cm := c.comment(bob, shop.ID, `{"body":"Me too, at my shop."}`)

	for _, body := range []string{"", `{}`, `{"reason":""}`, `{"reason":"   "}`} {
		status, raw := c.call(mod, "POST", "/api/posts/"+p.ID+"/hide", body, nil)
		if code, field := problemAndField(t, raw); status != 400 || code != "hide_reason_required" || field != "reason" {
			t.Fatalf("hide with %q: %d %s", body, status, raw)
		}
		status, raw = c.call(mod, "POST", "/api/posts/"+shop.ID+"/comments/"+cm.ID+"/hide", body, nil)
		if code, field := problemAndField(t, raw); status != 400 || code != "hide_reason_required" || field != "reason" {
			t.Fatalf("hide a comment with %q: %d %s", body, status, raw)
		}
	}
	var seen, seenShop posts.Post
	c.call(bob, "GET", "/api/posts/"+p.ID, "", &seen)
	if c.call(bob, "GET", "/api/posts/"+shop.ID, "", &seenShop); seen.Hidden || seenShop.Comments != 1 || c.auditEntries("comment.hide", cm.ID) != 0 {
		t.Fatalf("a refused hide changed something: %+v %+v", seen, seenShop)
	}

	if status, body := c.call(mod, "POST", "/api/posts/"+shop.ID+"/comments/"+cm.ID+"/hide", `{"reason":"Advertising is not allowed here."}`, nil); status != 204 {
		t.Fatalf("hide the comment: %d %s", status, body)
	}
	if status, body := c.call(mod, "POST", "/api/posts/"+p.ID+"/hide", `{"reason":"Selling pills breaks rule 3."}`, nil); status != 200 {
		t.Fatalf("hide the post: %d %s", status, body)
	}
	told := c.inbox(ann, notifications.KindContentHidden)
	if told.PostID != p.ID || told.CommentID != "" || told.Detail != "Selling pills breaks rule 3." || told.PostTitle != "Cheap pills" {
		t.Fatalf("ann's notice: %+v", told)
	}
	toldBob := c.inbox(bob, notifications.KindContentHidden)
	if toldBob.CommentID != cm.ID || toldBob.Detail != "Advertising is not allowed here." {
		t.Fatalf("bob's notice: %+v", toldBob)
	}
	waitFor(t, "the emails", func() bool {
		return len(c.mailsTo("ann@example.com")) > 0 && len(c.mailsTo("bob@example.com")) > 0
	})
	var annMail, bobMail string
	for _, m := range c.mailsTo("ann@example.com") {
		annMail += m.Subject + "\n" + m.Text
	}
	for _, m := range c.mailsTo("bob@example.com") {
		bobMail += m.Subject + "\n" + m.Text
	}
	if !strings.Contains(annMail, "A moderator hid your post “Cheap pills”") || !strings.Contains(annMail, "Selling pills breaks rule 3.") {
		t.Fatalf("ann's email says:\n%s", annMail)
	}
	if !strings.Contains(bobMail, "Un modérateur a masqué votre commentaire sur « Shops »") || !strings.Contains(bobMail, "Advertising is not allowed here.") {
		t.Fatalf("bob's email says:\n%s", bobMail)
	}
	// Restored: the notice no longer holds.
	if status, body := c.call(mod, "POST", "/api/posts/"+p.ID+"/restore", "", nil); status != 200 {
		t.Fatalf("restore: %d %s", status, body)
	}
	for _, n := range c.entries(ann, p.ID) {
		if n.Kind == notifications.KindContentHidden {
			t.Fatalf("a notice about a restored post still says it is hidden: %+v", n)
		}
	}
}

// The log says who did what to what: the actor's and the subject's names and the post's
// title as they are now; a reader who may not read the content gets the actor's name
// and the action only (the existing rule).
func TestTheModerationLogNamesWhoDidWhatToWhat(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	mod := c.as("Ann", policy.RoleModerator)
	marketer := c.as("mark", policy.RoleMarketer)
	bob := c.as("bob")
	club := c.space(admin, "Club", spaces.Public)
	c.join(bob, club.ID)
	p := c.post(admin, club.ID, `{"kind":"discussion","title":"Title","body":"Hello"}`)
	cm := c.comment(bob, p.ID, `{"body":"Spam"}`)
	if status, body := c.call(mod, "POST", "/api/posts/"+p.ID+"/comments/"+cm.ID+"/hide", `{"reason":"Spam."}`, nil); status != 204 {
		t.Fatalf("hide: %d %s", status, body)
	}
	var log audit.Page
	if status, body := c.call(admin, "GET", "/api/moderation/audit", "", &log); status != 200 || len(log.Entries) == 0 {
		t.Fatalf("the log: %d %s", status, body)
	}
	e := log.Entries[0]
	if e.Action != "comment.hide" || e.ActorName != "Ann" || e.SubjectName != "bob" || e.PostTitle != "Title" || e.Reason != "Spam." || e.PostID != p.ID {
		t.Fatalf("the admin reads %+v", e)
	}
	// A marketer (staff who moderates no space) reads who and what kind of action only.
	log = audit.Page{}
	if status, body := c.call(marketer, "GET", "/api/moderation/audit", "", &log); status != 200 {
		t.Fatalf("the marketer's log: %d %s", status, body)
	}
	e = log.Entries[0]
	if !e.Redacted || e.ActorName != "Ann" || e.SubjectName != "" || e.PostTitle != "" || e.Reason != "" || e.PostID != "" {
		t.Fatalf("the marketer reads %+v", e)
	}
}
