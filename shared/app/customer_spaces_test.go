package app_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"tribune/shared/app"
	"tribune/shared/audit"
	"tribune/shared/eventtypes"
	"tribune/shared/notifications"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
	"tribune/shared/store"
)

// The example: an admin made a customer space public and anyone could join it
// and read every ticket. A customer space is never public, never joined without an
// approval, never listed; visitors never see it; only support agents admit people.
func TestCustomerSpacesArePrivateByConstruction(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	sam, sue := c.as("sam", policy.RoleSupport), c.as("sue", policy.RoleSupport)
	mod, marketer := c.as("moe", policy.RoleModerator), c.as("mia", policy.RoleMarketer)
	cara, carl, otto := c.as("cara"), c.as("carl"), c.as("otto")

	// Public is refused on creation, whoever asks, and nothing is written.
	before := c.settledItems()
	for _, body := range []string{`{"name":"Acme","visibility":"public","kind":"customer"}`, `{"name":"Acme","visibility":"open","kind":"customer"}`} {
		status, raw := c.call(admin, "POST", "/api/spaces", body, nil)
		if status != 400 || (strings.Contains(body, `"public"`) && problemOf(raw) != "customer_space_private") {
			t.Fatalf("%s: %d %s", body, status, raw)
		}
	}
	// Only support agents create customer spaces (their creator admits its members).
	if status, _ := c.call(mod, "POST", "/api/spaces", `{"name":"Acme","visibility":"closed","kind":"customer"}`, nil); status != 403 {
		t.Fatalf("a community moderator creates a customer space: %d", status)
	}
	if status, _ := c.call(marketer, "POST", "/api/spaces", `{"name":"Acme","visibility":"hidden","kind":"customer"}`, nil); status != 403 {
		t.Fatalf("a marketer creates a customer space: %d", status)
	}
	if after := c.settledItems(); after != before {
		t.Fatalf("refused creations wrote %d items", after-before)
	}

	acme := c.customerSpace(sam, "Acme", "m_cara")
	c.join(cara, acme.ID)
	general := c.space(admin, "General", spaces.Closed)
	tk := c.ticket(cara, acme.ID, `{"subject":"Invoices","product":"General","severity":"low","body":"Our invoices are wrong."}`)
	post := c.post(cara, acme.ID, `{"kind":"discussion","title":"Our rollout plan","body":"Acme-internal plan."}`)

	// Never listed, for members and visitors alike, in every access mode.
	visitor := c.visitor()
	for _, mode := range []string{`{"accessMode":"open"}`, `{"accessMode":"hybrid","hybridRegistration":"invite"}`} {
		if status, _ := c.call(admin, "PUT", "/api/community/access", mode, nil); status != 200 {
			t.Fatalf("mode %s: %d", mode, status)
		}
		for _, who := range []struct {
			name string
			dir  spaces.Directory
		}{{name: "otto"}, {name: "visitor"}} {
			client := otto
			if who.name == "visitor" {
				client = visitor
			}
			c.call(client, "GET", "/api/spaces", "", &who.dir)
			if len(who.dir.Spaces) != 1 || who.dir.Spaces[0].ID != general.ID {
				t.Fatalf("the directory as %s: %+v", who.name, who.dir.Spaces)
			}
		}
		// A visitor does not learn the space exists, nor reads anything of it.
		for _, path := range []string{"/api/spaces/" + acme.ID, "/api/spaces/" + acme.ID + "/posts", "/api/posts/" + post.ID,
			"/api/posts/" + post.ID + "/comments"} {
			if status, _ := c.call(visitor, "GET", path, "", nil); status != 404 {
				t.Fatalf("a visitor reads %s: %d, want 404", path, status)
			}
		}
		if status, _ := c.call(visitor, "GET", "/api/tickets/"+tk.ID, "", nil); status != 401 {
			t.Fatalf("a visitor reads a ticket: %d", status)
		}
	}

	// A member outside does not learn it exists either (round 2: its name says who the
	// customer is); support invites whoever needs to be in.
	var view spaces.SpaceView
	for _, call := range [][2]string{{"GET", "/api/spaces/" + acme.ID}, {"POST", "/api/spaces/" + acme.ID + "/join"},
		{"GET", "/api/spaces/" + acme.ID + "/posts"}, {"GET", "/api/posts/" + post.ID}} {
		if status, _ := c.call(otto, call[0], call[1], "", nil); status != 404 {
			t.Fatalf("an outsider: %s %s answers %d, want 404", call[0], call[1], status)
		}
	}
	if status, _ := c.call(otto, "GET", "/api/tickets/"+tk.ID, "", nil); status != 404 {
		t.Fatalf("an outsider reads a ticket: %d", status)
	}

	// A community moderator role alone reads no customer's data: posts, members, the
	// moderation queue; nor does the support role (agents work tickets, not posts).
	if status, body := c.call(sam, "POST", "/api/spaces/"+acme.ID+"/invitations", `{"memberId":"m_carl"}`, nil); status != 200 {
		t.Fatalf("support invites carl: %d %s", status, body)
	}
	c.join(carl, acme.ID)
	if status, body := c.call(carl, "POST", "/api/posts/"+post.ID+"/report", `{"reason":"spam"}`, nil); status != 200 {
		t.Fatalf("report: %d %s", status, body)
	}
	for _, path := range []string{"/api/spaces/" + acme.ID + "/posts", "/api/posts/" + post.ID, "/api/spaces/" + acme.ID + "/members"} {
		if status, _ := c.call(mod, "GET", path, "", nil); status != 404 {
			t.Fatalf("a community moderator reads %s: %d", path, status)
		}
	}
	if status, _ := c.call(mod, "POST", "/api/posts/"+post.ID+"/hide", `{"reason":"Breaks the rules."}`, nil); status != 404 {
		t.Fatalf("a community moderator hides a customer's post: %d", status)
	}
	var queue posts.Queue
	if c.call(mod, "GET", "/api/moderation/queue", "", &queue); len(queue.Items) != 0 {
		t.Fatalf("a customer's reported post in a community moderator's queue: %+v", queue.Items)
	}
	if c.call(admin, "GET", "/api/moderation/queue", "", &queue); len(queue.Items) != 1 || queue.Items[0].PostID != post.ID {
		t.Fatalf("the admin's queue: %+v", queue.Items)
	}
	if status, _ := c.call(sue, "GET", "/api/posts/"+post.ID, "", nil); status != 403 {
		t.Fatalf("a support agent outside the space reads a customer's post: %d", status)
	}
	// A mention does not reach a community moderator outside the space either.
	c.post(cara, acme.ID, `{"kind":"status","body":"ping @m_moe"}`)

	// Being an agent opens customer spaces only: a hidden community space stays unknown.
	board := c.space(admin, "Board", spaces.Hidden)
	if status, _ := c.call(sue, "GET", "/api/spaces/"+board.ID+"/tickets", "", nil); status != 404 {
		t.Fatalf("an agent asks for a hidden community space's tickets: %d, want 404", status)
	}

	// Space roles admit nobody: a customer's space moderator moderates posts, only
	// support agents invite or approve (whoever is admitted reads every ticket).
	if status, _ := c.call(admin, "PUT", "/api/spaces/"+acme.ID+"/members/m_cara/role", `{"role":"moderator"}`, nil); status != 200 {
		t.Fatalf("promote cara: %d", status)
	}
	if status, body := c.call(cara, "POST", "/api/spaces/"+acme.ID+"/invitations", `{"memberId":"m_otto"}`, nil); status != 403 ||
		problemOf(body) != "customer_space_admission" {
		t.Fatalf("a space moderator invites into a customer space: %d %s", status, body)
	}
	for _, call := range [][2]string{{"GET", "/api/spaces/" + acme.ID + "/requests"}, {"POST", "/api/spaces/" + acme.ID + "/requests/m_otto/approve"},
		{"POST", "/api/spaces/" + acme.ID + "/requests/m_otto/decline"}} {
		if status, _ := c.call(cara, call[0], call[1], "", nil); status != 403 {
			t.Fatalf("%s %s as a space moderator: %d", call[0], call[1], status)
		}
	}
	if c.call(cara, "GET", "/api/spaces/"+acme.ID, "", &view); !view.CanModerate || view.CanAdmit {
		t.Fatalf("a space moderator's view: %+v", view)
	}
	if c.call(sue, "GET", "/api/spaces/"+acme.ID, "", &view); view.CanModerate || view.CanPost || !view.CanAdmit || !view.CanChangeSettings {
		t.Fatalf("a support agent's view: %+v", view)
	}
	var list spaces.MembershipList
	// (cara and carl: the agent who created the space is no member of it, round 4.)
	if c.call(sue, "GET", "/api/spaces/"+acme.ID+"/members", "", &list); len(list.Memberships) != 2 {
		t.Fatalf("support lists the members it admitted: %+v", list.Memberships)
	}

	// Settings: a customer space stays closed or hidden and stays a customer space;
	// no space becomes one.
	for _, bad := range []struct {
		who         *http.Client
		space, body string
		status      int
		code        string
	}{
		{sue, acme.ID, `{"visibility":"public","kind":"customer"}`, 400, "customer_space_private"},
		{admin, acme.ID, `{"visibility":"public","kind":"customer"}`, 400, "customer_space_private"},
		{admin, acme.ID, `{"visibility":"closed","kind":"general"}`, 409, "customer_kind_fixed"},
		{admin, general.ID, `{"visibility":"closed","kind":"customer"}`, 409, "customer_kind_fixed"},
		{cara, acme.ID, `{"visibility":"hidden","kind":"customer"}`, 403, "space_settings_forbidden"},
		{otto, general.ID, `{"visibility":"public","kind":"general"}`, 403, "space_settings_forbidden"},
		{admin, general.ID, `{"visibility":"secret","kind":"general"}`, 400, "invalid_visibility"},
	} {
		status, body := c.call(bad.who, "PUT", "/api/spaces/"+bad.space+"/settings", bad.body, nil)
		if status != bad.status || problemOf(body) != bad.code {
			t.Fatalf("settings %s: %d %s, want %d %s", bad.body, status, body, bad.status, bad.code)
		}
	}
	var changed spaces.Space
	if status, body := c.call(sue, "PUT", "/api/spaces/"+acme.ID+"/settings", `{"visibility":"hidden","kind":"customer"}`, &changed); status != 200 ||
		changed.Visibility != spaces.Hidden {
		t.Fatalf("support hides a customer space: %d %s", status, body)
	}
	if status, _ := c.call(otto, "GET", "/api/spaces/"+acme.ID, "", nil); status != 404 {
		t.Fatalf("a hidden customer space to a requester: %d", status)
	}
	if status, body := c.call(admin, "PUT", "/api/spaces/"+general.ID+"/settings", `{"visibility":"hidden","kind":"partner"}`, &changed); status != 200 ||
		changed.Kind != spaces.KindPartner {
		t.Fatalf("the admin changes a community space: %d %s", status, body)
	}
	var dir spaces.Directory
	if c.call(otto, "GET", "/api/spaces", "", &dir); len(dir.Spaces) != 0 {
		t.Fatalf("a hidden space left listed: %+v", dir.Spaces)
	}
	c.call(admin, "PUT", "/api/spaces/"+general.ID+"/settings", `{"visibility":"public","kind":"partner"}`, nil)
	if c.call(visitor, "GET", "/api/spaces", "", &dir); len(dir.Spaces) != 1 || dir.Spaces[0].Visibility != spaces.Public {
		t.Fatalf("a space made public again: %+v", dir.Spaces)
	}
	if n := c.auditEntries("space.settings", ""); n != 3 {
		t.Fatalf("%d settings changes in the moderation log, want 3", n)
	}

	if n := c.countKind("m_moe", notifications.KindMention); n != 0 {
		t.Fatalf("a community moderator was told of a customer space's post (%d)", n)
	}
	if n := c.countEvents(eventtypes.MemberMentionedType, map[string]string{"memberId": "m_moe"}); n != 0 {
		t.Fatalf("%d mention events for an outsider", n)
	}
}

