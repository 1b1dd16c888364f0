package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/app"
	"tribune/shared/auth"
	"tribune/shared/config"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
	"tribune/shared/store"
)

// Tests of issue 9, round 3, finding 1: an uploaded image belongs to the space it was
// uploaded for, and only that space's readers get it, now.

func TestImagesAreReadOnlyByTheirSpacesReaders(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin, sam := c.as("ada", policy.RoleAdmin), c.as("sam", policy.RoleSupport)
	cara, otto := c.as("cara"), c.as("otto")
	visitor := c.visitor()
	if status, body := c.call(admin, "PUT", "/api/community/access", `{"accessMode":"open"}`, nil); status != 200 {
		t.Fatalf("open mode: %d %s", status, body)
	}
	acme := c.customerSpace(sam, "Acme", "m_cara")
	c.join(cara, acme.ID)
	general := c.space(admin, "General", spaces.Public)
	c.join(otto, general.ID)

	// The upload names its space; only who may write there gets one.
	for _, body := range []string{`{"contentType":"image/png","size":10}`, `{"spaceId":null,"contentType":"image/png","size":10}`} {
		if status, raw := c.call(cara, "POST", "/api/uploads/images", body, nil); status != 400 || problemOf(raw) != "missing_field" {
			t.Fatalf("an upload for no space (%s): %d %s", body, status, raw)
		}
	}
	if status, raw := c.call(otto, "POST", "/api/uploads/images", fmt.Sprintf(`{"spaceId":%q,"contentType":"image/png","size":10}`, acme.ID), nil); status != 404 {
		t.Fatalf("an outsider uploads for a customer space: %d %s", status, raw)
	}

	// Carol's screenshot in Acme: Acme's members get it, nobody else does.
	shot := c.uploadImage(cara, acme.ID)
	if !strings.HasPrefix(shot.URL, "/api/images/"+acme.ID+"/m_cara/") {
		t.Fatalf("the image's address does not name its space: %s", shot.URL)
	}
	post := c.post(cara, acme.ID, fmt.Sprintf(`{"kind":"discussion","title":"Broken","body":"![shot](%s)"}`, shot.URL))
	status, cache, ok := c.image(cara, shot.URL)
	if status != 302 || !ok || cache != "private, no-store" {
		t.Fatalf("a member of the space: %d %q bytes=%v", status, cache, ok)
	}
	cy := c.as("cy")
	if status, body := c.call(sam, "POST", "/api/spaces/"+acme.ID+"/invitations", `{"memberId":"m_cy"}`, nil); status != 200 {
		t.Fatalf("invite cy: %d %s", status, body)
	}
	c.join(cy, acme.ID)
	if status, _, ok := c.image(cy, shot.URL); status != 302 || !ok {
		t.Fatalf("another member of the space: %d", status)
	}
	// The uploader's load: one round trip (the image's record and the space come with the
	// session check, package prefetch); a reader's: two (the texts that show it).
	trips := &store.RoundTrips{}
	counted, err := app.LocalHandler(app.Deps{Config: config.Config{PublicURL: c.srv.URL},
		Store: store.New(c.tbl.Client(t, trips.Option()), c.tbl.Name), Files: c.files})
	if err != nil {
		t.Fatal(err)
	}
	for who, want := range map[string]int64{"m_cara": 1, "m_cy": 2} {
		trips.Reset()
		r := httptest.NewRequest("GET", shot.URL, nil)
		r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: cookieFor(t, c.st, who)})
		w := httptest.NewRecorder()
		if counted.ServeHTTP(w, r); w.Code != 302 || trips.Count() != want {
			t.Fatalf("an image load by %s: %d, %d DynamoDB calls, want 302 and %d", who, w.Code, trips.Count(), want)
		}
	}
	for name, who := range map[string]*http.Client{"an outsider": otto, "a visitor": visitor} {
		if status, _, ok := c.image(who, shot.URL); status != 404 || ok {
			t.Fatalf("%s gets a customer space's image: %d", name, status)
		}
	}

	// Nobody shows it elsewhere: not in a public post, not in a comment there.
	public := c.post(otto, general.ID, `{"kind":"discussion","title":"Hello","body":"Hi."}`)
	embed := fmt.Sprintf(`![leak](%s)`, shot.URL)
	if status, raw := c.call(otto, "POST", "/api/spaces/"+general.ID+"/posts", fmt.Sprintf(`{"kind":"discussion","title":"Look","body":%q}`, embed), nil); status != 400 || problemOf(raw) != "image_other_space" {
		t.Fatalf("another space's image in a public post: %d %s", status, raw)
	}
	if status, raw := c.call(otto, "POST", "/api/posts/"+public.ID+"/comments", fmt.Sprintf(`{"body":%q}`, embed), nil); status != 400 || problemOf(raw) != "image_other_space" {
		t.Fatalf("another space's image in a comment: %d %s", status, raw)
	}
	if status, raw := c.call(otto, "PATCH", "/api/posts/"+public.ID, fmt.Sprintf(`{"title":"Hello","body":%q}`, embed), nil); status != 400 || problemOf(raw) != "image_other_space" {
		t.Fatalf("another space's image added by an edit: %d %s", status, raw)
	}
	// Not even Carol, who uploaded it.
	c.join(cara, general.ID)
	if status, raw := c.call(cara, "POST", "/api/spaces/"+general.ID+"/posts", fmt.Sprintf(`{"kind":"discussion","title":"Look","body":%q}`, embed), nil); status != 400 || problemOf(raw) != "image_other_space" {
		t.Fatalf("the uploader shows a customer space's image in a public space: %d %s", status, raw)
	}

	// Whoever leaves the space stops getting its images at once.
	c.leave(cy, acme.ID)
	if status, _, _ := c.image(cy, shot.URL); status != 404 {
		t.Fatalf("a member who left gets the space's image: %d", status)
	}
	// Deleting the post leaves the image to its uploader alone (round 4: an image follows
	// the texts that show it).
	if status, raw := c.call(sam, "POST", "/api/spaces/"+acme.ID+"/invitations", `{"memberId":"m_cy"}`, nil); status != 200 {
		t.Fatalf("invite cy again: %d %s", status, raw)
	}
	c.join(cy, acme.ID)
	if status, _, ok := c.image(cy, shot.URL); status != 302 || !ok {
		t.Fatalf("a member back in the space: %d", status)
	}
	if status, raw := c.call(cara, "DELETE", "/api/posts/"+post.ID, "", nil); status != 204 {
		t.Fatalf("delete: %d %s", status, raw)
	}
	for name, who := range map[string]*http.Client{"an outsider": otto, "a member of the space": cy} {
		if status, _, _ := c.image(who, shot.URL); status != 404 {
			t.Fatalf("%s gets the image of a deleted post: %d", name, status)
		}
	}
	if status, _, ok := c.image(cara, shot.URL); status != 302 || !ok {
		t.Fatalf("the uploader after the post's deletion: %d", status)
	}

	// A public post's images are everyone's, as the post is; the redirect may be kept 30 s.
	pic := c.uploadImage(otto, general.ID)
	c.post(otto, general.ID, fmt.Sprintf(`{"kind":"discussion","title":"Cat","body":"![cat](%s)"}`, pic.URL))
	if status, cache, ok := c.image(visitor, pic.URL); status != 302 || !ok || cache != "private, max-age=30" {
		t.Fatalf("a visitor and a public space's image: %d %q %v", status, cache, ok)
	}
	// An image of a space shown in a comment of that space is fine.
	if status, raw := c.call(otto, "POST", "/api/posts/"+public.ID+"/comments", fmt.Sprintf(`{"body":"![cat](%s)"}`, pic.URL), nil); status != 201 {
		t.Fatalf("a space's image in a comment of that space: %d %s", status, raw)
	}
}

