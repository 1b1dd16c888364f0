package app_test

import (
	"testing"

	"tribune/shared/policy"
	"tribune/shared/posts"
)

// Issue 9, round 4: PATCH /api/posts/{id} {"body":"x"} answered 400 invalid_title
// although the OpenAPI document marks title optional. A title not sent, or sent as
// null, keeps the post's title; a title sent is checked as on creation.
func TestAnEditWithoutATitleKeepsTheTitle(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	ann := c.as("ann")
	sp := c.hiddenSpace(admin, "Board", ann)
	q := c.post(ann, sp.ID, `{"kind":"question","title":"Paging with cursors?","body":"How?"}`)
	for _, body := range []string{`{"body":"How, exactly?"}`, `{"title":null,"body":"How, really?"}`} {
		var got posts.Post
		if status, raw := c.call(ann, "PATCH", "/api/posts/"+q.ID, body, &got); status != 200 || got.Title != "Paging with cursors?" {
			t.Errorf("%s: %d %s", body, status, raw)
		}
	}
	var got posts.Post
	if status, raw := c.call(ann, "PATCH", "/api/posts/"+q.ID, `{"title":"Paging with offsets?","body":"How?"}`, &got); status != 200 || got.Title != "Paging with offsets?" {
		t.Errorf("a new title: %d %s", status, raw)
	}
	if status, raw := c.call(ann, "PATCH", "/api/posts/"+q.ID, `{"title":"","body":"How?"}`, nil); status != 400 {
		t.Errorf("an empty title: %d %s", status, raw)
	}
	st := c.post(ann, sp.ID, `{"kind":"status","body":"Shipping today."}`)
	if status, raw := c.call(ann, "PATCH", "/api/posts/"+st.ID, `{"body":"Shipped."}`, nil); status != 200 {
		t.Errorf("a status edit: %d %s", status, raw)
	}
}
