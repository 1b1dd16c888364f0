package rewards

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"tribune/shared/audit"
	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/policy"
)

// Person is a member as the reward programme sees them.
type Person struct {
	ID      string
	Name    string
	Roles   []string
	Active  bool // neither deleted, banned nor suspended... as the store says: may take part
	Deleted bool
}

// Staff reports whether the person holds a staff role.
func (p Person) Staff() bool { return policy.IsStaff(p.Roles) }

// Content is a post or a comment as the awards consumer needs it.
type Content struct {
	AuthorID string
	SpaceID  string
	Kind     string // a post's kind ("" for a comment)
}

// Reversal asks to take back the points of one entry: the entry of (Rule, ObjectType,
// ObjectID, MemberID), once.
type Reversal struct {
	MemberID   string
	Rule       string
	ObjectType string
	ObjectID   string
	Reason     string
	EventID    string
	At         time.Time
	// Audit, when set (a staff action), is written in the same transaction.
	Audit *audit.Entry
}

// Standing is a member's place on a leaderboard.
type Standing struct {
	Place    int    `json:"place"`
	MemberID string `json:"memberId"`
	Name     string `json:"name"`
	Score    int64  `json:"score"`
	// Rank is the member's rank by their lifetime score (not the board's).
	Rank Rank `json:"rank"`
}

// Store is what the points part of the programme needs of storage.
type Store interface {
	RewardSettings(ctx context.Context) (Settings, error)
	SaveRewardSettings(ctx context.Context, s Settings) error
	Account(ctx context.Context, memberID string) (Account, error)
	// Accounts reads the accounts of ids (zero accounts for those without).
	Accounts(ctx context.Context, ids []string) (map[string]Account, error)
	Entries(ctx context.Context, memberID, cursor string, limit int) ([]Entry, string, error)
	// Entry reads one ledger entry by its time and id (ErrNothingPaid: none).
	Entry(ctx context.Context, memberID string, at time.Time, id string) (Entry, error)
	// Earn writes e through the ledger (balance and lifetime += e.Amount) under the
	// rule's daily cap (0: none): ErrAlreadyPaid, ErrDailyCap, nothing written.
	Earn(ctx context.Context, e Entry, dailyCap int64) error
	// Reverse takes back the entry r names, if there is one and it was not reversed
	// yet: its points off the lifetime score, and off the balance down to zero at
	// most. It returns the points taken off the score (0: nothing to reverse).
	Reverse(ctx context.Context, r Reversal) (int64, error)
	// Count counts objectID once in a member's stat and returns the stat's count.
	Count(ctx context.Context, memberID, stat, objectID string, at time.Time) (int64, error)
	// AwardBadge gives a badge once (false: already held) with its badge.awarded event.
	AwardBadge(ctx context.Context, memberID, badge, grantedBy string, at time.Time) (bool, error)
	Awards(ctx context.Context, memberID string) ([]Award, error)
	// AwardsOf reads the badges of several members (ids without badges left out).
	AwardsOf(ctx context.Context, ids []string) (map[string][]Award, error)
	// ReachRank claims a rank once (false: reached before) with its rank.reached event.
	// name is the rank's name, for the notification.
	ReachRank(ctx context.Context, memberID, rank string, name Names, lifetime int64, at time.Time) (bool, error)
	// ShowOnBoards puts the member's scores on boards into the leaderboards' index
	// (show) or takes them out; with no boards, every board the member has a score on.
	ShowOnBoards(ctx context.Context, memberID string, boards []Board, show bool) error
	SetOptedOut(ctx context.Context, memberID string, out bool) error
	// Board reads the top of a board, best first (ties: later member ids first).
	Board(ctx context.Context, b Board, limit int) ([]Standing, error)
	People(ctx context.Context, ids []string) (map[string]Person, error)
	Post(ctx context.Context, postID string) (Content, error)
	Comment(ctx context.Context, postID, commentID string) (Content, error)
}

