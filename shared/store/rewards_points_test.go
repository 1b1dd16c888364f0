package store_test

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tribune/shared/eventtypes"
	"tribune/shared/rewards"
	"tribune/shared/store"
	"tribune/shared/store/dynamotest"
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

// BenchmarkRewardsLedgerPay measures one ledger entry (entry, claim, account, event and
// eight leaderboard scores in one transaction) against DynamoDB Local, 8 at a time.
func BenchmarkRewardsLedgerPay(b *testing.B) {
	st, _ := newStoreB(b)
	rw := st.Rewards()
	now := time.Now().UTC()
	var n atomic.Int64
	b.SetParallelism(2) // 2 x GOMAXPROCS goroutines
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			e := rewards.Entry{MemberID: fmt.Sprintf("m_%d", i%50), Rule: "comment", Amount: 5, ObjectType: "comment",
				ObjectID: fmt.Sprint("c_", i), SpaceID: "s_1", At: now}
			if err := rw.Pay(ctx, e, 5, 5, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRewardsBoardTop50 reads the top 50 of a board holding 100 or 1,000 members:
// one Query of 50 items and one read of their names, whatever the board's size.
func BenchmarkRewardsBoardTop50(b *testing.B) {
	for _, members := range []int{100, 1000} {
		// Seeded once per size (b.Run calls its function again for each b.N).
		st, _ := newStoreB(b)
		rw := st.Rewards()
		now := time.Now().UTC()
		board := rewards.Board{Period: rewards.PeriodKey(rewards.PeriodAll, now)}
		for i := range members {
			id := fmt.Sprintf("m_%04d", i)
			if err := rw.Pay(ctx, rewards.Entry{MemberID: id, Rule: "comment", Amount: int64(i + 1), ObjectType: "comment", ObjectID: id, At: now},
				int64(i+1), int64(i+1), 0); err != nil {
				b.Fatal(err)
			}
			if err := rw.ShowOnBoards(ctx, id, []rewards.Board{board}, true); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(fmt.Sprint(members, "members"), func(b *testing.B) {
			for range b.N {
				// The board's members are not registered: the top reads their names and finds none.
				if _, err := rw.Board(ctx, board, rewards.BoardTop); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func newStoreB(b *testing.B) (*store.Store, dynamotest.Table) {
	tbl := dynamotest.NewTable(b)
	return store.New(tbl.DB, tbl.Name), tbl
}
