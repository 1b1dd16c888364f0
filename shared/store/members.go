package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/auth"
	"tribune/shared/eventtypes"
	"tribune/shared/members"
	"tribune/shared/ratelimit"
)

// Item types.
const (
	typeMember      = "Member"
	typeMemberEmail = "MemberEmail"
	typeSignInToken = "SignInToken"
	typeSession     = "Session"
	typeRateWindow  = "RateWindow"
)

func memberPK(id string) string     { return "MEMBER#" + id }
func emailPK(email string) string   { return "EMAIL#" + email }
func signInPK(hash string) string   { return "SIGNIN#" + hash }
func sessionPK(hash string) string  { return "SESSION#" + hash }
func ratePK(h ratelimit.Hit) string { return "RATE#" + h.Rule.Name + "#" + h.KeyHash() }

const (
	skProfile = "PROFILE"
	skEmail   = "EMAIL"
	skToken   = "TOKEN"
	skSession = "SESSION"
)

// usedTokenKept is how long a spent or expired token stays, so a second click is told
// "already used" rather than "invalid".
const usedTokenKept = 24 * time.Hour

type memberItem struct {
	PK, SK, Type string
	ID           string
	Email        string
	DisplayName  string
	Locale       string
	Role         string
	Status       string
	CreatedAt    time.Time
}

func (i memberItem) member() members.Member {
	return members.Member{ID: i.ID, Email: i.Email, DisplayName: i.DisplayName, Locale: i.Locale, Role: i.Role, Status: i.Status, CreatedAt: i.CreatedAt}
}

type emailItem struct {
	PK, SK, Type string
	MemberID     string
}

type tokenItem struct {
	PK, SK, Type string
	Email        string
	Locale       string
	MemberID     string `dynamodbav:",omitempty"`
	ValidUntil   int64
	UsedAt       int64 `dynamodbav:",omitempty"`
	ExpiresAt    int64
}

type sessionItem struct {
	PK, SK, Type string
	MemberID     string
	CreatedAt    time.Time
	ExpiresAt    int64
}

// MemberIDByEmail implements members.Store.
func (s *Store) MemberIDByEmail(ctx context.Context, email string) (string, error) {
	var it emailItem
	if err := s.get(ctx, "store.MemberIDByEmail", emailPK(email), skEmail, time.Now(), &it); err != nil {
		return "", err
	}
	return it.MemberID, nil
}

// GetMember implements members.Store.
func (s *Store) GetMember(ctx context.Context, id string) (members.Member, error) {
	var it memberItem
	if err := s.get(ctx, "store.GetMember", memberPK(id), skProfile, time.Now(), &it); err != nil {
		return members.Member{}, err
	}
	return it.member(), nil
}

// rateUpdates are the conditional counter increments of rate-limit hits.
func (s *Store) rateUpdates(hits []ratelimit.Hit, now time.Time) []types.TransactWriteItem {
	items := make([]types.TransactWriteItem, len(hits))
	for i, h := range hits {
		start := h.WindowStart(now)
		items[i] = types.TransactWriteItem{Update: &types.Update{
			TableName:                aws.String(s.Table),
			Key:                      key(ratePK(h), "W#"+epoch(start)),
			UpdateExpression:         aws.String("SET #t = :type, ExpiresAt = :exp ADD #n :one"),
			ConditionExpression:      aws.String("attribute_not_exists(#n) OR #n < :limit"),
			ExpressionAttributeNames: map[string]string{"#t": AttrType, "#n": "Hits"},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":type": &types.AttributeValueMemberS{Value: typeRateWindow}, ":one": &types.AttributeValueMemberN{Value: "1"},
				":limit": &types.AttributeValueMemberN{Value: fmt.Sprint(h.Rule.Limit)},
				":exp":   &types.AttributeValueMemberN{Value: epoch(start.Add(2 * h.Rule.Window))},
			},
		}}
	}
	return items
}

// SaveSignInToken implements members.Store: rate-limit counters and the token in one
// transaction, so a refused request writes nothing.
func (s *Store) SaveSignInToken(ctx context.Context, t members.SignInToken, hits []ratelimit.Hit, now time.Time) error {
	tok, err := s.put(tokenItem{PK: signInPK(t.Hash), SK: skToken, Type: typeSignInToken, Email: t.Email, Locale: t.Locale,
		MemberID: t.MemberID, ValidUntil: t.ExpiresAt.Unix(), ExpiresAt: t.ExpiresAt.Add(usedTokenKept).Unix()}, "attribute_not_exists(PK)")
	if err != nil {
		return fmt.Errorf("store.SaveSignInToken: %w", err)
	}
	reasons, err := s.transact(ctx, append(s.rateUpdates(hits, now), tok))
	for i := range hits {
		if conditionFailed(reasons, i) {
			return fmt.Errorf("store.SaveSignInToken %s: %w", hits[i].Rule.Name, members.ErrRateLimited)
		}
	}
	if err != nil {
		return fmt.Errorf("store.SaveSignInToken: %w", err)
	}
	return nil
}

