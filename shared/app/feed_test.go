package app_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"tribune/shared/bus"
	"tribune/shared/eventtypes"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
)

// Kind 5 of issue 9: what is derived from content (home-stream copies above all) follows
// when the content is edited, hidden, deleted, restored or moved, and when a reader
// leaves its space.

// The example: a member redacts a password from a post; it must leave every
// home stream, in the table as in the answers.
func TestAnEditReachesEveryHomeStreamCopy(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	ann, bob, eve := c.as("ann"), c.as("bob"), c.as("eve")
	sp := c.space(admin, "Ops", spaces.Public)
	for _, who := range []*http.Client{ann, bob, eve} {
		c.join(who, sp.ID)
	}
	const password = "hunter2-canary-9f3b"
	p := c.post(ann, sp.ID, fmt.Sprintf(`{"kind":"discussion","title":"Deploy notes","body":"Log in with password %s then run make."}`, password))
	waitFor(t, "the post in bob's home stream", func() bool { return has(c.home(bob), p.ID) })
	// An announcement's pin is a copy too.
	until := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	pin := c.post(admin, sp.ID, fmt.Sprintf(`{"kind":"announcement","title":"Maintenance %s","body":"Saturday.","pinnedUntil":%q}`, password, until))
	waitFor(t, "the pin in eve's home stream", func() bool { return has(c.home(eve), pin.ID) })

	if status, body := c.call(ann, "PATCH", "/api/posts/"+p.ID, `{"title":"Deploy notes","body":"Log in with the vault password, then run make."}`, nil); status != 200 {
		t.Fatalf("edit: %d %s", status, body)
	}
	if status, body := c.call(admin, "PATCH", "/api/posts/"+pin.ID, `{"title":"Maintenance","body":"Saturday."}`, nil); status != 200 {
		t.Fatalf("edit the announcement: %d %s", status, body)
	}
	waitFor(t, "the password gone from every home-stream item", func() bool {
		return len(c.itemsWith(password, "FEED#")) == 0
	})
	for _, who := range []*http.Client{ann, bob, eve} {
		for _, s := range c.home(who) {
			if strings.Contains(s.Title+s.Excerpt, password) {
				t.Fatalf("a home stream still shows the password: %+v", s)
			}
		}
	}
	if found := c.itemsWith(password, "FEED#", "SPACEPOSTS#", "AUTHOR#"); len(found) != 0 {
		t.Fatalf("stream items keep the old text: %v", found)
	}
	// The copies were rewritten, not dropped: the edited post is still there.
	if !has(c.home(bob), p.ID) || !has(c.home(eve), pin.ID) {
		t.Fatalf("the edit took the post out of home streams")
	}
}