// Customer spaces written public before this release: until the migration runs they
// behave as closed; the migration makes them closed and unlisted, turns the members
// nobody admitted into requests, logs it, and changes nothing when run again.
func TestPublicCustomerSpacesAreMigrated(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	sam := c.as("sam", policy.RoleSupport)
	cara, gus, eve, mona := c.as("cara"), c.as("gus"), c.as("eve"), c.as("mona")
	outsider := c.as("otto")
	// Space rows as an older release wrote them: public, in the directory.
	now := time.Now().UTC()
	sp := spaces.Space{ID: "s_legacy", Name: "Legacy customer", Visibility: spaces.Public, Kind: spaces.KindCustomer,
		CreatedBy: "m_sam", CreatedAt: now, Members: 5}
	put := func(item any) {
		av, err := attributevalue.MarshalMap(item)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.tbl.DB.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(c.tbl.Name), Item: av}); err != nil {
			t.Fatal(err)
		}
	}
	put(struct {
		PK, SK, Type, GSI1PK, GSI1SK string
		spaces.Space
	}{"SPACE#s_legacy", "META", "Space", "SPACES", "legacy customer#s_legacy", sp})
	member := func(id, role, invitedBy string) {
		put(struct {
			PK, SK, Type, GSI1PK, GSI1SK string
			spaces.Membership
		}{"SPACE#s_legacy", "MEMBER#" + id, "SpaceMembership", "MYSPACES#" + id, "legacy customer#s_legacy", spaces.Membership{
			SpaceID: "s_legacy", MemberID: id, Role: role, Status: spaces.StatusActive, JoinedAt: now, MemberName: strings.TrimPrefix(id, "m_"),
			InvitedBy: invitedBy, SpaceName: sp.Name, SpaceVisibility: spaces.Public}})
	}
	member("m_sam", spaces.RoleOwner, "")
	member("m_cara", spaces.RoleMember, "m_sam") // invited
	member("m_mona", spaces.RoleModerator, "")   // made a space moderator by its owner
	member("m_gus", spaces.RoleMember, "")       // joined by themselves
	member("m_eve", spaces.RoleMember, "")       // joined by themselves
	tk := c.ticket(cara, sp.ID, `{"subject":"Export","product":"General","severity":"low","body":"Broken."}`)

	// Before the migration: closed in effect. Nobody outside joins, nothing is listed.
	if status, _ := c.call(outsider, "POST", "/api/spaces/"+sp.ID+"/join", "", nil); status != 404 {
		t.Fatalf("joining a public customer space before the migration: %d", status)
	}
	var dir spaces.Directory
	if c.call(outsider, "GET", "/api/spaces", "", &dir); len(dir.Spaces) != 0 {
		t.Fatalf("a customer space listed before the migration: %+v", dir.Spaces)
	}
	if status, _ := c.call(c.visitor(), "GET", "/api/spaces/"+sp.ID, "", nil); status != 401 && status != 404 {
		t.Fatalf("a visitor sees a customer space: %d", status)
	}
	if status, _ := c.call(gus, "GET", "/api/tickets/"+tk.ID, "", nil); status != 200 {
		t.Fatalf("a self-joined member before the migration: %d", status)
	}

	// The migration, as the local runtime and the deploy's custom resource run it.
	id, data, err := app.MigrationsResource(c.st)(context.Background(), cfn.Event{RequestType: cfn.RequestCreate})
	if err != nil || id == "" || !strings.Contains(fmt.Sprint(data["Ran"]), "customer-spaces-private (1 changed)") {
		t.Fatalf("the migration: %q %v %v", id, data, err)
	}
	var view spaces.SpaceView
	// cara and mona stay; the owner's membership (sam, the agent who created it) ended
	// with the migration of round 4: agents work customer spaces through their role.
	if c.call(admin, "GET", "/api/spaces/"+sp.ID, "", &view); view.Space.Visibility != spaces.Closed || view.Space.Members != 2 {
		t.Fatalf("after the migration: %+v", view.Space)
	}
	for _, who := range []struct {
		name   string
		status int
	}{{"gus", 404}, {"eve", 404}, {"cara", 200}, {"mona", 200}} {
		client := map[string]*http.Client{"gus": gus, "eve": eve, "cara": cara, "mona": mona}[who.name]
		if status, _ := c.call(client, "GET", "/api/tickets/"+tk.ID, "", nil); status != who.status {
			t.Fatalf("%s reads the ticket after the migration: %d, want %d", who.name, status, who.status)
		}
	}
	var reqs spaces.MembershipList
	if c.call(sam, "GET", "/api/spaces/"+sp.ID+"/requests", "", &reqs); len(reqs.Memberships) != 2 {
		t.Fatalf("requests after the migration (gus, eve): %+v", reqs.Memberships)
	}
	var mine spaces.MembershipList
	if c.call(gus, "GET", "/api/spaces/mine", "", &mine); len(mine.Memberships) != 1 || mine.Memberships[0].Status != spaces.StatusPending {
		t.Fatalf("gus's spaces: %+v", mine.Memberships)
	}
	if n := c.auditEntries("space.made_private", sp.ID); n != 1 {
		t.Fatalf("%d moderation log entries of the migration", n)
	}
	// Approving one brings them back, counted once.
	if status, _ := c.call(sam, "POST", "/api/spaces/"+sp.ID+"/requests/m_gus/approve", "", nil); status != 200 {
		t.Fatalf("approve gus: %d", status)
	}

	// Again: recorded as done; and the fix itself finds nothing more to do.
	results, err := c.st.Migrate(context.Background(), time.Now())
	if err != nil || len(results) != len(store.MigrationNames()) || slices.ContainsFunc(results, func(r store.MigrationResult) bool { return r.Ran }) {
		t.Fatalf("a second run: %+v %v", results, err)
	}
	fixed, err := c.st.MigrateCustomerSpaces(context.Background(), time.Now())
	if err != nil || fixed.Spaces != 0 || fixed.Demoted != 0 {
		t.Fatalf("the fix again: %+v %v", fixed, err)
	}
	if c.call(admin, "GET", "/api/spaces/"+sp.ID, "", &view); view.Space.Members != 3 {
		t.Fatalf("members after approving gus: %d", view.Space.Members)
	}
	// Deleting the stack changes no data.
	if _, _, err := app.MigrationsResource(c.st)(context.Background(), cfn.Event{RequestType: cfn.RequestDelete, PhysicalResourceID: id}); err != nil {
		t.Fatal(err)
	}
	var log audit.Page
	if c.call(admin, "GET", "/api/moderation/audit", "", &log); len(log.Entries) == 0 || log.Entries[len(log.Entries)-1].Action != "space.made_private" {
		t.Fatalf("the moderation log: %+v", log.Entries)
	}
}
