package store_test

import (
	"errors"
	"testing"
	"time"

	"tribune/shared/bookmarks"
	"tribune/shared/eventtypes"
	"tribune/shared/idempotency"
)

// A claim's lease counts from its write, not from its request's start: a request that
// took longer than idempotency.Lease to reach its write (a loaded machine, where no
// function timeout kills it) still holds its name against a twin that writes just after
// it, and the twin writes nothing (CI saw two tickets from eight identical requests when
// the lease counted from the start). A claim left without an answer for the lease after
// its write is abandoned (app TestAClaimWithoutAnAnswerHoldsForItsLeaseOnly).
func TestAClaimsLeaseCountsFromItsWrite(t *testing.T) {
	t.Parallel()
	st, tbl := newStore(t)
	began := time.Now().Add(-idempotency.Lease - 5*time.Second)
	const fp = "f1ngerprint"
	add := func(owner, id string) error {
		c := idempotency.NewSameClaim(fp, owner, began, idempotency.Window)
		c.Scope = "m_ann"
		cx := idempotency.With(ctx, &idempotency.Request{Claims: []*idempotency.Claim{c}})
		env, err := eventtypes.Wrap(eventtypes.BookmarkAdded{Meta: eventtypes.NewMeta(time.Now()), MemberID: "m_ann", Kind: "post", ID: id})
		if err != nil {
			t.Fatal(err)
		}
		_, err = st.Bookmarks().AddBookmark(cx, "m_ann", bookmarks.Bookmark{Kind: "post", ID: id, CreatedAt: time.Now()}, env)
		if err == nil && !c.Placed() {
			t.Fatalf("%s wrote without placing its claim", owner)
		}
		return err
	}
	if err := add("slow request", "p_1"); err != nil {
		t.Fatal(err)
	}
	before := itemCount(t, tbl)
	if err := add("its twin", "p_2"); !errors.Is(err, idempotency.ErrRepeated) {
		t.Fatalf("a twin right after a slow request's write: %v, want it to lose to the claim", err)
	}
	if after := itemCount(t, tbl); after != before {
		t.Fatalf("the twin wrote %d items", after-before)
	}
}
