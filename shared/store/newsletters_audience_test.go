package store_test

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"tribune/shared/auth"
	"tribune/shared/eventtypes"
	"tribune/shared/members"
	"tribune/shared/newsletters"
	"tribune/shared/store"
	"tribune/shared/store/dynamotest"
)

// subscribers registers n members (ids m_s<i>) who consent to the product list, i%10
// of them (i%10 == 0) on the suppression list, 16 at a time.
func subscribers(tb testing.TB, st *store.Store, n int) {
	tb.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	work := make(chan int)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				now := time.Now().UTC()
				id := "m_s" + strconv.Itoa(i)
				m := members.Member{ID: id, Email: id[2:] + "@example.com", DisplayName: "Subscriber " + strconv.Itoa(i), Locale: "en",
					Roles: []string{"member"}, Status: members.StatusActive, CreatedAt: now}
				sess, _ := auth.NewSession(id, now, "test")
				env, _ := eventtypes.Wrap(eventtypes.MemberRegistered{Meta: eventtypes.NewMeta(now), MemberID: id})
				if err := st.Members().Register(ctx, m, sess, env, nil, nil); err != nil {
					errs <- err
					continue
				}
				if err := st.Newsletters().SignUpConsents(ctx, id, []newsletters.Consent{{List: newsletters.ListProduct, Subscribed: true, At: now, Source: newsletters.SourceSignUp}}); err != nil {
					errs <- err
					continue
				}
				if i%10 == 0 {
					ev, _ := eventtypes.Wrap(eventtypes.MailBounced{Meta: eventtypes.NewMeta(now), Email: m.Email, Permanent: true})
					if err := st.Newsletters().Suppress(ctx, newsletters.Suppression{Email: m.Email, Reason: newsletters.ReasonBounce, At: now}, ev); err != nil {
						errs <- err
					}
				}
			}
		}()
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Fatal(err)
	}
}

func audienceOver(st *store.Store) *newsletters.AudienceService {
	return &newsletters.AudienceService{Store: st.Newsletters(), Now: time.Now, PublicURL: "http://test.local", Key: st.Newsletters().UnsubscribeKey}
}

