package rewards

import (
	"crypto/rand"
	"fmt"
	"slices"
	"strings"

	"tribune/shared/errs"
)

// Kinds of challenges: automatic (counted from community events) or with proof
// (reviewed by marketers).
const (
	ChallengeAuto  = "auto"
	ChallengeProof = "proof"
)

// ChallengeKinds lists them.
var ChallengeKinds = []string{ChallengeAuto, ChallengeProof}

// Actions an automatic challenge counts.
const (
	ActionPost           = "post"            // publish a post (any kind)
	ActionQuestion       = "question"        // ask a question
	ActionComment        = "comment"         // comment on any post
	ActionAnswer         = "answer"          // comment on a question
	ActionAcceptedAnswer = "accepted_answer" // have an answer accepted
)

// Actions lists them.
var Actions = []string{ActionPost, ActionQuestion, ActionComment, ActionAnswer, ActionAcceptedAnswer}

// Limits of challenges.
const (
	MaxChallengeTitleRunes  = 120
	MaxInstructionsRunes    = 2000
	MaxChallengePoints      = 100_000
	MaxCompletionsPerMember = 100
	MaxActionsPerCompletion = 100
	MaxActionsCounted       = 1000
)

// Challenge is something members do in a campaign for points.
type Challenge struct {
	ID           string `json:"id"`
	Kind         string `json:"kind"`
	Title        string `json:"title"`
	Instructions string `json:"instructions"`
	Points       int64  `json:"points"`
	// MaxCompletions is how often one member may complete it.
	MaxCompletions int `json:"maxCompletions"`
	// Automatic challenges: Count actions of Action (in SpaceID, when set) make one
	// completion.
	Action  string `json:"action,omitempty"`
	SpaceID string `json:"spaceId,omitempty"`
	// SpaceName is the space's name as it is when read, for a reader who may see the
	// space (never stored).
	SpaceName string `json:"spaceName,omitempty"`
	Count     int    `json:"count,omitempty"`
	// Proof challenges: whether a screenshot is required.
	NeedsScreenshot bool `json:"needsScreenshot,omitempty"`
}

// ChallengeInput is a challenge as the editor sends it.
type ChallengeInput struct {
	Kind            string `json:"kind"`
	Title           string `json:"title"`
	Instructions    string `json:"instructions,omitempty"`
	Points          int64  `json:"points"`
	MaxCompletions  int    `json:"maxCompletions"`
	Action          string `json:"action,omitempty"`
	SpaceID         string `json:"spaceId,omitempty"`
	Count           int    `json:"count,omitempty"`
	NeedsScreenshot bool   `json:"needsScreenshot,omitempty"`
}

// Errors of challenges.
var (
	ErrChallenges  = errs.InvalidField("challenges", "invalid_challenges", "A campaign has at most 10 challenges.")
	ErrNoChallenge = errs.New(errs.NotFound, "challenge_not_found", "There is no such challenge in this campaign.")
	ErrMaxReached  = errs.New(errs.Conflict, "challenge_max_reached", "You have completed this challenge as many times as it allows.")
	ErrNotProof    = errs.New(errs.Conflict, "challenge_not_proof", "This challenge is completed automatically: there is nothing to submit.")
	ErrBudgetSpent = errs.New(errs.Conflict, "campaign_budget_spent", "This campaign has given all its points: no more completions can be paid.")
)

func challengeField(i int, name string) string { return fmt.Sprintf("challenges[%d].%s", i, name) }

// checkChallenge validates the i-th challenge of the editor's input (id: the id it
// keeps, "" for a new one), reporting every wrong field of it (the editor shows each
// next to its field).
func checkChallenge(i int, in ChallengeInput, id string) (Challenge, []error) {
	var problems []error
	bad := func(name, code, msg string) {
		problems = append(problems, errs.InvalidField(challengeField(i, name), code, msg))
	}
	ch := Challenge{ID: id, Kind: in.Kind, Points: in.Points, MaxCompletions: in.MaxCompletions}
	if ch.ID == "" {
		ch.ID = "ch_" + strings.ToLower(rand.Text())[:12]
	}
	if !slices.Contains(ChallengeKinds, in.Kind) {
		bad("kind", "invalid_challenge_kind", "A challenge is automatic or with proof.")
	}
	var err error
	if ch.Title, err = cleanLine(challengeField(i, "title"), in.Title, MaxChallengeTitleRunes, true,
		errs.InvalidField(challengeField(i, "title"), "invalid_challenge_title", "A challenge's title has 1 to 120 characters.")); err != nil {
		problems = append(problems, err)
	}
	if ch.Instructions, err = cleanBody(challengeField(i, "instructions"), in.Instructions, MaxInstructionsRunes, false,
		errs.InvalidField(challengeField(i, "instructions"), "invalid_challenge_instructions", "A challenge's instructions have at most 2,000 characters.")); err != nil {
		problems = append(problems, err)
	}
	if in.Points < 0 || in.Points > MaxChallengePoints {
		bad("points", "invalid_challenge_points", "A challenge pays 0 to 100,000 points.")
	}
	if in.MaxCompletions < 1 || in.MaxCompletions > MaxCompletionsPerMember {
		bad("maxCompletions", "invalid_max_completions", "A member completes a challenge 1 to 100 times.")
	}
	switch in.Kind {
	case ChallengeAuto:
		if !slices.Contains(Actions, in.Action) {
			bad("action", "invalid_challenge_action", "Choose what members do: post, ask, comment, answer, or have an answer accepted.")
		}
		// The objects counted live in one item (a string set): at most 1,000 of them.
		if in.Count < 1 || in.Count > MaxActionsPerCompletion || in.Count*max(in.MaxCompletions, 1) > MaxActionsCounted {
			bad("count", "invalid_challenge_count", "An automatic challenge counts 1 to 100 actions per completion, and 1,000 in all (actions × completions).")
		}
		sp := strings.TrimSpace(in.SpaceID)
		if len(sp) > 64 || strings.ContainsAny(sp, "#/ ") {
			bad("spaceId", "invalid_challenge_space", "Choose a space, or none for every space.")
		}
		ch.Action, ch.Count, ch.SpaceID = in.Action, in.Count, sp
	case ChallengeProof:
		ch.NeedsScreenshot = in.NeedsScreenshot
	}
	if problems != nil {
		return Challenge{}, problems
	}
	return ch, nil
}

// Activity is a community action an automatic challenge may count: who did it, what,
// where, and the object it was done on (each object counts once).
type Activity struct {
	MemberID string
	// Actions are every action it is (an answer is a comment too).
	Actions  []string
	SpaceID  string
	ObjectID string
	EventID  string
}

// Counts reports whether the challenge counts the activity.
func (ch Challenge) Counts(a Activity) bool {
	return ch.Kind == ChallengeAuto && slices.Contains(a.Actions, ch.Action) && (ch.SpaceID == "" || ch.SpaceID == a.SpaceID)
}

// CompletionObject is the ledger object of the n-th completion (from 1) of a challenge.
func CompletionObject(challengeID string, n int) string { return fmt.Sprintf("%s#%d", challengeID, n) }
