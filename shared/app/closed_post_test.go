package app_test

import (
	"encoding/json"
	"testing"

	"tribune/shared/policy"
	"tribune/shared/spaces"
)

// A post of a closed space refuses a non-member with not_space_member naming the space
// (spaceId), so the post page offers to ask to join it; a hidden space's post stays a
// 404 that names nothing.
func TestAClosedSpacesPostNamesItsSpaceToANonMember(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	bob := c.as("bob")
	club := c.space(admin, "Club", spaces.Closed)
	p := c.post(admin, club.ID, `{"kind":"discussion","title":"Plans","body":"Members only."}`)
	status, body := c.call(bob, "GET", "/api/posts/"+p.ID, "", nil)
	var problem struct {
		Code    string `json:"code"`
		SpaceID string `json:"spaceId"`
	}
	if err := json.Unmarshal([]byte(body), &problem); err != nil || status != 403 || problem.Code != "not_space_member" || problem.SpaceID != club.ID {
		t.Fatalf("closed space's post: %d %s, want 403 not_space_member with spaceId %s", status, body, club.ID)
	}

	board := c.hiddenSpace(admin, "Board")
	h := c.post(admin, board.ID, `{"kind":"discussion","title":"Secret","body":"Hidden."}`)
	status, body = c.call(bob, "GET", "/api/posts/"+h.ID, "", nil)
	problem.SpaceID = ""
	if err := json.Unmarshal([]byte(body), &problem); err != nil || status != 404 || problem.SpaceID != "" {
		t.Fatalf("hidden space's post: %d %s, want a 404 naming no space", status, body)
	}
}
