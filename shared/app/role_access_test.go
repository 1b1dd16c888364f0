package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"tribune/shared/eventtypes"
	"tribune/shared/invitations"
	"tribune/shared/policy"
	"tribune/shared/spaces"
	"tribune/shared/tickets"
)

// Tests of issue 9, round 4, finding 1: staff reach customer spaces only through the
// role they hold now, and every membership a role gave ends with the role.

// mySpaces lists the spaces a member belongs to, asks or is invited to.
func (c *community) mySpaces(who *http.Client) []spaces.Membership {
	c.t.Helper()
	var list spaces.MembershipList
	if status, body := c.call(who, "GET", "/api/spaces/mine", "", &list); status != 200 {
		c.t.Fatalf("my spaces: %d %s", status, body)
	}
	return list.Memberships
}

func inSpace(list []spaces.Membership, spaceID string) bool {
	for _, m := range list {
		if m.SpaceID == spaceID {
			return true
		}
	}
	return false
}

// The tester's repro: an agent creates a customer space, a customer opens tickets there,
// the agent loses the role. They kept everything as the space's owner; now the creator is
// no member at all, and nothing of the space answers them once the role is gone.
func TestAnAgentWhoLosesTheRoleLosesTheCustomerSpaceTheyCreated(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin, sam := c.as("ada", policy.RoleAdmin), c.as("sam", policy.RoleSupport)
	carol := c.as("carol")
	var acme spaces.Space
	if status, body := c.call(sam, "POST", "/api/spaces", `{"name":"Acme Support","visibility":"closed","kind":"customer"}`, &acme); status != 201 {
		t.Fatalf("an agent creates a customer space: %d %s", status, body)
	}
	// By construction: the creator is no owner, no member; the role alone lets them in.
	if inSpace(c.mySpaces(sam), acme.ID) || c.memberItems(acme.ID) != 0 {
		t.Fatalf("the creating agent holds a membership of the customer space (%d items)", c.memberItems(acme.ID))
	}
	var view spaces.SpaceView
	if status, body := c.call(sam, "GET", "/api/spaces/"+acme.ID, "", &view); status != 200 || view.Membership != nil || !view.CanAdmit ||
		!view.CanChangeSettings || view.CanModerate || view.Space.Members != 0 {
		t.Fatalf("the agent's view of the space they created: %d %s", status, body)
	}
	// Agents find the customer spaces they run in their own list (the directory never
	// lists them); nobody else may read it.
	var list spaces.Directory
	if status, body := c.call(sam, "GET", "/api/support/spaces", "", &list); status != 200 || len(list.Spaces) != 1 || list.Spaces[0].ID != acme.ID {
		t.Fatalf("the agents' list of customer spaces: %d %s", status, body)
	}
	if status, _ := c.call(carol, "GET", "/api/support/spaces", "", nil); status != 403 {
		t.Fatalf("a member lists customer spaces: %d", status)
	}
	if status, body := c.call(sam, "POST", "/api/spaces/"+acme.ID+"/invitations", `{"memberId":"m_carol"}`, nil); status != 200 {
		t.Fatalf("the agent invites carol: %d %s", status, body)
	}
	c.join(carol, acme.ID)
	tk := c.ticket(carol, acme.ID, `{"subject":"Invoices","product":"General","severity":"low","body":"Our invoices are wrong."}`)
	post := c.post(carol, acme.ID, `{"kind":"discussion","title":"Rollout","body":"Acme-internal plan."}`)
	shot := c.uploadImage(carol, acme.ID)
	c.post(carol, acme.ID, fmt.Sprintf(`{"kind":"discussion","title":"Screen","body":"![shot](%s)"}`, shot.URL))
	// The agent works the ticket while they are one (the customer's posts are not theirs).
	if status, body := c.call(sam, "POST", "/api/tickets/"+tk.ID+"/replies", `{"body":"Looking into it."}`, nil); status != 200 {
		t.Fatalf("the agent replies: %d %s", status, body)
	}
	if status, _ := c.call(sam, "GET", "/api/posts/"+post.ID, "", nil); status != 403 {
		t.Fatalf("a support agent reads a customer's post: %d", status)
	}
	var up tickets.Upload
	if status, body := c.call(carol, "POST", "/api/uploads/attachments", `{"name":"log.txt","contentType":"text/plain","size":5}`, &up); status != 200 {
		t.Fatalf("attachment upload: %d %s", status, body)
	}
	put(t, up.UploadURL, "text/plain", "hello")

	c.setRoles(admin, "m_sam", policy.RoleMember)
	// A file added after the role was lost.
	att, _ := json.Marshal(map[string]any{"body": "Here is the log.", "attachments": []tickets.Attachment{up.Attachment}})
	if status, body := c.call(carol, "POST", "/api/tickets/"+tk.ID+"/replies", string(att), nil); status != 200 {
		t.Fatalf("carol attaches a file: %d %s", status, body)
	}
	for _, call := range [][2]string{
		{"GET", "/api/spaces/" + acme.ID}, {"GET", "/api/spaces/" + acme.ID + "/tickets"}, {"GET", "/api/tickets/" + tk.ID},
		{"GET", "/api/spaces/" + acme.ID + "/posts"}, {"GET", "/api/posts/" + post.ID}, {"GET", "/api/spaces/" + acme.ID + "/members"},
		{"GET", "/api/tickets/" + tk.ID + "/attachment?key=" + up.Attachment.Key}, {"GET", shot.URL},
	} {
		if status, body := c.call(sam, call[0], call[1], "", nil); status != 404 {
			t.Fatalf("the former agent: %s %s answers %d %s, want 404", call[0], call[1], status, body)
		}
	}
	for _, call := range [][3]string{
		{"POST", "/api/tickets/" + tk.ID + "/replies", `{"body":"Still here."}`},
		{"POST", "/api/spaces/" + acme.ID + "/invitations", `{"memberId":"m_ada"}`},
		{"PUT", "/api/spaces/" + acme.ID + "/settings", `{"visibility":"hidden","kind":"customer"}`},
	} {
		if status, body := c.call(sam, call[0], call[1], call[2], nil); status != 404 {
			t.Fatalf("the former agent: %s %s answers %d %s, want 404", call[0], call[1], status, body)
		}
	}
	if status, _ := c.call(sam, "GET", "/api/support/spaces", "", nil); status != 403 {
		t.Fatalf("a former agent lists customer spaces: %d", status)
	}
	// Given the role back, they work the space again: the role decides, at each request.
	c.setRoles(admin, "m_sam", policy.RoleSupport)
	if status, _ := c.call(sam, "GET", "/api/tickets/"+tk.ID, "", nil); status != 200 {
		t.Fatalf("an agent again: %d", status)
	}
	// Support agents make a customer's space moderator (the space has no owner).
	if status, body := c.call(sam, "PUT", "/api/spaces/"+acme.ID+"/members/m_carol/role", `{"role":"moderator"}`, nil); status != 200 {
		t.Fatalf("an agent makes a space moderator: %d %s", status, body)
	}
}