// A moved post keeps its images, and they follow it (round 4): whoever reads the post
// where it is now sees them, nobody else; an edit of the moved post may keep them, not
// add more of its old space's.
func TestMovedPostsKeepTheirImagesWhichFollowThem(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin, bea, otto := c.as("ada", policy.RoleAdmin), c.as("bea"), c.as("otto")
	board := c.space(admin, "Board", spaces.Closed)
	general := c.space(admin, "General", spaces.Public)
	if status, body := c.call(admin, "POST", "/api/spaces/"+board.ID+"/invitations", `{"memberId":"m_bea"}`, nil); status != 200 {
		t.Fatalf("invite: %d %s", status, body)
	}
	c.join(bea, board.ID)
	chart, other := c.uploadImage(admin, board.ID), c.uploadImage(admin, board.ID)
	p := c.post(admin, board.ID, fmt.Sprintf(`{"kind":"discussion","title":"Plan","body":"![chart](%s)"}`, chart.URL))
	if status, raw := c.call(admin, "POST", "/api/posts/"+p.ID+"/move", fmt.Sprintf(`{"spaceId":%q,"reason":"for everyone"}`, general.ID), nil); status != 200 {
		t.Fatalf("move: %d %s", status, raw)
	}
	if status, _ := c.call(otto, "GET", "/api/posts/"+p.ID, "", nil); status != 200 {
		t.Fatalf("the moved post: %d", status)
	}
	for name, who := range map[string]*http.Client{"a reader of the public space": otto, "a reader of the closed one": bea, "a visitor": c.visitor()} {
		if status, _, ok := c.image(who, chart.URL); status != 302 || !ok {
			t.Fatalf("%s does not get the moved post's image: %d", name, status)
		}
	}
	// The edit keeps what the post showed; it may not add the old space's images.
	if status, raw := c.call(admin, "PATCH", "/api/posts/"+p.ID, fmt.Sprintf(`{"title":"Plan","body":"Still: ![chart](%s)"}`, chart.URL), nil); status != 200 {
		t.Fatalf("an edit keeping the image: %d %s", status, raw)
	}
	if status, raw := c.call(admin, "PATCH", "/api/posts/"+p.ID, fmt.Sprintf(`{"title":"Plan","body":"![chart](%s) ![more](%s)"}`, chart.URL, other.URL), nil); status != 400 || problemOf(raw) != "image_other_space" {
		t.Fatalf("an edit adding the old space's image: %d %s", status, raw)
	}
}

