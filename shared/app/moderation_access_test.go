package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"tribune/shared/audit"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
	"tribune/shared/tickets"
)

// auditAs reads the first page of the moderation log as a reader, with its raw body.
func (c *community) auditAs(who *http.Client) (audit.Page, string) {
	c.t.Helper()
	var page audit.Page
	status, raw := c.call(who, "GET", "/api/moderation/audit", "", &page)
	if status != 200 {
		c.t.Fatalf("the moderation log: %d %s", status, raw)
	}
	return page, raw
}

// entryOf returns the log's entry of an action about a target, if shown in full.
func entryOf(page audit.Page, action, targetID string) (audit.Entry, bool) {
	for _, e := range page.Entries {
		if e.Action == action && e.TargetID == targetID && !e.Redacted {
			return e, true
		}
	}
	return audit.Entry{}, false
}

// The tester's example: a community moderator read, in the moderation log, the full
// entries about a customer space's post they may not read (its id, its author, the
// reason, and for a move "Town Square → Cust admin closed." naming the customer), while
// marketers and support got the same entries redacted; and every staff role read the
// ids of closed and hidden customer spaces in space.settings entries. An entry is
// shown in full only to a reader who may read and moderate, now, everything it names.
func TestModerationLogShowsOnlyWhatTheReaderMayReadAndModerate(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	mod, marketer, support := c.as("moe", policy.RoleModerator), c.as("mia", policy.RoleMarketer), c.as("sue", policy.RoleSupport)
	cara, ann := c.as("cara"), c.as("ann")
	town := c.space(admin, "Town Square", spaces.Public)
	c.join(ann, town.ID)
	cust := c.customerSpace(admin, "Cust admin closed", "m_cara")
	c.join(cara, cust.ID)
	hiddenCust := c.customerSpace(admin, "Cust hidden")
	csPost := c.post(cara, cust.ID, `{"kind":"discussion","title":"Our rollout","body":"Internal to the customer."}`)
	public := c.post(ann, town.ID, `{"kind":"discussion","title":"Hello town","body":"Hi all."}`)
	townLock := c.post(ann, town.ID, `{"kind":"discussion","title":"Heated","body":"Calm down."}`)
	board := c.space(admin, "Board", spaces.Hidden)

	for _, step := range [][2]string{
		{"/api/posts/" + csPost.ID + "/lock", `{"reason":"CUST-LOCK-REASON"}`},
		{"/api/posts/" + csPost.ID + "/hide", `{"reason":"CUST-HIDE-REASON"}`},
		{"/api/posts/" + csPost.ID + "/restore", `{}`},
		{"/api/posts/" + public.ID + "/move", fmt.Sprintf(`{"spaceId":%q}`, cust.ID)},
	} {
		if status, body := c.call(admin, "POST", step[0], step[1], nil); status != 200 {
			t.Fatalf("admin %s: %d %s", step[0], status, body)
		}
	}
	for _, change := range []struct{ space, body string }{
		{hiddenCust.ID, `{"visibility":"hidden","kind":"customer"}`},
		{board.ID, `{"visibility":"closed","kind":"general"}`},
	} {
		if status, body := c.call(admin, "PUT", "/api/spaces/"+change.space+"/settings", change.body, nil); status != 200 {
			t.Fatalf("settings: %d %s", status, body)
		}
	}
	if status, body := c.call(mod, "POST", "/api/posts/"+townLock.ID+"/lock", `{"reason":"TOWN-LOCK-REASON"}`, nil); status != 200 {
		t.Fatalf("the moderator locks a town thread: %d %s", status, body)
	}
	// The moderator may not read the customer's post.
	if status, _ := c.call(mod, "GET", "/api/posts/"+csPost.ID, "", nil); status != 403 && status != 404 {
		t.Fatalf("a community moderator reads a customer's post: %d", status)
	}

	// What names the customer's content or space never reaches who may not read and
	// moderate it: ids, the author, reasons, the space's name.
	secrets := []string{csPost.ID, public.ID, cust.ID, hiddenCust.ID, "m_cara", "CUST-LOCK-REASON", "CUST-HIDE-REASON", "Cust admin closed", "Cust hidden"}
	for _, reader := range []struct {
		name string
		who  *http.Client
		// What they see in full: the town lock (they moderate the town), the hidden
		// community space's settings (they run it), the customer space's settings.
		townLock, board, customerSettings bool
	}{
		{"moderator", mod, true, true, false},
		{"marketer", marketer, false, false, false},
		{"support", support, false, false, true},
	} {
		page, raw := c.auditAs(reader.who)
		leaked := secrets
		if reader.customerSettings {
			leaked = []string{csPost.ID, public.ID, cust.ID, "m_cara", "CUST-LOCK-REASON", "CUST-HIDE-REASON", "Cust admin closed"}
		}
		for _, s := range leaked {
			if strings.Contains(raw, s) {
				t.Fatalf("the %s's log names %q: %s", reader.name, s, raw)
			}
		}
		if len(page.Entries) != 7 {
			t.Fatalf("the %s's log has %d entries, want 7 (redacted or not): %s", reader.name, len(page.Entries), raw)
		}
		redacted := 0
		for _, e := range page.Entries {
			if e.Redacted {
				redacted++
				if e.TargetID != "" || e.PostID != "" || e.SubjectID != "" || e.Reason != "" || e.Action == "" || e.At.IsZero() {
					t.Fatalf("a redacted entry keeps too much or too little: %+v", e)
				}
			}
		}
		_, sawLock := entryOf(page, "post.lock", townLock.ID)
		_, sawBoard := entryOf(page, "space.settings", board.ID)
		_, sawCust := entryOf(page, "space.settings", hiddenCust.ID)
		if sawLock != reader.townLock || sawBoard != reader.board || sawCust != reader.customerSettings {
			t.Fatalf("the %s's log: town lock %v, board %v, customer settings %v: %s", reader.name, sawLock, sawBoard, sawCust, raw)
		}
		want := 7
		for _, full := range []bool{reader.townLock, reader.board, reader.customerSettings} {
			if full {
				want--
			}
		}
		if redacted != want {
			t.Fatalf("the %s's log redacts %d entries, want %d: %s", reader.name, redacted, want, raw)
		}
	}

	// The admin reads and moderates everything: every entry in full, the move's reason
	// naming both spaces.
	page, _ := c.auditAs(admin)
	for _, e := range page.Entries {
		if e.Redacted {
			t.Fatalf("the admin's log redacts %+v", e)
		}
	}
	if move, ok := entryOf(page, "post.move", public.ID); !ok || move.Reason != "Town Square → Cust admin closed." {
		t.Fatalf("the admin's move entry: %+v", move)
	}
	if lock, ok := entryOf(page, "post.lock", csPost.ID); !ok || lock.Reason != "CUST-LOCK-REASON" || lock.SubjectID != "m_cara" {
		t.Fatalf("the admin's lock entry: %+v", lock)
	}

	// A staff member made moderator of the customer space reads the entries about its
	// posts (they may read and moderate them), not the move's (it names Town Square,
	// which they do not moderate), nor the settings of a space they do not run.
	caraStaff := c.as("carla", policy.RoleMarketer)
	c.call(admin, "POST", "/api/spaces/"+cust.ID+"/invitations", `{"memberId":"m_carla"}`, nil)
	c.join(caraStaff, cust.ID)
	c.call(admin, "PUT", "/api/spaces/"+cust.ID+"/members/m_carla/role", `{"role":"moderator"}`, nil)
	page, raw := c.auditAs(caraStaff)
	if _, ok := entryOf(page, "post.lock", csPost.ID); !ok {
		t.Fatalf("a space moderator does not read the lock of a post they moderate: %s", raw)
	}
	if _, ok := entryOf(page, "post.move", public.ID); ok || strings.Contains(raw, "Town Square") {
		t.Fatalf("a space moderator of one end reads the move: %s", raw)
	}
	// Losing the right redacts at once.
	c.leave(caraStaff, cust.ID)
	if page, raw = c.auditAs(caraStaff); strings.Contains(raw, csPost.ID) || strings.Contains(raw, "CUST-LOCK-REASON") {
		t.Fatalf("after leaving, the log still names the customer's post: %s", raw)
	}
}

