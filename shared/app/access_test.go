package app_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"tribune/shared/bus"
	"tribune/shared/eventtypes"
	"tribune/shared/notifications"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
)

// Kind 4 of issue 9: every notification checks its recipient's access when it is
// delivered, from current data, and the inbox shows nothing its reader can no longer see.

// The example: a member who left a hidden space gets no notification (in the app
// or by email) of comments on their old question there, nor its new title.
func TestLeavingAHiddenSpaceEndsItsNotificationsAndEmails(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	ann, bob, carl := c.as("ann"), c.as("bob"), c.as("carl")
	board := c.hiddenSpace(admin, "Board", ann, bob, carl)
	q := c.post(ann, board.ID, `{"kind":"question","title":"Old question","body":"Why?"}`)
	var first posts.Comment
	c.call(bob, "POST", "/api/posts/"+q.ID+"/comments", `{"body":"Because."}`, &first)
	if n := c.inbox(ann, notifications.KindComment); n.PostTitle != "Old question" {
		t.Fatalf("before leaving: %+v", n)
	}
	c.mailTo("ann@example.com", "/posts/"+q.ID)
	mailsBefore := len(c.mailsTo("ann@example.com"))

	c.leave(ann, board.ID)
	const canary = "Renamed-after-she-left-7d1f"
	if status, body := c.call(admin, "PATCH", "/api/posts/"+q.ID, fmt.Sprintf(`{"title":%q,"body":"Why?"}`, canary), nil); status != 200 {
		t.Fatalf("edit: %d %s", status, body)
	}
	c.call(bob, "POST", "/api/posts/"+q.ID+"/comments", `{"body":"Still there?"}`, nil)
	// A reply tells bob (the parent's author) in the same delivery that would tell ann.
	c.call(carl, "POST", "/api/posts/"+q.ID+"/comments", fmt.Sprintf(`{"body":"Yes.","parentId":%q}`, first.ID), nil)
	c.inbox(bob, notifications.KindReply)
	c.settledItems()

	for _, n := range c.notes(ann) {
		if n.Kind == notifications.KindComment || n.Kind == notifications.KindReply || n.PostID != "" || n.PostTitle != "" {
			t.Fatalf("ann's inbox after leaving still names the post: %+v", n)
		}
	}
	// The old comment (and the invitation into the board, if it was delivered before she
	// left: otherwise it was withheld) now say nothing.
	got := kindsOf(withoutRewardNotices(c.notes(ann)))
	if len(got) == 0 || slices.ContainsFunc(got, func(k string) bool { return k != notifications.KindUnavailable }) {
		t.Fatalf("ann's inbox: %v, want only unavailable entries, the old comment among them", got)
	}
	if mails := c.mailsTo("ann@example.com"); len(mails) != mailsBefore {
		t.Fatalf("ann got %d more emails after leaving: %s", len(mails)-mailsBefore, mails[len(mails)-1].Subject)
	}
	if found := c.itemsWith(canary, "INBOX#m_ann"); len(found) != 0 {
		t.Fatalf("the new title reached ann's inbox items: %v", found)
	}
}