// Errors of points.
var (
	ErrDailyCap    = errs.New(errs.Conflict, "daily_cap_reached", "The daily cap of points for this is reached.")
	ErrNoMember    = errs.New(errs.NotFound, "member_not_found", "There is no such member.")
	ErrNoBadge     = errs.New(errs.Invalid, "bad_badge", "There is no such badge to grant.")
	ErrReason      = errs.New(errs.Invalid, "bad_reason", "Give a reason of 1 to 500 characters.")
	ErrNothingPaid = errs.New(errs.NotFound, "entry_not_found", "There are no points of this kind for this to take back.")
	ErrBadPeriod   = errs.New(errs.Invalid, "bad_period", "The period is week, month, quarter or all.")
	ErrBadReversal = errs.New(errs.Invalid, "bad_reversal", "Name the rule and the object of the points to take back.")
	ErrStaffBadge  = errs.New(errs.Conflict, "badge_automatic", "This badge is earned, not granted.")
)

// Points is the points part of the programme: what members and staff ask of it.
type Points struct {
	Store Store
	Now   func() time.Time
}

func (p *Points) now() time.Time {
	if p.Now == nil {
		return time.Now().UTC()
	}
	return p.Now().UTC()
}

// Settings are the rules and ranks as they are now (defaults until edited).
func (p *Points) Settings(ctx context.Context) (Settings, error) {
	s, err := p.Store.RewardSettings(ctx)
	if errors.Is(err, errs.ErrNotFound) {
		return DefaultSettings(), nil
	}
	return s, err
}

// SaveSettings validates and stores the rules and ranks (admins and marketers).
func (p *Points) SaveSettings(ctx context.Context, s Settings) (Settings, error) {
	v, err := s.Valid()
	if err != nil {
		return Settings{}, fmt.Errorf("rewards.SaveSettings: %w", err)
	}
	if err := p.Store.SaveRewardSettings(ctx, v); err != nil {
		return Settings{}, fmt.Errorf("rewards.SaveSettings: %w", err)
	}
	return v, nil
}

// MyRewards is a member's own rewards page: balance, score, rank, next rank, badges.
type MyRewards struct {
	Account  Account `json:"account"`
	Rank     Rank    `json:"rank"`
	NextRank *Rank   `json:"nextRank,omitempty"`
	Badges   []Award `json:"badges"`
	// EarnsNothing: the caller is staff and staff earn no points; the page shows no rank.
	EarnsNothing bool `json:"earnsNothing,omitempty"`
}

// Mine is the caller's summary.
func (p *Points) Mine(ctx context.Context, actor auth.Principal) (MyRewards, error) {
	out, err := p.summary(ctx, actor.MemberID)
	if err != nil {
		return out, err
	}
	// Who granted a badge is the staff's to know: the member reads only that it was
	// granted (as on profiles and in the export).
	out.Badges = slices.Clone(out.Badges)
	for i := range out.Badges {
		out.Badges[i].Granted, out.Badges[i].GrantedBy = out.Badges[i].GrantedBy != "", ""
	}
	if !policy.IsStaff(actor.Roles) {
		return out, nil
	}
	s, err := p.Settings(ctx)
	if err != nil {
		return MyRewards{}, err
	}
	out.EarnsNothing = !s.StaffEarn
	return out, nil
}

func (p *Points) summary(ctx context.Context, memberID string) (MyRewards, error) {
	s, err := p.Settings(ctx)
	if err != nil {
		return MyRewards{}, err
	}
	a, err := p.Store.Account(ctx, memberID)
	if err != nil {
		return MyRewards{}, err
	}
	awards, err := p.Store.Awards(ctx, memberID)
	if err != nil {
		return MyRewards{}, err
	}
	out := MyRewards{Account: a, Rank: RankFor(s.Ranks, a.Lifetime), Badges: awards}
	for _, r := range s.Ranks {
		if r.Threshold > a.Lifetime {
			out.NextRank = &r
			break
		}
	}
	return out, nil
}

// MemberRewards is what anyone who may read profiles sees of a member's rewards: rank,
// score and badges (never the balance).
type MemberRewards struct {
	MemberID string `json:"memberId"`
	Lifetime int64  `json:"lifetime"`
	// Rank is absent for staff (who earn no points unless staff earn).
	Rank   *Rank   `json:"rank,omitempty"`
	Badges []Award `json:"badges"`
}

