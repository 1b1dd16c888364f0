package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/errs"
	"tribune/shared/eventtypes"
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
	EventID      string
	Reason       string
	At           time.Time
	EarnedAt     *time.Time `dynamodbav:",omitempty"`
}

func newLedgerItem(e rewards.Entry) ledgerItem {
	it := ledgerItem{PK: memberPK(e.MemberID), SK: ledgerSK(e.At, e.ID), Type: typeLedgerEntry, ID: e.ID, MemberID: e.MemberID,
		Rule: e.Rule, Amount: e.Amount, ObjectType: e.ObjectType, ObjectID: e.ObjectID, SpaceID: e.SpaceID, EventID: e.EventID,
		Reason: e.Reason, At: e.At}
	if !e.EarnedAt.IsZero() {
		earned := e.EarnedAt
		it.EarnedAt = &earned
	}
	return it
}

func (it ledgerItem) entry() rewards.Entry {
	e := rewards.Entry{ID: it.ID, MemberID: it.MemberID, Rule: it.Rule, Amount: it.Amount, ObjectType: it.ObjectType,
		ObjectID: it.ObjectID, SpaceID: it.SpaceID, EventID: it.EventID, Reason: it.Reason, At: it.At}
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
//   - when lifetime != 0 (points earned or reversed, not spent nor refunded): the event
//     points.awarded or points.reversed in the outbox, and ADD lifetime to the member's
//     score on every leaderboard the entry counts on (rewards.BoardsOf).
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
	t.put("", newLedgerItem(e), "attribute_not_exists(PK)")
	t.put(condPointsClaim, pointsClaimItem{PK: memberPK(e.MemberID), SK: pointsClaimSK(e.Rule, e.ObjectType, e.ObjectID),
		Type: typePointsClaim, EntryID: e.ID, Amount: e.Amount, Lifetime: lifetime, SpaceID: e.SpaceID, At: e.At}, "attribute_not_exists(PK)")
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
	if lifetime == 0 {
		return t
	}
	var payload eventtypes.Payload
	if lifetime > 0 {
		payload = eventtypes.PointsAwarded{Meta: eventtypes.NewMeta(e.At), MemberID: e.MemberID, EntryID: e.ID, Rule: e.Rule,
			Amount: lifetime, ObjectType: e.ObjectType, ObjectID: e.ObjectID, SpaceID: e.SpaceID}
	} else {
		payload = eventtypes.PointsReversed{Meta: eventtypes.NewMeta(e.At), MemberID: e.MemberID, EntryID: e.ID, Rule: e.Rule,
			Amount: -lifetime, ObjectType: e.ObjectType, ObjectID: e.ObjectID, SpaceID: e.SpaceID, Reason: e.Reason}
	}
	env, err := eventtypes.Wrap(payload)
	if err != nil {
		t.fail(err)
		return t
	}
	out, err := t.s.outboxPut(env)
	t.also("", []types.TransactWriteItem{out}, err)
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
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :p)"),
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
