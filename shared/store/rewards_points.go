package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/members"
	"tribune/shared/rewards"
)

// Points: the ledger, the accounts, the claims that make an entry once per (rule,
// object, member), and the leaderboard scores (docs/rewards.md, docs/data-model.md).

const (
	typeRewardsAccount = "RewardsAccount"
	typeLedgerEntry    = "LedgerEntry"
	typePointsClaim    = "PointsClaim"
	typeBoardScore     = "BoardScore"

	// Attribute names the points expressions name (fields of accountItem, boardItem).
	attrBalance  = "Balance"
	attrLifetime = "Lifetime"
	attrScore    = "Score"
	attrPeriod   = "Period"
	attrOptedOut = "OptedOut"

	// condPointsClaim: no entry of this rule, object and member exists yet. Failing,
	// the entry was already written (a replayed event, a repeated request): nothing is.
	condPointsClaim = "points claim free"
	// condBalance: the account's balance covers what the transaction spends (need).
	condBalance = "balance enough"
)

// accountItem is a member's points: MEMBER#<m> / REWARDS. Balance and Lifetime change
// only by ADD (txn.ledger), so concurrent entries add up exactly.
type accountItem struct {
	PK, SK, Type string
	MemberID     string
	Balance      int64
	Lifetime     int64
	OptedOut     bool
}

func (it accountItem) account() rewards.Account {
	return rewards.Account{MemberID: it.MemberID, Balance: it.Balance, Lifetime: it.Lifetime, OptedOut: it.OptedOut}
}

// ledgerItem is a ledger entry: MEMBER#<m> / LEDGER#<at>#<entry>.
type ledgerItem struct {
	PK, SK, Type string
	ID           string
	MemberID     string
	Rule         string
	Amount       int64
	ObjectType   string
	ObjectID     string
	SpaceID      string
	PostID       string `dynamodbav:",omitempty"`
	EventID      string
	Reason       string
	At           time.Time
	EarnedAt     *time.Time `dynamodbav:",omitempty"`
}

func newLedgerItem(e rewards.Entry) ledgerItem {
	it := ledgerItem{PK: memberPK(e.MemberID), SK: ledgerSK(e.At, e.ID), Type: typeLedgerEntry, ID: e.ID, MemberID: e.MemberID,
		Rule: e.Rule, Amount: e.Amount, ObjectType: e.ObjectType, ObjectID: e.ClaimObject(), SpaceID: e.SpaceID, PostID: e.PostID, EventID: e.EventID,
		Reason: e.Reason, At: e.At}
	if !e.EarnedAt.IsZero() {
		earned := e.EarnedAt
		it.EarnedAt = &earned
	}
	return it
}

func (it ledgerItem) entry() rewards.Entry {
	e := rewards.Entry{ID: it.ID, MemberID: it.MemberID, Rule: it.Rule, Amount: it.Amount, ObjectType: it.ObjectType,
		ObjectID: rewards.PublicObject(it.ObjectType, it.ObjectID), SpaceID: it.SpaceID, PostID: it.PostID, EventID: it.EventID,
		Reason: it.Reason, At: it.At, Claim: it.ObjectID}
	if it.EarnedAt != nil {
		e.EarnedAt = *it.EarnedAt
	}
	return e
}

// pointsClaimItem says an entry of a rule, object and member exists:
// MEMBER#<m> / PAID#<rule>#<object type>#<object>. It keeps what a reversal needs.
type pointsClaimItem struct {
	PK, SK, Type string
	EntryID      string
	Amount       int64
	Lifetime     int64
	SpaceID      string
	At           time.Time
}

// boardItem is a member's score on one leaderboard: MEMBER#<m> / BOARD#<scope>#<period>,
// in GSI1 (BOARD#<scope>#<period> / <score>#<m>) while the member shows on it.
type boardItem struct {
	PK, SK, Type string
	MemberID     string
	SpaceID      string
	Period       string
	Score        int64
	GSI1PK       string `dynamodbav:",omitempty"`
	GSI1SK       string `dynamodbav:",omitempty"`
}

