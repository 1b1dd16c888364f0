package app_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/bus"
	"tribune/shared/store"

	"tribune/shared/bookmarks"
	"tribune/shared/eventtypes"
	"tribune/shared/policy"
	"tribune/shared/spaces"
)

// Bookmarks through the routes: a member bookmarks a post and a document they may see
// (again: one event), may not bookmark what they may not see (404, nothing written),
// and what they can no longer see (they left the hidden space) drops out of their list,
// to come back when they are let in again.
func TestBookmarksFollowAccess(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	mia, otto := c.as("mia"), c.as("otto")
	board := c.hiddenSpace(admin, "Board", mia)
	open := c.space(admin, "Open", spaces.Public, mia, otto)
	secret := c.document(admin, board.ID, "Budget")
	p := c.post(otto, open.ID, `{"kind":"question","title":"Where are the brochures?","body":"?"}`)

	for range 3 {
		var st bookmarks.State
		if status, raw := c.call(mia, "PUT", "/api/bookmarks/document/"+secret.ID, "", &st); status != 200 || !st.Bookmarked {
			t.Fatalf("bookmark the document: %d %s", status, raw)
		}
	}
	if status, raw := c.call(mia, "PUT", "/api/bookmarks/post/"+p.ID, "", nil); status != 200 {
		t.Fatalf("bookmark the post: %d %s", status, raw)
	}
	before := c.settledItems()
	if n := c.countOutbox(eventtypes.BookmarkAddedType); n != 2 {
		t.Fatalf("%d bookmark.added, want 2 (repeats publish nothing)", n)
	}
	// Otto may not see the board's document: 404 and nothing written; bad kinds 400.
	for path, want := range map[string]int{"/api/bookmarks/document/" + secret.ID: 404, "/api/bookmarks/document/d_nope": 404,
		"/api/bookmarks/ticket/t_1": 400, "/api/bookmarks/article/a_nope": 404} {
		if status, raw := c.call(otto, "PUT", path, "", nil); status != want {
			t.Errorf("PUT %s: %d %s, want %d", path, status, raw, want)
		}
		if status, raw := c.call(otto, "GET", path, "", nil); status != want {
			t.Errorf("GET %s: %d %s, want %d", path, status, raw, want)
		}
	}
	if after := c.settledItems(); after != before {
		t.Errorf("refusals wrote %d items", after-before)
	}
	var st bookmarks.State
	if c.call(mia, "GET", "/api/bookmarks/document/"+secret.ID, "", &st); !st.Bookmarked {
		t.Error("not bookmarked")
	}
	var d struct{ Bookmarked bool }
	if c.call(mia, "GET", "/api/spaces/"+board.ID+"/documents/"+secret.ID, "", &d); !d.Bookmarked {
		t.Error("the document does not say it is bookmarked")
	}

	list := func(query string) bookmarks.Page {
		t.Helper()
		var page bookmarks.Page
		if status, raw := c.call(mia, "GET", "/api/bookmarks"+query, "", &page); status != 200 {
			t.Fatalf("list: %d %s", status, raw)
		}
		return page
	}
	page := list("")
	if len(page.Bookmarks) != 2 || page.Bookmarks[0].Kind != "post" || page.Bookmarks[0].URL != "/posts/"+p.ID ||
		page.Bookmarks[1].Title != "Budget" || page.Bookmarks[1].SpaceName != "Board" || page.Bookmarks[1].URL != "/spaces/"+board.ID+"/documents/"+secret.ID {
		t.Fatalf("list: %+v", page)
	}
	if docs := list("?kind=document"); len(docs.Bookmarks) != 1 || docs.Bookmarks[0].ID != secret.ID {
		t.Fatalf("documents only: %+v", docs)
	}
	if status, raw := c.call(mia, "GET", "/api/bookmarks?kind=ticket", "", nil); status != 400 {
		t.Errorf("kind ticket: %d %s", status, raw)
	}

	// Mia leaves the hidden board: its document drops out of her list (the bookmark stays).
	c.leave(mia, board.ID)
	if page := list(""); len(page.Bookmarks) != 1 || page.Bookmarks[0].ID != p.ID {
		t.Fatalf("after leaving: %+v", page)
	}
	if status, _ := c.call(mia, "GET", "/api/bookmarks/document/"+secret.ID, "", nil); status != 404 {
		t.Errorf("state of an invisible document: %d", status)
	}
	// The post is hidden by a moderator: it drops out too.
	c.call(admin, "POST", "/api/posts/"+p.ID+"/hide", `{"reason":"spam"}`, nil)
	if page := list(""); len(page.Bookmarks) != 0 {
		t.Fatalf("after hiding the post: %+v", page)
	}
	// Invited back: the document's bookmark is there again.
	c.hiddenSpaceInvite(admin, board.ID, mia)
	if page := list(""); len(page.Bookmarks) != 1 || page.Bookmarks[0].ID != secret.ID {
		t.Fatalf("back in: %+v", page)
	}
	// Removed (twice: idempotent).
	for range 2 {
		if status, raw := c.call(mia, "DELETE", "/api/bookmarks/document/"+secret.ID, "", &st); status != 200 || st.Bookmarked {
			t.Fatalf("remove: %d %s", status, raw)
		}
	}
	if page := list(""); len(page.Bookmarks) != 0 {
		t.Fatalf("after removal: %+v", page)
	}
}