// Images uploaded before images belonged to a space keep their addresses, readable by
// the readers of the space their uploader's text showed them in.
func TestImagesOfBeforeGetTheSpaceOfTheirTexts(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	ctx := context.Background()
	admin, sam := c.as("ada", policy.RoleAdmin), c.as("sam", policy.RoleSupport)
	cara, otto, ann := c.as("cara"), c.as("otto"), c.as("ann")
	visitor := c.visitor()
	if status, body := c.call(admin, "PUT", "/api/community/access", `{"accessMode":"open"}`, nil); status != 200 {
		t.Fatalf("open mode: %d %s", status, body)
	}
	acme := c.customerSpace(sam, "Acme", "m_cara")
	c.join(cara, acme.ID)
	general := c.space(admin, "General", spaces.Public)
	c.join(otto, general.ID)
	c.join(ann, general.ID)

	// What an older release left: files under images/<member>/ and texts showing them
	// by /api/images/<member>/<file>; Otto copied Carol's address into a public post.
	files := map[string]string{"cara": "aaaaaaaaaaaaaaaaaaaaaaaaaa.png", "ann": "bbbbbbbbbbbbbbbbbbbbbbbbbb.png", "lost": "cccccccccccccccccccccccccc.png"}
	for who, file := range files {
		member := "m_" + who
		if who == "lost" {
			member = "m_ann"
		}
		up, err := c.files.PresignPut(ctx, "images/"+member+"/"+file, "image/png", int64(len(imagePNG)), 5*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		put(t, up, "image/png", imagePNG)
	}
	caraURL, annURL, lostURL := "/api/images/m_cara/"+files["cara"], "/api/images/m_ann/"+files["ann"], "/api/images/m_ann/"+files["lost"]
	older := func(p posts.Post, body string) {
		t.Helper()
		if _, err := c.tbl.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(c.tbl.Name),
			Key:              map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "POST#" + p.ID}, "SK": &types.AttributeValueMemberS{Value: "POST"}},
			UpdateExpression: aws.String("SET Body = :b"), ExpressionAttributeValues: map[string]types.AttributeValue{":b": &types.AttributeValueMemberS{Value: body}}}); err != nil {
			t.Fatal(err)
		}
	}
	copied := c.post(otto, general.ID, `{"kind":"discussion","title":"Found this","body":"x"}`)
	older(copied, "![copied]("+caraURL+")")
	own := c.post(cara, acme.ID, `{"kind":"discussion","title":"Broken","body":"x"}`)
	older(own, "![shot]("+caraURL+")")
	older(c.post(ann, general.ID, `{"kind":"discussion","title":"Cat","body":"x"}`), "![cat]("+annURL+")")

	// Before the migrations no image of before is served.
	if status, _, _ := c.image(cara, caraURL); status != 404 {
		t.Fatalf("an image of before without a space: %d", status)
	}
	placed, err := c.st.MigrateLegacyImages(ctx)
	if err != nil || placed.Images != 2 || placed.Texts != 3 {
		t.Fatalf("migration: %+v %v", placed, err)
	}
	// Round 4: the texts that may show them are recorded (Otto's copy is not: it is
	// someone else's image in another space).
	recorded, err := c.st.MigrateImageTexts(ctx, time.Now())
	if err != nil || recorded.Images != 2 || recorded.Texts != 2 {
		t.Fatalf("recording the texts: %+v %v", recorded, err)
	}
	// Carol's image is Acme's (her own text), although Otto's copy is older.
	if status, cache, ok := c.image(cara, caraURL); status != 302 || !ok || cache != "private, no-store" {
		t.Fatalf("the uploader's image in her customer space: %d %q %v", status, cache, ok)
	}
	for name, who := range map[string]*http.Client{"an outsider": otto, "a visitor": visitor} {
		if status, _, _ := c.image(who, caraURL); status != 404 {
			t.Fatalf("%s gets a customer space's image of before: %d", name, status)
		}
	}
	if status, _, ok := c.image(visitor, annURL); status != 302 || !ok {
		t.Fatalf("a public space's image of before: %d", status)
	}
	if status, _, _ := c.image(ann, lostURL); status != 404 {
		t.Fatalf("an image no text showed: %d", status)
	}
	// Texts keep what they showed; a new text may not show an image of before.
	if status, raw := c.call(cara, "PATCH", "/api/posts/"+own.ID, fmt.Sprintf(`{"title":"Broken","body":"Still broken: ![shot](%s)"}`, caraURL), nil); status != 200 {
		t.Fatalf("an edit keeping an image of before: %d %s", status, raw)
	}
	if status, raw := c.call(ann, "POST", "/api/spaces/"+general.ID+"/posts", fmt.Sprintf(`{"kind":"discussion","title":"Again","body":"![cat](%s)"}`, annURL), nil); status != 400 || problemOf(raw) != "image_other_space" {
		t.Fatalf("a new text showing an image of before: %d %s", status, raw)
	}
	// A second run changes nothing.
	if again, err := c.st.MigrateLegacyImages(ctx); err != nil || again.Images != 0 {
		t.Fatalf("second run: %+v %v", again, err)
	}
	if status, _, ok := c.image(visitor, annURL); status != 302 || !ok {
		t.Fatalf("a public space's image of before after an edit elsewhere: %d", status)
	}
}