func avN(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}
func avS(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

// ledger adds to t one ledger entry and what goes with it, in the same transaction:
//   - the entry (MEMBER#<m> / LEDGER#...);
//   - the claim on (e.Rule, e.ObjectType, e.ObjectID, member), named condPointsClaim: a
//     second entry for the same rule, object and member fails the whole transaction on
//     that name (a replay, told apart from other failures);
//   - ADD balance to the account's Balance and lifetime to its Lifetime (creating the
//     account if needed); with need > 0, on condition Balance >= need, named condBalance;
//   - the event of the entry in the outbox: points.awarded (lifetime > 0),
//     points.reversed (lifetime < 0) or points.spent (a balance move alone: spent or
//     refunded); none when nothing moves;
//   - when lifetime != 0 (points earned or reversed, not spent nor refunded): ADD
//     lifetime to the member's score on every leaderboard the entry counts on
//     (rewards.BoardsOf).
//
// Balance and Lifetime change only by ADD here. e.ID, when empty, is given a fresh id;
// e.At must be set.
func (t *txn) ledger(e rewards.Entry, balance, lifetime int64, need int64) *txn {
	if e.ID == "" {
		e.ID = rewards.NewEntryID()
	}
	if e.MemberID == "" || e.Rule == "" || e.At.IsZero() {
		t.fail(fmt.Errorf("store: ledger entry without member, rule or time: %+v", e))
		return t
	}
	t.put("", newLedgerItem(e), itemAbsent)
	t.put(condPointsClaim, pointsClaimItem{PK: memberPK(e.MemberID), SK: pointsClaimSK(e.Rule, e.ObjectType, e.ClaimObject()),
		Type: typePointsClaim, EntryID: e.ID, Amount: e.Amount, Lifetime: lifetime, SpaceID: e.SpaceID, At: e.At}, itemAbsent)
	up := &types.Update{TableName: aws.String(t.s.Table), Key: rewardsAccountKey(e.MemberID),
		UpdateExpression:         aws.String("SET #Type = :type, #MemberID = :m ADD #Balance :b, #Lifetime :l"),
		ExpressionAttributeNames: named(AttrType, attrMemberID, attrBalance, attrLifetime),
		ExpressionAttributeValues: map[string]types.AttributeValue{":type": avS(typeRewardsAccount), ":m": avS(e.MemberID),
			":b": avN(balance), ":l": avN(lifetime)}}
	name := ""
	if need > 0 {
		up.ConditionExpression = aws.String("#Balance >= :need")
		up.ExpressionAttributeValues[":need"] = avN(need)
		up.ReturnValuesOnConditionCheckFailure = types.ReturnValuesOnConditionCheckFailureAllOld
		name = condBalance
	}
	t.add(name, types.TransactWriteItem{Update: up})
	var payload eventtypes.Payload
	switch {
	case lifetime > 0:
		payload = eventtypes.PointsAwarded{Meta: eventtypes.NewMeta(e.At), MemberID: e.MemberID, EntryID: e.ID, Rule: e.Rule,
			Amount: lifetime, ObjectType: e.ObjectType, ObjectID: e.ObjectID, SpaceID: e.SpaceID, Balance: balance}
	case lifetime < 0:
		payload = eventtypes.PointsReversed{Meta: eventtypes.NewMeta(e.At), MemberID: e.MemberID, EntryID: e.ID, Rule: e.Rule,
			Amount: -lifetime, ObjectType: e.ObjectType, ObjectID: e.ObjectID, SpaceID: e.SpaceID, Reason: e.Reason,
			EarnedAt: e.BoardAt(), BalanceTaken: -balance, ReversedBy: e.ReversedBy}
	case balance != 0:
		payload = eventtypes.PointsSpent{Meta: eventtypes.NewMeta(e.At), MemberID: e.MemberID, EntryID: e.ID, Rule: e.Rule,
			Amount: balance, ObjectType: e.ObjectType, ObjectID: e.ObjectID}
	default:
		return t
	}
	env, err := eventtypes.Wrap(payload)
	if err != nil {
		t.fail(err)
		return t
	}
	out, err := t.s.outboxPut(env)
	t.also("", []types.TransactWriteItem{out}, err)
	if lifetime == 0 {
		return t
	}
	for _, b := range rewards.BoardsOf(e.SpaceID, e.BoardAt()) {
		t.add("", types.TransactWriteItem{Update: &types.Update{TableName: aws.String(t.s.Table),
			Key:                      key(memberPK(e.MemberID), boardSK(b.SpaceID, b.Period)),
			UpdateExpression:         aws.String("SET #Type = :type, #MemberID = :m, #SpaceID = :s, #Period = :p ADD #Score :l"),
			ExpressionAttributeNames: named(AttrType, attrMemberID, attrSpaceID, attrPeriod, attrScore),
			ExpressionAttributeValues: map[string]types.AttributeValue{":type": avS(typeBoardScore), ":m": avS(e.MemberID),
				":s": avS(b.SpaceID), ":p": avS(b.Period), ":l": avN(lifetime)}}})
	}
	return t
}

// Account is a member's points (zero for a member who never had any).
func (s *Rewards) Account(ctx context.Context, memberID string) (rewards.Account, error) {
	var it accountItem
	err := s.get(ctx, "store.Account", memberPK(memberID), skRewardsAccount, time.Now(), &it)
	if errors.Is(err, errs.ErrNotFound) {
		return rewards.Account{MemberID: memberID}, nil
	}
	if err != nil {
		return rewards.Account{}, err
	}
	a := it.account()
	a.MemberID = memberID
	return a, nil
}

// Pay writes one ledger entry with its balance and lifetime moves (txn.ledger) and
// nothing else: rewards.ErrAlreadyPaid when the (rule, object, member) has its entry,
// rewards.ErrBalance when need > 0 and the balance is under it.
func (s *Rewards) Pay(ctx context.Context, e rewards.Entry, balance, lifetime, need int64) error {
	err := s.txn().ledger(e, balance, lifetime, need).run(ctx)
	return ledgerErr("store.Pay", err)
}

// ledgerErr turns the named conditions of txn.ledger into the domain's errors.
func ledgerErr(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case failed(err, condPointsClaim):
		return fmt.Errorf("%s: %w", op, rewards.ErrAlreadyPaid)
	case failed(err, condBalance):
		return fmt.Errorf("%s: %w", op, rewards.ErrBalance)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// Entries is one page of a member's ledger, newest first.
func (s *Rewards) Entries(ctx context.Context, memberID, cursor string, limit int) ([]rewards.Entry, string, error) {
	in := &dynamodb.QueryInput{TableName: aws.String(s.Table),
		KeyConditionExpression:    aws.String(pkIs + " AND " + skBeginsWith(":p")),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": avS(memberPK(memberID)), ":p": avS(ledgerPrefix)},
		ScanIndexForward:          aws.Bool(false), Limit: aws.Int32(int32(limit))}
	items, next, err := s.onePage(ctx, "ledger#"+memberID, cursor, in, nil)
	if err != nil {
		return nil, "", fmt.Errorf("store.Entries %s: %w", memberID, err)
	}
	out := make([]rewards.Entry, 0, len(items))
	for _, item := range items {
		var it ledgerItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return nil, "", fmt.Errorf("store.Entries %s: %w", memberID, err)
		}
		out = append(out, it.entry())
	}
	return out, next, nil
}

// ---- The rest of points: settings, caps, reversals, stats, badges, ranks, boards ----

const (
	typeRewardSettings = "RewardSettings"
	typeDailyCap       = "DailyCap"
	typeStat           = "Stat"
	typeStatClaim      = "StatClaim"
	typeBadgeAward     = "BadgeAward"
	typeRankClaim      = "RankClaim"

	attrPoints = "Points"

	// condDailyCap: the rule's points of the day stay under its cap with this entry.
	condDailyCap = "daily cap"
	// condCounted: the object is not counted in the stat yet.
	condCounted = "not counted"
	// condBadgeNew: the member has not got the badge yet.
	condBadgeNew = "badge new"
	// condRankNew: the member has not reached the rank before.
	condRankNew = "rank new"
	// condScoreAsRead: a board score is still what was read (its sort key follows it).
	condScoreAsRead = "score as read"

	// dailyCapKept is how long a day's cap item stays (TTL).
	dailyCapKept = 48 * time.Hour
	// reversalRetries bounds how often a reversal reads again after the balance moved.
	reversalRetries = 5
)

type ruleItem struct {
	Name     string
	Points   int64
	DailyCap int64
	On       bool
}

type rankItem struct {
	ID        string
	En, Fr    string
	Threshold int64
}

// rewardSettingsItem: COMMUNITY / REWARDS.
type rewardSettingsItem struct {
	PK, SK, Type string
	Rules        []ruleItem
	StaffEarn    bool
	Ranks        []rankItem
}

func newRewardSettingsItem(s rewards.Settings) rewardSettingsItem {
	it := rewardSettingsItem{PK: pkSettings, SK: skRewardSettings, Type: typeRewardSettings, StaffEarn: s.StaffEarn}
	for _, r := range s.Rules {
		it.Rules = append(it.Rules, ruleItem{Name: r.Name, Points: r.Points, DailyCap: r.DailyCap, On: r.On})
	}
	for _, r := range s.Ranks {
		it.Ranks = append(it.Ranks, rankItem{ID: r.ID, En: r.Name.En, Fr: r.Name.Fr, Threshold: r.Threshold})
	}
	return it
}

func (it rewardSettingsItem) settings() rewards.Settings {
	s := rewards.Settings{StaffEarn: it.StaffEarn}
	for _, r := range it.Rules {
		s.Rules = append(s.Rules, rewards.Rule{Name: r.Name, Points: r.Points, DailyCap: r.DailyCap, On: r.On})
	}
	for _, r := range it.Ranks {
		s.Ranks = append(s.Ranks, rewards.Rank{ID: r.ID, Name: rewards.Names{En: r.En, Fr: r.Fr}, Threshold: r.Threshold})
	}
	return s
}

// RewardSettings implements rewards.Store (errs.ErrNotFound until first saved).
func (s *Rewards) RewardSettings(ctx context.Context) (rewards.Settings, error) {
	var it rewardSettingsItem
	if err := s.get(ctx, "store.RewardSettings", pkSettings, skRewardSettings, time.Now(), &it); err != nil {
		return rewards.Settings{}, err
	}
	return it.settings(), nil
}

// SaveRewardSettings implements rewards.Store.
func (s *Rewards) SaveRewardSettings(ctx context.Context, st rewards.Settings) error {
	return s.txn().put("", newRewardSettingsItem(st), "").run(ctx)
}

// Accounts implements rewards.Store: one BatchGetItem per 100 ids.
func (s *Rewards) Accounts(ctx context.Context, ids []string) (map[string]rewards.Account, error) {
	out := make(map[string]rewards.Account, len(ids))
	keys := make([]map[string]types.AttributeValue, 0, len(ids))
	for _, id := range ids {
		out[id] = rewards.Account{MemberID: id}
		keys = append(keys, rewardsAccountKey(id))
	}
	if len(keys) == 0 {
		return out, nil
	}
	found, err := s.batchGet(ctx, "store.Accounts", keys)
	if err != nil {
		return nil, err
	}
	for _, item := range found {
		var it accountItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return nil, fmt.Errorf("store.Accounts: %w", err)
		}
		if _, asked := out[it.MemberID]; asked {
			out[it.MemberID] = it.account()
		}
	}
	return out, nil
}