// The tester's example: a customer who is a space moderator (not a support agent) moved
// a colleague's post out of the customer space into a public project group they own,
// and a visitor could read it. Content leaves a customer space only by staff who are
// support agents; no move shows a post to people who could not read it unless staff
// decide it.
func TestMovesNeverWidenWhoReadsAPostWithoutStaff(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	mod := c.as("moe", policy.RoleModerator)
	alice, bob := c.as("alice"), c.as("bob")
	cust := c.customerSpace(admin, "Acme", "m_alice", "m_bob")
	c.join(alice, cust.ID)
	c.join(bob, cust.ID)
	if status, body := c.call(admin, "PUT", "/api/spaces/"+cust.ID+"/members/m_alice/role", `{"role":"moderator"}`, nil); status != 200 {
		t.Fatalf("alice made a space moderator: %d %s", status, body)
	}
	if status, body := c.call(admin, "PUT", "/api/community/spaces", `{"membersCreateGroups":true}`, nil); status != 200 {
		t.Fatalf("members create groups: %d %s", status, body)
	}
	group := func(name, visibility string) spaces.Space {
		var sp spaces.Space
		if status, body := c.call(alice, "POST", "/api/spaces", fmt.Sprintf(`{"name":%q,"visibility":%q,"kind":"project"}`, name, visibility), &sp); status != 201 {
			t.Fatalf("alice creates %s: %d %s", name, status, body)
		}
		return sp
	}
	open, inner := group("Open group", spaces.Public), group("Inner group", spaces.Closed)
	c.join(bob, open.ID)
	bobPost := c.post(bob, cust.ID, `{"kind":"discussion","title":"Our contract","body":"Acme-only terms."}`)
	innerPost := c.post(alice, inner.ID, `{"kind":"discussion","title":"Inner plans","body":"Only for the inner group."}`)
	openPost := c.post(bob, open.ID, `{"kind":"discussion","title":"Open idea","body":"For all."}`)
	hiddenPost := c.post(bob, open.ID, `{"kind":"discussion","title":"Rude","body":"Hidden by alice."}`)
	if status, _ := c.call(alice, "POST", "/api/posts/"+hiddenPost.ID+"/hide", `{"reason":"Breaks the rules."}`, nil); status != 200 {
		t.Fatalf("alice hides a post of her group: %d", status)
	}
	visitor := c.visitor()

	before := c.settledItems()
	for _, move := range []struct {
		what, post, to string
	}{
		{"a customer's post into a public group", bobPost.ID, open.ID},
		{"a customer's post into a closed group", bobPost.ID, inner.ID},
		{"a closed group's post into a public group", innerPost.ID, open.ID},
		{"a hidden post into a closed group", hiddenPost.ID, inner.ID},
	} {
		status, body := c.call(alice, "POST", "/api/posts/"+move.post+"/move", fmt.Sprintf(`{"spaceId":%q}`, move.to), nil)
		if status != 403 || problemOf(body) != "move_widens_readers" {
			t.Fatalf("a space moderator moves %s: %d %s", move.what, status, body)
		}
	}
	if status, _ := c.call(visitor, "GET", "/api/posts/"+bobPost.ID, "", nil); status != 404 {
		t.Fatalf("a visitor reads the customer's post: %d", status)
	}
	if after := c.settledItems(); after != before || c.auditEntries("post.move", "") != 0 {
		t.Fatalf("refused moves wrote %d items, %d move entries", after-before, c.auditEntries("post.move", ""))
	}

	// A post everyone reads may go where fewer read it: any moderator of both spaces.
	if status, body := c.call(alice, "POST", "/api/posts/"+openPost.ID+"/move", fmt.Sprintf(`{"spaceId":%q}`, inner.ID), nil); status != 200 {
		t.Fatalf("alice moves a public post into her closed group: %d %s", status, body)
	}
	// Staff decide the rest: a community moderator out of a closed community space, the
	// admin (staff and support agent) out of the customer space.
	if status, body := c.call(mod, "POST", "/api/posts/"+innerPost.ID+"/move", fmt.Sprintf(`{"spaceId":%q}`, open.ID), nil); status != 200 {
		t.Fatalf("a community moderator moves out of a closed group: %d %s", status, body)
	}
	if status, body := c.call(mod, "POST", "/api/posts/"+bobPost.ID+"/move", fmt.Sprintf(`{"spaceId":%q}`, open.ID), nil); status != 404 {
		t.Fatalf("a community moderator moves a customer's post: %d %s", status, body)
	}
	if status, body := c.call(admin, "POST", "/api/posts/"+bobPost.ID+"/move", fmt.Sprintf(`{"spaceId":%q}`, open.ID), nil); status != 200 {
		t.Fatalf("the admin moves a customer's post: %d %s", status, body)
	}

	// Inside the customer space, its space moderator keeps order (lock, hide, delete a
	// colleague's post) but admits nobody and changes no roles.
	other := c.post(bob, cust.ID, `{"kind":"discussion","title":"Second","body":"x"}`)
	for _, action := range []string{"lock", "hide", "restore", "unlock"} {
		if status, body := c.call(alice, "POST", "/api/posts/"+other.ID+"/"+action, `{"reason":"Breaks the rules."}`, nil); status != 200 {
			t.Fatalf("the customer's space moderator %s: %d %s", action, status, body)
		}
	}
	if status, _ := c.call(alice, "DELETE", "/api/posts/"+other.ID, "", nil); status != 204 {
		t.Fatalf("the customer's space moderator deletes a colleague's post: %d", status)
	}
	if status, body := c.call(alice, "PUT", "/api/spaces/"+cust.ID+"/members/m_bob/role", `{"role":"moderator"}`, nil); status != 403 {
		t.Fatalf("the customer's space moderator changes a role: %d %s", status, body)
	}
	if status, body := c.call(alice, "POST", "/api/spaces/"+cust.ID+"/invitations", `{"memberId":"m_moe"}`, nil); status != 403 {
		t.Fatalf("the customer's space moderator invites: %d %s", status, body)
	}
}

