package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/notifications"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
)

// Excerpts an older release stored (the source's first characters: Markdown, "@m_<id>"
// and all, and no names kept with the texts) are made plain text by the data migration
// 2027-01-plain-text-excerpts, in every stream (home copies and pins included), the
// moderation queue and notifications; running it again changes nothing.
func TestTheMigrationMakesStoredExcerptsPlainText(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	mod := c.as("mo", policy.RoleModerator)
	ann := c.as("ann")
	bob := c.as(strings.TrimPrefix(bobRef, "m_"))
	c.rename(bob, "Bob Martin")
	sp := c.space(admin, "General", spaces.Public)
	c.join(ann, sp.ID)
	c.join(bob, sp.ID)
	source := "**Hello** @" + bobRef + ", read [this](https://example.com)"
	status := c.post(ann, sp.ID, jsonBody(map[string]string{"kind": "status", "body": source}))
	c.join(admin, sp.ID)
	pinned := c.post(admin, sp.ID, jsonBody(map[string]string{"kind": "announcement", "title": "News", "body": "_Welcome_ @" + bobRef,
		"pinnedUntil": time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)}))
	c.call(bob, "POST", "/api/posts/"+status.ID+"/report", `{"reason":"spam"}`, nil)
	c.inbox(bob, notifications.KindMention)
	waitFor(t, "the home streams", func() bool { return has(c.home(bob), status.ID) && has(c.home(ann), pinned.ID) })
	c.settledItems()

	// What an older release wrote: raw excerpts, no names kept.
	ctx := context.Background()
	legacy, notices := 0, 0
	for _, prefix := range []string{"SPACEPOSTS#", "AUTHOR#", "FEED#", "POST#", "REPORTS#", "INBOX#"} {
		for _, item := range c.scanItems(prefix) {
			typ := item["Type"].(*types.AttributeValueMemberS).Value
			update, values := "", map[string]types.AttributeValue{}
			switch typ {
			case "StreamEntry", "Pin", "QueueItem":
				raw := source
				if id := item["ID"]; id != nil && id.(*types.AttributeValueMemberS).Value == pinned.ID {
					raw = "_Welcome_ @" + bobRef
				}
				update, values[":e"] = "SET Excerpt = :e REMOVE Mentions", &types.AttributeValueMemberS{Value: raw}
			case "Post", "Comment":
				update = "REMOVE Mentions"
			case "Notification":
				if id, ok := item["PostID"].(*types.AttributeValueMemberS); !ok || id.Value != status.ID {
					continue // a post with a title was named by its title
				}
				update, values[":e"] = "SET PostTitle = :e", &types.AttributeValueMemberS{Value: source}
				notices++
			default:
				continue
			}
			in := &dynamodb.UpdateItemInput{TableName: aws.String(c.tbl.Name), Key: map[string]types.AttributeValue{"PK": item["PK"], "SK": item["SK"]},
				UpdateExpression: aws.String(update)}
			if len(values) > 0 {
				in.ExpressionAttributeValues = values
			}
			if _, err := c.tbl.DB.UpdateItem(ctx, in); err != nil {
				t.Fatal(err)
			}
			legacy++
		}
	}
	var home posts.Page
	c.call(bob, "GET", "/api/stream", "", &home)
	if len(home.Posts) == 0 || len(home.Pinned) == 0 || !strings.Contains(home.Posts[0].Excerpt+home.Pinned[0].Excerpt, "@m_") {
		t.Fatalf("the set-up wrote no legacy excerpt (%d items): %+v", legacy, home)
	}

	done, err := c.st.MigrateExcerpts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if done.Entries < 5 || done.Texts < 2 || done.QueueItems != 1 || done.Notifications != notices || notices == 0 {
		t.Fatalf("migrated %+v", done)
	}
	want := "Hello @Bob Martin, read this"
	for who, path := range map[string]string{"bob's home": "/api/stream", "ann's home": "/api/stream", "space": "/api/spaces/" + sp.ID + "/posts",
		"author": "/api/members/m_ann/posts"} {
		reader := bob
		if who == "ann's home" {
			reader = ann
		}
		var page posts.Page
		c.call(reader, "GET", path, "", &page)
		for _, s := range append(page.Pinned, page.Posts...) {
			if (s.ID == status.ID && s.Excerpt != want) || (s.ID == pinned.ID && s.Excerpt != "Welcome @Bob Martin") {
				t.Errorf("%s: %s has excerpt %q", who, s.ID, s.Excerpt)
			}
		}
	}
	var queue posts.Queue
	c.call(mod, "GET", "/api/moderation/queue", "", &queue)
	for _, prefix := range []string{"REPORTS#", "INBOX#", "FEED#", "SPACEPOSTS#", "AUTHOR#"} {
		for _, item := range c.scanItems(prefix) {
			for _, attr := range []string{"Excerpt", "PostTitle"} {
				if v, ok := item[attr].(*types.AttributeValueMemberS); ok && (strings.Contains(v.Value, "m_") || strings.Contains(v.Value, "**")) {
					t.Errorf("%s %s still holds %s %q", item["PK"].(*types.AttributeValueMemberS).Value, item["SK"].(*types.AttributeValueMemberS).Value, attr, v.Value)
				}
			}
		}
	}

	// Done once: a second run (or the recorded migration) changes nothing.
	again, err := c.st.MigrateExcerpts(ctx)
	if err != nil || again.Total() != 0 {
		t.Fatalf("second run: %+v %v", again, err)
	}
	results, err := c.st.Migrate(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Name == "2027-01-plain-text-excerpts" && r.Changed != 0 {
			t.Fatalf("the recorded migration changed %d", r.Changed)
		}
	}
}