// dailyCapItem: the points a member earned from a rule on a day.
type dailyCapItem struct {
	PK, SK, Type string
	Points       int64
	ExpiresAt    int64
}

// Earn implements rewards.Store: the ledger entry (balance and lifetime += amount) and,
// under a cap, the day's count of the rule's points, conditioned to stay at most the cap.
func (s *Rewards) Earn(ctx context.Context, e rewards.Entry, dailyCap int64) error {
	if e.Amount <= 0 {
		return fmt.Errorf("store.Earn: %w", rewards.ErrAlreadyPaid)
	}
	t := s.txn().ledger(e, e.Amount, e.Amount, 0)
	if dailyCap > 0 {
		room := dailyCap - e.Amount
		if room < 0 {
			return fmt.Errorf("store.Earn: %w", rewards.ErrDailyCap)
		}
		day := e.At.UTC().Format(time.DateOnly)
		t.add(condDailyCap, types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table),
			Key:                      key(memberPK(e.MemberID), dailyCapSK(e.Rule, day)),
			UpdateExpression:         aws.String("SET #Type = :type, #ExpiresAt = :exp ADD #Points :a"),
			ConditionExpression:      aws.String("attribute_not_exists(#Points) OR #Points <= :room"),
			ExpressionAttributeNames: named(AttrType, AttrExpires, attrPoints),
			ExpressionAttributeValues: map[string]types.AttributeValue{":type": avS(typeDailyCap), ":a": avN(e.Amount), ":room": avN(room),
				":exp": avN(e.At.Add(dailyCapKept).Unix())}}})
	}
	err := t.run(ctx)
	if failed(err, condDailyCap) && !failed(err, condPointsClaim) {
		return fmt.Errorf("store.Earn: %w", rewards.ErrDailyCap)
	}
	return ledgerErr("store.Earn", err)
}