// Every membership a role gave ends with the role, and only those: an agent's
// membership of a customer space, the owner's membership of a space created under a
// staff role (an admin or a marketer demoted). A customer whose roles change keeps their
// place; a member's own project group stays theirs; roles count at every request.
func TestMembershipsARoleGaveEndWithTheRole(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin, sam, sue := c.as("ada", policy.RoleAdmin), c.as("sam", policy.RoleSupport), c.as("sue", policy.RoleSupport)
	ex, mia := c.as("eda", policy.RoleAdmin), c.as("mia", policy.RoleMarketer)
	cara, bob, gil := c.as("cara"), c.as("bob"), c.as("gil")
	acme := c.customerSpace(sam, "Acme", "m_cara")
	c.join(cara, acme.ID)
	// An agent who asks to join a customer space (to read its posts) is a member by the role.
	c.join(sue, acme.ID)
	if status, body := c.call(sam, "POST", "/api/spaces/"+acme.ID+"/requests/m_sue/approve", "", nil); status != 200 {
		t.Fatalf("approve sue: %d %s", status, body)
	}
	post := c.post(cara, acme.ID, `{"kind":"discussion","title":"Plan","body":"Acme only."}`)
	if status, _ := c.call(sue, "GET", "/api/posts/"+post.ID, "", nil); status != 200 {
		t.Fatalf("an agent who joined reads the customer's post: %d", status)
	}
	// Spaces made under a staff role: an admin's closed board, a marketer's hidden room.
	board := c.space(ex, "Board", spaces.Closed)
	campaigns := c.hiddenSpace(mia, "Campaigns", bob)
	secret := c.post(bob, campaigns.ID, `{"kind":"discussion","title":"Launch","body":"Embargoed."}`)
	// A member's own project group, created as a member.
	if status, body := c.call(admin, "PUT", "/api/community/spaces", `{"membersCreateGroups":true}`, nil); status != 200 {
		t.Fatalf("groups: %d %s", status, body)
	}
	var group spaces.Space
	if status, body := c.call(gil, "POST", "/api/spaces", `{"name":"Runners","visibility":"hidden","kind":"project"}`, &group); status != 201 {
		t.Fatalf("a member's group: %d %s", status, body)
	}

	c.setRoles(admin, "m_sue", policy.RoleMember)
	c.setRoles(admin, "m_eda", policy.RoleMember)
	c.setRoles(admin, "m_mia", policy.RoleMember)
	c.setRoles(admin, "m_cara", policy.RoleMarketer) // a customer's roles change: no role gave their place
	c.setRoles(admin, "m_gil", policy.RoleMarketer)
	c.setRoles(admin, "m_gil", policy.RoleMember)

	// The consumer ends them; the event path may take a moment on a busy machine.
	waitFor(t, "the former agent's membership ended", func() bool { return !inSpace(c.mySpaces(sue), acme.ID) })
	waitFor(t, "the demoted staff's ownerships ended", func() bool {
		return !inSpace(c.mySpaces(ex), board.ID) && !inSpace(c.mySpaces(mia), campaigns.ID)
	})
	for _, path := range []string{"/api/spaces/" + acme.ID, "/api/posts/" + post.ID} {
		if status, _ := c.call(sue, "GET", path, "", nil); status != 404 {
			t.Fatalf("a former agent reads %s: %d", path, status)
		}
	}
	for _, path := range []string{"/api/spaces/" + campaigns.ID, "/api/posts/" + secret.ID} {
		if status, _ := c.call(mia, "GET", path, "", nil); status != 404 {
			t.Fatalf("a former marketer reads their hidden room's %s: %d", path, status)
		}
	}
	var view spaces.SpaceView
	if c.call(ex, "GET", "/api/spaces/"+board.ID, "", &view); view.CanModerate || view.CanChangeSettings || view.CanAdmit {
		t.Fatalf("a demoted admin still runs the board: %+v", view)
	}
	if status, _ := c.call(ex, "GET", "/api/moderation/audit", "", nil); status != 403 {
		t.Fatalf("a demoted admin reads the moderation log: %d", status)
	}
	if !inSpace(c.mySpaces(cara), acme.ID) || !inSpace(c.mySpaces(bob), campaigns.ID) || !inSpace(c.mySpaces(gil), group.ID) {
		t.Fatal("a membership no role gave ended")
	}
	if n := c.members(admin, campaigns.ID); n != 1 {
		t.Fatalf("the hidden room counts %d members, want 1 (bob)", n)
	}
	// A repeated or late delivery ends nothing more.
	c.deliver("feed", eventtypes.MemberRolesChangedType, &eventtypes.MemberRolesChanged{MemberID: "m_cara", Roles: []string{"member"}})
	if !inSpace(c.mySpaces(cara), acme.ID) {
		t.Fatal("a redelivered roles change ended a customer's membership")
	}
}

