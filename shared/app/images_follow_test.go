package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/app"
	"tribune/shared/errs"
	"tribune/shared/policy"
	"tribune/shared/spaces"
)

// Tests of issue 9, round 4, findings 2 and 3: an image loads only for someone who may
// read now a live text that shows it (or its uploader), and every text shows an image by
// one address only.

// imageKeyOf is the table key of an uploaded image's record, from its address.
func imageKeyOf(address string) map[string]types.AttributeValue {
	rest := strings.TrimPrefix(address, "/api/images/")
	return map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "IMAGE#" + strings.ReplaceAll(rest, "/", "#")},
		"SK": &types.AttributeValueMemberS{Value: "IMAGE"}}
}

// statuses asks for an image as each client and returns their statuses, by name.
func (c *community) imageStatuses(path string, who map[string]*http.Client) map[string]int {
	c.t.Helper()
	out := map[string]int{}
	for name, client := range who {
		status, _, _ := c.image(client, path)
		out[name] = status
	}
	return out
}

func wantStatuses(t *testing.T, what string, got map[string]int, want map[string]int) {
	t.Helper()
	for name, status := range want {
		if got[name] != status {
			t.Fatalf("%s: %s gets %d, want %d (all: %v)", what, name, got[name], status, got)
		}
	}
}

