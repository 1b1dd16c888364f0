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

	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/members"
	"tribune/shared/policy"
	"tribune/shared/text"
)

const (
	typeMemberTag   = "MemberTag"
	typeStaffFields = "StaffFields"
)

// The directory lives in GSI1, in a few partitions by the first character of the name
// key: each bucket holds the keys from its letter up to the next bucket's, so reading
// the buckets in order reads every name in order (code-point order of the key), and a
// search's prefix lies in one bucket. Eight buckets split the members of a community
// (no partition holds them all) yet let the first page of the whole list, in a
// community of a few members, cost at most eight queries: docs/decisions.md, "Issue 10:
// README, directory, export".
var directoryBuckets = []string{"0", "a", "d", "i", "m", "p", "t", "~"}

// directoryBucket is the bucket of a name key: "0" before "a" (digits, signs), then
// a-c, d-h, i-l, m-o, p-s, t-z, and "~" for everything after "z" (accented letters and
// every other script).
func directoryBucket(key string) string {
	r, _ := utf8.DecodeRuneInString(key)
	switch {
	case r < 'a':
		return "0"
	case r <= 'c':
		return "a"
	case r <= 'h':
		return "d"
	case r <= 'l':
		return "i"
	case r <= 'o':
		return "m"
	case r <= 's':
		return "p"
	case r <= 'z':
		return "t"
	}
	return "~"
}

// directoryKeys are the member item's GSI1 keys: its name's bucket, sorted by the
// whole name key (members.DirectoryKey).
func directoryKeys(memberID, displayName string) (string, string) {
	key := members.DirectoryKey(displayName)
	return membersPK(directoryBucket(key)), directorySortKey(key, memberID)
}

const typeNameWord = "NameWord"

// wordItem is one of a member's name's search keys (members.NameWords): it lets the
// directory find "Jane Smith" by "smi". Only the member's id and name key: the page
// reads the member items for what it shows (their status, roles and avatar as now).
type wordItem struct {
	PK, SK, Type   string
	GSI1PK, GSI1SK string
	MemberID       string
	NameKey        string
	Word           int
}

// nameWordWrites write a member's name's search keys (MEMBER#<id>/WORD#<i>, in
// WORDS#<bucket> of GSI1) and delete the places a longer name had: always
// members.MaxNameWords items, so a name replaced by a shorter one leaves no word behind,
// whatever was read before.
func (s *Members) nameWordWrites(memberID, displayName string) ([]types.TransactWriteItem, error) {
	nameKey := members.DirectoryKey(displayName)
	words := members.NameWords(nameKey)
	out := make([]types.TransactWriteItem, 0, members.MaxNameWords)
	for i := range members.MaxNameWords {
		if i >= len(words) {
			out = append(out, types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.Table), Key: key(memberPK(memberID), wordSK(i))}})
			continue
		}
		put, err := s.put(wordItem{PK: memberPK(memberID), SK: wordSK(i), Type: typeNameWord, GSI1PK: wordsPK(directoryBucket(words[i])),
			GSI1SK: directorySortKey(words[i], memberID), MemberID: memberID, NameKey: nameKey, Word: i}, "")
		if err != nil {
			return nil, err
		}
		out = append(out, put)
	}
	return out, nil
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
func (s *Members) UpdateProfile(ctx context.Context, memberID string, p members.Profile) (members.Member, error) {
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
		UpdateExpression: aws.String("SET #DisplayName = :name, #Bio = :bio, #Expertise = :exp, #Interests = :int, #Company = :company, " +
			"#Location = :loc, #Links = :links, #Locale = :locale, " + setGSI1(":dpk", ":dsk")),
		ConditionExpression: aws.String(itemExists),
		ExpressionAttributeNames: named(attrDisplayName, attrBio, attrExpertise, attrInterests, attrCompany, attrLocation,
			attrLinks, attrLocale),
		ExpressionAttributeValues: values,
	}}}
	for _, t := range old.Expertise {
		if !slices.Contains(p.Expertise, t) {
			items = append(items, types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.Table), Key: key(tagPK(t), memberPK(memberID))}})
		}
	}
	words, err := s.nameWordWrites(memberID, p.DisplayName)
	if err != nil {
		return members.Member{}, fmt.Errorf("store.UpdateProfile: %w", err)
	}
	items = append(items, words...)
	for _, t := range p.Expertise {
		put, err := s.put(tagItem{PK: tagPK(t), SK: memberPK(memberID), Type: typeMemberTag, MemberID: memberID,
			DisplayName: p.DisplayName, Expertise: p.Expertise, HasAvatar: old.AvatarKey != ""}, "")
		if err != nil {
			return members.Member{}, fmt.Errorf("store.UpdateProfile: %w", err)
		}
		items = append(items, put)
	}
	// search (issue 15): the member's document is re-read on this event.
	updated, err := eventtypes.Wrap(eventtypes.MemberProfileUpdated{Meta: eventtypes.NewMeta(time.Now()), MemberID: memberID})
	if err != nil {
		return members.Member{}, fmt.Errorf("store.UpdateProfile: %w", err)
	}
	event, err := s.outboxPut(updated)
	if err != nil {
		return members.Member{}, fmt.Errorf("store.UpdateProfile: %w", err)
	}
	items = append(items, event)
	if _, err := s.transact(ctx, items); err != nil {
		return members.Member{}, fmt.Errorf("store.UpdateProfile %s: %w", memberID, err)
	}
	return s.GetMember(ctx, memberID)
}