// The list's subscribers (GSI1 SUBSCRIBERS#<list>#<shard>), read a page at a time over
// every shard: each consenting member once, the suppressed ones left out, pages never
// over newsletters.AudiencePage, and the DynamoDB calls per recipient bounded.
func TestNewsletterSubscribersAreReadShardByShardAPageAtATime(t *testing.T) {
	t.Parallel()
	st, tbl := newStore(t)
	subscribers(t, st, 250)
	seen := map[string]bool{}
	tbl.Trips.Reset()
	err := audienceOver(st).Each(ctx, newsletters.ListProduct, newsletters.Segment{}, func(rs []newsletters.Recipient) error {
		if len(rs) > newsletters.AudiencePage {
			t.Fatalf("a page of %d", len(rs))
		}
		for _, r := range rs {
			if seen[r.MemberID] {
				t.Fatalf("%s twice", r.MemberID)
			}
			seen[r.MemberID] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 225 {
		t.Fatalf("%d recipients, want 225 (250 less the 25 suppressed)", len(seen))
	}
	// 8 shards' queries (one more each for the last empty page at most), and per page
	// of up to 100 members two BatchGetItem calls (profiles and consent, then suppressions).
	if trips := tbl.Trips.Count(); trips > 8*2+2*2*8 {
		t.Fatalf("%d DynamoDB calls for 250 subscribers", trips)
	}
	// MaySend, before each mail: one round trip; a suppressed address is refused.
	tbl.Trips.Reset()
	if ok, err := audienceOver(st).MaySend(ctx, newsletters.ListProduct, newsletters.Recipient{MemberID: "m_s1", Email: "s1@example.com"}); !ok || err != nil {
		t.Fatalf("MaySend(s1) = %v, %v", ok, err)
	}
	if trips := tbl.Trips.Count(); trips != 1 {
		t.Fatalf("MaySend took %d DynamoDB calls, want 1", trips)
	}
	if ok, _ := audienceOver(st).MaySend(ctx, newsletters.ListProduct, newsletters.Recipient{MemberID: "m_s10", Email: "s10@example.com"}); ok {
		t.Fatal("MaySend to a suppressed address")
	}
	// The frozen address was suppressed after the member changed theirs: refused too.
	if ok, _ := audienceOver(st).MaySend(ctx, newsletters.ListProduct, newsletters.Recipient{MemberID: "m_s11", Email: "s10@example.com"}); ok {
		t.Fatal("MaySend to a frozen address that is suppressed")
	}
	n, err := audienceOver(st).Count(ctx, newsletters.ListDigest, newsletters.Segment{})
	if err != nil || n != 0 {
		t.Fatalf("the digest: %d, %v", n, err)
	}
}

// The suppression list (GSI1 SUPPRESSIONS) pages newest first with a signed cursor; a
// spent unsubscribe token (UNSUBSCRIBE#<nonce>) is spent once.
func TestNewsletterSuppressionListPagesAndTokensSpendOnce(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	nl := st.Newsletters()
	base := time.Now().UTC().Add(-time.Hour)
	for i := range 5 {
		email := fmt.Sprintf("x%d@example.com", i)
		ev, _ := eventtypes.Wrap(eventtypes.MailComplained{Meta: eventtypes.NewMeta(base), Email: email})
		if err := nl.Suppress(ctx, newsletters.Suppression{Email: email, Reason: newsletters.ReasonComplaint, At: base.Add(time.Duration(i) * time.Minute)}, ev); err != nil {
			t.Fatal(err)
		}
	}
	first, err := nl.Suppressions(ctx, "", 3)
	if err != nil || len(first.Items) != 3 || first.Items[0].Email != "x4@example.com" || first.Next == "" {
		t.Fatalf("first page: %+v %v", first, err)
	}
	second, err := nl.Suppressions(ctx, first.Next, 3)
	if err != nil || len(second.Items) != 2 || second.Items[1].Email != "x0@example.com" {
		t.Fatalf("second page: %+v %v", second, err)
	}
	if _, err := nl.Suppressions(ctx, first.Next+"x", 3); err == nil {
		t.Fatal("a tampered cursor was read")
	}
	id := named(t, st, "Ann")
	c := newsletters.Consent{List: newsletters.ListEvents, At: time.Now(), Source: newsletters.SourceOneClick}
	ev, _ := eventtypes.Wrap(eventtypes.NewsletterConsentChanged{Meta: eventtypes.NewMeta(time.Now()), MemberID: id, List: c.List, Source: c.Source})
	if err := nl.SpendUnsubscribe(ctx, "nonce1", time.Now().Add(time.Hour), id, c, ev); err != nil {
		t.Fatal(err)
	}
	ev2, _ := eventtypes.Wrap(eventtypes.NewsletterConsentChanged{Meta: eventtypes.NewMeta(time.Now()), MemberID: id, List: c.List, Source: c.Source})
	if err := nl.SpendUnsubscribe(ctx, "nonce1", time.Now().Add(time.Hour), id, c, ev2); err != newsletters.ErrUnsubscribeUsed {
		t.Fatalf("spent twice: %v", err)
	}
	if spent, err := nl.UnsubscribeSpent(ctx, "nonce1"); !spent || err != nil {
		t.Fatalf("spent: %v %v", spent, err)
	}
}

// BenchmarkNewsletterAudienceEach walks a list's whole audience (AUDIENCE_N members,
// 1,000 by default; a tenth suppressed) and reports DynamoDB calls and allocated bytes
// per recipient.
func BenchmarkNewsletterAudienceEach(b *testing.B) {
	n := 1000
	if v, err := strconv.Atoi(os.Getenv("AUDIENCE_N")); err == nil && v > 0 {
		n = v
	}
	tbl := dynamotest.NewTable(b)
	st := store.New(tbl.DB, tbl.Name)
	subscribers(b, st, n)
	aud := audienceOver(st)
	b.ResetTimer()
	tbl.Trips.Reset()
	recipients := 0
	for b.Loop() {
		err := aud.Each(ctx, newsletters.ListProduct, newsletters.Segment{}, func(rs []newsletters.Recipient) error {
			recipients += len(rs)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(tbl.Trips.Count())/float64(recipients), "calls/recipient")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(recipients), "µs/recipient")
}
