package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"tribune/shared/bus"
	"tribune/shared/eventtypes"
)

// Issue 9, round 3, finding 2: deleting an account deletes its avatar files, so a
// download URL handed out before stops working.
func TestAccountDeletionDeletesTheAvatarFiles(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	ctx := context.Background()
	zoe, bob := c.as("zoe"), c.as("bob")
	avatar := func(who *http.Client) (string, string) {
		t.Helper()
		var up struct{ UploadURL, Key, ContentType string }
		if status, body := c.call(who, "POST", "/api/me/avatar/upload", fmt.Sprintf(`{"contentType":"image/png","size":%d}`, len(imagePNG)), &up); status != 200 {
			t.Fatalf("avatar upload: %d %s", status, body)
		}
		return up.UploadURL, up.Key
	}
	// A confirmed avatar, and an upload put there but never confirmed.
	uploadURL, key := avatar(zoe)
	put(t, uploadURL, "image/png", imagePNG)
	if status, body := c.call(zoe, "PUT", "/api/me/avatar", fmt.Sprintf(`{"key":%q}`, key), nil); status != 200 {
		t.Fatalf("avatar confirm: %d %s", status, body)
	}
	strayURL, _ := avatar(zoe)
	put(t, strayURL, "image/png", imagePNG)
	bobURL, bobKey := avatar(bob)
	put(t, bobURL, "image/png", imagePNG)
	if status, body := c.call(bob, "PUT", "/api/me/avatar", fmt.Sprintf(`{"key":%q}`, bobKey), nil); status != 200 {
		t.Fatalf("bob's avatar: %d %s", status, body)
	}
	// Bob's browser got a download URL of Zoe's avatar; it works until her deletion.
	resp, err := bob.Get(c.srv.URL + "/api/members/m_zoe/avatar")
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("the avatar: %v %v", resp, err)
	}
	resp.Body.Close()
	kept := resp.Header.Get("Location")
	if got, err := http.Get(kept); err != nil || got.StatusCode != 200 {
		t.Fatalf("the signed download before the deletion: %v %v", got, err)
	}
	if keys, err := c.files.List(ctx, "avatars/m_zoe/"); err != nil || len(keys) != 2 {
		t.Fatalf("the set-up left %v %v", keys, err)
	}

	if status, body := c.call(zoe, "POST", "/api/me/delete", `{"confirm":true}`, nil); status != 204 {
		t.Fatalf("delete: %d %s", status, body)
	}
	waitFor(t, "the avatar files deleted", func() bool {
		keys, err := c.files.List(ctx, "avatars/m_zoe/")
		return err == nil && len(keys) == 0
	})
	if got, err := http.Get(kept); err != nil || got.StatusCode != 404 {
		t.Fatalf("a download URL signed before the deletion still answers %v %v", got.StatusCode, err)
	}
	if status, _ := c.call(bob, "GET", "/api/members/m_zoe/avatar", "", nil); status != 404 {
		t.Fatalf("the avatar route after the deletion: %d", status)
	}
	// Another member's avatar is not touched by it.
	if keys, err := c.files.List(ctx, "avatars/"); err != nil || len(keys) != 1 || keys[0] != bobKey {
		t.Fatalf("the files under avatars/: %v %v", keys, err)
	}
	// A repeated member.deleted finds nothing more to do, and fails on nothing.
	c.deliver(bus.ConsumerFeed, eventtypes.MemberDeletedType, &eventtypes.MemberDeleted{MemberID: "m_zoe"})

	// The documented window: an upload URL signed before the deletion is S3's to honour
	// until it expires (5 minutes after signing). What it puts is served to nobody.
	late, _ := http.NewRequest("PUT", uploadURL, strings.NewReader(imagePNG))
	late.Header.Set("Content-Type", "image/png")
	if r, err := http.DefaultClient.Do(late); err == nil {
		r.Body.Close()
	}
	if status, _ := c.call(bob, "GET", "/api/members/m_zoe/avatar", "", nil); status != 404 {
		t.Fatalf("a late upload is served: %d", status)
	}
}