// Late deliveries: what changed between the write and the delivery decides.
func TestNotificationsAreCheckedAtDeliveryForEveryPostKind(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	ann, bob, mo := c.as("ann"), c.as("bob"), c.as("mo")
	general := c.space(admin, "General", spaces.Public)
	elsewhere := c.space(admin, "Elsewhere", spaces.Public)
	club := c.space(admin, "Club", spaces.Closed)
	for _, who := range []string{"m_ann", "m_bob", "m_mo"} {
		c.call(admin, "POST", "/api/spaces/"+club.ID+"/invitations", fmt.Sprintf(`{"memberId":%q}`, who), nil)
	}
	c.join(ann, general.ID)
	c.join(bob, general.ID)
	c.join(mo, general.ID)
	c.join(ann, club.ID)
	c.join(bob, club.ID)
	if status, body := c.call(admin, "PUT", "/api/spaces/"+general.ID+"/members/m_mo/role", `{"role":"moderator"}`, nil); status != 200 {
		t.Fatalf("space moderator: %d %s", status, body)
	}

	// A mention of a post hidden since: nothing.
	hidden := c.post(ann, general.ID, `{"kind":"discussion","title":"Hidden later","body":"x"}`)
	c.call(admin, "POST", "/api/posts/"+hidden.ID+"/hide", `{"reason":"Breaks the rules."}`, nil)
	c.deliver(bus.ConsumerNotifications, eventtypes.MemberMentionedType, &eventtypes.MemberMentioned{MemberID: "m_bob", PostID: hidden.ID,
		PostTitle: "Hidden later", AuthorID: "m_ann", AuthorName: "ann"})
	// A reply whose comment was hidden since: nothing.
	p := c.post(ann, general.ID, `{"kind":"discussion","title":"Thread","body":"x"}`)
	var cm posts.Comment
	c.call(bob, "POST", "/api/posts/"+p.ID+"/comments", `{"body":"rude"}`, &cm)
	c.inbox(ann, notifications.KindComment)
	c.call(admin, "POST", "/api/posts/"+p.ID+"/comments/"+cm.ID+"/hide", `{"reason":"Breaks the rules."}`, nil)
	c.deliver(bus.ConsumerNotifications, eventtypes.CommentCreatedType, &eventtypes.CommentCreated{CommentID: cm.ID, PostID: p.ID,
		PostTitle: "Thread", PostAuthorID: "m_ann", AuthorID: "m_bob", AuthorName: "bob"})
	// An idea's status, told to a voter who left the closed space since: nothing.
	idea := c.post(ann, club.ID, `{"kind":"idea","title":"Members-only idea","body":"x"}`)
	c.call(bob, "POST", "/api/posts/"+idea.ID+"/vote", `{}`, nil)
	c.leave(bob, club.ID)
	c.deliver(bus.ConsumerNotifications, eventtypes.IdeaStatusChangedType, &eventtypes.IdeaStatusChanged{PostID: idea.ID,
		PostTitle: "Members-only idea", SpaceID: club.ID, From: "new", To: "planned", ChangedBy: "m_ada"})
	// A report of a post moved since to a space mo does not moderate: not for mo.
	moved := c.post(ann, general.ID, `{"kind":"discussion","title":"Moved later","body":"x"}`)
	c.call(admin, "POST", "/api/posts/"+moved.ID+"/move", fmt.Sprintf(`{"spaceId":%q}`, elsewhere.ID), nil)
	c.deliver(bus.ConsumerNotifications, eventtypes.ContentReportedType, &eventtypes.ContentReported{TargetID: moved.ID, PostID: moved.ID,
		PostTitle: "Moved later", SpaceID: general.ID, SpaceName: "General", ReporterID: "m_bob", Reason: "spam"})
	// An invitation into a hidden space, withdrawn since: nothing (not even its name).
	secret := c.space(admin, "Secret board", spaces.Hidden)
	if err := c.st.Spaces().DeleteMembership(t.Context(), secret.ID, "m_bob", false); err != nil {
		t.Fatal(err)
	}
	c.deliver(bus.ConsumerNotifications, eventtypes.SpaceInvitedType, &eventtypes.SpaceInvited{SpaceID: secret.ID, SpaceName: "Secret board",
		MemberID: "m_bob", InviterID: "m_ada", InviterName: "ada"})
	c.settledItems()

	for who, list := range map[string][]notifications.Notification{"bob": c.notes(bob), "mo": c.notes(mo)} {
		for _, n := range list {
			// Their invitation into the closed club (listed: its name is no secret) stays,
			// and bob is told why his comment was hidden.
			if n.Kind != notifications.KindUnavailable && !(n.Kind == notifications.KindSpaceInvite && n.SpaceID == club.ID) &&
				!(who == "bob" && n.Kind == notifications.KindContentHidden && n.CommentID == cm.ID) {
				t.Errorf("%s was told: %+v", who, n)
			}
		}
	}
	// Ann was told of bob's comment once, when it was written; not again once hidden,
	// and the one she has reads "unavailable" since (round 2, finding 4).
	if n := c.countKind("m_ann", notifications.KindComment); n != 1 {
		t.Errorf("ann has %d comment notifications stored, want 1 (none for the hidden comment)", n)
	}
	for _, n := range c.notes(ann) {
		if n.Kind == notifications.KindComment {
			t.Errorf("ann still reads a notification about a hidden comment: %+v", n)
		}
	}
	for _, addr := range []string{"bob@example.com", "mo@example.com"} {
		for _, m := range c.mailsTo(addr) {
			for _, s := range []string{"Hidden later", "Thread", "Members-only idea", "Moved later", "Secret board"} {
				if strings.Contains(m.Subject+m.Text, s) && !(addr == "bob@example.com" && strings.HasPrefix(m.Subject, "A moderator hid your comment on “Thread”")) {
					t.Errorf("%s got an email naming %q: %s", addr, s, m.Subject)
				}
			}
		}
	}

	// The same deliveries reach those who may still see: the post's author of a reply on
	// a visible comment, and the new space's moderators (staff) of the moved post.
	var ok posts.Comment
	c.call(bob, "POST", "/api/posts/"+p.ID+"/comments", `{"body":"sorry"}`, &ok)
	if n := c.inbox(ann, notifications.KindComment); n.PostTitle != "Thread" || n.ActorName != "bob" {
		t.Fatalf("a visible comment: %+v", n)
	}
}