// Reverse implements rewards.Store. It reads the entry's claim and the account, then
// writes the reversal through the ledger: the score loses what the entry earned, the
// balance loses as much but stops at zero (condition: the balance still covers it; if
// the member spent meanwhile, it reads again). The reversal's own claim makes it once.
func (s *Rewards) Reverse(ctx context.Context, r rewards.Reversal) (int64, error) {
	for range reversalRetries {
		var claim pointsClaimItem
		err := s.get(ctx, "store.Reverse", memberPK(r.MemberID), pointsClaimSK(r.Rule, r.ObjectType, r.ObjectID), time.Now(), &claim)
		if errors.Is(err, errs.ErrNotFound) {
			return 0, nil
		}
		if err != nil {
			return 0, err
		}
		if claim.Lifetime <= 0 {
			return 0, nil
		}
		acc, err := s.Account(ctx, r.MemberID)
		if err != nil {
			return 0, err
		}
		take := min(claim.Lifetime, max(acc.Balance, 0))
		e := rewards.Entry{ID: rewards.NewEntryID(), MemberID: r.MemberID, Rule: rewards.ReversalOf(r.Rule), Amount: -claim.Lifetime,
			ObjectType: r.ObjectType, ObjectID: r.ObjectID, SpaceID: claim.SpaceID, EventID: r.EventID, Reason: r.Reason, At: r.At,
			EarnedAt: claim.At}
		if r.Audit != nil {
			e.ReversedBy = r.Audit.ActorID
		}
		t := s.txn().ledger(e, -take, -claim.Lifetime, take)
		if r.Audit != nil {
			t.put("", newAuditItem(*r.Audit), "")
		}
		err = t.run(ctx)
		switch {
		case failed(err, condPointsClaim):
			return 0, nil // reversed already
		case failed(err, condBalance):
			continue // spent meanwhile: read again
		case err != nil:
			return 0, fmt.Errorf("store.Reverse: %w", err)
		}
		return claim.Lifetime, nil
	}
	return 0, fmt.Errorf("store.Reverse %s: the balance kept moving", r.MemberID)
}