// The example: moving a hidden (or deleted) post to another space puts nothing
// into the home streams of that space's members.
func TestMovingAHiddenOrDeletedPostCopiesNothingIntoTheNewSpace(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	ann, zed := c.as("ann"), c.as("zed")
	from, to := c.space(admin, "From", spaces.Public), c.space(admin, "To", spaces.Public)
	c.join(ann, from.ID)
	c.join(zed, to.ID)
	const canary = "moved-secret-4c2e"
	hidden := c.post(ann, from.ID, fmt.Sprintf(`{"kind":"discussion","title":"Hidden %s","body":"%s"}`, canary, canary))
	deleted := c.post(ann, from.ID, fmt.Sprintf(`{"kind":"discussion","title":"Deleted %s","body":"%s"}`, canary, canary))
	c.call(admin, "POST", "/api/posts/"+hidden.ID+"/hide", `{"reason":"Breaks the rules."}`, nil)
	c.call(ann, "DELETE", "/api/posts/"+deleted.ID, "", nil)
	for _, p := range []posts.Post{hidden, deleted} {
		if status, body := c.call(admin, "POST", "/api/posts/"+p.ID+"/move", fmt.Sprintf(`{"spaceId":%q}`, to.ID), nil); status != 200 && status != 404 {
			t.Fatalf("move: %d %s", status, body)
		}
	}
	// A late delivery of the moves and of the posts' creation changes nothing either.
	for _, p := range []posts.Post{hidden, deleted} {
		c.deliver(bus.ConsumerFeed, eventtypes.PostModeratedType, &eventtypes.PostModerated{Action: posts.ModerationMoved, PostID: p.ID,
			SpaceID: from.ID, SpaceName: "From", ToSpaceID: to.ID, ToSpaceName: "To", Kind: p.Kind, Title: p.Title, Excerpt: canary,
			AuthorID: "m_ann", AuthorName: "ann", CreatedAt: p.CreatedAt, By: "m_ada"})
		c.deliver(bus.ConsumerFeed, eventtypes.PostCreatedType, &eventtypes.PostCreated{PostID: p.ID, SpaceID: from.ID, SpaceName: "From",
			Kind: p.Kind, Title: p.Title, Excerpt: canary, AuthorID: "m_ann", AuthorName: "ann", CreatedAt: p.CreatedAt})
	}
	c.settledItems()
	if got := c.home(zed); len(got) != 0 {
		t.Fatalf("zed's home stream after the moves: %+v", got)
	}
	if found := c.itemsWith(canary, "FEED#"); len(found) != 0 {
		t.Fatalf("home-stream items of hidden or deleted posts: %v", found)
	}
	// Restoring the moved post then brings it to the new space's members.
	if status, body := c.call(admin, "POST", "/api/posts/"+hidden.ID+"/restore", "", nil); status != 200 {
		t.Fatalf("restore: %d %s", status, body)
	}
	waitFor(t, "the restored post in zed's home stream", func() bool { return has(c.home(zed), hidden.ID) })
}

// The example: a member who leaves a hidden space loses its posts' titles and
// excerpts from their home stream at once (the read), and from the table soon after.
func TestLeavingASpaceTakesItsPostsOutOfTheHomeStream(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	ann, bob := c.as("ann"), c.as("bob")
	board := c.hiddenSpace(admin, "Board", ann, bob)
	open := c.space(admin, "Open", spaces.Public)
	c.join(ann, open.ID)
	const canary = "board-minutes-77aa"
	secret := c.post(bob, board.ID, fmt.Sprintf(`{"kind":"discussion","title":"Minutes %s","body":"%s"}`, canary, canary))
	c.join(bob, open.ID)
	kept := c.post(bob, open.ID, `{"kind":"status","body":"hello all"}`)
	waitFor(t, "both posts in ann's home stream", func() bool {
		h := c.home(ann)
		return has(h, secret.ID) && has(h, kept.ID)
	})

	c.leave(ann, board.ID)
	// The very next read no longer shows it, whatever the feed consumer's delay.
	if h := c.home(ann); has(h, secret.ID) || !has(h, kept.ID) {
		t.Fatalf("ann's home stream right after leaving: %+v", h)
	}
	// At the same cost: the session check (with the member's item) and one query.
	if n := c.tripsOf("m_ann", "/api/stream"); n != 2 {
		t.Fatalf("the home stream costs %d DynamoDB calls, budget 2", n)
	}
	waitFor(t, "the board's entries gone from ann's home-stream items", func() bool {
		return len(c.itemsWith(canary, "FEED#m_ann")) == 0
	})
	// A late fan-out of an older board post does not bring it back either.
	c.deliver(bus.ConsumerFeed, eventtypes.PostCreatedType, &eventtypes.PostCreated{PostID: secret.ID, SpaceID: board.ID,
		SpaceName: "Board", Kind: secret.Kind, Title: secret.Title, AuthorID: "m_bob", AuthorName: "bob", CreatedAt: secret.CreatedAt})
	if found := c.itemsWith(canary, "FEED#m_ann"); len(found) != 0 {
		t.Fatalf("a late fan-out wrote into the home stream of someone who left: %v", found)
	}
	if !has(c.home(bob), secret.ID) {
		t.Fatalf("bob, still in the board, lost its post")
	}
}