// Ticket notices: a customer who left the customer space, and someone who is no longer a
// support agent, hear nothing more; their inbox shows the old notices as unavailable.
func TestTicketNoticesFollowWhoMayStillReadTheTicket(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	sam := c.as("sam", policy.RoleSupport)
	cara, gus := c.as("cara"), c.as("gus")
	acme := c.customerSpace(admin, "Acme", "m_cara", "m_gus")
	c.join(cara, acme.ID)
	c.join(gus, acme.ID)
	tk := c.ticket(cara, acme.ID, `{"subject":"Printer on fire","product":"General","severity":"high","body":"Help"}`)
	if n := c.inbox(cara, notifications.KindTicketAck); n.PostTitle != "Printer on fire" {
		t.Fatalf("acknowledgement: %+v", n)
	}
	c.inbox(sam, notifications.KindTicketOpened)
	caraMails := len(c.mailsTo("cara@example.com"))

	c.leave(cara, acme.ID)
	if status, body := c.call(sam, "POST", "/api/tickets/"+tk.ID+"/replies", `{"body":"On it."}`, nil); status != 200 && status != 201 {
		t.Fatalf("reply: %d %s", status, body)
	}
	// Sam stops being an agent; gus opens a ticket: ada (admin) is told, sam is not.
	if status, body := c.call(admin, "PUT", "/api/members/m_sam/roles", `{"roles":["member"]}`, nil); status != 200 {
		t.Fatalf("roles: %d %s", status, body)
	}
	second := c.ticket(gus, acme.ID, `{"subject":"Second fire","product":"General","severity":"low","body":"Again"}`)
	waitFor(t, "ada told of the second ticket", func() bool {
		for _, n := range c.notes(admin) {
			if n.TicketID == second.ID {
				return true
			}
		}
		return false
	})
	c.settledItems()

	for _, n := range c.notes(cara) {
		if n.Kind == notifications.KindSpaceInvite && n.SpaceID == acme.ID {
			continue // the invitation into the (listed) customer space
		}
		if n.Kind != notifications.KindUnavailable || n.TicketID != "" || n.PostTitle != "" {
			t.Fatalf("cara's inbox after leaving: %+v", n)
		}
	}
	if got := len(c.mailsTo("cara@example.com")); got != caraMails {
		t.Fatalf("cara got %d emails after leaving", got-caraMails)
	}
	for _, n := range c.notes(sam) {
		if n.Kind != notifications.KindUnavailable {
			t.Fatalf("sam, no longer an agent, reads: %+v", n)
		}
	}
	for _, m := range c.mailsTo("sam@example.com") {
		if strings.Contains(m.Subject, "Second fire") {
			t.Fatalf("sam was emailed about a ticket after losing the role: %s", m.Subject)
		}
	}
}