// GetStaffFields implements members.Store.
func (s *Members) GetStaffFields(ctx context.Context, memberID string) (members.StaffFields, error) {
	var it staffItem
	if err := s.get(ctx, "store.GetStaffFields", memberPK(memberID), skStaff, time.Now(), &it); err != nil {
		return members.StaffFields{}, err
	}
	return members.StaffFields{CRMRef: it.CRMRef, LeadStatus: it.LeadStatus, Notes: it.Notes, UpdatedAt: it.UpdatedAt, UpdatedBy: it.UpdatedBy}, nil
}

// SaveStaffFields implements members.Store. The staff section is its own item, so no
// member-facing read ever loads it.
func (s *Members) SaveStaffFields(ctx context.Context, memberID string, f members.StaffFields) error {
	item, err := attributevalue.MarshalMap(staffItem{PK: memberPK(memberID), SK: skStaff, Type: typeStaffFields, CRMRef: f.CRMRef,
		LeadStatus: f.LeadStatus, Notes: f.Notes, UpdatedAt: f.UpdatedAt, UpdatedBy: f.UpdatedBy})
	if err != nil {
		return fmt.Errorf("store.SaveStaffFields: %w", err)
	}
	// The same fields again write nothing (not even a new UpdatedAt).
	_, err = s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: item,
		ConditionExpression:      aws.String(itemAbsent + " OR #CRMRef <> :c OR #LeadStatus <> :l OR #Notes <> :n"),
		ExpressionAttributeNames: named(attrCRMRef, attrLeadStatus, attrNotes),
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

// directoryEntry is a member as a directory row shows them, and whether they are
// listed at all (active and suspended members are; banned and deleted ones are not).
func directoryEntry(it memberItem) (members.DirectoryEntry, bool) {
	listed := it.Status == members.StatusActive || it.Status == members.StatusSuspended
	return members.DirectoryEntry{ID: it.ID, DisplayName: it.DisplayName, Expertise: nonNil(it.Expertise), HasAvatar: it.AvatarKey != "",
		Staff: policy.IsStaff(it.Roles)}, listed
}

// maxListQueries bounds the queries of one page of the whole list: one per bucket.
var maxListQueries = len(directoryBuckets)

// ListMembers implements members.Store: the buckets of GSI1 in order, each by name
// key, until the page is full (at most one query per bucket). The cursor names the
// bucket and, inside it, where the page stopped.
func (s *Members) ListMembers(ctx context.Context, cursor string, limit int) (members.DirectoryPageResult, error) {
	list, next, err := fillPage(ctx, s.Store, thinList[members.DirectoryEntry]{op: "store.ListMembers", scope: "members", parts: directoryBuckets,
		query: func(bucket string, n int) *dynamodb.QueryInput {
			return &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1), Limit: aws.Int32(int32(n)),
				KeyConditionExpression:    aws.String(gsi1Is),
				ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: membersPK(bucket)}}}
		},
		keyOf: keyOf(AttrPK, AttrSK, AttrGSI1PK, AttrGSI1SK),
		conv: func(av item) (members.DirectoryEntry, bool, error) {
			var it memberItem
			if err := attributevalue.UnmarshalMap(av, &it); err != nil {
				return members.DirectoryEntry{}, false, err
			}
			e, listed := directoryEntry(it)
			return e, listed, nil
		}}, cursor, limit, maxListQueries)
	if err != nil {
		return members.DirectoryPageResult{}, err
	}
	return members.DirectoryPageResult{Members: list, Next: next}, nil
}