// ConsumeSignInToken implements members.Store with one conditional update: it tells
// an unknown token from a spent one and from an expired one.
func (s *Store) ConsumeSignInToken(ctx context.Context, hash string, now time.Time) (members.SignInToken, error) {
	out, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:           aws.String(s.Table),
		Key:                 key(signInPK(hash), skToken),
		UpdateExpression:    aws.String("SET UsedAt = :now"),
		ConditionExpression: aws.String("attribute_exists(PK) AND attribute_not_exists(UsedAt) AND ValidUntil > :now"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":now": &types.AttributeValueMemberN{Value: epoch(now)},
		},
		ReturnValues:                        types.ReturnValueAllNew,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		var old tokenItem
		switch {
		case failed.Item == nil || expired(failed.Item, now) || attributevalue.UnmarshalMap(failed.Item, &old) != nil:
			return members.SignInToken{}, fmt.Errorf("store.ConsumeSignInToken: %w", members.ErrLinkInvalid)
		case old.UsedAt != 0:
			return members.SignInToken{}, fmt.Errorf("store.ConsumeSignInToken: %w", members.ErrLinkUsed)
		default:
			return members.SignInToken{}, fmt.Errorf("store.ConsumeSignInToken: %w", members.ErrLinkExpired)
		}
	}
	if err != nil {
		return members.SignInToken{}, fmt.Errorf("store.ConsumeSignInToken: %w", err)
	}
	var it tokenItem
	if err := attributevalue.UnmarshalMap(out.Attributes, &it); err != nil {
		return members.SignInToken{}, fmt.Errorf("store.ConsumeSignInToken: %w", err)
	}
	return members.SignInToken{Hash: hash, Email: it.Email, Locale: it.Locale, MemberID: it.MemberID, ExpiresAt: time.Unix(it.ValidUntil, 0)}, nil
}

func (s *Store) sessionPut(sess auth.Session) (types.TransactWriteItem, error) {
	return s.put(sessionItem{PK: sessionPK(sess.Hash), SK: skSession, Type: typeSession, MemberID: sess.MemberID,
		CreatedAt: sess.CreatedAt.UTC(), ExpiresAt: sess.ExpiresAt.Unix()}, "attribute_not_exists(PK)")
}

// Register implements members.Store: email claim, member, session and outbox event in
// one transaction.
func (s *Store) Register(ctx context.Context, m members.Member, sess auth.Session, event eventtypes.Envelope) error {
	items := make([]types.TransactWriteItem, 4)
	var err error
	parts := []struct {
		item any
		cond string
	}{
		{emailItem{PK: emailPK(m.Email), SK: skEmail, Type: typeMemberEmail, MemberID: m.ID}, "attribute_not_exists(PK)"},
		{memberItem{PK: memberPK(m.ID), SK: skProfile, Type: typeMember, ID: m.ID, Email: m.Email, DisplayName: m.DisplayName,
			Locale: m.Locale, Role: m.Role, Status: m.Status, CreatedAt: m.CreatedAt}, "attribute_not_exists(PK)"},
	}
	for i, p := range parts {
		if items[i], err = s.put(p.item, p.cond); err != nil {
			return fmt.Errorf("store.Register %s: %w", m.ID, err)
		}
	}
	if items[2], err = s.sessionPut(sess); err != nil {
		return fmt.Errorf("store.Register %s: %w", m.ID, err)
	}
	if items[3], err = s.outboxPut(event); err != nil {
		return fmt.Errorf("store.Register %s: %w", m.ID, err)
	}
	reasons, err := s.transact(ctx, items)
	if conditionFailed(reasons, 0) {
		var existing emailItem
		if uerr := attributevalue.UnmarshalMap(reasons[0].Item, &existing); uerr == nil && existing.MemberID != "" {
			return fmt.Errorf("store.Register: %w", &members.EmailTakenError{MemberID: existing.MemberID})
		}
	}
	if err != nil {
		return fmt.Errorf("store.Register %s: %w", m.ID, err)
	}
	return nil
}

// CreateSession implements members.Store: the session is written only if the member
// exists and is active, in the same round trip.
func (s *Store) CreateSession(ctx context.Context, sess auth.Session) error {
	put, err := s.sessionPut(sess)
	if err != nil {
		return fmt.Errorf("store.CreateSession: %w", err)
	}
	check := types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName:                 aws.String(s.Table),
		Key:                       key(memberPK(sess.MemberID), skProfile),
		ConditionExpression:       aws.String("attribute_exists(PK) AND #s = :active"),
		ExpressionAttributeNames:  map[string]string{"#s": "Status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":active": &types.AttributeValueMemberS{Value: members.StatusActive}},
	}}
	reasons, err := s.transact(ctx, []types.TransactWriteItem{check, put})
	if conditionFailed(reasons, 0) {
		return fmt.Errorf("store.CreateSession %s: %w", sess.MemberID, members.ErrInactive)
	}
	if err != nil {
		return fmt.Errorf("store.CreateSession %s: %w", sess.MemberID, err)
	}
	return nil
}

// GetSession implements auth.SessionStore.
func (s *Store) GetSession(ctx context.Context, hash string) (auth.Session, error) {
	var it sessionItem
	if err := s.get(ctx, "store.GetSession", sessionPK(hash), skSession, time.Now(), &it); err != nil {
		return auth.Session{}, err
	}
	return auth.Session{Hash: hash, MemberID: it.MemberID, CreatedAt: it.CreatedAt, ExpiresAt: time.Unix(it.ExpiresAt, 0)}, nil
}

// DeleteSession implements members.Store.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	if _, err := s.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.Table), Key: key(sessionPK(hash), skSession)}); err != nil {
		return fmt.Errorf("store.DeleteSession: %w", err)
	}
	return nil
}
