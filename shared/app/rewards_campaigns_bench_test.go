package app_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"tribune/shared/auth"
	"tribune/shared/policy"
	"tribune/shared/rewards"
	"tribune/shared/store"
	"tribune/shared/store/dynamotest"
)

// BenchmarkCampaignProofApproval is the approval of a proof (one transaction: the proof,
// the member's count, the ledger entry, the account, the boards, the campaign's budget
// and counters, the events) against DynamoDB Local; "parallel" approves 8 at once
// under one campaign (its item takes every approval's budget and counters). It reports
// approvals a second.
func BenchmarkCampaignProofApproval(b *testing.B) {
	for _, parallel := range []int{1, 8} {
		b.Run(fmt.Sprintf("parallel=%d", parallel), func(b *testing.B) {
			tbl := dynamotest.NewTable(b)
			st := store.New(tbl.DB, tbl.Name)
			ctx := context.Background()
			svc := &rewards.Campaigns{Store: st.Rewards(), Now: time.Now}
			marketer := auth.Principal{MemberID: newMember(b, st, "mia", []string{policy.RoleMember, policy.RoleMarketer}), Roles: []string{policy.RoleMember, policy.RoleMarketer}}
			now := time.Now()
			c, err := svc.Create(ctx, marketer, rewards.CampaignInput{Title: "Bench", Disclosure: "I received points.", Audience: rewards.Audience{Kind: rewards.AudienceEveryone},
				StartsAt: now.Add(-time.Minute), EndsAt: now.Add(time.Hour), PointsBudget: rewards.MaxPointsBudget,
				Challenges: []rewards.ChallengeInput{{Kind: rewards.ChallengeProof, Title: "Review", Points: 10, MaxCompletions: 1}}})
			if err == nil {
				_, err = svc.Move(ctx, marketer, c.ID, rewards.StateRequest{Action: rewards.ActPublish})
			}
			if err != nil {
				b.Fatal(err)
			}
			subs := make([]string, b.N)
			for i := range b.N {
				id := newMember(b, st, fmt.Sprintf("b%d", i), []string{policy.RoleMember})
				sub, err := svc.Submit(ctx, auth.Principal{MemberID: id, Roles: []string{policy.RoleMember}}, c.ID,
					rewards.ProofRequest{ChallengeID: c.Challenges[0].ID, URL: fmt.Sprintf("https://bench.example/%d", i)})
				if err != nil {
					b.Fatal(err)
				}
				subs[i] = sub.ID
			}
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			next := make(chan string)
			for range parallel {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for id := range next {
						if _, err := svc.Review(ctx, marketer, id, rewards.ReviewRequest{Decision: rewards.DecisionApprove}); err != nil {
							b.Error(err)
						}
					}
				}()
			}
			for _, id := range subs {
				next <- id
			}
			close(next)
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "approvals/s")
			b.StopTimer()
			got, err := st.Rewards().Campaign(ctx, c.ID)
			if err != nil || got.Counts.Approved != int64(b.N) || got.Counts.PointsPaid != int64(10*b.N) {
				b.Fatalf("approved %d, paid %d, want %d and %d (%v)", got.Counts.Approved, got.Counts.PointsPaid, b.N, 10*b.N, err)
			}
		})
	}
}