// MemberProfile is a member's public rewards (404 for a deleted or unknown member).
func (p *Points) MemberProfile(ctx context.Context, memberID string) (MemberRewards, error) {
	people, err := p.Store.People(ctx, []string{memberID})
	if err != nil {
		return MemberRewards{}, err
	}
	who, ok := people[memberID]
	if !ok || who.Deleted {
		return MemberRewards{}, fmt.Errorf("rewards.MemberProfile: %w", ErrNoMember)
	}
	set, err := p.Settings(ctx)
	if err != nil {
		return MemberRewards{}, err
	}
	s, err := p.summary(ctx, memberID)
	if err != nil {
		return MemberRewards{}, err
	}
	// Who granted a badge is the staff's to know: the profile says only that it was.
	badges := Shown(who, set, s.Badges)
	for i := range badges {
		badges[i].Granted, badges[i].GrantedBy = badges[i].GrantedBy != "", ""
	}
	out := MemberRewards{MemberID: memberID, Lifetime: s.Account.Lifetime, Badges: badges}
	if !EarnsNothing(who, set) {
		out.Rank = &s.Rank
	}
	return out, nil
}

// EarnsNothing reports whether who is staff and staff earn no points: they show no
// rank and no earned badge (they keep what they held before, shown again if the role
// goes, as with the leaderboards).
func EarnsNothing(who Person, s Settings) bool { return who.Staff() && !s.StaffEarn }

// Shown are the badges of who shown to others: all of them, or for staff who earn
// nothing only the badges staff granted; granted badges first, then the newest.
func Shown(who Person, s Settings, list []Award) []Award {
	out := make([]Award, 0, len(list))
	for _, a := range list {
		if b, ok := Badge(a.Badge); ok && (b.Granted || !EarnsNothing(who, s)) {
			out = append(out, a)
		}
	}
	slices.SortStableFunc(out, func(x, y Award) int {
		bx, _ := Badge(x.Badge)
		by, _ := Badge(y.Badge)
		if bx.Granted != by.Granted {
			if bx.Granted {
				return -1
			}
			return 1
		}
		return y.At.Compare(x.At)
	})
	return out
}

// MaxRankIDs bounds a request for the ranks of names shown on a page.
const MaxRankIDs = 100

// MemberRank is the rank shown next to a member's name.
type MemberRank struct {
	Rank Rank `json:"rank"`
}

// Names are the ranks and badges of members shown next to their names (unknown and
// deleted members are left out; staff who earn nothing have no rank and only the
// badges staff granted). At most MaxRankIDs ids.
func (p *Points) Names(ctx context.Context, ids []string) (RankList, error) {
	var clean []string
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id != "" && !validID(id) {
			return RankList{}, errs.InvalidField("ids", "invalid_id", "ids is not a list of ids: ids are 1 to 64 letters, digits, '_', '-' or '.'.")
		}
		if id != "" && !slices.Contains(clean, id) {
			clean = append(clean, id)
		}
	}
	if len(clean) > MaxRankIDs {
		return RankList{}, errs.InvalidField("ids", "too_many_ids", fmt.Sprintf("Ask for at most %d members.", MaxRankIDs))
	}
	out := RankList{Ranks: map[string]Rank{}, Badges: map[string][]string{}}
	if len(clean) == 0 {
		return out, nil
	}
	s, err := p.Settings(ctx)
	if err != nil {
		return RankList{}, err
	}
	people, err := p.Store.People(ctx, clean)
	if err != nil {
		return RankList{}, err
	}
	var live []string
	for _, id := range clean {
		if who, ok := people[id]; ok && !who.Deleted {
			live = append(live, id)
		}
	}
	accounts, err := p.Store.Accounts(ctx, live)
	if err != nil {
		return RankList{}, err
	}
	awards, err := p.Store.AwardsOf(ctx, live)
	if err != nil {
		return RankList{}, err
	}
	for _, id := range live {
		who := people[id]
		if !EarnsNothing(who, s) {
			out.Ranks[id] = RankFor(s.Ranks, accounts[id].Lifetime)
		}
		for _, a := range Shown(who, s, awards[id]) {
			out.Badges[id] = append(out.Badges[id], a.Badge)
		}
	}
	return out, nil
}

// HistoryPage is a page of a member's ledger, newest first.
type HistoryPage struct {
	Entries []Entry `json:"entries"`
	Next    string  `json:"next,omitempty"`
}

// HistoryLimit is the size of a page of history.
const HistoryLimit = 25

// History is the caller's own ledger.
func (p *Points) History(ctx context.Context, actor auth.Principal, cursor string) (HistoryPage, error) {
	return p.history(ctx, actor.MemberID, cursor)
}