// The tester's repros: a public post's image still loaded for a visitor after the post
// was deleted, hidden, edited out, and an upload used nowhere loaded too; after a move
// into a hidden space the post was gone but its image answered. Now each follows the text.
func TestAnImageFollowsTheTextsThatShowIt(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	ctx := context.Background()
	admin, otto, ann, hal := c.as("ada", policy.RoleAdmin), c.as("otto"), c.as("ann"), c.as("hal")
	visitor := c.visitor()
	if status, body := c.call(admin, "PUT", "/api/community/access", `{"accessMode":"open"}`, nil); status != 200 {
		t.Fatalf("open mode: %d %s", status, body)
	}
	general := c.space(admin, "General", spaces.Public)
	vault := c.hiddenSpace(admin, "Vault", hal)
	for _, m := range []*http.Client{otto, ann} {
		c.join(m, general.ID)
	}
	all := map[string]*http.Client{"the uploader": otto, "a reader": ann, "a visitor": visitor, "the admin": admin, "hal": hal}

	// An upload no text shows: its uploader's alone.
	unused := c.uploadImage(otto, general.ID)
	if unused.UnusedUntil.Sub(time.Now()) < 23*time.Hour {
		t.Fatalf("an upload waits for its text until %v", unused.UnusedUntil)
	}
	wantStatuses(t, "an upload no text shows", c.imageStatuses(unused.URL, all), map[string]int{"the uploader": 302, "a reader": 404, "a visitor": 404, "the admin": 404})

	pic := c.uploadImage(otto, general.ID)
	p := c.post(otto, general.ID, fmt.Sprintf(`{"kind":"discussion","title":"Cat","body":"![cat](%s)"}`, pic.URL))
	wantStatuses(t, "a public post's image", c.imageStatuses(pic.URL, all), map[string]int{"a reader": 302, "a visitor": 302, "hal": 302})
	// The signed URL lives a minute, whoever asks.
	resp, err := visitor.Get(c.srv.URL + pic.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if loc.Query().Get("X-Amz-Expires") != "60" || resp.Header.Get("Cache-Control") != "private, max-age=30" {
		t.Fatalf("a public image's redirect: %s, %q", loc, resp.Header.Get("Cache-Control"))
	}

	// Hidden by a moderator: its author and moderators still read the post, nobody else.
	if status, body := c.call(admin, "POST", "/api/posts/"+p.ID+"/hide", `{"reason":"Breaks the rules."}`, nil); status != 200 {
		t.Fatalf("hide: %d %s", status, body)
	}
	wantStatuses(t, "a hidden post's image", c.imageStatuses(pic.URL, all), map[string]int{"the uploader": 302, "the admin": 302, "a reader": 404, "a visitor": 404})
	if _, cache, _ := c.image(admin, pic.URL); cache != "private, no-store" {
		t.Fatalf("a hidden post's image is kept: %q", cache)
	}
	if status, body := c.call(admin, "POST", "/api/posts/"+p.ID+"/restore", `{}`, nil); status != 200 {
		t.Fatalf("restore: %d %s", status, body)
	}
	wantStatuses(t, "a restored post's image", c.imageStatuses(pic.URL, all), map[string]int{"a reader": 302, "a visitor": 302})

	// Edited out: gone for readers; an edit may bring it back.
	if status, body := c.call(otto, "PATCH", "/api/posts/"+p.ID, `{"title":"Cat","body":"No picture after all."}`, nil); status != 200 {
		t.Fatalf("edit out: %d %s", status, body)
	}
	wantStatuses(t, "an image edited out", c.imageStatuses(pic.URL, all), map[string]int{"the uploader": 302, "a reader": 404, "a visitor": 404})
	if status, body := c.call(otto, "PATCH", "/api/posts/"+p.ID, fmt.Sprintf(`{"title":"Cat","body":"Back: ![cat](%s)"}`, pic.URL), nil); status != 200 {
		t.Fatalf("edit back in: %d %s", status, body)
	}
	wantStatuses(t, "an image edited back in", c.imageStatuses(pic.URL, all), map[string]int{"a visitor": 302})

	// A comment shows it too; hiding or deleting the comment takes that away.
	cm := c.comment(ann, p.ID, fmt.Sprintf(`{"body":"Same cat: ![again](%s)"}`, pic.URL))
	if status, body := c.call(otto, "PATCH", "/api/posts/"+p.ID, `{"title":"Cat","body":"Only in the comment now."}`, nil); status != 200 {
		t.Fatalf("edit out again: %d %s", status, body)
	}
	wantStatuses(t, "a comment's image", c.imageStatuses(pic.URL, all), map[string]int{"a visitor": 302, "a reader": 302})
	if status, body := c.call(admin, "POST", "/api/posts/"+p.ID+"/comments/"+cm.ID+"/hide", `{"reason":"Breaks the rules."}`, nil); status != 200 && status != 204 {
		t.Fatalf("hide comment: %d %s", status, body)
	}
	wantStatuses(t, "a hidden comment's image", c.imageStatuses(pic.URL, all), map[string]int{"a visitor": 404, "a reader": 302, "the admin": 302})
	if status, body := c.call(ann, "DELETE", "/api/posts/"+p.ID+"/comments/"+cm.ID, "", nil); status != 204 && status != 200 {
		t.Fatalf("delete comment: %d %s", status, body)
	}
	wantStatuses(t, "a deleted comment's image", c.imageStatuses(pic.URL, all), map[string]int{"a visitor": 404, "a reader": 404, "the admin": 404, "the uploader": 302})

	// Deleted with its post.
	again := c.post(otto, general.ID, fmt.Sprintf(`{"kind":"discussion","title":"Cat 2","body":"![cat](%s)"}`, pic.URL))
	wantStatuses(t, "a second post's image", c.imageStatuses(pic.URL, all), map[string]int{"a visitor": 302})
	if status, body := c.call(otto, "DELETE", "/api/posts/"+again.ID, "", nil); status != 204 {
		t.Fatalf("delete: %d %s", status, body)
	}
	wantStatuses(t, "a deleted post's image", c.imageStatuses(pic.URL, all), map[string]int{"the uploader": 302, "a reader": 404, "a visitor": 404, "the admin": 404})

	// Moved by an admin into a hidden space: the post is gone for outsiders, its image too.
	moved := c.uploadImage(otto, general.ID)
	mp := c.post(otto, general.ID, fmt.Sprintf(`{"kind":"discussion","title":"Plan","body":"![plan](%s)"}`, moved.URL))
	if status, body := c.call(admin, "POST", "/api/posts/"+mp.ID+"/move", fmt.Sprintf(`{"spaceId":%q,"reason":"private"}`, vault.ID), nil); status != 200 {
		t.Fatalf("move: %d %s", status, body)
	}
	if status, _ := c.call(visitor, "GET", "/api/posts/"+mp.ID, "", nil); status != 404 {
		t.Fatalf("the moved post for a visitor: %d", status)
	}
	wantStatuses(t, "a post moved into a hidden space", c.imageStatuses(moved.URL, all), map[string]int{"a visitor": 404, "a reader": 404, "hal": 302, "the admin": 302})

	// An upload no text took within a day expires: nobody loads it, no text takes it,
	// and the sweeper deletes its file and record.
	if _, err := c.tbl.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(c.tbl.Name), Key: imageKeyOf(unused.URL),
		UpdateExpression:          aws.String("SET UnusedUntil = :past, GSI1SK = :sk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":past": &types.AttributeValueMemberN{Value: fmt.Sprint(time.Now().Add(-2 * time.Hour).Unix())}, ":sk": &types.AttributeValueMemberS{Value: fmt.Sprintf("%012d#x", time.Now().Add(-2*time.Hour).Unix())}}}); err != nil {
		t.Fatal(err)
	}
	if status, _, _ := c.image(otto, unused.URL); status != 404 {
		t.Fatalf("an expired upload for its uploader: %d", status)
	}
	if status, raw := c.call(otto, "POST", "/api/spaces/"+general.ID+"/posts", fmt.Sprintf(`{"kind":"discussion","title":"Late","body":"![late](%s)"}`, unused.URL), nil); status != 400 || problemOf(raw) != "invalid_image" {
		t.Fatalf("a text takes an expired upload: %d %s", status, raw)
	}
	if err := app.TicketSweep(c.st, c.files)(ctx); err != nil {
		t.Fatal(err)
	}
	key := "images/" + strings.TrimPrefix(unused.URL, "/api/images/")
	if _, _, err := c.files.Head(ctx, key); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("the sweeper left an expired upload's file: %v", err)
	}
	if out, err := c.tbl.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(c.tbl.Name), Key: imageKeyOf(unused.URL)}); err != nil || out.Item != nil {
		t.Fatalf("the sweeper left an expired upload's record: %v %v", out.Item, err)
	}
	// Images a text showed are never swept.
	if _, _, err := c.files.Head(ctx, "images/"+strings.TrimPrefix(pic.URL, "/api/images/")); err != nil {
		t.Fatalf("the sweeper took a shown image: %v", err)
	}
}

