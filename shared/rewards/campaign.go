package rewards

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"tribune/shared/errs"
	"tribune/shared/policy"
	"tribune/shared/text"
)

// Campaign states. Draft, scheduled, paused and ended are stored; live is also stored
// once the start schedule ran, but a reader never trusts that alone: the state a
// campaign is in (State) is derived from the stored state and the times, so a start
// or end schedule that runs late changes nothing anyone sees (docs/rewards.md).
const (
	StateDraft     = "draft"
	StateScheduled = "scheduled"
	StateLive      = "live"
	StatePaused    = "paused"
	StateEnded     = "ended"
)

// States lists them in their order.
var States = []string{StateDraft, StateScheduled, StateLive, StatePaused, StateEnded}

// Audiences of a campaign.
const (
	AudienceEveryone = "everyone"
	AudienceSpaces   = "spaces"
	AudienceRoles    = "roles"
)

// Audiences lists them.
var Audiences = []string{AudienceEveryone, AudienceSpaces, AudienceRoles}

// Limits of a campaign.
const (
	MaxTitleRunes       = 120
	MaxDescriptionRunes = 10000
	MaxDisclosureRunes  = 300
	MaxChallenges       = 10
	MaxAudienceSpaces   = 20
	MaxCampaignDays     = 366
	MaxPointsBudget     = 1_000_000_000
	MaxGiftBudget       = 1_000_000
	MaxTrialSlots       = 10_000
	CampaignPage        = 30
)

// Audience is who a campaign is for: everyone, the members of some spaces, or the
// holders of some roles.
type Audience struct {
	Kind     string   `json:"kind"`
	SpaceIDs []string `json:"spaceIds"`
	Roles    []string `json:"roles"`
}

// Campaign is a reward campaign: what marketers write, and what it has spent.
type Campaign struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	HTML        string    `json:"html"`
	ImageKey    string    `json:"imageKey,omitempty"`
	Audience    Audience  `json:"audience,omitzero"`
	StartsAt    time.Time `json:"startsAt"`
	EndsAt      time.Time `json:"endsAt"`
	// PointsBudget and GiftBudget are what the campaign may give (0: none); the ...Left
	// fields what is left (challenges paid lower PointsBudgetLeft, redemptions of the
	// campaign's gifts GiftBudgetLeft, each in its own transaction, by ADD only).
	// The audience, budgets, CreatedBy and Counts are for the campaign's staff: a
	// member's answer leaves them out (ForMember).
	PointsBudget     int64 `json:"pointsBudget,omitzero"`
	GiftBudget       int64 `json:"giftBudget,omitzero"`
	PointsBudgetLeft int64 `json:"pointsBudgetLeft,omitzero"`
	GiftBudgetLeft   int64 `json:"giftBudgetLeft,omitzero"`
	// Disclosure is shown on every submission and on the published proof.
	Disclosure string      `json:"disclosure"`
	Challenges []Challenge `json:"challenges"`
	Trial      *Trial      `json:"trial,omitempty"`
	// Stored is the state as stored; State the state it is in now (derived).
	Stored    string     `json:"-"`
	State     string     `json:"state"`
	StartedAt *time.Time `json:"startedAt,omitempty"`
	EndedAt   *time.Time `json:"endedAt,omitempty"`
	CreatedBy string     `json:"createdBy,omitzero"`
	CreatedAt time.Time  `json:"createdAt"`
	UpdatedAt time.Time  `json:"updatedAt"`
	// Counts kept exact in the transactions that change them (the report's funnel).
	Counts Counts `json:"counts,omitzero"`
}

