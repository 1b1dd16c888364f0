package rewards

import (
	"time"

	"tribune/shared/errs"
)

// Limits of trial offers.
const (
	MaxTrialTextRunes = 2000
	MaxMotivation     = 1000
)

// Trial states of an application.
const (
	TrialApplied  = "applied"
	TrialApproved = "approved"
	TrialDeclined = "declined"
)

// TrialStates lists them.
var TrialStates = []string{TrialApplied, TrialApproved, TrialDeclined}

// Trial is a campaign's product trial offer: a limited number of slots; members apply,
// marketers approve, and the approved member receives the instructions (a code, a
// link), which nobody else ever reads.
type Trial struct {
	// Offer is what every member of the audience reads.
	Offer string `json:"offer"`
	// Instructions are for approved members only (and staff).
	Instructions string `json:"instructions,omitempty"`
	Slots        int64  `json:"slots"`
	// SlotsLeft is lowered by each approval, by ADD only, never below zero.
	SlotsLeft int64 `json:"slotsLeft"`
}

// TrialInput is the trial offer as the editor sends it.
type TrialInput struct {
	Offer        string `json:"offer"`
	Instructions string `json:"instructions"`
	Slots        int64  `json:"slots"`
}

// Application is a member's application to a campaign's trial.
type Application struct {
	CampaignID string `json:"campaignId"`
	MemberID   string `json:"memberId"`
	// MemberName and MemberDeleted: as Submission's (read, never stored).
	MemberName    string `json:"memberName"`
	MemberDeleted bool   `json:"memberDeleted,omitempty"`
	Motivation    string `json:"motivation"`
	Status        string `json:"status"`
	// Instructions: once approved, to that member.
	Instructions string `json:"instructions,omitempty"`
	Reason       string `json:"reason,omitempty"`
	// NoSlots: declined because every slot was taken (nobody decided it).
	NoSlots   bool       `json:"noSlots,omitempty"`
	AppliedAt time.Time  `json:"appliedAt"`
	DecidedAt *time.Time `json:"decidedAt,omitempty"`
	DecidedBy string     `json:"decidedBy,omitempty"`
}

// ApplyRequest is a member's application.
type ApplyRequest struct {
	Motivation string `json:"motivation"`
}

// DecideRequest approves or declines an application.
type DecideRequest struct {
	MemberID string `json:"memberId" format:"id"`
	Approve  bool   `json:"approve"`
	Reason   string `json:"reason,omitempty"`
}

// Errors of trials.
var (
	ErrTrialInput    = errs.InvalidField("trial", "invalid_trial", "A trial offer has a description and instructions (each 1 to 2,000 characters) and 1 to 10,000 slots.")
	ErrNoTrial       = errs.New(errs.NotFound, "trial_not_found", "This campaign offers no trial.")
	ErrApplied       = errs.New(errs.Conflict, "trial_already_applied", "You have already applied for this trial.")
	ErrNoApplication = errs.New(errs.NotFound, "trial_application_not_found", "There is no such application.")
	ErrDecided       = errs.New(errs.Conflict, "trial_already_decided", "This application was already decided.")
	ErrNoSlots       = errs.New(errs.Conflict, "trial_no_slots", "Every trial slot is taken.")
	ErrMotivation    = errs.InvalidField("motivation", "invalid_motivation", "Tell why you would like to try it in at most 1,000 characters.")
)

// checkTrial validates a trial offer, reporting each wrong field.
func checkTrial(in TrialInput) (Trial, []error) {
	var problems []error
	offer, err := cleanBody("trial.offer", in.Offer, MaxTrialTextRunes, true, errs.InvalidField("trial.offer", ErrTrialInput.Code, ErrTrialInput.Message))
	if err != nil {
		problems = append(problems, err)
	}
	instr, err := cleanBody("trial.instructions", in.Instructions, MaxTrialTextRunes, true, errs.InvalidField("trial.instructions", ErrTrialInput.Code, ErrTrialInput.Message))
	if err != nil {
		problems = append(problems, err)
	}
	if in.Slots < 1 || in.Slots > MaxTrialSlots {
		problems = append(problems, errs.InvalidField("trial.slots", ErrTrialInput.Code, ErrTrialInput.Message))
	}
	if problems != nil {
		return Trial{}, problems
	}
	return Trial{Offer: offer, Instructions: instr, Slots: in.Slots, SlotsLeft: in.Slots}, nil
}
