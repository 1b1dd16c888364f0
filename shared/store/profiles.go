package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/members"
	"tribune/shared/policy"
	"tribune/shared/text"
)

const (
	typeMemberTag   = "MemberTag"
	typeStaffFields = "StaffFields"
	skStaff         = "STAFF"
)

func tagPK(tag string) string { return "TAG#" + tag }

// directoryKeys are the member item's GSI1 keys: a partition per first letter of the
// display name (no single partition for all members), sorted by the whole name.
func directoryKeys(memberID, displayName string) (string, string) {
	key := members.DirectoryKey(displayName)
	first, _ := utf8.DecodeRuneInString(key)
	return "DIR#" + string(first), key + "#" + memberID
}

// tagItem is one member listed under one expertise tag, with what a directory row shows.
type tagItem struct {
	PK, SK, Type string
	MemberID     string
	DisplayName  string
	Expertise    []string
	HasAvatar    bool
}

type staffItem struct {
	PK, SK, Type string
	CRMRef       string
	LeadStatus   string
	Notes        string
	UpdatedAt    time.Time
	UpdatedBy    string
}

// UpdateProfile implements members.Store: the member item, its directory keys and
// its tag items change in one transaction. The same profile again writes nothing.
func (s *Store) UpdateProfile(ctx context.Context, memberID string, p members.Profile) (members.Member, error) {
	old, err := s.GetMember(ctx, memberID)
	if err != nil {
		return members.Member{}, err
	}
	if old.DisplayName == p.DisplayName && old.Bio == p.Bio && slices.Equal(old.Expertise, p.Expertise) &&
		slices.Equal(old.Interests, p.Interests) && old.Company == p.Company && old.Location == p.Location &&
		slices.Equal(old.Links, p.Links) && old.Locale == p.Locale {
		return old, nil
	}
	dirPK, dirSK := directoryKeys(memberID, p.DisplayName)
	values, err := attributevalue.MarshalMap(map[string]any{
		":name": p.DisplayName, ":bio": p.Bio, ":exp": p.Expertise, ":int": p.Interests, ":company": p.Company,
		":loc": p.Location, ":links": p.Links, ":locale": p.Locale, ":dpk": dirPK, ":dsk": dirSK,
	})
	if err != nil {
		return members.Member{}, fmt.Errorf("store.UpdateProfile: %w", err)
	}
	items := []types.TransactWriteItem{{Update: &types.Update{
		TableName: aws.String(s.Table), Key: key(memberPK(memberID), skProfile),
		UpdateExpression: aws.String("SET DisplayName = :name, Bio = :bio, Expertise = :exp, Interests = :int, Company = :company, " +
			"#loc = :loc, Links = :links, Locale = :locale, GSI1PK = :dpk, GSI1SK = :dsk"),
		ConditionExpression:       aws.String("attribute_exists(PK)"),
		ExpressionAttributeNames:  map[string]string{"#loc": "Location"},
		ExpressionAttributeValues: values,
	}}}
	for _, t := range old.Expertise {
		if !slices.Contains(p.Expertise, t) {
			items = append(items, types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.Table), Key: key(tagPK(t), memberPK(memberID))}})
		}
	}
	for _, t := range p.Expertise {
		put, err := s.put(tagItem{PK: tagPK(t), SK: memberPK(memberID), Type: typeMemberTag, MemberID: memberID,
			DisplayName: p.DisplayName, Expertise: p.Expertise, HasAvatar: old.AvatarKey != ""}, "")
		if err != nil {
			return members.Member{}, fmt.Errorf("store.UpdateProfile: %w", err)
		}
		items = append(items, put)
	}
	if _, err := s.transact(ctx, items); err != nil {
		return members.Member{}, fmt.Errorf("store.UpdateProfile %s: %w", memberID, err)
	}
	return s.GetMember(ctx, memberID)
}

// GetStaffFields implements members.Store.
func (s *Store) GetStaffFields(ctx context.Context, memberID string) (members.StaffFields, error) {
	var it staffItem
	if err := s.get(ctx, "store.GetStaffFields", memberPK(memberID), skStaff, time.Now(), &it); err != nil {
		return members.StaffFields{}, err
	}
	return members.StaffFields{CRMRef: it.CRMRef, LeadStatus: it.LeadStatus, Notes: it.Notes, UpdatedAt: it.UpdatedAt, UpdatedBy: it.UpdatedBy}, nil
}

// SaveStaffFields implements members.Store. The staff section is its own item, so no
// member-facing read ever loads it.
func (s *Store) SaveStaffFields(ctx context.Context, memberID string, f members.StaffFields) error {
	item, err := attributevalue.MarshalMap(staffItem{PK: memberPK(memberID), SK: skStaff, Type: typeStaffFields, CRMRef: f.CRMRef,
		LeadStatus: f.LeadStatus, Notes: f.Notes, UpdatedAt: f.UpdatedAt, UpdatedBy: f.UpdatedBy})
	if err != nil {
		return fmt.Errorf("store.SaveStaffFields: %w", err)
	}
	// The same fields again write nothing (not even a new UpdatedAt).
	_, err = s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: item,
		ConditionExpression: aws.String("attribute_not_exists(PK) OR CRMRef <> :c OR LeadStatus <> :l OR Notes <> :n"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":c": &types.AttributeValueMemberS{Value: f.CRMRef},
			":l": &types.AttributeValueMemberS{Value: f.LeadStatus}, ":n": &types.AttributeValueMemberS{Value: f.Notes}}})
	var same *types.ConditionalCheckFailedException
	if errors.As(err, &same) {
		return members.ErrUnchanged
	}
	if err != nil {
		return fmt.Errorf("store.SaveStaffFields %s: %w", memberID, err)
	}
	return nil
}

