package rewards

import (
	"crypto/rand"
	"strings"
	"time"
	"unicode/utf8"

	"tribune/shared/errs"
	"tribune/shared/text"
)

// The reward catalogue: gifts members redeem with their points (docs/rewards.md,
// "Catalogue, redemptions and orders").

// Limits of the catalogue.
const (
	MaxGiftNameRunes    = 100
	MaxGiftDescRunes    = 2000
	MaxGiftCost         = 1_000_000
	MaxVariants         = 20
	MaxVariantLabel     = 40
	MaxStockChange      = 100_000
	MaxPerMemberLimit   = 100
	GiftsPage           = 50
	OrdersPage          = 30
	MaxExportRows       = 1000
	MaxCancelReasonRune = 300
	MaxCarrierRunes     = 60
	MaxTrackingRunes    = 40
)

// Variant is one kind of a gift (a T-shirt size, a colour) with its own stock.
type Variant struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	// Stock is what is left to redeem now.
	Stock int64 `json:"stock"`
	// Added is every unit ever added to the stock (what marketers put in, minus what
	// they took out): Added - Stock is what is ordered and not cancelled.
	Added int64 `json:"added"`
}

// Gift is a reward of the catalogue.
type Gift struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	// Cost is the price in points.
	Cost     int64     `json:"cost"`
	Variants []Variant `json:"variants"`
	// PerMemberLimit is how many a member may hold (orders not cancelled).
	PerMemberLimit int  `json:"perMemberLimit"`
	NeedsShipping  bool `json:"needsShipping"`
	// CampaignID ties the gift to a campaign: each redemption spends one of the
	// campaign's gift budget.
	CampaignID string `json:"campaignId,omitempty"`
	// Active gifts are offered to members; inactive ones only to the catalogue's staff.
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// Variant returns the variant of id.
func (g Gift) Variant(id string) (Variant, bool) {
	for _, v := range g.Variants {
		if v.ID == id {
			return v, true
		}
	}
	return Variant{}, false
}

// InStock reports whether any variant has stock left.
func (g Gift) InStock() bool {
	for _, v := range g.Variants {
		if v.Stock > 0 {
			return true
		}
	}
	return false
}

// VariantInput is a variant as staff send it: a new one (no id) with its first
// stock, or an existing one (its id) renamed.
type VariantInput struct {
	ID    string `json:"id,omitempty"`
	Label string `json:"label"`
	// Stock is the first stock of a new variant (0 to 100,000); ignored for an
	// existing one (add stock with its own route).
	Stock int64 `json:"stock,omitempty"`
}

// GiftInput is a gift as staff create or edit it.
type GiftInput struct {
	Name           string         `json:"name"`
	Description    string         `json:"description"`
	Cost           int64          `json:"cost"`
	PerMemberLimit int            `json:"perMemberLimit"`
	NeedsShipping  bool           `json:"needsShipping"`
	CampaignID     string         `json:"campaignId,omitempty"`
	Active         bool           `json:"active"`
	Variants       []VariantInput `json:"variants"`
}

// StockChange adds to (or, negative, takes from) a variant's stock.
type StockChange struct {
	VariantID string `json:"variantId"`
	Add       int64  `json:"add"`
}

// Errors of the catalogue.
var (
	ErrNoGift         = errs.New(errs.NotFound, "gift_not_found", "There is no such gift.")
	ErrGiftName       = errs.InvalidField("name", "invalid_gift_name", "A gift's name has 1 to 100 characters.")
	ErrGiftDesc       = errs.InvalidField("description", "invalid_gift_description", "A description has at most 2,000 characters.")
	ErrGiftCost       = errs.InvalidField("cost", "invalid_gift_cost", "A gift costs 1 to 1,000,000 points.")
	ErrGiftLimit      = errs.InvalidField("perMemberLimit", "invalid_member_limit", "Each member may redeem a gift 1 to 100 times.")
	ErrVariants       = errs.InvalidField("variants", "invalid_variants", "A gift has 1 to 20 variants, each with a label of 1 to 40 characters, all different, and a first stock of 0 to 100,000.")
	ErrVariantUnknown = errs.InvalidField("variantId", "unknown_variant", "This gift has no such variant.")
	ErrStockChange    = errs.InvalidField("add", "invalid_stock_change", "Add 1 to 100,000 units, or take away (a negative number) at most what is left.")
	ErrStockBelowZero = errs.New(errs.Conflict, "stock_below_zero", "There is not that much left to take away: members have redeemed some meanwhile.")
	ErrCampaign       = errs.InvalidField("campaignId", "unknown_campaign", "There is no such campaign.")
	// ErrCampaignParam: the catalogue's ?campaign= is not a campaign's id.
	ErrCampaignParam = errs.InvalidField("campaign", "unknown_campaign", "There is no such campaign.")
	ErrCampaignEnded = errs.New(errs.Conflict, "campaign_ended", "This campaign has ended: its gifts could never be offered. Choose a campaign that has not ended, or none.")
	ErrGiftChanged   = errs.New(errs.Conflict, "gift_changed", "Someone changed this gift meanwhile: reload it and try again.")
)

// newID is a fresh id with a prefix ("g_", "v_").
func newID(prefix string) string { return prefix + strings.ToLower(rand.Text()) }

