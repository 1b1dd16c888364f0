package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"tribune/shared/auth"
	"tribune/shared/bookmarks"
	"tribune/shared/eventtypes"
)

// fixedTargets sees what visible holds (kind:id), named by its id.
type fixedTargets map[string]bool

func (f fixedTargets) Target(_ context.Context, _ auth.Principal, kind, id string) (bookmarks.Target, error) {
	if !f[kind+":"+id] {
		return bookmarks.Target{}, bookmarks.ErrNoTarget
	}
	return bookmarks.Target{Title: "T " + id, URL: "/" + kind + "/" + id, SpaceID: "s_1"}, nil
}

// Bookmarks: idempotent, one event per new bookmark, the list newest first and only
// what the member may see now (the rest skipped, not deleted), pages filled.
func TestBookmarksStore(t *testing.T) {
	t.Parallel()
	st, tbl := newStore(t)
	visible := fixedTargets{}
	clock := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	svc := &bookmarks.Service{Store: st.Bookmarks(), Targets: visible, Now: func() time.Time { clock = clock.Add(time.Second); return clock }}
	ann := auth.Principal{MemberID: "m_ann"}

	if _, err := svc.Add(ctx, ann, "post", "p_hidden"); !errors.Is(err, bookmarks.ErrNoTarget) {
		t.Fatalf("an invisible post: %v", err)
	}
	if _, err := svc.Add(ctx, ann, "ticket", "t_1"); !errors.Is(err, bookmarks.ErrKind) {
		t.Fatalf("a ticket: %v", err)
	}
	if n := itemCount(t, tbl); n != 0 {
		t.Fatalf("refusals wrote %d items", n)
	}
	for i := range 45 {
		id := "d_" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		visible["document:"+id] = i%3 != 0 // a third of them invisible
		visible["document:"+id] = visible["document:"+id] || i == 0
		if _, err := svc.Add(ctx, ann, "document", id); err != nil && visible["document:"+id] {
			t.Fatal(err)
		}
	}
	visible["post:p_1"] = true
	for range 3 {
		if s, err := svc.Add(ctx, ann, "post", "p_1"); err != nil || !s.Bookmarked {
			t.Fatalf("again: %v %v", s, err)
		}
	}
	if n := outboxCount(t, tbl.DB, tbl.Name, eventtypes.BookmarkAddedType); n != 32 {
		t.Fatalf("%d bookmark.added, want 32 (31 documents, one post)", n)
	}
	if on, _ := st.Bookmarks().Bookmarked(ctx, "m_ann", "post", "p_1"); !on {
		t.Fatal("not bookmarked")
	}
	// Now a document goes out of sight: skipped from the list, kept in the table.
	visible["document:d_ba"] = false // i=1
	seen := map[string]bool{}
	cursor, pages := "", 0
	for {
		page, err := svc.List(ctx, ann, "", cursor)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if page.Next != "" && len(page.Bookmarks) != bookmarks.PageSize {
			t.Fatalf("page %d holds %d", pages, len(page.Bookmarks))
		}
		for _, b := range page.Bookmarks {
			if seen[b.Kind+b.ID] || !visible[b.Kind+":"+b.ID] || b.Title != "T "+b.ID {
				t.Fatalf("listed %+v", b)
			}
			seen[b.Kind+b.ID] = true
		}
		if cursor = page.Next; cursor == "" {
			break
		}
	}
	if len(seen) != 31 || !seen["postp_1"] {
		t.Fatalf("listed %d, want 31 (30 documents and the post)", len(seen))
	}
	first, _ := svc.List(ctx, ann, "", "")
	if first.Bookmarks[0].ID != "p_1" {
		t.Errorf("newest first: %+v", first.Bookmarks[0])
	}
	posts, _ := svc.List(ctx, ann, "post", "")
	if len(posts.Bookmarks) != 1 || posts.Next != "" {
		t.Errorf("posts only: %+v", posts)
	}
	visible["document:d_ba"] = true
	if again, _ := svc.List(ctx, ann, "document", ""); len(again.Bookmarks) != 20 {
		t.Errorf("documents: %d", len(again.Bookmarks))
	}
	marked, err := st.Bookmarks().BookmarkedAmong(ctx, "m_ann", "document", []string{"d_aa", "d_ba", "d_zz", "d_aa"})
	if err != nil || len(marked) != 2 || !marked["d_ba"] {
		t.Fatalf("among: %v %v", marked, err)
	}
	// Removing is idempotent; a removed bookmark is gone for good.
	for range 2 {
		if s, err := svc.Remove(ctx, ann, "post", "p_1"); err != nil || s.Bookmarked {
			t.Fatalf("remove: %v %v", s, err)
		}
	}
	if s, err := svc.Get(ctx, ann, "post", "p_1"); err != nil || s.Bookmarked {
		t.Fatalf("after removal: %v %v", s, err)
	}
	// The account deleted: every bookmark goes (twice: nothing left to do).
	for range 2 {
		if err := svc.OnMemberDeleted(ctx, eventtypes.MemberDeleted{MemberID: "m_ann"}); err != nil {
			t.Fatal(err)
		}
	}
	if page, err := svc.List(ctx, ann, "", ""); err != nil || len(page.Bookmarks) != 0 {
		t.Fatalf("after the account's deletion: %+v %v", page, err)
	}
	if on, _ := st.Bookmarks().Bookmarked(ctx, "m_ann", "document", "d_aa"); on {
		t.Fatal("a deleted member's bookmark stays")
	}
}