// MembersByNamePrefix implements members.Store: GSI1 in the first letter's partition.
func (s *Store) MembersByNamePrefix(ctx context.Context, prefix, cursor string, limit int) (members.DirectoryPageResult, error) {
	dirPK, _ := directoryKeys("", prefix)
	scope := "dir:" + prefix
	start, err := s.decodeCursor(scope, cursor)
	if err != nil {
		return members.DirectoryPageResult{}, err
	}
	out, err := s.DB.Query(ctx, &dynamodb.QueryInput{
		TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1), ExclusiveStartKey: start, Limit: aws.Int32(int32(limit)),
		KeyConditionExpression: aws.String("GSI1PK = :pk AND begins_with(GSI1SK, :prefix)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: dirPK}, ":prefix": &types.AttributeValueMemberS{Value: prefix},
		},
	})
	if err != nil {
		return members.DirectoryPageResult{}, fmt.Errorf("store.MembersByNamePrefix: %w", err)
	}
	next, err := s.encodeCursor(scope, out.LastEvaluatedKey)
	if err != nil {
		return members.DirectoryPageResult{}, fmt.Errorf("store.MembersByNamePrefix: %w", err)
	}
	page := members.DirectoryPageResult{Next: next}
	for _, item := range out.Items {
		var it memberItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return members.DirectoryPageResult{}, fmt.Errorf("store.MembersByNamePrefix: %w", err)
		}
		if it.Status == members.StatusActive || it.Status == members.StatusSuspended {
			page.Members = append(page.Members, members.DirectoryEntry{ID: it.ID, DisplayName: it.DisplayName, Expertise: nonNil(it.Expertise), HasAvatar: it.AvatarKey != ""})
		}
	}
	return page, nil
}

// StaffNamed implements members.Store: the staff role index (one Query per role in
// policy.StaffRoles, pattern 91's ROLE# items), then one BatchGetItem of those
// members' profiles, compared in Go on text.LookalikeKey. Staff are a few dozen
// people, so the cost is bounded by the staff, not the community: 5 round trips (4
// roles and the batch, one more per 100 staff). A comparison of look-alikes cannot be
// a key lookup of the directory, whose key keeps scripts and marks apart.
func (s *Store) StaffNamed(ctx context.Context, name, exceptMemberID string) (bool, error) {
	want := text.LookalikeKey(name)
	if want == "" {
		return false, nil
	}
	ids, err := s.RoleHolderIDs(ctx, policy.StaffRoles...)
	if err != nil {
		return false, fmt.Errorf("store.StaffNamed: %w", err)
	}
	var keys []map[string]types.AttributeValue
	for _, id := range ids {
		if id != exceptMemberID {
			keys = append(keys, key(memberPK(id), skProfile))
		}
	}
	found, err := s.batchGet(ctx, "store.StaffNamed", keys)
	if err != nil {
		return false, err
	}
	for _, item := range found {
		var it memberItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return false, fmt.Errorf("store.StaffNamed: %w", err)
		}
		m := it.member()
		if (m.Status == members.StatusActive || m.Status == members.StatusSuspended) &&
			slices.ContainsFunc(m.Roles, func(r string) bool { return slices.Contains(policy.StaffRoles, r) }) &&
			text.LookalikeKey(m.DisplayName) == want {
			return true, nil
		}
	}
	return false, nil
}

// MembersByTag implements members.Store: the tag's partition.
func (s *Store) MembersByTag(ctx context.Context, tag, cursor string, limit int) (members.DirectoryPageResult, error) {
	scope := "tag:" + tag
	start, err := s.decodeCursor(scope, cursor)
	if err != nil {
		return members.DirectoryPageResult{}, err
	}
	out, err := s.DB.Query(ctx, &dynamodb.QueryInput{
		TableName: aws.String(s.Table), ExclusiveStartKey: start, Limit: aws.Int32(int32(limit)),
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: tagPK(tag)}},
	})
	if err != nil {
		return members.DirectoryPageResult{}, fmt.Errorf("store.MembersByTag: %w", err)
	}
	next, err := s.encodeCursor(scope, out.LastEvaluatedKey)
	if err != nil {
		return members.DirectoryPageResult{}, fmt.Errorf("store.MembersByTag: %w", err)
	}
	page := members.DirectoryPageResult{Next: next}
	for _, item := range out.Items {
		var it tagItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return members.DirectoryPageResult{}, fmt.Errorf("store.MembersByTag: %w", err)
		}
		page.Members = append(page.Members, members.DirectoryEntry{ID: it.MemberID, DisplayName: it.DisplayName, Expertise: nonNil(it.Expertise), HasAvatar: it.HasAvatar})
	}
	return page, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// SetAvatar implements members.AvatarStore ("" removes the avatar).
func (s *Store) SetAvatar(ctx context.Context, memberID, avatarKey string) (members.Member, error) {
	if avatarKey == "" {
		return s.updateMember(ctx, "store.SetAvatar", memberID, "REMOVE AvatarKey", nil, nil)
	}
	return s.updateMember(ctx, "store.SetAvatar", memberID, "SET AvatarKey = :k", nil,
		map[string]types.AttributeValue{":k": &types.AttributeValueMemberS{Value: avatarKey}})
}