// Hiding then restoring, delivered in the wrong order, ends with the post shown; hiding
// delivered late after a restore does not take it out for good.
func TestModerationDeliveredOutOfOrderConvergesOnThePost(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	bob := c.as("bob")
	sp := c.space(admin, "General", spaces.Public)
	c.join(bob, sp.ID)
	p := c.post(admin, sp.ID, `{"kind":"discussion","title":"Back and forth","body":"x"}`)
	waitFor(t, "the post in bob's home stream", func() bool { return has(c.home(bob), p.ID) })
	c.call(admin, "POST", "/api/posts/"+p.ID+"/hide", `{"reason":"Breaks the rules."}`, nil)
	c.call(admin, "POST", "/api/posts/"+p.ID+"/restore", "", nil)
	c.settledItems()
	// The hide's delivery comes again, last.
	c.deliver(bus.ConsumerFeed, eventtypes.PostModeratedType, &eventtypes.PostModerated{Action: posts.ModerationHidden, PostID: p.ID,
		SpaceID: sp.ID, SpaceName: "General", Kind: p.Kind, Title: p.Title, AuthorID: "m_ada", AuthorName: "ada", CreatedAt: p.CreatedAt, By: "m_ada"})
	if !has(c.home(bob), p.ID) {
		t.Fatalf("a late 'hidden' took a restored post out of bob's home stream")
	}
}

// Hiding or deleting an accepted answer: the question is unanswered again (in its list,
// in every stream), and the comment count counts what members can read.
func TestAnAcceptedAnswerHiddenOrDeletedReopensTheQuestion(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	ann, bob := c.as("ann"), c.as("bob")
	sp := c.space(admin, "Help", spaces.Public)
	c.join(ann, sp.ID)
	c.join(bob, sp.ID)
	unanswered := func() []posts.Summary {
		var page posts.Page
		c.call(bob, "GET", "/api/spaces/"+sp.ID+"/unanswered", "", &page)
		return page.Posts
	}
	answered := func(list []posts.Summary, id string) bool {
		for _, s := range list {
			if s.ID == id {
				return s.Answered
			}
		}
		t.Fatalf("%s not in %+v", id, list)
		return false
	}
	for _, how := range []string{"hide", "delete"} {
		q := c.post(ann, sp.ID, fmt.Sprintf(`{"kind":"question","title":"How to %s?","body":"?"}`, how))
		var a1, a2 posts.Comment
		c.call(bob, "POST", "/api/posts/"+q.ID+"/comments", `{"body":"Like this."}`, &a1)
		c.call(bob, "POST", "/api/posts/"+q.ID+"/comments", `{"body":"Or this."}`, &a2)
		if status, body := c.call(ann, "POST", "/api/posts/"+q.ID+"/comments/"+a1.ID+"/accept", "", nil); status != 200 {
			t.Fatalf("accept: %d %s", status, body)
		}
		if has(unanswered(), q.ID) {
			t.Fatalf("an answered question in the unanswered list")
		}
		var stream posts.Page
		c.call(bob, "GET", "/api/spaces/"+sp.ID+"/posts", "", &stream)
		if !answered(stream.Posts, q.ID) {
			t.Fatalf("the space stream does not say the question is answered: %+v", stream.Posts)
		}
		waitFor(t, "the home stream to say it is answered", func() bool { return has(c.home(bob), q.ID) && answered(c.home(bob), q.ID) })

		switch how {
		case "hide":
			if status, body := c.call(admin, "POST", "/api/posts/"+q.ID+"/comments/"+a1.ID+"/hide", `{"reason":"Breaks the rules."}`, nil); status != 204 {
				t.Fatalf("hide: %d %s", status, body)
			}
			// A second click changes nothing more.
			c.call(admin, "POST", "/api/posts/"+q.ID+"/comments/"+a1.ID+"/hide", `{"reason":"Breaks the rules."}`, nil)
		case "delete":
			if status, body := c.call(bob, "DELETE", "/api/posts/"+q.ID+"/comments/"+a1.ID, "", nil); status != 204 {
				t.Fatalf("delete: %d %s", status, body)
			}
		}
		got := posts.Post{}
		c.call(ann, "GET", "/api/posts/"+q.ID, "", &got)
		if got.AcceptedAnswer != "" || got.Comments != 1 {
			t.Fatalf("after the answer was %s: accepted %q, %d comments (want none, 1)", how, got.AcceptedAnswer, got.Comments)
		}
		if !has(unanswered(), q.ID) {
			t.Fatalf("the question is not back in the unanswered list after its answer was %s", how)
		}
		var after posts.Page
		c.call(bob, "GET", "/api/spaces/"+sp.ID+"/posts", "", &after)
		if answered(after.Posts, q.ID) {
			t.Fatalf("the space stream still says answered")
		}
		waitFor(t, "the home stream to say unanswered", func() bool { return !answered(c.home(bob), q.ID) })
		if how == "hide" {
			// Restored: counted again, not accepted again; a hidden answer cannot be accepted.
			c.call(admin, "POST", "/api/posts/"+q.ID+"/comments/"+a1.ID+"/restore", "", nil)
			got = posts.Post{}
			c.call(ann, "GET", "/api/posts/"+q.ID, "", &got)
			if got.Comments != 2 || got.AcceptedAnswer != "" {
				t.Fatalf("after restoring: %d comments, accepted %q", got.Comments, got.AcceptedAnswer)
			}
			c.call(admin, "POST", "/api/posts/"+q.ID+"/comments/"+a2.ID+"/hide", `{"reason":"Breaks the rules."}`, nil)
			if status, _ := c.call(ann, "POST", "/api/posts/"+q.ID+"/comments/"+a2.ID+"/accept", "", nil); status != 404 {
				t.Fatalf("accepting a hidden comment: %d", status)
			}
			// Deleting a hidden comment does not count it out twice.
			c.call(bob, "DELETE", "/api/posts/"+q.ID+"/comments/"+a2.ID, "", nil)
			c.call(admin, "DELETE", "/api/posts/"+q.ID+"/comments/"+a2.ID, "", nil)
			got = posts.Post{}
			c.call(ann, "GET", "/api/posts/"+q.ID, "", &got)
			if got.Comments != 1 {
				t.Fatalf("after deleting a hidden comment: %d comments, want 1", got.Comments)
			}
		}
	}
}