// The tester's example: any signed-in member read a closed customer space's name and
// member count by its id, though the directory hides it because the name says who the
// customer is. A customer space, closed or hidden, does not exist for anyone but its
// members, the invited, those who asked before, and support agents, on every route that
// names it.
func TestCustomerSpacesAreUnknownToOutsiders(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	sam := c.as("sam", policy.RoleSupport)
	mod, marketer := c.as("moe", policy.RoleModerator), c.as("mia", policy.RoleMarketer)
	cara, otto, petra := c.as("cara"), c.as("otto"), c.as("petra")
	cust := c.customerSpace(sam, "Globex Secret Account", "m_cara")
	c.join(cara, cust.ID)
	p := c.post(cara, cust.ID, `{"kind":"question","title":"Our renewal","body":"Due in May."}`)
	tk := c.ticket(cara, cust.ID, `{"subject":"Invoices","product":"General","severity":"low","body":"Wrong."}`)

	outsiders := map[string]*http.Client{"a member": otto, "a community moderator": mod, "a marketer": marketer}
	calls := [][2]string{
		{"GET", "/api/spaces/" + cust.ID}, {"GET", "/api/spaces/" + cust.ID + "/posts"}, {"GET", "/api/spaces/" + cust.ID + "/unanswered"},
		{"GET", "/api/spaces/" + cust.ID + "/ideas"}, {"GET", "/api/spaces/" + cust.ID + "/members"}, {"GET", "/api/spaces/" + cust.ID + "/requests"},
		{"GET", "/api/spaces/" + cust.ID + "/tickets"}, {"POST", "/api/spaces/" + cust.ID + "/join"}, {"POST", "/api/spaces/" + cust.ID + "/leave"},
		{"GET", "/api/posts/" + p.ID}, {"GET", "/api/posts/" + p.ID + "/comments"}, {"GET", "/api/tickets/" + tk.ID},
	}
	before := c.settledItems()
	for name, who := range outsiders {
		for _, call := range calls {
			status, body := c.call(who, call[0], call[1], "", nil)
			if status != 404 || strings.Contains(body, "Globex") {
				t.Fatalf("%s: %s %s answers %d %s, want 404", name, call[0], call[1], status, body)
			}
		}
		if status, body := c.call(who, "POST", "/api/spaces/"+cust.ID+"/posts", `{"kind":"status","body":"hi"}`, nil); status != 404 {
			t.Fatalf("%s posts in a customer space: %d %s", name, status, body)
		}
	}
	if after := c.settledItems(); after != before {
		t.Fatalf("outsiders wrote %d items", after-before)
	}
	var mine spaces.MembershipList
	if c.call(otto, "GET", "/api/spaces/mine", "", &mine); len(mine.Memberships) != 0 {
		t.Fatalf("otto's spaces: %+v", mine.Memberships)
	}

	// Those it concerns still find it: its members, support agents, the invited, and a
	// request filed before (the migration of kind 1 made some), which its author may
	// withdraw.
	for name, who := range map[string]*http.Client{"a member": cara, "an agent": sam} {
		var view spaces.SpaceView
		if status, _ := c.call(who, "GET", "/api/spaces/"+cust.ID, "", &view); status != 200 || view.Space.Name != "Globex Secret Account" {
			t.Fatalf("%s reads the space: %d %+v", name, status, view)
		}
	}
	c.call(sam, "POST", "/api/spaces/"+cust.ID+"/invitations", `{"memberId":"m_otto"}`, nil)
	if status, _ := c.call(otto, "GET", "/api/spaces/"+cust.ID, "", nil); status != 200 {
		t.Fatalf("the invited reads the space's name: %d", status)
	}
	request := spaces.Membership{SpaceID: cust.ID, MemberID: "m_petra", Role: spaces.RoleMember, Status: spaces.StatusPending,
		JoinedAt: time.Now().UTC(), MemberName: "petra", SpaceName: cust.Name, SpaceVisibility: cust.Visibility}
	if err := c.st.Spaces().RequestToJoin(context.Background(), request); err != nil {
		t.Fatal(err)
	}
	var view spaces.SpaceView
	if status, _ := c.call(petra, "GET", "/api/spaces/"+cust.ID, "", &view); status != 200 || view.Membership == nil || view.Membership.Status != spaces.StatusPending {
		t.Fatalf("a request filed before: %d %+v", status, view)
	}
	for _, path := range []string{"/api/spaces/" + cust.ID + "/posts", "/api/posts/" + p.ID} {
		if status, _ := c.call(petra, "GET", path, "", nil); status != 403 {
			t.Fatalf("a requester reads %s: %d", path, status)
		}
	}
	if status, _ := c.call(petra, "POST", "/api/spaces/"+cust.ID+"/leave", "", nil); status != 204 {
		t.Fatalf("a requester withdraws: %d", status)
	}
	if status, _ := c.call(petra, "GET", "/api/spaces/"+cust.ID, "", nil); status != 404 {
		t.Fatalf("after withdrawing: %d", status)
	}
}