// Counts are a campaign's exact counters.
type Counts struct {
	Saw           int64 `json:"saw"`
	Joined        int64 `json:"joined"`
	Submitted     int64 `json:"submitted"`
	Approved      int64 `json:"approved"`
	Rejected      int64 `json:"rejected"`
	Completions   int64 `json:"completions"`
	PointsPaid    int64 `json:"pointsPaid"`
	TrialApplied  int64 `json:"trialApplied"`
	TrialApproved int64 `json:"trialApproved"`
	// GiftsShipped is added to by the catalogue when an order of one of the
	// campaign's gifts ships.
	GiftsShipped int64 `json:"giftsShipped"`
	// Submitters and ApprovedMembers count members once each: those who sent a proof,
	// those who had one approved (Submitted and Approved count proofs).
	Submitters      int64 `json:"submitters"`
	ApprovedMembers int64 `json:"approvedMembers"`
	// TakenBack counts the challenge payments staff took back as fraudulent, and
	// PointsTakenBack their points (from points.reversed of the rule "challenge").
	TakenBack       int64 `json:"takenBack"`
	PointsTakenBack int64 `json:"pointsTakenBack"`
}

// StateAt is the state a campaign is in at now, from the stored state and the times:
// a start or end schedule that is late (or lost) changes nothing.
func StateAt(stored string, startsAt, endsAt, now time.Time) string {
	switch {
	case stored == StateDraft || stored == StateEnded:
		return stored
	case !now.Before(endsAt):
		return StateEnded
	case stored == StatePaused:
		return StatePaused
	case !now.Before(startsAt):
		return StateLive
	}
	return StateScheduled
}

// At returns the campaign with its State derived at now.
func (c Campaign) At(now time.Time) Campaign {
	c.State = StateAt(c.Stored, c.StartsAt, c.EndsAt, now)
	return c
}

// Challenge returns the challenge of that id.
func (c Campaign) Challenge(id string) (Challenge, bool) {
	for _, ch := range c.Challenges {
		if ch.ID == id {
			return ch, true
		}
	}
	return Challenge{}, false
}

// CampaignInput is what the campaign editor sends.
type CampaignInput struct {
	Title        string           `json:"title"`
	Description  string           `json:"description"`
	ImageKey     string           `json:"imageKey,omitempty"`
	Audience     Audience         `json:"audience"`
	StartsAt     time.Time        `json:"startsAt,omitzero" doc:"Required."`
	EndsAt       time.Time        `json:"endsAt,omitzero" doc:"Required."`
	PointsBudget int64            `json:"pointsBudget"`
	GiftBudget   int64            `json:"giftBudget"`
	Disclosure   string           `json:"disclosure"`
	Challenges   []ChallengeInput `json:"challenges"`
	Trial        *TrialInput      `json:"trial,omitempty"`
}

// Errors of campaigns.
var (
	ErrNoCampaign       = errs.New(errs.NotFound, "campaign_not_found", "There is no such campaign.")
	ErrTitle            = errs.InvalidField("title", "invalid_campaign_title", "A campaign's title has 1 to 120 characters.")
	ErrDescription      = errs.InvalidField("description", "invalid_campaign_description", "A campaign's description has at most 10,000 characters.")
	ErrDisclosure       = errs.InvalidField("disclosure", "invalid_disclosure", "Write the disclosure shown with every proof (1 to 300 characters), for example: “I received a gift for publishing a review.”")
	ErrAudience         = errs.InvalidField("audience", "invalid_audience", "The audience is everyone, 1 to 20 spaces, or some roles.")
	ErrDates            = errs.InvalidField("endsAt", "invalid_campaign_dates", "A campaign ends after it starts, within 366 days.")
	ErrEndPassed        = errs.InvalidField("endsAt", "campaign_end_passed", "This end date has passed: choose a later one.")
	ErrBudget           = errs.InvalidField("pointsBudget", "invalid_budget", "Budgets are whole numbers from 0 (points up to 1,000,000,000, gifts up to 1,000,000).")
	ErrPointsNoBudget   = errs.InvalidField("pointsBudget", "points_without_budget", "Challenges that pay points need a points budget at least as large as one completion of each.")
	ErrNothingToDo      = errs.InvalidField("challenges", "campaign_empty", "Give the campaign at least one challenge or a trial offer.")
	ErrImageKey         = errs.InvalidField("imageKey", "campaign_image_not_uploaded", "Upload the image first, to the address you were given.")
	ErrState            = errs.New(errs.Conflict, "campaign_state", "The campaign cannot do that in the state it is in.")
	ErrCampaignRunning  = errs.New(errs.Conflict, "campaign_running", "A campaign that has started can change its end date, budgets and disclosure only.")
	ErrNotLive          = errs.New(errs.Conflict, "campaign_not_live", "This campaign is not running: it takes no part now.")
	ErrCampaignChanged  = errs.New(errs.Conflict, "campaign_changed", "Someone changed this campaign at the same time: reload it and try again.")
	ErrBudgetBelowSpent = errs.InvalidField("pointsBudget", "budget_below_spent", "A budget cannot go below what the campaign has already given.")
	ErrStaffTakeNoPart  = errs.New(errs.Forbidden, "staff_take_no_part", "Staff run campaigns and do not take part in them.")
	ErrStaffAudience    = errs.InvalidField("audience.roles", "audience_staff_roles", "Staff take no part in campaigns: choose roles that members hold.")
	ErrAction           = errs.InvalidField("action", "invalid_campaign_action", "The action is publish, pause, resume, end or unpublish.")
)