type statItem struct {
	PK, SK, Type string
	Count        int64
}

// Count implements rewards.Store.
func (s *Rewards) Count(ctx context.Context, memberID, stat, objectID string, at time.Time) (int64, error) {
	err := s.txn().put(condCounted, map[string]any{AttrPK: memberPK(memberID), AttrSK: statClaimSK(stat, objectID), AttrType: typeStatClaim,
		"At": at.UTC()}, itemAbsent).
		add("", types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(memberPK(memberID), statSK(stat)),
			UpdateExpression: aws.String("SET #Type = :type ADD #Count :one"), ExpressionAttributeNames: named(AttrType, attrCount),
			ExpressionAttributeValues: map[string]types.AttributeValue{":type": avS(typeStat), ":one": avN(1)}}}).run(ctx)
	if err != nil && !failed(err, condCounted) {
		return 0, fmt.Errorf("store.Count: %w", err)
	}
	var it statItem
	if err := s.get(ctx, "store.Count", memberPK(memberID), statSK(stat), time.Now(), &it); err != nil {
		return 0, err
	}
	return it.Count, nil
}

// badgeItem: a badge a member holds.
type badgeItem struct {
	PK, SK, Type string
	Badge        string
	At           time.Time
	GrantedBy    string `dynamodbav:",omitempty"`
}

