package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/auth"
	"tribune/shared/eventtypes"
	"tribune/shared/invitations"
	"tribune/shared/members"
	"tribune/shared/metrics"
	"tribune/shared/notifications"
	"tribune/shared/ratelimit"
	"tribune/shared/store"
)

// A link with 3 uses, 8 people registering through it at once: exactly 3 get in, its
// count says 3, and 3 invitation.accepted events are written.
func TestInvitationUsesAreExactUnderConcurrentRegistrations(t *testing.T) {
	t.Parallel()
	st, tbl := newStore(t)
	now := time.Now().UTC()
	quota := ratelimit.Hit{Rule: ratelimit.Rule{Name: "q", Limit: 10, Window: time.Hour}, Key: "m"}
	inv := invitations.Invitation{ID: "invlink01", Kind: invitations.KindLink, Roles: []string{"member"}, MaxUses: 3,
		CreatedAt: now, ValidUntil: now.Add(24 * time.Hour), CodeHash: "h"}
	meta := eventtypes.NewMeta(now)
	env, _ := eventtypes.Wrap(eventtypes.InvitationCreated{Meta: meta})
	if err := st.Invitations().CreateInvitation(ctx, inv, env, quota, now, ""); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	admitted, refused := 0, 0
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			email := fmt.Sprintf("p%d@example.com", i)
			m := members.Member{ID: fmt.Sprintf("m_p%d", i), Email: email, DisplayName: "p", Locale: "en", Roles: []string{"member"},
				Status: members.StatusActive, CreatedAt: now}
			sess, _ := auth.NewSession(m.ID, now, "test")
			meta := eventtypes.NewMeta(now)
			env, _ := eventtypes.Wrap(eventtypes.MemberRegistered{Meta: meta, MemberID: m.ID})
			err := st.Members().Register(ctx, m, sess, env, nil, &members.Acceptance{InvitationID: inv.ID, CodeHash: "h"})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				admitted++
			case errors.Is(err, members.ErrInvitationUsed): // the losers are told why
				refused++
			default:
				t.Errorf("register %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	got, err := st.Invitations().GetInvitation(ctx, inv.ID)
	if err != nil || admitted != 3 || refused != 5 || got.Uses != 3 {
		t.Fatalf("admitted %d, refused %d, uses %d (%v); want 3, 5, 3", admitted, refused, got.Uses, err)
	}
	if n := outboxCount(t, tbl.DB, tbl.Name, eventtypes.InvitationAcceptedType); n != 3 {
		t.Fatalf("%d invitation.accepted events, want 3", n)
	}
}

// A notification delivered twice is one item, unread once; the inbox's read mark
// never goes back; what arrives after the mark is unread even when it is about
// something older.
func TestInboxDeliveriesAndReadMarksAreExact(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	now := time.Now().UTC()
	n := notifications.Notification{ID: "evt1-m_ann", MemberID: "m_ann", Kind: notifications.KindMention, At: now.Add(-time.Minute)}
	for range 3 {
		if err := st.Notifications().PutNotification(ctx, n, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	items, _, _, err := st.Notifications().Inbox(ctx, "m_ann", "", 30)
	if err != nil || len(items) != 1 {
		t.Fatalf("a repeated delivery: %+v %v", items, err)
	}
	first := items[0].DeliveredAt
	if first.IsZero() || first.Before(now.Add(-time.Second)) {
		t.Fatalf("delivered at %v", first)
	}
	if err := st.Notifications().PutNotification(ctx, n, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if items, _, _, _ = st.Notifications().Inbox(ctx, "m_ann", "", 30); !items[0].DeliveredAt.Equal(first) {
		t.Fatal("a repeated delivery moved the delivery time (the notification would be unread again)")
	}
	// Two marks in the wrong order: the later stays.
	later := now.Add(time.Minute)
	if err := st.Notifications().MarkRead(ctx, "m_ann", later); err != nil {
		t.Fatal(err)
	}
	if err := st.Notifications().MarkRead(ctx, "m_ann", now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, _, seen, _ := st.Notifications().Inbox(ctx, "m_ann", "", 30); !seen.Equal(later) {
		t.Fatalf("the read mark went back to %v", seen)
	}
}

// flaky answers TransactionConflict a few times before passing the call on, as
// DynamoDB does under contention (DynamoDB Local queues instead).
type flaky struct {
	store.API
	conflicts int
	calls     int
}

func (f *flaky) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, opts ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	f.calls++
	if f.calls <= f.conflicts {
		reasons := make([]types.CancellationReason, len(in.TransactItems))
		for i := range reasons {
			reasons[i].Code = aws.String("None")
		}
		reasons[0].Code = aws.String("TransactionConflict")
		return nil, &types.TransactionCanceledException{Message: aws.String("conflict"), CancellationReasons: reasons}
	}
	return f.API.TransactWriteItems(ctx, in, opts...)
}

// A transaction that lost only to a concurrent one runs again; a failed condition
// does not.
func TestTransactionsLostToAConflictRunAgain(t *testing.T) {
	t.Parallel()
	_, tbl := newStore(t)
	db := &flaky{API: tbl.DB, conflicts: 2}
	st := store.New(db, tbl.Name)
	m, _ := register(t, st, "ann@example.com", time.Now())
	if db.calls != 3 {
		t.Fatalf("%d calls, want 2 conflicts and a success", db.calls)
	}
	db.calls, db.conflicts = 0, 0
	sess, _ := auth.NewSession(m.ID, time.Now(), "test")
	meta := eventtypes.NewMeta(time.Now())
	env, _ := eventtypes.Wrap(eventtypes.MemberRegistered{Meta: meta})
	var taken *members.EmailTakenError
	if err := st.Members().Register(ctx, m, sess, env, nil, nil); !errors.As(err, &taken) || db.calls != 1 {
		t.Fatalf("a failed condition: %v after %d calls", err, db.calls)
	}
}

// One write per event: an event's counts and its handled marker are one transaction
// (after one read of the sketch its member goes into); a repeat counts nothing; a
// member counts once a day however many events name them (the day's sketch, written on
// its version, retried when a concurrent event wrote it first);
// the shards of a counter, and a counter written before shards, add up.
func TestEventCountsAreOneWriteExactAndSharded(t *testing.T) {
	t.Parallel()
	st, tbl := newStore(t)
	now := time.Now()
	day := "2026-11-24"
	// A counter as it was written before shards.
	if _, err := tbl.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(tbl.Name), Item: map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: "COUNTER#posts"}, "SK": &types.AttributeValueMemberS{Value: "DAY#" + day},
		"Type": &types.AttributeValueMemberS{Value: "Counter"}, "Count": &types.AttributeValueMemberN{Value: "5"}}}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			counts := []metrics.Count{{Name: metrics.Posts, Delta: 1}, {Name: metrics.ActiveContributors, Member: fmt.Sprintf("m_%d", i%4)}}
			for range 2 { // every event delivered twice
				err := st.CountEvent(ctx, metrics.Consumer, fmt.Sprintf("evt%d", i), day, counts, now)
				if err != nil && !errors.Is(err, eventtypes.ErrDuplicate) {
					t.Errorf("count evt%d: %v", i, err)
				}
			}
		}()
	}
	wg.Wait()
	posts, err := st.Counter(ctx, metrics.Posts, day)
	if err != nil || posts != 45 {
		t.Fatalf("posts %d (%v), want 40 events + 5 counted before shards", posts, err)
	}
	if days, err := st.SketchDays(ctx, metrics.ActiveContributors, day, day); err != nil || days[day] == nil || days[day].Estimate() != 4 {
		t.Fatalf("active contributors %v (%v), want 4 members", days, err)
	}
	if n, _ := st.Counter(ctx, metrics.Posts, "2026-11-25"); n != 0 {
		t.Fatalf("another day counts %d", n)
	}
	tbl.Trips.Reset()
	err = st.CountEvent(ctx, metrics.Consumer, "evt-one", day, []metrics.Count{{Name: metrics.Posts, Delta: 1},
		{Name: metrics.IdeasSubmitted, Delta: 1}, {Name: metrics.ActiveContributors, Member: "m_0"}}, now)
	if err != nil || tbl.Trips.Count() != 2 {
		t.Fatalf("an event with three counts took %d calls (%v), want one read of the sketch and one write", tbl.Trips.Count(), err)
	}
}