// ValidCampaignID reports whether id has the shape of a campaign's id: "c_" and 16
// characters of lower-case base32 (a-z, 2-7), as Create makes them. Anything else is
// malformed (400), not merely unknown.
func ValidCampaignID(id string) bool {
	if len(id) != 18 || !strings.HasPrefix(id, "c_") {
		return false
	}
	for _, r := range id[2:] {
		if !('a' <= r && r <= 'z' || '2' <= r && r <= '7') {
			return false
		}
	}
	return true
}

// cleanLine cleans a one-line text of at most max runes (min 1 when required).
func cleanLine(field, s string, max int, required bool, bad *errs.Error) (string, error) {
	out, err := text.Line(field, s)
	if err != nil {
		return "", err
	}
	if n := utf8.RuneCountInString(out); n > max || (required && n == 0) {
		return "", bad
	}
	return out, nil
}

// cleanBody cleans a Markdown text of at most max runes (min 1 when required).
func cleanBody(field, s string, max int, required bool, bad *errs.Error) (string, error) {
	out, err := text.Body(field, s)
	if err != nil {
		return "", err
	}
	if n := utf8.RuneCountInString(out); n > max || (required && n == 0) {
		return "", bad
	}
	return out, nil
}

// checkAudience normalises an audience.
func checkAudience(a Audience) (Audience, error) {
	switch a.Kind {
	case AudienceEveryone:
		return Audience{Kind: AudienceEveryone, SpaceIDs: []string{}, Roles: []string{}}, nil
	case AudienceSpaces:
		var ids []string
		for _, id := range a.SpaceIDs {
			id = strings.TrimSpace(id)
			if id == "" || len(id) > 64 || strings.ContainsAny(id, "#/ ") {
				return Audience{}, ErrAudience
			}
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		if len(ids) < 1 || len(ids) > MaxAudienceSpaces {
			return Audience{}, ErrAudience
		}
		return Audience{Kind: AudienceSpaces, SpaceIDs: ids, Roles: []string{}}, nil
	case AudienceRoles:
		var roles []string
		for _, r := range a.Roles {
			if !policy.ValidRole(r) {
				return Audience{}, ErrAudience
			}
			if slices.Contains(policy.StaffRoles, r) {
				// Staff take no part in campaigns: an audience of staff roles is one
				// nobody could join.
				return Audience{}, ErrStaffAudience
			}
			if !slices.Contains(roles, r) {
				roles = append(roles, r)
			}
		}
		if len(roles) < 1 {
			return Audience{}, ErrAudience
		}
		return Audience{Kind: AudienceRoles, SpaceIDs: []string{}, Roles: roles}, nil
	}
	return Audience{}, ErrAudience
}

// checkCampaign validates and cleans the editor's input into c (keeping c's id and
// the ids of challenges it already had, matched by position). It checks every field
// and reports all that are wrong at once (errs.Fields: the editor shows each next to
// its field); a check that depends on others (the points budget against the
// challenges' points, "at least one challenge or a trial") runs only when those are right.
func checkCampaign(in CampaignInput, old *Campaign) (Campaign, error) {
	var c Campaign
	var problems []error
	var err error
	report := func(err error) {
		if err != nil {
			problems = append(problems, err)
		}
	}
	c.Title, err = cleanLine("title", in.Title, MaxTitleRunes, true, ErrTitle)
	report(err)
	c.Description, err = cleanBody("description", in.Description, MaxDescriptionRunes, false, ErrDescription)
	report(err)
	c.Disclosure, err = cleanLine("disclosure", in.Disclosure, MaxDisclosureRunes, true, ErrDisclosure)
	report(err)
	c.Audience, err = checkAudience(in.Audience)
	report(err)
	if in.StartsAt.IsZero() || in.EndsAt.IsZero() || !in.EndsAt.After(in.StartsAt) || in.EndsAt.Sub(in.StartsAt) > MaxCampaignDays*24*time.Hour {
		report(ErrDates)
	}
	c.StartsAt, c.EndsAt = in.StartsAt.UTC().Truncate(time.Second), in.EndsAt.UTC().Truncate(time.Second)
	budgetsOK := true
	if in.PointsBudget < 0 || in.PointsBudget > MaxPointsBudget {
		report(ErrBudget)
		budgetsOK = false
	}
	if in.GiftBudget < 0 || in.GiftBudget > MaxGiftBudget {
		report(errs.InvalidField("giftBudget", ErrBudget.Code, ErrBudget.Message))
	}
	c.PointsBudget, c.GiftBudget = in.PointsBudget, in.GiftBudget
	challengesOK := true
	if len(in.Challenges) > MaxChallenges {
		report(ErrChallenges)
		challengesOK = false
	} else {
		for i, chIn := range in.Challenges {
			id := ""
			if old != nil && i < len(old.Challenges) {
				id = old.Challenges[i].ID
			}
			ch, bad := checkChallenge(i, chIn, id)
			if bad != nil {
				problems = append(problems, bad...)
				challengesOK = false
				continue
			}
			c.Challenges = append(c.Challenges, ch)
		}
	}
	if c.Challenges == nil {
		c.Challenges = []Challenge{}
	}
	if challengesOK && budgetsOK && maxPoints(c.Challenges) > 0 && c.PointsBudget < maxPoints(c.Challenges) {
		report(ErrPointsNoBudget)
	}
	trialOK := true
	if in.Trial != nil {
		tr, bad := checkTrial(*in.Trial)
		if bad != nil {
			problems = append(problems, bad...)
			trialOK = false
		} else {
			c.Trial = &tr
		}
	}
	if challengesOK && trialOK && len(in.Challenges) == 0 && in.Trial == nil {
		report(ErrNothingToDo)
	}
	c.ImageKey = strings.TrimSpace(in.ImageKey)
	if err := errs.Fields(problems); err != nil {
		return Campaign{}, err
	}
	return c, nil
}

func maxPoints(list []Challenge) int64 {
	var m int64
	for _, ch := range list {
		m = max(m, ch.Points)
	}
	return m
}

// Summary is a campaign as lists show it.
type Summary struct {
	ID         string    `json:"id"`
	Title      string    `json:"title"`
	State      string    `json:"state"`
	StartsAt   time.Time `json:"startsAt"`
	EndsAt     time.Time `json:"endsAt"`
	HasImage   bool      `json:"hasImage"`
	Challenges int       `json:"challenges"`
	HasTrial   bool      `json:"hasTrial"`
	// For the campaign's staff only (left out of a member's list).
	PointsBudgetLeft int64 `json:"pointsBudgetLeft,omitzero"`
	GiftBudgetLeft   int64 `json:"giftBudgetLeft,omitzero"`
	Joined           int64 `json:"joined,omitzero"`
}

// Summary returns the campaign as lists show it.
func (c Campaign) Summary() Summary {
	return Summary{ID: c.ID, Title: c.Title, State: c.State, StartsAt: c.StartsAt, EndsAt: c.EndsAt, HasImage: c.ImageKey != "",
		Challenges: len(c.Challenges), HasTrial: c.Trial != nil, PointsBudgetLeft: c.PointsBudgetLeft, GiftBudgetLeft: c.GiftBudgetLeft,
		Joined: c.Counts.Joined}
}