// AwardBadge implements rewards.Store: the badge and badge.awarded, together, once.
func (s *Rewards) AwardBadge(ctx context.Context, memberID, badge, grantedBy string, at time.Time) (bool, error) {
	env, err := eventtypes.Wrap(eventtypes.BadgeAwarded{Meta: eventtypes.NewMeta(at), MemberID: memberID, Badge: badge, GrantedBy: grantedBy})
	if err != nil {
		return false, err
	}
	err = s.txn().put(condBadgeNew, badgeItem{PK: memberPK(memberID), SK: badgeSK(badge), Type: typeBadgeAward, Badge: badge, At: at.UTC(),
		GrantedBy: grantedBy}, itemAbsent).with(s.outboxPuts([]eventtypes.Envelope{env})).run(ctx)
	if failed(err, condBadgeNew) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store.AwardBadge: %w", err)
	}
	return true, nil
}

// Awards implements rewards.Store: the member's badges, oldest first... by badge id.
func (s *Rewards) Awards(ctx context.Context, memberID string) ([]rewards.Award, error) {
	items, err := s.queryAll(ctx, queryPrefix(s.Table, memberPK(memberID), badgePrefix))
	if err != nil {
		return nil, fmt.Errorf("store.Awards: %w", err)
	}
	out := make([]rewards.Award, 0, len(items))
	for _, item := range items {
		var it badgeItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return nil, fmt.Errorf("store.Awards: %w", err)
		}
		out = append(out, rewards.Award{Badge: it.Badge, At: it.At, GrantedBy: it.GrantedBy})
	}
	return out, nil
}

// AwardsOf implements rewards.Store: the badges of each member (one query per member's
// badge prefix, at most 8 at once; ids without badges left out).
func (s *Rewards) AwardsOf(ctx context.Context, ids []string) (map[string][]rewards.Award, error) {
	out := make(map[string][]rewards.Award, len(ids))
	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		first error
	)
	slots := make(chan struct{}, 8)
	for _, id := range ids {
		wg.Add(1)
		slots <- struct{}{}
		go func(id string) {
			defer func() { <-slots; wg.Done() }()
			list, err := s.Awards(ctx, id)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if first == nil {
					first = err
				}
				return
			}
			if len(list) > 0 {
				out[id] = list
			}
		}(id)
	}
	wg.Wait()
	if first != nil {
		return nil, fmt.Errorf("store.AwardsOf: %w", first)
	}
	return out, nil
}