// The tester's example: after a post was deleted, an admin or a moderator could still
// comment on it (201), move, lock, hide it and change an idea's status (200), each
// written to the moderation log; restore answered 200 and restored nothing. A deleted
// post is gone for every action: 404, nothing written. Moderators still read the shell
// and its history.
func TestDeletedPostsTakeNoAction(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	mod := c.as("moe", policy.RoleModerator)
	sam := c.as("sam", policy.RoleSupport)
	ann, bob := c.as("ann"), c.as("bob")
	sp, other := c.space(admin, "General", spaces.Public), c.space(admin, "Other", spaces.Public)
	c.join(ann, sp.ID)
	c.join(bob, sp.ID)
	acme := c.customerSpace(admin, "Acme", "m_ann")
	c.join(ann, acme.ID)
	idea := c.post(ann, sp.ID, `{"kind":"idea","title":"Dark mode","body":"Please."}`)
	question := c.post(ann, sp.ID, `{"kind":"question","title":"How?","body":"Tell me."}`)
	hidden := c.post(ann, sp.ID, `{"kind":"discussion","title":"Hidden then deleted","body":"x"}`)
	var answer posts.Comment
	if status, body := c.call(bob, "POST", "/api/posts/"+question.ID+"/comments", `{"body":"Like this."}`, &answer); status != 201 {
		t.Fatalf("comment: %d %s", status, body)
	}
	c.call(mod, "POST", "/api/posts/"+hidden.ID+"/hide", `{"reason":"Breaks the rules."}`, nil)
	for _, p := range []posts.Post{idea, question} {
		if status, _ := c.call(ann, "DELETE", "/api/posts/"+p.ID, "", nil); status != 204 {
			t.Fatalf("delete: %d", status)
		}
	}
	if status, _ := c.call(mod, "DELETE", "/api/posts/"+hidden.ID, "", nil); status != 204 {
		t.Fatalf("delete a hidden post: %d", status)
	}
	entriesBefore := len(c.scanItems("AUDIT"))
	before := c.settledItems()

	type call struct{ method, path, body string }
	var calls []call
	for _, id := range []string{idea.ID, question.ID, hidden.ID} {
		calls = append(calls,
			call{"POST", "/api/posts/" + id + "/comments", `{"body":"Still here?"}`},
			call{"PATCH", "/api/posts/" + id, `{"title":"Back","body":"Brought back by an edit."}`},
			call{"POST", "/api/posts/" + id + "/move", fmt.Sprintf(`{"spaceId":%q}`, other.ID)},
			call{"POST", "/api/posts/" + id + "/lock", `{}`},
			call{"POST", "/api/posts/" + id + "/unlock", `{}`},
			call{"POST", "/api/posts/" + id + "/hide", `{"reason":"Breaks the rules."}`},
			call{"POST", "/api/posts/" + id + "/restore", `{}`},
			call{"POST", "/api/posts/" + id + "/status", `{"status":"planned"}`},
			call{"POST", "/api/posts/" + id + "/vote", `{}`},
			call{"PUT", "/api/posts/" + id + "/reactions/like", ""},
			call{"DELETE", "/api/posts/" + id + "/reactions/like", ""},
			call{"POST", "/api/posts/" + id + "/report", `{"reason":"spam"}`},
		)
	}
	onAnswer := "/api/posts/" + question.ID + "/comments/" + answer.ID
	calls = append(calls,
		call{"POST", onAnswer + "/accept", ""}, call{"PATCH", onAnswer, `{"body":"Edited."}`}, call{"POST", onAnswer + "/hide", `{"reason":"Breaks the rules."}`},
		call{"POST", onAnswer + "/restore", `{}`}, call{"PUT", onAnswer + "/reactions/like", ""}, call{"DELETE", onAnswer, ""},
		call{"POST", "/api/posts/" + question.ID + "/comments", fmt.Sprintf(`{"body":"A reply","parentId":%q}`, answer.ID)},
	)
	for name, who := range map[string]*http.Client{"the admin": admin, "a moderator": mod} {
		for _, cl := range calls {
			if status, body := c.call(who, cl.method, cl.path, cl.body, nil); status != 404 {
				t.Fatalf("%s: %s %s on a deleted post: %d %s, want 404", name, cl.method, cl.path, status, body)
			}
		}
	}
	for name, who := range map[string]*http.Client{"the admin": admin, "an agent": sam} {
		body := fmt.Sprintf(`{"spaceId":%q,"product":"General","severity":"low"}`, acme.ID)
		if status, raw := c.call(who, "POST", "/api/posts/"+question.ID+"/ticket", body, nil); status != 404 {
			t.Fatalf("%s turns a deleted question into a ticket: %d %s", name, status, raw)
		}
	}
	// Deleting again changes nothing and answers as the first time did.
	if status, _ := c.call(admin, "DELETE", "/api/posts/"+idea.ID, "", nil); status != 204 {
		t.Fatalf("a repeated delete: %d", status)
	}
	if after := c.settledItems(); after != before {
		t.Fatalf("actions on deleted posts wrote %d items", after-before)
	}
	if n := len(c.scanItems("AUDIT")) - entriesBefore; n != 0 {
		t.Fatalf("%d moderation log entries about deleted posts", n)
	}
	// A warning may still name a deleted post: moderators read it.
	if status, body := c.call(mod, "POST", "/api/moderation/warnings", fmt.Sprintf(`{"memberId":"m_ann","postId":%q,"message":"About this."}`, idea.ID), nil); status != 204 {
		t.Fatalf("a warning about a deleted post: %d %s", status, body)
	}
	// Moderators still read the shell and its history; the restored post stayed deleted.
	for _, p := range []posts.Post{idea, question, hidden} {
		var got posts.Post
		if status, _ := c.call(admin, "GET", "/api/posts/"+p.ID, "", &got); status != 200 || !got.Deleted || got.Body != "" || got.SpaceID != sp.ID || got.Locked {
			t.Fatalf("the deleted post as the admin: %d %+v", status, got)
		}
		if status, _ := c.call(mod, "GET", "/api/posts/"+p.ID+"/history", "", nil); status != 200 {
			t.Fatalf("history: %d", status)
		}
	}
	if status, _ := c.call(bob, "GET", "/api/posts/"+idea.ID, "", nil); status != 404 {
		t.Fatalf("a member reads a deleted post: %d", status)
	}
}

