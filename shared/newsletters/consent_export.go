package newsletters

import (
	"context"
	"fmt"
	"slices"
)

// ConsentExport is the newsletters' part of a member's "download my data" (section
// "newsletters"): the consent records the member has, with when and how each choice was
// made, and their address's entry on the suppression list, if any.
type ConsentExport struct {
	// Lists are the member's consent records, one per list they have a choice about,
	// in the order of Lists (a list with no record is not subscribed and not listed).
	Lists []Consent `json:"lists"`
	// Suppression is the member's current address on the suppression list (a hard
	// bounce or a complaint: no list is sent to it), or null.
	Suppression *Suppression `json:"suppression"`
}

// ConsentExportStore is what ExportConsents reads (shared/store implements it).
type ConsentExportStore interface {
	Consents(ctx context.Context, memberID string) ([]Consent, error)
	Suppression(ctx context.Context, email string) (Suppression, bool, error)
}

// ExportConsents gathers memberID's consent records and whether email, their current
// address, is on the suppression list.
func ExportConsents(ctx context.Context, s ConsentExportStore, memberID, email string) (ConsentExport, error) {
	cs, err := s.Consents(ctx, memberID)
	if err != nil {
		return ConsentExport{}, fmt.Errorf("newsletters.ExportConsents %s: %w", memberID, err)
	}
	out := ConsentExport{Lists: make([]Consent, 0, len(cs))}
	for _, c := range cs {
		if ValidList(c.List) {
			out.Lists = append(out.Lists, c)
		}
	}
	slices.SortFunc(out.Lists, func(a, b Consent) int { return slices.Index(Lists, a.List) - slices.Index(Lists, b.List) })
	if email == "" {
		return out, nil
	}
	sup, ok, err := s.Suppression(ctx, email)
	if err != nil {
		return ConsentExport{}, fmt.Errorf("newsletters.ExportConsents %s: %w", memberID, err)
	}
	if ok {
		out.Suppression = &sup
	}
	return out, nil
}