// Ticket texts: an image shows to whoever may read the ticket (its customers and support
// agents, who work customer spaces without reading their posts), an internal note's to
// agents only; a ticket shows only images uploaded for its own customer space.
func TestTicketImagesFollowWhoMayReadTheTicket(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	sam, sue := c.as("sam", policy.RoleSupport), c.as("sue", policy.RoleSupport)
	carol, otto := c.as("carol"), c.as("otto")
	acme := c.customerSpace(sam, "Acme", "m_carol")
	c.join(carol, acme.ID)
	globex := c.customerSpace(sam, "Globex")
	shot := c.uploadImage(carol, acme.ID)
	tk := c.ticket(carol, acme.ID, fmt.Sprintf(`{"subject":"Broken","product":"General","severity":"low","body":"See ![shot](%s)"}`, shot.URL))
	wantStatuses(t, "a ticket's image", c.imageStatuses(shot.URL, map[string]*http.Client{"carol": carol, "sue": sue, "otto": otto}),
		map[string]int{"carol": 302, "sue": 302, "otto": 404})
	// Agents upload for the customer space they work, without belonging to it.
	note := c.uploadImage(sam, acme.ID)
	body, _ := json.Marshal(map[string]any{"body": fmt.Sprintf("Internal: ![trace](%s)", note.URL), "internal": true})
	if status, raw := c.call(sam, "POST", "/api/tickets/"+tk.ID+"/replies", string(body), nil); status != 200 {
		t.Fatalf("an internal note with an image: %d %s", status, raw)
	}
	wantStatuses(t, "an internal note's image", c.imageStatuses(note.URL, map[string]*http.Client{"carol": carol, "sue": sue}),
		map[string]int{"carol": 404, "sue": 302})
	// Only images of the ticket's own space.
	other := c.uploadImage(sam, globex.ID)
	public := c.space(c.as("ada", policy.RoleAdmin), "General", spaces.Public)
	c.join(carol, public.ID)
	elsewhere := c.uploadImage(carol, public.ID)
	for _, addr := range []string{other.URL, elsewhere.URL} {
		b, _ := json.Marshal(map[string]any{"body": fmt.Sprintf("![x](%s)", addr)})
		if status, raw := c.call(carol, "POST", "/api/tickets/"+tk.ID+"/replies", string(b), nil); status != 400 || problemOf(raw) != "image_other_space" {
			t.Fatalf("a reply shows another space's image: %d %s", status, raw)
		}
		b, _ = json.Marshal(map[string]any{"subject": "Again", "product": "General", "severity": "low", "body": fmt.Sprintf("![x](%s)", addr)})
		if status, raw := c.call(carol, "POST", "/api/spaces/"+acme.ID+"/tickets", string(b), nil); status != 400 || problemOf(raw) != "image_other_space" {
			t.Fatalf("a ticket shows another space's image: %d %s", status, raw)
		}
	}
	// Losing the agent role ends it (finding 1 and 2 together).
	c.setRoles(c.as("root", policy.RoleAdmin), "m_sue", policy.RoleMember)
	if status, _, _ := c.image(sue, shot.URL); status != 404 {
		t.Fatalf("a former agent gets a ticket's image: %d", status)
	}
}