// An invitation carrying staff roles makes staff only while its inviter may still grant
// them: an admin demoted before the invitee signs up no longer makes them staff.
func TestInvitationsOfADemotedAdminGiveNoStaffRole(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin, ex := c.as("ada", policy.RoleAdmin), c.as("eda", policy.RoleAdmin)
	var list invitations.InvitationList
	for who, addr := range map[*http.Client]string{admin: "kept@example.com", ex: "dropped@example.com"} {
		if status, body := c.call(who, "POST", "/api/invitations", fmt.Sprintf(`{"emails":[%q],"roles":["support"]}`, addr), &list); status != 201 {
			t.Fatalf("invite %s: %d %s", addr, status, body)
		}
	}
	kept, dropped := codeOf(c.mailTo("kept@example.com", "/invite/")), codeOf(c.mailTo("dropped@example.com", "/invite/"))
	c.setRoles(admin, "m_eda", policy.RoleMember)
	if status, body, roles := c.signUp("dropped@example.com", dropped); status != 200 || strings.Join(roles, ",") != "member" {
		t.Fatalf("the invitee of a demoted admin: %d %s %v", status, body, roles)
	}
	if status, body, roles := c.signUp("kept@example.com", kept); status != 200 || strings.Join(roles, ",") != "member,support" {
		t.Fatalf("the invitee of an admin: %d %s %v", status, body, roles)
	}
}

