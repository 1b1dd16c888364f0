package store_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"tribune/shared/eventtypes"
	"tribune/shared/rewards"
)

// The ledger writes an entry once per (rule, object, member): a replay writes nothing;
// concurrent entries add up exactly; spending is refused below the balance, and
// spending lowers the balance but never the lifetime score.
func TestRewardsLedgerOncePerRuleObjectMember(t *testing.T) {
	t.Parallel()
	st, tbl := newStore(t)
	rw := st.Rewards()
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	e := rewards.Entry{MemberID: "m_ann", Rule: "comment", Amount: 5, ObjectType: "comment", ObjectID: "c_1", SpaceID: "s_1", EventID: "ev1", At: now}
	if err := rw.Pay(ctx, e, 5, 5, 0); err != nil {
		t.Fatal(err)
	}
	before := itemCount(t, tbl)
	for range 4 {
		if err := rw.Pay(ctx, e, 5, 5, 0); !errors.Is(err, rewards.ErrAlreadyPaid) {
			t.Fatalf("replay: %v", err)
		}
	}
	if after := itemCount(t, tbl); after != before {
		t.Fatalf("a replay wrote %d items", after-before)
	}
	if n := outboxCount(t, tbl.DB, tbl.Name, eventtypes.PointsAwardedType); n != 1 {
		t.Fatalf("%d points.awarded, want 1", n)
	}

	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := rewards.Entry{MemberID: "m_ann", Rule: "comment", Amount: 5, ObjectType: "comment", ObjectID: fmt.Sprint("c_p", i), At: now}
			if err := rw.Pay(ctx, e, 5, 5, 0); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	a, err := rw.Account(ctx, "m_ann")
	if err != nil || a.Balance != 105 || a.Lifetime != 105 {
		t.Fatalf("account %+v %v, want 105/105", a, err)
	}

	spend := rewards.Entry{MemberID: "m_ann", Rule: "redemption", Amount: -200, ObjectType: "order", ObjectID: "o_1", At: now.Add(time.Minute)}
	if err := rw.Pay(ctx, spend, -200, 0, 200); !errors.Is(err, rewards.ErrBalance) {
		t.Fatalf("overspend: %v", err)
	}
	spend.Amount, spend.ObjectID = -100, "o_2"
	if err := rw.Pay(ctx, spend, -100, 0, 100); err != nil {
		t.Fatal(err)
	}
	a, _ = rw.Account(ctx, "m_ann")
	if a.Balance != 5 || a.Lifetime != 105 {
		t.Fatalf("after spending: %+v", a)
	}
	page, next, err := rw.Entries(ctx, "m_ann", "", 10)
	if err != nil || len(page) != 10 || next == "" || page[0].Rule != "redemption" {
		t.Fatalf("history: %d %q %v %+v", len(page), next, err, page[0])
	}
	if none, _ := rw.Account(ctx, "m_nobody"); none.Balance != 0 || none.MemberID != "m_nobody" {
		t.Fatalf("no account: %+v", none)
	}
}