// The tester's bypasses: "./" and "//" inside the address (the browser, or Go's server,
// makes them the hidden space's image); every spelling other than the one an upload gives
// is refused wherever a text may show an image, and the rules show none.
func TestImageAddressesHaveOneSpelling(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin, sam, hal, carol := c.as("ada", policy.RoleAdmin), c.as("sam", policy.RoleSupport), c.as("hal"), c.as("carol")
	general := c.space(admin, "General", spaces.Public)
	vault := c.hiddenSpace(admin, "Vault", hal)
	c.join(hal, general.ID)
	secret := c.uploadImage(hal, vault.ID)
	c.post(hal, vault.ID, fmt.Sprintf(`{"kind":"discussion","title":"Secret","body":"![s](%s)"}`, secret.URL))
	rest := strings.TrimPrefix(secret.URL, "/api/images/")
	acme := c.customerSpace(sam, "Acme", "m_carol")
	c.join(carol, acme.ID)
	tk := c.ticket(carol, acme.ID, `{"subject":"Hi","product":"General","severity":"low","body":"Hello."}`)
	p := c.post(hal, general.ID, `{"kind":"discussion","title":"Hello","body":"Hi."}`)
	// A link to an image is no image: it shows nothing.
	if status, raw := c.call(hal, "POST", "/api/posts/"+p.ID+"/comments", fmt.Sprintf(`{"body":"[a link](/api/images/./%s)"}`, rest), nil); status != 201 {
		t.Fatalf("a link: %d %s", status, raw)
	}
	for _, addr := range []string{"/api/images/./" + rest, "/api//images/" + rest, "/api/images/%73" + rest[1:], "/API/images/" + rest,
		c.srv.URL + "/api/images/" + rest, "/api/x/../images/" + rest, "<\\api\\images\\" + strings.ReplaceAll(rest, "/", "\\") + ">"} {
		md := fmt.Sprintf("![x](%s)", addr)
		for _, call := range []struct {
			who          *http.Client
			method, path string
			body         map[string]any
		}{
			{hal, "POST", "/api/spaces/" + general.ID + "/posts", map[string]any{"kind": "discussion", "title": "Look", "body": md}},
			{hal, "POST", "/api/posts/" + p.ID + "/comments", map[string]any{"body": md}},
			{hal, "PATCH", "/api/posts/" + p.ID, map[string]any{"title": "Hello", "body": md}},
			{carol, "POST", "/api/spaces/" + acme.ID + "/tickets", map[string]any{"subject": "Look", "product": "General", "severity": "low", "body": md}},
			{carol, "POST", "/api/tickets/" + tk.ID + "/replies", map[string]any{"body": md}},
		} {
			b, _ := json.Marshal(call.body)
			if status, raw := c.call(call.who, call.method, call.path, string(b), nil); status != 400 || problemOf(raw) != "invalid_image_address" {
				t.Fatalf("%s %s with %s: %d %s", call.method, call.path, md, status, raw)
			}
		}
		b, _ := json.Marshal(map[string]string{"text": "Be kind. " + md})
		if status, raw := c.call(admin, "PUT", "/api/community/rules", string(b), nil); status != 400 || problemOf(raw) != "rules_no_images" {
			t.Fatalf("rules with %s: %d %s", md, status, raw)
		}
	}
	// Rules name no uploaded image at all, even in its own spelling; other images and
	// links are text as before.
	b, _ := json.Marshal(map[string]string{"text": fmt.Sprintf("Be kind. ![x](%s)", secret.URL)})
	if status, raw := c.call(admin, "PUT", "/api/community/rules", string(b), nil); status != 400 || problemOf(raw) != "rules_no_images" {
		t.Fatalf("rules with an uploaded image: %d %s", status, raw)
	}
	if status, raw := c.call(admin, "PUT", "/api/community/rules", `{"text":"Be kind. ![logo](https://cdn.example/logo.png)"}`, nil); status != 200 {
		t.Fatalf("rules with an outside image: %d %s", status, raw)
	}
	// The hidden space's image still answers only its readers.
	if status, _, _ := c.image(carol, secret.URL); status != 404 {
		t.Fatalf("an outsider gets the hidden space's image: %d", status)
	}
}