// Memberships written before: the migration ends the owner memberships of customer
// spaces and those a lost staff role gave, and marks the agents' memberships of
// customer spaces so that they end with the role; a second run changes nothing.
func TestMembershipsOfBeforeFollowRolesAfterTheMigration(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	ctx := context.Background()
	admin, sam, sue := c.as("ada", policy.RoleAdmin), c.as("sam", policy.RoleSupport), c.as("sue", policy.RoleSupport)
	ex, cara := c.as("eda"), c.as("cara")
	now := time.Now().UTC()
	put := func(item any) {
		av, err := attributevalue.MarshalMap(item)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.tbl.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(c.tbl.Name), Item: av}); err != nil {
			t.Fatal(err)
		}
	}
	space := func(id, name, kind, visibility string, members int) {
		put(struct {
			PK, SK, Type string
			spaces.Space
		}{"SPACE#" + id, "META", "Space", spaces.Space{ID: id, Name: name, Visibility: visibility, Kind: kind, CreatedAt: now, Members: members}})
	}
	member := func(spaceID, name, id, role string) {
		put(struct {
			PK, SK, Type, GSI1PK, GSI1SK string
			spaces.Membership
		}{"SPACE#" + spaceID, "MEMBER#" + id, "SpaceMembership", "MYSPACES#" + id, strings.ToLower(name) + "#" + spaceID, spaces.Membership{
			SpaceID: spaceID, MemberID: id, Role: role, Status: spaces.StatusActive, JoinedAt: now, SpaceName: name, SpaceVisibility: spaces.Closed}})
	}
	// As an older release wrote them: Acme's creator (an agent) owns it; Sue, an agent,
	// joined it; a former admin still owns the board they created.
	space("s_acme", "Acme", spaces.KindCustomer, spaces.Closed, 3)
	member("s_acme", "Acme", "m_sam", spaces.RoleOwner)
	member("s_acme", "Acme", "m_sue", spaces.RoleMember)
	member("s_acme", "Acme", "m_cara", spaces.RoleMember)
	space("s_board", "Board", spaces.KindGeneral, spaces.Hidden, 1)
	member("s_board", "Board", "m_eda", spaces.RoleOwner)
	tk := c.ticket(cara, "s_acme", `{"subject":"Export","product":"General","severity":"low","body":"Broken."}`)

	fixed, err := c.st.MigrateRoleMemberships(ctx, now)
	if err != nil || fixed.Ended != 2 || fixed.Marked != 1 || fixed.Listed != 1 {
		t.Fatalf("the migration: %+v %v", fixed, err)
	}
	var list spaces.Directory
	if c.call(sam, "GET", "/api/support/spaces", "", &list); len(list.Spaces) != 1 || list.Spaces[0].ID != "s_acme" {
		t.Fatalf("agents' list of customer spaces after the migration: %+v", list.Spaces)
	}
	if inSpace(c.mySpaces(sam), "s_acme") || inSpace(c.mySpaces(ex), "s_board") || !inSpace(c.mySpaces(cara), "s_acme") {
		t.Fatal("owner memberships of before were not ended, or a customer's was")
	}
	if n := c.members(admin, "s_acme"); n != 2 {
		t.Fatalf("Acme counts %d members, want 2 (sue, cara)", n)
	}
	if status, _ := c.call(ex, "GET", "/api/spaces/s_board", "", nil); status != 404 {
		t.Fatalf("a former admin reads the hidden board they created: %d", status)
	}
	// Sue's membership now ends with her role.
	c.setRoles(admin, "m_sue", policy.RoleMember)
	waitFor(t, "the former agent's membership of before ended", func() bool {
		status, _ := c.call(sue, "GET", "/api/tickets/"+tk.ID, "", nil)
		return status == 404
	})
	if again, err := c.st.MigrateRoleMemberships(ctx, now); err != nil || again.Ended != 0 || again.Marked != 0 || again.Listed != 0 {
		t.Fatalf("second run: %+v %v", again, err)
	}
}