// lineOf cleans a one-line text and checks its length in runes (min 1 unless optional).
func lineOf(field, s string, max int, optional bool, bad error) (string, error) {
	if s == "" && optional {
		return "", nil
	}
	out, err := text.Line(field, strings.TrimSpace(s))
	if err != nil {
		return "", err
	}
	if n := utf8.RuneCountInString(out); (n == 0 && !optional) || n > max {
		return "", bad
	}
	return out, nil
}

// validGift checks a gift's fields (not its variants) and returns them cleaned.
func validGift(in GiftInput) (GiftInput, error) {
	var err error
	if in.Name, err = lineOf("name", in.Name, MaxGiftNameRunes, false, ErrGiftName); err != nil {
		return in, err
	}
	desc, err := text.Body("description", in.Description)
	if err != nil {
		return in, err
	}
	if utf8.RuneCountInString(desc) > MaxGiftDescRunes {
		return in, ErrGiftDesc
	}
	in.Description = desc
	if in.Cost < 1 || in.Cost > MaxGiftCost {
		return in, ErrGiftCost
	}
	if in.PerMemberLimit < 1 || in.PerMemberLimit > MaxPerMemberLimit {
		return in, ErrGiftLimit
	}
	if in.CampaignID != "" && !validID(in.CampaignID) {
		return in, ErrCampaign
	}
	return in, nil
}

// validID is the shape of ids Tribune makes (httpx.IDPattern).
func validID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r == '.' || r == '-' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			return false
		}
	}
	return true
}

// NewGift validates a new gift and makes it, with its variants.
func NewGift(in GiftInput, now time.Time) (Gift, error) {
	in, err := validGift(in)
	if err != nil {
		return Gift{}, err
	}
	g := Gift{ID: newID("g_"), Name: in.Name, Description: in.Description, Cost: in.Cost, PerMemberLimit: in.PerMemberLimit,
		NeedsShipping: in.NeedsShipping, CampaignID: in.CampaignID, Active: in.Active, CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
	if g.Variants, err = mergeVariants(nil, in.Variants); err != nil {
		return Gift{}, err
	}
	return g, nil
}

// Edit applies staff's changes to a gift: its fields, its variants renamed and new
// variants added (a variant is never removed: orders name it; set its stock to 0).
// The campaign a gift is tied to stays as it was made (its redemptions spent that
// campaign's budget). It returns the gift and the variants that are new.
func (g Gift) Edit(in GiftInput, now time.Time) (Gift, []Variant, error) {
	in, err := validGift(in)
	if err != nil {
		return Gift{}, nil, err
	}
	if in.CampaignID != g.CampaignID {
		return Gift{}, nil, errs.InvalidField("campaignId", "campaign_fixed", "A gift stays with the campaign it was made for: make a new gift instead.")
	}
	out := g
	out.Name, out.Description, out.Cost, out.PerMemberLimit = in.Name, in.Description, in.Cost, in.PerMemberLimit
	out.NeedsShipping, out.Active, out.UpdatedAt = in.NeedsShipping, in.Active, now.UTC()
	if !out.UpdatedAt.After(g.UpdatedAt) {
		out.UpdatedAt = g.UpdatedAt.Add(time.Microsecond)
	}
	if out.Variants, err = mergeVariants(g.Variants, in.Variants); err != nil {
		return Gift{}, nil, err
	}
	var added []Variant
	for _, v := range out.Variants[len(g.Variants):] {
		added = append(added, v)
	}
	return out, added, nil
}

// mergeVariants applies the variants sent to those there are: existing ones (by id)
// take their new label, new ones are appended with their first stock.
func mergeVariants(have []Variant, in []VariantInput) ([]Variant, error) {
	out := append([]Variant(nil), have...)
	if len(in) == 0 && len(have) == 0 {
		return nil, ErrVariants
	}
	seen := map[string]bool{}
	for _, vi := range in {
		label, err := lineOf("variants", vi.Label, MaxVariantLabel, false, ErrVariants)
		if err != nil {
			return nil, err
		}
		if vi.ID == "" {
			if vi.Stock < 0 || vi.Stock > MaxStockChange {
				return nil, ErrVariants
			}
			out = append(out, Variant{ID: newID("v_"), Label: label, Stock: vi.Stock, Added: vi.Stock})
			continue
		}
		found := false
		for i := range out[:len(have)] {
			if out[i].ID == vi.ID {
				out[i].Label, found = label, true
			}
		}
		if !found || seen[vi.ID] {
			return nil, ErrVariants
		}
		seen[vi.ID] = true
	}
	if len(out) > MaxVariants {
		return nil, ErrVariants
	}
	labels := map[string]bool{}
	for _, v := range out {
		k := strings.ToLower(v.Label)
		if labels[k] {
			return nil, ErrVariants
		}
		labels[k] = true
	}
	return out, nil
}

// CheckStockChange validates a change of a variant's stock.
func (g Gift) CheckStockChange(c StockChange) error {
	v, ok := g.Variant(c.VariantID)
	if !ok {
		return ErrVariantUnknown
	}
	if c.Add == 0 || c.Add > MaxStockChange || c.Add < -MaxStockChange {
		return ErrStockChange
	}
	if c.Add < 0 && v.Stock+c.Add < 0 {
		return ErrStockBelowZero
	}
	return nil
}
