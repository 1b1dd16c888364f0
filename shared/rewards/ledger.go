package rewards

import (
	"crypto/rand"
	"strings"
	"time"

	"tribune/shared/errs"
)

// Entry is one line of a member's points ledger: append-only, written at most once per
// (Rule, ObjectType, ObjectID, member) in the same transaction as the account it moves.
// A positive Amount pays points; a negative one reverses or spends them.
type Entry struct {
	ID       string `json:"id"`
	MemberID string `json:"memberId"`
	// Rule is what the entry is for: a rule of the programme ("comment", "answer_accepted",
	// ...), "challenge" (a campaign challenge), "redemption", "refund", "grant", or a
	// reversal ("<rule>:reversed", ReversalOf).
	Rule       string `json:"rule"`
	Amount     int64  `json:"amount"`
	ObjectType string `json:"objectType"`
	ObjectID   string `json:"objectId"`
	// SpaceID is the space the object lives in ("" for none): the entry counts on that
	// space's leaderboards too.
	SpaceID string `json:"spaceId,omitempty"`
	// PostID is the post the object belongs to (a post, or a comment's post; "" for
	// none): the history links to it.
	PostID string `json:"postId,omitempty"`
	// EventID is the event the entry pays for ("" for an entry written by a request).
	EventID string `json:"-"`
	// Reason is said to the member in their history (a reversal's cause, a grant's note).
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
	// EarnedAt is, for a reversal, when the reversed points were earned: the reversal
	// lowers the leaderboards of that week, month and quarter (zero: At).
	EarnedAt time.Time `json:"-"`
	// ReversedBy is, for a reversal by staff (fraud), who took the points back: in the
	// event only (the member is told, never by whom), not stored on the entry.
	ReversedBy string `json:"-"`
	// Claim is the object the once-per-(rule, object, member) claim is on, when it says
	// more than ObjectID may: a reaction received is claimed per reactor, but its entry
	// names only the post or comment reacted to (no other member in any answer or the
	// export). Internal: "" means ObjectID.
	Claim string `json:"-"`
}

// ClaimObject is the object of the entry's claim (Claim, else ObjectID).
func (e Entry) ClaimObject() string {
	if e.Claim != "" {
		return e.Claim
	}
	return e.ObjectID
}

// PublicObject is what an answer says of a claim's object: for a reaction received,
// only the post or comment reacted to ("<object>#<reactor>#<reaction>" → "<object>").
func PublicObject(objectType, objectID string) string {
	if objectType == ObjectReaction {
		object, _, _ := strings.Cut(objectID, "#")
		return object
	}
	return objectID
}

// BoardAt is the time whose leaderboard periods the entry counts in.
func (e Entry) BoardAt() time.Time {
	if e.EarnedAt.IsZero() {
		return e.At
	}
	return e.EarnedAt
}

// Account is a member's points: Balance is what they may spend; Lifetime is the score
// they earned (ranks and leaderboards), lowered by reversals but never by spending.
type Account struct {
	MemberID string `json:"memberId"`
	Balance  int64  `json:"balance"`
	Lifetime int64  `json:"lifetime"`
	// OptedOut: the member asked to be left off the leaderboards.
	OptedOut bool `json:"optedOut"`
}

// reversedSuffix marks the rule of a reversal entry.
const reversedSuffix = ":reversed"

// ReversalOf is the rule of the entry that reverses an entry of rule.
func ReversalOf(rule string) string { return rule + reversedSuffix }

// IsReversal reports whether rule is a reversal's, and of which rule.
func IsReversal(rule string) (string, bool) {
	if base, ok := strings.CutSuffix(rule, reversedSuffix); ok {
		return base, true
	}
	return "", false
}

// NewEntryID returns a fresh ledger entry id.
func NewEntryID() string { return "e_" + strings.ToLower(rand.Text()) }

// Errors of the ledger.
var (
	// ErrAlreadyPaid: the (rule, object, member) already has its entry; nothing was written.
	ErrAlreadyPaid = errs.New(errs.Conflict, "points_already_paid", "These points were already given.")
	// ErrBalance: the member's balance does not cover what they spend.
	ErrBalance = errs.New(errs.Conflict, "balance_too_low", "Your points balance is too low for this.")
)