// Texts written before the index: the migration records what each shows, as today's
// rules would have let it, and changes nothing when run again.
func TestImagesOfTextsWrittenBeforeAreRecorded(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	ctx := context.Background()
	admin, otto, hal, carol, sam := c.as("ada", policy.RoleAdmin), c.as("otto"), c.as("hal"), c.as("carol"), c.as("sam", policy.RoleSupport)
	visitor := c.visitor()
	if status, body := c.call(admin, "PUT", "/api/community/access", `{"accessMode":"open"}`, nil); status != 200 {
		t.Fatalf("open mode: %d %s", status, body)
	}
	general := c.space(admin, "General", spaces.Public)
	vault := c.hiddenSpace(admin, "Vault", hal)
	c.join(otto, general.ID)
	c.join(hal, general.ID)
	acme := c.customerSpace(sam, "Acme", "m_carol")
	c.join(carol, acme.ID)
	cat, secret, shot := c.uploadImage(otto, general.ID), c.uploadImage(hal, vault.ID), c.uploadImage(carol, acme.ID)
	p := c.post(otto, general.ID, fmt.Sprintf(`{"kind":"discussion","title":"Cat","body":"![cat](%s)"}`, cat.URL))
	c.ticket(carol, acme.ID, fmt.Sprintf(`{"subject":"Broken","product":"General","severity":"low","body":"![shot](%s)"}`, shot.URL))
	// As an older release left them: texts showing images, with no index; a copy of the
	// vault's image in a public post, and one by the "./" bypass.
	setBody := func(pk, sk, body string) {
		t.Helper()
		if _, err := c.tbl.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(c.tbl.Name),
			Key:              map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: pk}, "SK": &types.AttributeValueMemberS{Value: sk}},
			UpdateExpression: aws.String("SET Body = :b"), ExpressionAttributeValues: map[string]types.AttributeValue{":b": &types.AttributeValueMemberS{Value: body}}}); err != nil {
			t.Fatal(err)
		}
	}
	copyPost := c.post(otto, general.ID, `{"kind":"discussion","title":"Found","body":"x"}`)
	setBody("POST#"+copyPost.ID, "POST", fmt.Sprintf("![copy](%s) ![bypass](/api/images/./%s)", secret.URL, strings.TrimPrefix(secret.URL, "/api/images/")))
	hals := c.post(hal, vault.ID, `{"kind":"discussion","title":"Plan","body":"x"}`)
	setBody("POST#"+hals.ID, "POST", fmt.Sprintf("![s](%s)", secret.URL))
	for _, addr := range []string{cat.URL, secret.URL, shot.URL} {
		if _, err := c.tbl.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(c.tbl.Name), Key: imageKeyOf(addr)}); err != nil {
			t.Fatal(err)
		}
	}
	if status, _, _ := c.image(visitor, cat.URL); status != 404 {
		t.Fatalf("an image without its record: %d", status)
	}

	recorded, err := c.st.MigrateImageTexts(ctx, time.Now())
	if err != nil || recorded.Images != 3 || recorded.Texts != 3 {
		t.Fatalf("the migration: %+v %v", recorded, err)
	}
	wantStatuses(t, "after the migration", map[string]int{
		"a visitor, the cat": first(c.image(visitor, cat.URL)), "a visitor, the vault's": first(c.image(visitor, secret.URL)),
		"hal, the vault's": first(c.image(hal, secret.URL)), "the agent, the ticket's": first(c.image(sam, shot.URL)),
		"otto, the ticket's": first(c.image(otto, shot.URL)),
	}, map[string]int{"a visitor, the cat": 302, "a visitor, the vault's": 404, "hal, the vault's": 302, "the agent, the ticket's": 302, "otto, the ticket's": 404})
	// Texts keep working as written: an edit that drops the cat lets it go.
	if status, body := c.call(otto, "PATCH", "/api/posts/"+p.ID, `{"title":"Cat","body":"gone"}`, nil); status != 200 {
		t.Fatalf("edit: %d %s", status, body)
	}
	if status, _, _ := c.image(visitor, cat.URL); status != 404 {
		t.Fatalf("an image of before edited out: %d", status)
	}
	if again, err := c.st.MigrateImageTexts(ctx, time.Now()); err != nil || again.Images != 2 {
		t.Fatalf("second run: %+v %v", again, err)
	}
	if status, _, _ := c.image(visitor, cat.URL); status != 404 {
		t.Fatalf("a second run brought back an edited-out image: %d", status)
	}
}

func first(status int, _ string, _ bool) int { return status }