// The tester's example: a requester who left the customer space still saw ticketId and
// ticketNumber on their question, though the ticket answers 404. The link is shown only
// to the question's author and support agents while they may read the ticket, on every
// answer that carries the question (accepting an answer returned it to moderators too).
func TestTicketLinkShowsOnlyToWhoMayReadTheTicket(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	sam, mod := c.as("sam", policy.RoleSupport), c.as("moe", policy.RoleModerator)
	cara, bob := c.as("cara"), c.as("bob")
	acme := c.customerSpace(admin, "Acme", "m_cara")
	c.join(cara, acme.ID)
	general := c.space(admin, "General", spaces.Public)
	c.join(cara, general.ID)
	c.join(bob, general.ID)
	q := c.post(cara, general.ID, `{"kind":"question","title":"Export fails","body":"It stops."}`)
	var tk tickets.Ticket
	if status, raw := c.call(sam, "POST", "/api/posts/"+q.ID+"/ticket", fmt.Sprintf(`{"spaceId":%q,"product":"General","severity":"low"}`, acme.ID), &tk); status != 201 {
		t.Fatalf("ticket from the question: %d %s", status, raw)
	}
	link := func(who *http.Client) string {
		var p posts.Post
		if status, raw := c.call(who, "GET", "/api/posts/"+q.ID, "", &p); status != 200 {
			t.Fatalf("read the question: %d %s", status, raw)
		}
		if (p.TicketID == "") != (p.TicketNumber == 0) {
			t.Fatalf("half a link: %+v", p)
		}
		return p.TicketID
	}
	if link(cara) != tk.ID || link(sam) != tk.ID {
		t.Fatalf("the asker and the agent see the link")
	}
	if link(bob) != "" || link(mod) != "" {
		t.Fatalf("others see the link")
	}
	// A moderator accepting an answer is answered the question without the link.
	var answer posts.Comment
	c.call(bob, "POST", "/api/posts/"+q.ID+"/comments", `{"body":"Try this."}`, &answer)
	var accepted posts.Post
	if status, raw := c.call(mod, "POST", "/api/posts/"+q.ID+"/comments/"+answer.ID+"/accept", "", &accepted); status != 200 ||
		accepted.AcceptedAnswer != answer.ID || strings.Contains(raw, tk.ID) {
		t.Fatalf("a moderator accepts: %d %s", status, raw)
	}
	// The asker leaves the customer space: the ticket is gone for them, and so is its link.
	c.leave(cara, acme.ID)
	if status, _ := c.call(cara, "GET", "/api/tickets/"+tk.ID, "", nil); status != 404 {
		t.Fatalf("the ticket after leaving: %d", status)
	}
	var p posts.Post
	if status, raw := c.call(cara, "GET", "/api/posts/"+q.ID, "", &p); status != 200 || p.TicketID != "" || p.TicketNumber != 0 ||
		strings.Contains(raw, tk.ID) || strings.Contains(raw, "ticketNumber") {
		t.Fatalf("the question after leaving: %d %s", status, raw)
	}
	if link(sam) != tk.ID {
		t.Fatalf("the agent lost the link")
	}
}
