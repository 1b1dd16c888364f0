package rewards

import (
	"context"
	"fmt"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"
)

// MemberData is what the reward programme keeps about one member, for "download my
// data" (GDPR art. 15 and 20): the account, every badge, the whole points ledger, every
// order with its shipping address while it is kept, and what they did in each campaign
// (views, joins, proofs, completions, trial applications). Lists are oldest first and []
// when empty. Ids of the staff who reviewed, decided or granted are left out: they are
// not the member's data. An approved trial application holds the instructions the
// member was given.
type MemberData struct {
	Account   Account          `json:"account"`
	Badges    []Award          `json:"badges"`
	Ledger    []Entry          `json:"ledger"`
	Orders    []Order          `json:"orders"`
	Campaigns []CampaignRecord `json:"campaigns"`
}

// CampaignRecord is a member's part in one campaign.
type CampaignRecord struct {
	CampaignID string `json:"campaignId"`
	Title      string `json:"title"`
	Participation
}

// ExportStore is what MemberData reads (store.Rewards implements it).
type ExportStore interface {
	Account(ctx context.Context, memberID string) (Account, error)
	Awards(ctx context.Context, memberID string) ([]Award, error)
	Entries(ctx context.Context, memberID, cursor string, limit int) ([]Entry, string, error)
	MemberOrders(ctx context.Context, memberID, cursor string, limit int, now time.Time) ([]Order, string, error)
	Campaigns(ctx context.Context, cursor string, limit int) ([]Campaign, string, error)
	Participation(ctx context.Context, campaignID, memberID string) (Participation, error)
}

// exportPage is the page size of the export's reads (the most DynamoDB answers in one
// call for these small items).
const exportPage = 100

// ExportMember gathers MemberData for memberID. Its cost grows with what the member did
// and with the number of campaigns ever run (one query of the member's items in each,
// 8 at a time): an export is rare, so no member-side index of campaigns is kept for it.
func ExportMember(ctx context.Context, st ExportStore, memberID string, now time.Time) (MemberData, error) {
	var d MemberData
	var err error
	if d.Account, err = st.Account(ctx, memberID); err != nil {
		return MemberData{}, fmt.Errorf("rewards.ExportMember: %w", err)
	}
	if d.Badges, err = st.Awards(ctx, memberID); err != nil {
		return MemberData{}, fmt.Errorf("rewards.ExportMember: %w", err)
	}
	for i := range d.Badges {
		if d.Badges[i].GrantedBy != "" {
			d.Badges[i].GrantedBy, d.Badges[i].Granted = "", true
		}
	}
	if d.Ledger, err = all(func(c string) ([]Entry, string, error) { return st.Entries(ctx, memberID, c, exportPage) }); err != nil {
		return MemberData{}, fmt.Errorf("rewards.ExportMember: %w", err)
	}
	if d.Orders, err = all(func(c string) ([]Order, string, error) { return st.MemberOrders(ctx, memberID, c, exportPage, now) }); err != nil {
		return MemberData{}, fmt.Errorf("rewards.ExportMember: %w", err)
	}
	campaigns, err := all(func(c string) ([]Campaign, string, error) { return st.Campaigns(ctx, c, exportPage) })
	if err != nil {
		return MemberData{}, fmt.Errorf("rewards.ExportMember: %w", err)
	}
	parts := make([]Participation, len(campaigns))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for i, c := range campaigns {
		g.Go(func() (err error) {
			parts[i], err = st.Participation(gctx, c.ID, memberID)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return MemberData{}, fmt.Errorf("rewards.ExportMember: %w", err)
	}
	d.Campaigns = []CampaignRecord{}
	// Campaigns come newest start first: walk them backwards for oldest first.
	for i := len(campaigns) - 1; i >= 0; i-- {
		p := parts[i]
		if !p.Saw && !p.Joined && len(p.Submissions) == 0 && p.Trial == nil {
			continue
		}
		if p.Trial != nil && p.Trial.Status == TrialApproved && campaigns[i].Trial != nil {
			// What the approved member was given (a code, a link) is theirs: as on the
			// campaign's page.
			p.Trial.Instructions = campaigns[i].Trial.Instructions
		}
		p = ownParticipation(p)
		d.Campaigns = append(d.Campaigns, CampaignRecord{CampaignID: campaigns[i].ID, Title: campaigns[i].Title, Participation: p})
	}
	slices.Reverse(d.Ledger)
	slices.Reverse(d.Orders)
	if d.Badges == nil {
		d.Badges = []Award{}
	}
	return d, nil
}

// all reads every page of a signed-cursor list; never nil.
func all[T any](page func(cursor string) ([]T, string, error)) ([]T, error) {
	out := []T{}
	for cursor := ""; ; {
		list, next, err := page(cursor)
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
		if next == "" {
			return out, nil
		}
		cursor = next
	}
}