// MemberHistory is a member's ledger for staff (404 for no such member).
func (p *Points) MemberHistory(ctx context.Context, memberID, cursor string) (HistoryPage, error) {
	people, err := p.Store.People(ctx, []string{memberID})
	if err != nil {
		return HistoryPage{}, err
	}
	if _, ok := people[memberID]; !ok {
		return HistoryPage{}, fmt.Errorf("rewards.MemberHistory: %w", ErrNoMember)
	}
	return p.history(ctx, memberID, cursor)
}

func (p *Points) history(ctx context.Context, memberID, cursor string) (HistoryPage, error) {
	list, next, err := p.Store.Entries(ctx, memberID, cursor, HistoryLimit)
	if err != nil {
		return HistoryPage{}, fmt.Errorf("rewards.History: %w", err)
	}
	if list == nil {
		list = []Entry{}
	}
	return HistoryPage{Entries: list, Next: next}, nil
}

// Leaderboard is the top of a board.
type Leaderboard struct {
	Period   string     `json:"period" schema:"enum=week|month|quarter|all"`
	Key      string     `json:"key" doc:"The period's name: 2026-W48, 2026-11, 2026-Q4 or all."`
	SpaceID  string     `json:"spaceId,omitempty"`
	Standing []Standing `json:"standings"`
}

// Board is the top BoardTop of the period (week, month, quarter, all) of the
// community (spaceID "") or a space; the caller may read the space (the app checks).
func (p *Points) Board(ctx context.Context, period, spaceID string) (Leaderboard, error) {
	if !slices.Contains(Periods, period) {
		return Leaderboard{}, errs.InvalidField("period", ErrBadPeriod.Code, ErrBadPeriod.Message)
	}
	key := PeriodKey(period, p.now())
	list, err := p.Store.Board(ctx, Board{SpaceID: spaceID, Period: key}, BoardTop)
	if err != nil {
		return Leaderboard{}, fmt.Errorf("rewards.Board: %w", err)
	}
	s, err := p.Settings(ctx)
	if err != nil {
		return Leaderboard{}, err
	}
	ids := make([]string, len(list))
	for i, st := range list {
		ids[i] = st.MemberID
	}
	accounts, err := p.Store.Accounts(ctx, ids)
	if err != nil {
		return Leaderboard{}, err
	}
	for i := range list {
		list[i].Rank = RankFor(s.Ranks, accounts[list[i].MemberID].Lifetime)
	}
	if list == nil {
		list = []Standing{}
	}
	return Leaderboard{Period: period, Key: key, SpaceID: spaceID, Standing: list}, nil
}

// OptOut takes the caller off the leaderboards (out) or puts them back.
func (p *Points) OptOut(ctx context.Context, actor auth.Principal, out bool) (Account, error) {
	if err := p.Store.SetOptedOut(ctx, actor.MemberID, out); err != nil {
		return Account{}, fmt.Errorf("rewards.OptOut: %w", err)
	}
	show := !out && !policy.IsStaff(actor.Roles)
	if err := p.Store.ShowOnBoards(ctx, actor.MemberID, nil, show); err != nil {
		return Account{}, fmt.Errorf("rewards.OptOut: %w", err)
	}
	return p.Store.Account(ctx, actor.MemberID)
}

// GrantRequest grants a badge by hand.
type GrantRequest struct {
	Badge string `json:"badge" schema:"enum=super_user|expert"`
}

// Grant gives a member a badge staff grant by hand (super-user, expert).
func (p *Points) Grant(ctx context.Context, actor auth.Principal, memberID string, req GrantRequest) (MemberRewards, error) {
	b, ok := Badge(req.Badge)
	if !ok {
		return MemberRewards{}, errs.InvalidField("badge", ErrNoBadge.Code, ErrNoBadge.Message)
	}
	if !b.Granted {
		return MemberRewards{}, errs.InvalidField("badge", ErrStaffBadge.Code, ErrStaffBadge.Message)
	}
	people, err := p.Store.People(ctx, []string{memberID})
	if err != nil {
		return MemberRewards{}, err
	}
	if who, ok := people[memberID]; !ok || who.Deleted {
		return MemberRewards{}, fmt.Errorf("rewards.Grant: %w", ErrNoMember)
	}
	if _, err := p.Store.AwardBadge(ctx, memberID, b.ID, actor.MemberID, p.now()); err != nil {
		return MemberRewards{}, fmt.Errorf("rewards.Grant: %w", err)
	}
	return p.MemberProfile(ctx, memberID)
}

