package rewards

import (
	"fmt"
	"slices"
	"unicode/utf8"

	"tribune/shared/errs"
)

// The rules that pay points, by name (the ledger entry's Rule).
const (
	RulePostCreated        = "post_created"        // a post or a question published (to its author)
	RuleComment            = "comment"             // a comment on someone else's post
	RuleAnswerAccepted     = "answer_accepted"     // an answer accepted (to the answerer)
	RuleIdeaSubmitted      = "idea_submitted"      // an idea published
	RuleIdeaProgressed     = "idea_progressed"     // an idea moved to planned or done (to its author)
	RuleReactionReceived   = "reaction_received"   // someone reacted to one's post or comment
	RulePollVoted          = "poll_voted"          // a vote in someone else's poll
	RuleInvitationAccepted = "invitation_accepted" // someone joined through one's invitation (to the inviter)
	RuleProfilePhoto       = "profile_photo"       // a profile photo added (once)
	RuleFirstPost          = "first_post"          // one's first post (once, on top of post_created)
)

// Rules that are not editable: they come from campaigns, the catalogue and staff.
const (
	RuleChallenge  = "challenge" // a challenge completed (object: the challenge and the completion's number, so each completion pays once)
	RuleRedemption = "redemption"
	RuleRefund     = "refund"
)

// Rule is one way to earn points: how many, at most how many a day per member (0: no
// cap), and whether it pays at all.
type Rule struct {
	Name     string `json:"name" schema:"enum=post_created|comment|answer_accepted|idea_submitted|idea_progressed|reaction_received|poll_voted|invitation_accepted|profile_photo|first_post"`
	Points   int64  `json:"points" schema:"minimum=0;maximum=1000"`
	DailyCap int64  `json:"dailyCap" schema:"minimum=0;maximum=100000" doc:"The most points a member earns from this rule in a day (UTC); 0: no cap."`
	On       bool   `json:"on"`
}

// DefaultRules are the rules of a new community (docs/rewards.md), in the order the
// how-to-earn page lists them.
func DefaultRules() []Rule {
	return []Rule{
		{RulePostCreated, 10, 50, true},
		{RuleFirstPost, 20, 0, true},
		{RuleComment, 5, 50, true},
		{RuleAnswerAccepted, 25, 0, true},
		{RuleIdeaSubmitted, 10, 30, true},
		{RuleIdeaProgressed, 20, 0, true},
		{RuleReactionReceived, 1, 20, true},
		{RulePollVoted, 1, 5, true},
		{RuleInvitationAccepted, 20, 100, true},
		{RuleProfilePhoto, 10, 0, true},
	}
}

// RuleNames are the editable rules' names.
func RuleNames() []string {
	var out []string
	for _, r := range DefaultRules() {
		out = append(out, r.Name)
	}
	return out
}

// Settings are the programme's editable settings: the rules, whether staff earn
// points (not by default), and the ranks.
type Settings struct {
	Rules     []Rule `json:"rules"`
	StaffEarn bool   `json:"staffEarn" doc:"Staff earn points too (off by default); they never show on leaderboards."`
	Ranks     []Rank `json:"ranks"`
}

// DefaultSettings are a new community's.
func DefaultSettings() Settings {
	return Settings{Rules: DefaultRules(), Ranks: DefaultRanks()}
}

// Rule returns the rule named name (On false when unknown).
func (s Settings) Rule(name string) Rule {
	for _, r := range s.Rules {
		if r.Name == name {
			return r
		}
	}
	return Rule{Name: name}
}

// ErrSettings: the rules or ranks are not valid (the problem names the field).
var ErrSettings = errs.New(errs.Invalid, "bad_reward_settings", "These reward settings are not valid.")

// Limits of the settings.
const (
	MaxRanks        = 12
	MaxRankNameLen  = 40
	MaxRuleAmount   = 1000
	MaxRuleDailyCap = 100000
	MaxRankScore    = 10_000_000
)

// Valid returns the settings, complete and in order, or ErrSettings naming the field:
// every editable rule once (missing ones keep their defaults), ranks with names in
// English and French and strictly increasing thresholds, the first at 0.
func (s Settings) Valid() (Settings, error) {
	bad := func(field string) (Settings, error) {
		return Settings{}, errs.InvalidField(field, ErrSettings.Code, ErrSettings.Message)
	}
	byName := map[string]Rule{}
	for i, r := range s.Rules {
		switch {
		case !slices.Contains(RuleNames(), r.Name):
			return bad(fmt.Sprintf("rules.%d.name", i))
		case byName[r.Name].Name != "":
			return bad(fmt.Sprintf("rules.%d.name", i))
		case r.Points < 0 || r.Points > MaxRuleAmount:
			return bad(fmt.Sprintf("rules.%d.points", i))
		case r.DailyCap < 0 || r.DailyCap > MaxRuleDailyCap:
			return bad(fmt.Sprintf("rules.%d.dailyCap", i))
		}
		byName[r.Name] = r
	}
	out := Settings{StaffEarn: s.StaffEarn}
	for _, d := range DefaultRules() {
		if r, ok := byName[d.Name]; ok {
			d = r
		}
		out.Rules = append(out.Rules, d)
	}
	if len(s.Ranks) < 1 || len(s.Ranks) > MaxRanks {
		return bad("ranks")
	}
	ids := map[string]bool{}
	for i, r := range s.Ranks {
		switch {
		case !validSlug(r.ID) || ids[r.ID]:
			return bad(fmt.Sprintf("ranks.%d.id", i))
		case !validName(r.Name.En):
			return bad(fmt.Sprintf("ranks.%d.name.en", i))
		case !validName(r.Name.Fr):
			return bad(fmt.Sprintf("ranks.%d.name.fr", i))
		case i == 0 && r.Threshold != 0:
			return bad(fmt.Sprintf("ranks.%d.threshold", i))
		case i > 0 && r.Threshold <= s.Ranks[i-1].Threshold, r.Threshold > MaxRankScore:
			return bad(fmt.Sprintf("ranks.%d.threshold", i))
		}
		ids[r.ID] = true
		out.Ranks = append(out.Ranks, r)
	}
	return out, nil
}

// validSlug: 1 to 30 lower-case letters, digits, "_" or "-" (rank and badge ids).
func validSlug(id string) bool {
	if id == "" || len(id) > 30 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func validName(n string) bool {
	l := utf8.RuneCountInString(n)
	if l < 1 || l > MaxRankNameLen {
		return false
	}
	for _, c := range n {
		if c < ' ' || c == 0x7f {
			return false
		}
	}
	return true
}