// hiddenSpaceInvite brings who into a hidden space again: invited by staff, joined.
func (c *community) hiddenSpaceInvite(staff *http.Client, spaceID string, who *http.Client) {
	c.t.Helper()
	var me struct{ ID string }
	c.call(who, "GET", "/api/me", "", &me)
	if status, body := c.call(staff, "POST", "/api/spaces/"+spaceID+"/invitations", fmt.Sprintf(`{"memberId":%q}`, me.ID), nil); status != 200 {
		c.t.Fatalf("invite %s: %d %s", me.ID, status, body)
	}
	c.join(who, spaceID)
}

// countOutbox counts the events of a detail type written to the outbox.
func (c *community) countOutbox(detailType string) int {
	c.t.Helper()
	out, err := c.tbl.DB.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(c.tbl.Name), Select: types.SelectCount,
		FilterExpression: aws.String("#t = :t AND DetailType = :dt"), ExpressionAttributeNames: map[string]string{"#t": store.AttrType},
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": &types.AttributeValueMemberS{Value: bus.OutboxType},
			":dt": &types.AttributeValueMemberS{Value: detailType}}})
	if err != nil {
		c.t.Fatal(err)
	}
	return int(out.Count)
}

// A page of bookmarks re-checks each thing, but asks each space's access once: 20
// documents of one space cost the session, the page's query, a read of each document
// and one access check (docs/data-model.md, pattern 334), not two reads a bookmark.
func TestBookmarksPageReadsEachSpaceOnce(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	mia := c.as("mia")
	sp := c.space(admin, "Docs", spaces.Closed)
	c.call(admin, "POST", "/api/spaces/"+sp.ID+"/invitations", `{"memberId":"m_mia"}`, nil)
	c.join(mia, sp.ID)
	for i := range bookmarks.PageSize {
		d := c.document(admin, sp.ID, fmt.Sprintf("Doc %02d", i))
		if status, raw := c.call(mia, "PUT", "/api/bookmarks/document/"+d.ID, "", nil); status != 200 {
			t.Fatalf("bookmark: %d %s", status, raw)
		}
	}
	c.settledItems()
	if n := c.tripsOf("m_mia", "/api/bookmarks"); n > int64(bookmarks.PageSize)+4 {
		t.Fatalf("a page of %d bookmarks made %d DynamoDB calls", bookmarks.PageSize, n)
	}
}

// "Download my data" holds the member's bookmarks as recorded, even those of things they
// may no longer see (the records are theirs), and no one else's.
func TestDownloadMyDataHoldsTheMembersBookmarks(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	mia, otto := c.as("mia"), c.as("otto")
	open := c.space(admin, "Open", spaces.Public, mia, otto)
	p := c.post(otto, open.ID, `{"kind":"question","title":"Where are the brochures?","body":"?"}`)
	if status, raw := c.call(mia, "PUT", "/api/bookmarks/post/"+p.ID, "", nil); status != 200 {
		t.Fatalf("bookmark the post: %d %s", status, raw)
	}
	export := func(who *http.Client) []bookmarks.Bookmark {
		t.Helper()
		var out struct {
			Sections struct {
				Bookmarks *[]bookmarks.Bookmark `json:"bookmarks"`
			} `json:"sections"`
		}
		if status, raw := c.call(who, "GET", "/api/me/export", "", &out); status != 200 || out.Sections.Bookmarks == nil {
			t.Fatalf("export: %d %s", status, raw)
		}
		return *out.Sections.Bookmarks
	}
	if got := export(mia); len(got) != 1 || got[0].Kind != "post" || got[0].ID != p.ID || got[0].CreatedAt.IsZero() {
		t.Errorf("mia's export: %+v, want her bookmark of the post", got)
	}
	if got := export(otto); len(got) != 0 {
		t.Errorf("otto's export holds bookmarks he never made: %+v", got)
	}
}