// ReverseRequest asks staff to take back points found fraudulent.
type ReverseRequest struct {
	// EntryID and At name a line of the member's history (the staff page's "Take back"
	// button); without them, Rule, ObjectType and ObjectID name what was paid.
	EntryID    string     `json:"entryId,omitempty" schema:"maxLength=60"`
	At         *time.Time `json:"at,omitempty"`
	Rule       string     `json:"rule,omitempty" schema:"maxLength=60"`
	ObjectType string     `json:"objectType,omitempty" schema:"maxLength=40"`
	ObjectID   string     `json:"objectId,omitempty" schema:"maxLength=200"`
	Reason     string     `json:"reason" schema:"minLength=1;maxLength=500"`
}

// ReverseResult says how many points were taken off the score.
type ReverseResult struct {
	Reversed int64 `json:"reversed"`
}

// Reverse takes back an entry found fraudulent (staff), with its reason, in the audit
// log in the same transaction.
func (p *Points) Reverse(ctx context.Context, actor auth.Principal, memberID string, req ReverseRequest) (ReverseResult, error) {
	req.Reason = strings.TrimSpace(req.Reason)
	if l := utf8.RuneCountInString(req.Reason); l < 1 || l > MaxReasonRunes {
		return ReverseResult{}, errs.InvalidField("reason", ErrReason.Code, ErrReason.Message)
	}
	if req.EntryID != "" || req.At != nil {
		if req.At == nil || !validID(req.EntryID) {
			return ReverseResult{}, errs.InvalidField("entryId", ErrBadReversal.Code, ErrBadReversal.Message)
		}
		e, err := p.Store.Entry(ctx, memberID, *req.At, req.EntryID)
		if err != nil {
			return ReverseResult{}, fmt.Errorf("rewards.Reverse: %w", err)
		}
		req.Rule, req.ObjectType, req.ObjectID = e.Rule, e.ObjectType, e.ClaimObject()
	}
	if _, reversal := IsReversal(req.Rule); req.Rule == "" || reversal || len(req.Rule) > 60 || len(req.ObjectType) > 40 ||
		len(req.ObjectID) > 200 || req.ObjectID == "" || req.Rule == RuleRedemption || req.Rule == RuleRefund {
		return ReverseResult{}, errs.InvalidField("rule", ErrBadReversal.Code, ErrBadReversal.Message)
	}
	people, err := p.Store.People(ctx, []string{memberID})
	if err != nil {
		return ReverseResult{}, err
	}
	if _, ok := people[memberID]; !ok {
		return ReverseResult{}, fmt.Errorf("rewards.Reverse: %w", ErrNoMember)
	}
	now := p.now()
	n, err := p.Store.Reverse(ctx, Reversal{MemberID: memberID, Rule: req.Rule, ObjectType: req.ObjectType, ObjectID: req.ObjectID,
		Reason: req.Reason, At: now, Audit: &audit.Entry{At: now, ActorID: actor.MemberID, Action: "points.reverse",
			TargetType: "member", TargetID: memberID, SubjectID: memberID,
			Reason: req.Reason + " (" + req.Rule + " " + req.ObjectType + " " + req.ObjectID + ")"}})
	if err != nil {
		return ReverseResult{}, fmt.Errorf("rewards.Reverse: %w", err)
	}
	if n == 0 {
		return ReverseResult{}, fmt.Errorf("rewards.Reverse: %w", ErrNothingPaid)
	}
	return ReverseResult{Reversed: n}, nil
}

// HowToEarn is the how-to-earn page: the rules that pay, the ranks and the badges.
type HowToEarn struct {
	Rules  []Rule     `json:"rules"`
	Ranks  []Rank     `json:"ranks"`
	Badges []BadgeDef `json:"badges"`
	// StaffEarn: staff earn points too.
	StaffEarn bool `json:"staffEarn"`
}

// Earning is the how-to-earn page.
func (p *Points) Earning(ctx context.Context) (HowToEarn, error) {
	s, err := p.Settings(ctx)
	if err != nil {
		return HowToEarn{}, err
	}
	var on []Rule
	for _, r := range s.Rules {
		if r.On && r.Points > 0 {
			on = append(on, r)
		}
	}
	if on == nil {
		on = []Rule{}
	}
	return HowToEarn{Rules: on, Ranks: s.Ranks, Badges: Badges, StaffEarn: s.StaffEarn}, nil
}