// ReachRank implements rewards.Store: the rank's claim and rank.reached, together, once.
func (s *Rewards) ReachRank(ctx context.Context, memberID, rank string, name rewards.Names, lifetime int64, at time.Time) (bool, error) {
	env, err := eventtypes.Wrap(eventtypes.RankReached{Meta: eventtypes.NewMeta(at), MemberID: memberID, Rank: rank, Lifetime: lifetime,
		NameEn: name.En, NameFr: name.Fr})
	if err != nil {
		return false, err
	}
	err = s.txn().put(condRankNew, map[string]any{AttrPK: memberPK(memberID), AttrSK: rankClaimSK(rank), AttrType: typeRankClaim,
		"At": at.UTC()}, itemAbsent).with(s.outboxPuts([]eventtypes.Envelope{env})).run(ctx)
	if failed(err, condRankNew) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store.ReachRank: %w", err)
	}
	return true, nil
}

// SetOptedOut implements rewards.Store.
func (s *Rewards) SetOptedOut(ctx context.Context, memberID string, out bool) error {
	return s.txn().add("", types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: rewardsAccountKey(memberID),
		UpdateExpression:         aws.String("SET #Type = :type, #MemberID = :m, #OptedOut = :o"),
		ExpressionAttributeNames: named(AttrType, attrMemberID, attrOptedOut),
		ExpressionAttributeValues: map[string]types.AttributeValue{":type": avS(typeRewardsAccount), ":m": avS(memberID),
			":o": &types.AttributeValueMemberBOOL{Value: out}}}}).run(ctx)
}

// ShowOnBoards implements rewards.Store. Each board score's GSI1 keys follow its
// score, on condition the score is still the one read (a concurrent entry then writes
// its own); a score of zero or less, or a member not shown, has none.
func (s *Rewards) ShowOnBoards(ctx context.Context, memberID string, boards []rewards.Board, show bool) error {
	var sks []string
	if boards == nil {
		items, err := s.queryAll(ctx, queryPrefix(s.Table, memberPK(memberID), boardPrefix, AttrSK))
		if err != nil {
			return fmt.Errorf("store.ShowOnBoards: %w", err)
		}
		for _, item := range items {
			if v, ok := item[AttrSK].(*types.AttributeValueMemberS); ok {
				sks = append(sks, v.Value)
			}
		}
	}
	for _, b := range boards {
		sks = append(sks, boardSK(b.SpaceID, b.Period))
	}
	for _, sk := range sks {
		if err := s.showOnBoard(ctx, memberID, sk, show); err != nil {
			return err
		}
	}
	return nil
}