// An idea's status, set by staff, shows in every stream that lists the idea.
func TestAnIdeasStatusReachesEveryStream(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	bob := c.as("bob")
	sp := c.space(admin, "Ideas", spaces.Public)
	c.join(bob, sp.ID)
	idea := c.post(bob, sp.ID, `{"kind":"idea","title":"Dark mode","body":"Please."}`)
	waitFor(t, "the idea in bob's home stream", func() bool { return has(c.home(bob), idea.ID) })
	if status, body := c.call(admin, "POST", "/api/posts/"+idea.ID+"/status", `{"status":"planned"}`, nil); status != 200 {
		t.Fatalf("status: %d %s", status, body)
	}
	statusIn := func(list []posts.Summary) string {
		for _, s := range list {
			if s.ID == idea.ID {
				return s.IdeaStatus
			}
		}
		return "absent"
	}
	var space, mine posts.Page
	c.call(bob, "GET", "/api/spaces/"+sp.ID+"/posts", "", &space)
	c.call(bob, "GET", "/api/members/m_bob/posts", "", &mine)
	if statusIn(space.Posts) != posts.IdeaPlanned || statusIn(mine.Posts) != posts.IdeaPlanned {
		t.Fatalf("space and author streams: %q %q", statusIn(space.Posts), statusIn(mine.Posts))
	}
	waitFor(t, "the status in bob's home stream", func() bool { return statusIn(c.home(bob)) == posts.IdeaPlanned })
}