// MembersByName implements members.Store: one query of the search keys of names
// (WORDS#<bucket of q> in GSI1, begins_with q), then the members found, read together
// (one BatchGetItem) for what the page shows. A name found by two of its words is
// listed once, at the first (members.FirstWordMatching): a page may hold fewer than
// limit members and still have a next one.
func (s *Members) MembersByName(ctx context.Context, q, cursor string, limit int) (members.DirectoryPageResult, error) {
	scope := "words:" + q
	items, next, err := s.onePage(ctx, scope, cursor, &dynamodb.QueryInput{
		TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1), Limit: aws.Int32(int32(limit)),
		KeyConditionExpression:   aws.String("#pk = :pk AND begins_with(#sk, :q)"),
		ExpressionAttributeNames: map[string]string{"#pk": AttrGSI1PK, "#sk": AttrGSI1SK},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: wordsPK(directoryBucket(q))}, ":q": &types.AttributeValueMemberS{Value: q},
		},
	}, nil)
	if err != nil {
		return members.DirectoryPageResult{}, fmt.Errorf("store.MembersByName: %w", err)
	}
	var ids []string
	for _, item := range items {
		var it wordItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return members.DirectoryPageResult{}, fmt.Errorf("store.MembersByName: %w", err)
		}
		if members.FirstWordMatching(it.NameKey, q) == it.Word && !slices.Contains(ids, it.MemberID) {
			ids = append(ids, it.MemberID)
		}
	}
	page, err := s.directoryRows(ctx, "store.MembersByName", ids)
	if err != nil {
		return members.DirectoryPageResult{}, err
	}
	page.Next = next
	return page, nil
}

// directoryRows reads members by id (one BatchGetItem) and returns the listed ones as
// directory rows, in the order of ids.
func (s *Members) directoryRows(ctx context.Context, op string, ids []string) (members.DirectoryPageResult, error) {
	page := members.DirectoryPageResult{Members: []members.DirectoryEntry{}}
	if len(ids) == 0 {
		return page, nil
	}
	keys := make([]map[string]types.AttributeValue, len(ids))
	for i, id := range ids {
		keys[i] = key(memberPK(id), skProfile)
	}
	found, err := s.batchGet(ctx, op, keys)
	if err != nil {
		return members.DirectoryPageResult{}, err
	}
	for _, k := range keys {
		item, ok := found[keyName(k)]
		if !ok {
			continue
		}
		var it memberItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return members.DirectoryPageResult{}, fmt.Errorf("%s: %w", op, err)
		}
		if e, listed := directoryEntry(it); listed {
			page.Members = append(page.Members, e)
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
func (s *Members) StaffNamed(ctx context.Context, name, exceptMemberID string) (bool, error) {
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

// MembersByTag implements members.Store: the tag's partition, then the members found,
// read together (one BatchGetItem) for what the page shows as it is now.
func (s *Members) MembersByTag(ctx context.Context, tag, cursor string, limit int) (members.DirectoryPageResult, error) {
	scope := "tag:" + tag
	items, next, err := s.onePage(ctx, scope, cursor, &dynamodb.QueryInput{
		TableName: aws.String(s.Table), Limit: aws.Int32(int32(limit)),
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: tagPK(tag)}},
		ProjectionExpression:      aws.String("#m"),
		ExpressionAttributeNames:  map[string]string{"#pk": AttrPK, "#m": attrMemberID},
	}, nil)
	if err != nil {
		return members.DirectoryPageResult{}, fmt.Errorf("store.MembersByTag: %w", err)
	}
	ids := make([]string, 0, len(items))
	for _, item := range items {
		if v, ok := item[attrMemberID].(*types.AttributeValueMemberS); ok {
			ids = append(ids, v.Value)
		}
	}
	page, err := s.directoryRows(ctx, "store.MembersByTag", ids)
	if err != nil {
		return members.DirectoryPageResult{}, err
	}
	page.Next = next
	return page, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// condAvatarMember: the member whose avatar is set exists.
const condAvatarMember = "avatar member"

// SetAvatar implements members.AvatarStore ("" removes the avatar).
func (s *Members) SetAvatar(ctx context.Context, memberID, avatarKey string, events ...eventtypes.Envelope) (members.Member, error) {
	if len(events) > 0 && avatarKey != "" {
		// The photo and its events, together; then the member as it is.
		update := types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(memberPK(memberID), skProfile),
			UpdateExpression: aws.String("SET #AvatarKey = :k"), ConditionExpression: aws.String(itemExists),
			ExpressionAttributeNames:  named(attrAvatarKey),
			ExpressionAttributeValues: map[string]types.AttributeValue{":k": &types.AttributeValueMemberS{Value: avatarKey}}}}
		err := s.txn().add(condAvatarMember, update).with(s.outboxPuts(events)).run(ctx)
		if failed(err, condAvatarMember) {
			return members.Member{}, fmt.Errorf("store.SetAvatar %s: %w", memberID, errs.ErrNotFound)
		}
		if err != nil {
			return members.Member{}, fmt.Errorf("store.SetAvatar %s: %w", memberID, err)
		}
		return s.GetMember(ctx, memberID)
	}
	if avatarKey == "" {
		return s.updateMember(ctx, "store.SetAvatar", memberID, "REMOVE #AvatarKey", named(attrAvatarKey), nil)
	}
	return s.updateMember(ctx, "store.SetAvatar", memberID, "SET #AvatarKey = :k", named(attrAvatarKey),
		map[string]types.AttributeValue{":k": &types.AttributeValueMemberS{Value: avatarKey}})
}