func (s *Rewards) showOnBoard(ctx context.Context, memberID, sk string, show bool) error {
	for range reversalRetries {
		var it boardItem
		err := s.get(ctx, "store.ShowOnBoards", memberPK(memberID), sk, time.Now(), &it)
		if errors.Is(err, errs.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		up := &types.Update{TableName: aws.String(s.Table), Key: key(memberPK(memberID), sk),
			UpdateExpression: aws.String("REMOVE #GSI1PK, #GSI1SK"), ExpressionAttributeNames: named(AttrGSI1PK, AttrGSI1SK)}
		if show && it.Score > 0 {
			up.UpdateExpression = aws.String("SET #GSI1PK = :pk, #GSI1SK = :sk")
			up.ConditionExpression = aws.String("#Score = :score")
			up.ExpressionAttributeNames = named(AttrGSI1PK, AttrGSI1SK, attrScore)
			up.ExpressionAttributeValues = map[string]types.AttributeValue{":pk": avS(boardPK(it.SpaceID, it.Period)),
				":sk": avS(boardRankSK(it.Score, memberID)), ":score": avN(it.Score)}
		}
		err = s.txn().add(condScoreAsRead, types.TransactWriteItem{Update: up}).run(ctx)
		if failed(err, condScoreAsRead) {
			continue
		}
		return err
	}
	return fmt.Errorf("store.ShowOnBoards %s: the score kept moving", memberID)
}

// Board implements rewards.Store: one GSI1 query of the board's partition, best first,
// of at most limit items (rewards.BoardTop): its cost does not grow with the members.
func (s *Rewards) Board(ctx context.Context, b rewards.Board, limit int) ([]rewards.Standing, error) {
	out, err := s.DB.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1),
		KeyConditionExpression:    aws.String("#GSI1PK = :pk"),
		ExpressionAttributeNames:  named(AttrGSI1PK),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": avS(boardPK(b.SpaceID, b.Period))},
		ScanIndexForward:          aws.Bool(false), Limit: aws.Int32(int32(limit))})
	if err != nil {
		return nil, fmt.Errorf("store.Board: %w", err)
	}
	list := make([]rewards.Standing, 0, len(out.Items))
	ids := make([]string, 0, len(out.Items))
	for _, item := range out.Items {
		var it boardItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return nil, fmt.Errorf("store.Board: %w", err)
		}
		list = append(list, rewards.Standing{MemberID: it.MemberID, Score: it.Score})
		ids = append(ids, it.MemberID)
	}
	people, err := s.People(ctx, ids)
	if err != nil {
		return nil, err
	}
	shown := list[:0]
	for _, st := range list {
		if who, ok := people[st.MemberID]; ok && !who.Deleted && !who.Staff() {
			st.Name = who.Name
			if len(shown) > 0 && shown[len(shown)-1].Score == st.Score {
				st.Place = shown[len(shown)-1].Place
			} else {
				st.Place = len(shown) + 1
			}
			shown = append(shown, st)
		}
	}
	return shown, nil
}

// People implements rewards.Store: one BatchGetItem of member items per 100 ids.
func (s *Rewards) People(ctx context.Context, ids []string) (map[string]rewards.Person, error) {
	out := make(map[string]rewards.Person, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	keys := make([]map[string]types.AttributeValue, 0, len(ids))
	for _, id := range ids {
		keys = append(keys, memberKey(id))
	}
	found, err := s.batchGet(ctx, "store.People", keys)
	if err != nil {
		return nil, err
	}
	now := time.Now().Unix()
	for _, item := range found {
		var it memberItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return nil, fmt.Errorf("store.People: %w", err)
		}
		deleted := it.Status == members.StatusDeleted
		active := it.Status == members.StatusActive || (it.Status == members.StatusSuspended && it.SuspendedUntil <= now)
		p := rewards.Person{ID: it.ID, Name: it.DisplayName, Roles: it.Roles, Active: active, Deleted: deleted}
		if deleted {
			p.Name = ""
		}
		out[it.ID] = p
	}
	return out, nil
}

// Post implements rewards.Store.
func (s *Rewards) Post(ctx context.Context, postID string) (rewards.Content, error) {
	p, err := s.Posts().GetPost(ctx, postID)
	if err != nil {
		return rewards.Content{}, err
	}
	return rewards.Content{AuthorID: p.AuthorID, SpaceID: p.SpaceID, Kind: p.Kind}, nil
}

// Comment implements rewards.Store.
func (s *Rewards) Comment(ctx context.Context, postID, commentID string) (rewards.Content, error) {
	c, err := s.Comments().GetComment(ctx, postID, commentID)
	if err != nil {
		return rewards.Content{}, err
	}
	return rewards.Content{AuthorID: c.AuthorID}, nil
}

// Entry implements rewards.Store: one ledger entry by its time and id (GetItem), with
// its claim's object (rewards.ErrNothingPaid when there is none).
func (s *Rewards) Entry(ctx context.Context, memberID string, at time.Time, id string) (rewards.Entry, error) {
	var it ledgerItem
	err := s.get(ctx, "store.Entry", memberPK(memberID), ledgerSK(at, id), time.Now(), &it)
	if errors.Is(err, errs.ErrNotFound) {
		return rewards.Entry{}, rewards.ErrNothingPaid
	}
	if err != nil {
		return rewards.Entry{}, err
	}
	return it.entry(), nil
}
