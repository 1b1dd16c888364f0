package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
	"tribune/shared/tickets"
)

// Pages an older release stored showed the content of <script> and <style> ("Before
// .x{color:red}"), and so did the excerpts made from them. The data migration
// 2027-01-raw-html-content-left-out renders those texts again (posts, comments,
// tickets) and brings their excerpts up to date; running it again changes nothing.
func TestTheMigrationTakesScriptAndStyleContentOutOfStoredPages(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	ann, cara := c.as("ann"), c.as("cara")
	sp := c.space(admin, "General", spaces.Public)
	c.join(ann, sp.ID)
	body := "Before <style>.x{color:red}</style> after <script>alert(1)</script>"
	p := c.post(ann, sp.ID, fmt.Sprintf(`{"kind":"discussion","title":"Styles","body":%q}`, body))
	cm := c.comment(ann, p.ID, fmt.Sprintf(`{"body":%q}`, body))
	acme := c.customerSpace(admin, "Acme", "m_cara")
	c.join(cara, acme.ID)
	tk := c.ticket(cara, acme.ID, fmt.Sprintf(`{"subject":"Styles","product":"General","severity":"low","body":%q}`, body))
	c.settledItems()

	// What the release before stored.
	ctx := context.Background()
	leakedPage, leakedText := "<p>Before .x{color:red} after alert(1)</p>\n", "Before .x{color:red} after alert(1)"
	set := func(item map[string]types.AttributeValue, attr, value string) {
		if _, err := c.tbl.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(c.tbl.Name),
			Key: map[string]types.AttributeValue{"PK": item["PK"], "SK": item["SK"]}, UpdateExpression: aws.String("SET #a = :v"),
			ExpressionAttributeNames:  map[string]string{"#a": attr},
			ExpressionAttributeValues: map[string]types.AttributeValue{":v": &types.AttributeValueMemberS{Value: value}}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, prefix := range []string{"POST#", "SPACEPOSTS#", "AUTHOR#", "TICKET#"} {
		for _, item := range c.scanItems(prefix) {
			switch item["Type"].(*types.AttributeValueMemberS).Value {
			case "Post", "Comment", "Ticket":
				set(item, "HTML", leakedPage)
			case "StreamEntry":
				set(item, "Excerpt", leakedText)
			}
		}
	}
	var page posts.Page
	if c.call(ann, "GET", "/api/spaces/"+sp.ID+"/posts", "", &page); len(page.Posts) != 1 || page.Posts[0].Excerpt != leakedText {
		t.Fatalf("the set-up wrote no leaked excerpt: %+v", page.Posts)
	}

	done, err := c.st.MigrateRawHTML(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if done.Texts != 3 || done.Excerpts.Entries < 2 {
		t.Fatalf("migrated %+v", done)
	}
	var got posts.Post
	c.call(ann, "GET", "/api/posts/"+p.ID, "", &got)
	var comments struct{ Comments []posts.Comment }
	c.call(ann, "GET", "/api/posts/"+p.ID+"/comments", "", &comments)
	var ticket tickets.View
	c.call(cara, "GET", "/api/tickets/"+tk.ID, "", &ticket)
	c.call(ann, "GET", "/api/spaces/"+sp.ID+"/posts", "", &page)
	shown := map[string]string{"post": got.HTML, "ticket": ticket.Ticket.HTML, "excerpt": page.Posts[0].Excerpt}
	for _, x := range comments.Comments {
		if x.ID == cm.ID {
			shown["comment"] = x.HTML
		}
	}
	for what, s := range shown {
		if s == "" || strings.Contains(s, "color") || strings.Contains(s, "alert") || !strings.Contains(s, "Before") {
			t.Errorf("the %s after the migration: %q", what, s)
		}
	}
	if len(shown) != 4 {
		t.Errorf("the comment was not found: %+v", comments)
	}
	again, err := c.st.MigrateRawHTML(ctx)
	if err != nil || again.Total() != 0 {
		t.Fatalf("a second run: %+v %v", again, err)
	}
}
