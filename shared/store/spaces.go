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

	"tribune/shared/audit"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/spaces"
)

const (
	typeSpace       = "Space"
	typeSpaceMember = "SpaceMembership"
)

// spaceItem is a space: SPACE#<id> / META, listed in GSI1 (the directory or the
// customer spaces) by name.
type spaceItem struct {
	PK, SK, Type   string
	GSI1PK, GSI1SK string `dynamodbav:",omitempty"`
	ID             string
	Name           string
	Description    string
	Icon           string
	Visibility     string
	Kind           string
	CreatedBy      string
	CreatedAt      time.Time
	Members        int
}

func newSpaceItem(sp spaces.Space) spaceItem {
	it := spaceItem{PK: spacePK(sp.ID), SK: skSpace, Type: typeSpace, ID: sp.ID, Name: sp.Name, Description: sp.Description,
		Icon: sp.Icon, Visibility: sp.Visibility, Kind: sp.Kind, CreatedBy: sp.CreatedBy, CreatedAt: sp.CreatedAt, Members: sp.Members}
	if pk := listingPK(sp.Kind, sp.Visibility); pk != "" {
		it.GSI1PK, it.GSI1SK = pk, directorySK(sp)
	}
	return it
}

// listed reports whether the directory lists a space: public and closed community
// spaces; never hidden ones, never customer spaces (their names say who the customers are).
func listed(kind, visibility string) bool {
	return visibility != spaces.Hidden && kind != spaces.KindCustomer
}

// listingPK is the GSI1 partition that lists a space ("" for none): the directory, or
// the agents' list of customer spaces.
func listingPK(kind, visibility string) string {
	switch {
	case kind == spaces.KindCustomer:
		return customerSpacesPK
	case listed(kind, visibility):
		return spaceDirectoryPK
	}
	return ""
}

func (it spaceItem) space() spaces.Space {
	return spaces.Space{ID: it.ID, Name: it.Name, Description: it.Description, Icon: it.Icon, Visibility: it.Visibility,
		Kind: it.Kind, CreatedBy: it.CreatedBy, CreatedAt: it.CreatedAt, Members: it.Members}
}

// membershipAttrs are a membership's attributes, in its item and in the kept answer to
// a declined request.
type membershipAttrs struct {
	SpaceID         string
	MemberID        string
	Role            string
	Status          string
	JoinedAt        time.Time
	MemberName      string
	InvitedBy       string
	ApprovedBy      string
	DeclinedBy      string
	DeclinedAt      time.Time
	SpaceName       string
	SpaceVisibility string
	ByRole          bool
}

func newMembershipAttrs(m spaces.Membership) membershipAttrs {
	return membershipAttrs{SpaceID: m.SpaceID, MemberID: m.MemberID, Role: m.Role, Status: m.Status, JoinedAt: m.JoinedAt,
		MemberName: m.MemberName, InvitedBy: m.InvitedBy, ApprovedBy: m.ApprovedBy, DeclinedBy: m.DeclinedBy, DeclinedAt: m.DeclinedAt,
		SpaceName: m.SpaceName, SpaceVisibility: m.SpaceVisibility, ByRole: m.ByRole}
}

func (a membershipAttrs) membership() spaces.Membership {
	return spaces.Membership{SpaceID: a.SpaceID, MemberID: a.MemberID, Role: a.Role, Status: a.Status, JoinedAt: a.JoinedAt,
		MemberName: a.MemberName, InvitedBy: a.InvitedBy, ApprovedBy: a.ApprovedBy, DeclinedBy: a.DeclinedBy, DeclinedAt: a.DeclinedAt,
		SpaceName: a.SpaceName, SpaceVisibility: a.SpaceVisibility, ByRole: a.ByRole}
}

// spaceMemberItem is a membership: SPACE#<id> / MEMBER#, REQUEST# or INVITED#<member>.
type spaceMemberItem struct {
	PK, SK, Type string
	// GSI1 lists a member's spaces by name.
	GSI1PK, GSI1SK string
	membershipAttrs
}

func newSpaceMemberItem(m spaces.Membership) spaceMemberItem {
	return spaceMemberItem{PK: spacePK(m.SpaceID), SK: spaceMemberSK(m), Type: typeSpaceMember,
		GSI1PK: mySpacesPK(m.MemberID), GSI1SK: mySpacesSK(m), membershipAttrs: newMembershipAttrs(m)}
}

func (s *Spaces) membershipPut(m spaces.Membership) (types.TransactWriteItem, error) {
	return s.put(newSpaceMemberItem(m), "")
}

func (s *Spaces) spaceCount(spaceID string, delta int) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(spacePK(spaceID), skSpace),
		UpdateExpression: aws.String("ADD #Members :d"), ConditionExpression: aws.String("attribute_exists(#PK)"),
		ExpressionAttributeNames:  named(attrMembers, AttrPK),
		ExpressionAttributeValues: map[string]types.AttributeValue{":d": &types.AttributeValueMemberN{Value: fmt.Sprint(delta)}}}}
}

// CreateSpace implements spaces.Store; it refuses a space spaces.CheckPrivacy refuses,
// and an owner for a customer space (support agents run it by their role).
func (s *Spaces) CreateSpace(ctx context.Context, sp spaces.Space, owner *spaces.Membership) error {
	if err := spaces.CheckPrivacy(sp.Kind, sp.Visibility); err != nil {
		return fmt.Errorf("store.CreateSpace: %w", err)
	}
	if sp.Customer() && owner != nil {
		return fmt.Errorf("store.CreateSpace %s: a customer space has no owner", sp.ID)
	}
	put, err := s.put(newSpaceItem(sp), itemAbsent)
	if err != nil {
		return fmt.Errorf("store.CreateSpace: %w", err)
	}
	// search (issue 15): the space's name and description are indexed from this event.
	created, err := eventtypes.Wrap(eventtypes.SpaceCreated{Meta: eventtypes.NewMeta(sp.CreatedAt), SpaceID: sp.ID, Name: sp.Name,
		Kind: sp.Kind, Visibility: sp.Visibility, CreatedBy: sp.CreatedBy})
	if err != nil {
		return fmt.Errorf("store.CreateSpace: %w", err)
	}
	event, err := s.outboxPut(created)
	if err != nil {
		return fmt.Errorf("store.CreateSpace: %w", err)
	}
	items := []types.TransactWriteItem{put, event}
	if owner != nil {
		member, err := s.membershipPut(*owner)
		if err != nil {
			return fmt.Errorf("store.CreateSpace: %w", err)
		}
		items = append(items, member)
	}
	if _, err := s.transact(ctx, items); err != nil {
		return fmt.Errorf("store.CreateSpace %s: %w", sp.ID, err)
	}
	return nil
}

// spaceKeys are a space and a member's membership, request and invitation.
func spaceKeys(spaceID, memberID string) []map[string]types.AttributeValue {
	return []map[string]types.AttributeValue{key(spacePK(spaceID), skSpace),
		key(spacePK(spaceID), activeMemberSK(memberID)), key(spacePK(spaceID), requestSK(memberID)), key(spacePK(spaceID), invitedSK(memberID))}
}

// SpaceAndMembership implements spaces.Store: the space, and the member's membership
// or request, as prefetched with the session or in one TransactGetItems (never half of
// a concurrent join, approval or acceptance).
func (s *Spaces) SpaceAndMembership(ctx context.Context, spaceID, memberID string) (spaces.Space, *spaces.Membership, error) {
	items, err := s.readKeysTogether(ctx, "store.SpaceAndMembership", spaceKeys(spaceID, memberID))
	if err != nil {
		return spaces.Space{}, nil, err
	}
	var sp *spaces.Space
	var m *spaces.Membership
	for _, item := range items {
		switch item[AttrType].(*types.AttributeValueMemberS).Value {
		case typeSpace:
			var it spaceItem
			if err := attributevalue.UnmarshalMap(item, &it); err != nil {
				return spaces.Space{}, nil, fmt.Errorf("store.SpaceAndMembership: %w", err)
			}
			space := it.space()
			sp = &space
		case typeSpaceMember:
			var it spaceMemberItem
			if err := attributevalue.UnmarshalMap(item, &it); err != nil {
				return spaces.Space{}, nil, fmt.Errorf("store.SpaceAndMembership: %w", err)
			}
			if m == nil || it.Status == spaces.StatusActive {
				membership := it.membership()
				m = &membership
			}
		}
	}
	if sp == nil {
		return spaces.Space{}, nil, fmt.Errorf("store.SpaceAndMembership %s: %w", spaceID, errs.ErrNotFound)
	}
	return *sp, m, nil
}

func (s *Spaces) membershipDelete(spaceID, sk, condition string) types.TransactWriteItem {
	d := &types.Delete{TableName: aws.String(s.Table), Key: key(spacePK(spaceID), sk)}
	if condition != "" {
		d.ConditionExpression = aws.String(condition)
	}
	return types.TransactWriteItem{Delete: d}
}

func (s *Spaces) membershipAbsent(spaceID, sk string) types.TransactWriteItem {
	return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{TableName: aws.String(s.Table), Key: key(spacePK(spaceID), sk),
		ConditionExpression: aws.String(itemAbsent)}}
}

// Named conditions of spaces' transactions.
const (
	// condMembership: the memberships a change reads are as it read them (every write
	// of a membership transaction carries it: any failed condition means the
	// membership changed meanwhile).
	condMembership = "membership as read"
	// condStillMember: the member is still in the space (leaving twice at once).
	condStillMember = "still a member"
	// condSpaceAsRead: the space's kind and visibility are as read.
	condSpaceAsRead = "space as read"
)

// writeMembership runs a membership transaction: spaces.ErrMembershipChanged when one
// of its conditions failed.
func (s *Spaces) writeMembership(ctx context.Context, op string, items ...types.TransactWriteItem) error {
	return membershipChanged(op, s.txn().add(condMembership, items...).run(ctx))
}

// membershipChanged maps a cancelled membership transaction to
// spaces.ErrMembershipChanged when one of its conditions failed.
func membershipChanged(op string, err error) error {
	if failed(err, condMembership) {
		return fmt.Errorf("%s: %w", op, spaces.ErrMembershipChanged)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// AddMember implements spaces.Store: the membership is put only if absent, what it
// replaces is deleted only if present, and the count moves with them, in one
// transaction: however many requests join, approve or accept at once, one counts, and
// one records its events (space.joined).
func (s *Spaces) AddMember(ctx context.Context, m spaces.Membership, from string, events ...eventtypes.Envelope) error {
	put, err := s.membershipPut(m)
	if err != nil {
		return fmt.Errorf("store.AddMember: %w", err)
	}
	put.Put.ConditionExpression = aws.String(itemAbsent)
	request, invited := "", ""
	switch from {
	case spaces.StatusPending:
		request = itemExists
	case spaces.StatusInvited:
		invited = itemExists
	}
	items := []types.TransactWriteItem{put, s.spaceCount(m.SpaceID, 1),
		s.membershipDelete(m.SpaceID, requestSK(m.MemberID), request), s.membershipDelete(m.SpaceID, invitedSK(m.MemberID), invited)}
	outs, err := s.outboxPuts(events)
	if err != nil {
		return fmt.Errorf("store.AddMember: %w", err)
	}
	return s.writeMembership(ctx, "store.AddMember "+m.SpaceID+" "+m.MemberID, append(items, outs...)...)
}

// typeDeclined is the kept answer to a declined request to join: SPACE#<id> /
// DECLINED#<member>, ids only, in no index, expiring DeclineKept after the decline.
const typeDeclined = "SpaceRequestDeclined"

type declinedItem struct {
	PK, SK, Type string
	ExpiresAt    int64
	membershipAttrs
}

// DeclineRequest implements spaces.Store: the request is deleted only if it is still
// there, with the kept answer (replacing an older one) and the event, so of two
// answers at once (two declines, or a decline and an approval) one writes.
func (s *Spaces) DeclineRequest(ctx context.Context, m spaces.Membership, event eventtypes.Envelope) error {
	put, err := s.put(declinedItem{PK: spacePK(m.SpaceID), SK: declinedSK(m.MemberID), Type: typeDeclined,
		ExpiresAt: m.DeclinedAt.Add(spaces.DeclineKept).Unix(), membershipAttrs: newMembershipAttrs(m)}, "")
	if err != nil {
		return fmt.Errorf("store.DeclineRequest: %w", err)
	}
	out, err := s.outboxPut(event)
	if err != nil {
		return fmt.Errorf("store.DeclineRequest: %w", err)
	}
	items := []types.TransactWriteItem{s.membershipDelete(m.SpaceID, requestSK(m.MemberID), itemExists), put, out}
	return s.writeMembership(ctx, "store.DeclineRequest "+m.SpaceID+" "+m.MemberID, items...)
}

// DeclinedRequest implements spaces.Store (one consistent GetItem; an expired answer is
// absent).
func (s *Spaces) DeclinedRequest(ctx context.Context, spaceID, memberID string) (*spaces.Membership, error) {
	var it declinedItem
	err := s.get(ctx, "store.DeclinedRequest", spacePK(spaceID), declinedSK(memberID), time.Now(), &it)
	if errors.Is(err, errs.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	m := it.membership()
	return &m, nil
}

// RequestToJoin implements spaces.Store.
func (s *Spaces) RequestToJoin(ctx context.Context, m spaces.Membership) error {
	put, err := s.membershipPut(m)
	if err != nil {
		return fmt.Errorf("store.RequestToJoin: %w", err)
	}
	put.Put.ConditionExpression = aws.String(itemAbsent)
	items := []types.TransactWriteItem{put, s.membershipAbsent(m.SpaceID, activeMemberSK(m.MemberID)), s.membershipAbsent(m.SpaceID, invitedSK(m.MemberID))}
	return s.writeMembership(ctx, "store.RequestToJoin "+m.SpaceID+" "+m.MemberID, items...)
}

// SetMemberRole implements spaces.Store.
func (s *Spaces) SetMemberRole(ctx context.Context, m spaces.Membership) error {
	put, err := s.membershipPut(m)
	if err != nil {
		return fmt.Errorf("store.SetMemberRole: %w", err)
	}
	put.Put.ConditionExpression = aws.String(itemExists)
	return s.writeMembership(ctx, "store.SetMemberRole "+m.SpaceID+" "+m.MemberID, put)
}

// DeleteMembership implements spaces.Store. An active membership is deleted only if it
// is still there, with the count: a second leave (or two at once) takes nothing more off
// and records nothing more. Leaving as an active member also marks the space in the
// member's LeftSpaces (their home stream stops showing it at once) and records the
// events (space.left: the feed consumer takes the entries out).
func (s *Spaces) DeleteMembership(ctx context.Context, spaceID, memberID string, wasActive bool, events ...eventtypes.Envelope) error {
	items := []types.TransactWriteItem{
		s.membershipDelete(spaceID, activeMemberSK(memberID), ""),
		s.membershipDelete(spaceID, requestSK(memberID), ""),
		s.membershipDelete(spaceID, invitedSK(memberID), ""),
	}
	if wasActive {
		items[0].Delete.ConditionExpression = aws.String(itemExists)
		items = append(items, s.spaceCount(spaceID, -1), types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table),
			Key: key(memberPK(memberID), skProfile), UpdateExpression: aws.String("ADD #LeftSpaces :s"),
			ConditionExpression:       aws.String("attribute_exists(#PK)"),
			ExpressionAttributeNames:  named(attrLeftSpaces, AttrPK),
			ExpressionAttributeValues: map[string]types.AttributeValue{":s": &types.AttributeValueMemberSS{Value: []string{spaceID}}}}})
	}
	outs, err := s.outboxPuts(events)
	if err != nil {
		return fmt.Errorf("store.DeleteMembership: %w", err)
	}
	items = append(items, outs...)
	err = s.txn().add(condStillMember, items[0]).add("", items[1:]...).run(ctx)
	if wasActive && failed(err, condStillMember) {
		// Someone (this member, in another request) left already.
		return nil
	}
	if err != nil {
		return fmt.Errorf("store.DeleteMembership %s %s: %w", spaceID, memberID, err)
	}
	return nil
}

func (s *Spaces) memberships(ctx context.Context, op string, in *dynamodb.QueryInput) ([]spaces.Membership, error) {
	items, err := s.queryAll(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	out := make([]spaces.Membership, 0, len(items))
	for _, item := range items {
		var it spaceMemberItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		out = append(out, it.membership())
	}
	return out, nil
}

// MySpaces implements spaces.Store.
func (s *Spaces) MySpaces(ctx context.Context, memberID string) ([]spaces.Membership, error) {
	return s.memberships(ctx, "store.MySpaces", &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1),
		KeyConditionExpression:    aws.String(gsi1Is),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: mySpacesPK(memberID)}}})
}

// JoinRequests implements spaces.Store.
func (s *Spaces) JoinRequests(ctx context.Context, spaceID string) ([]spaces.Membership, error) {
	return s.memberships(ctx, "store.JoinRequests", &dynamodb.QueryInput{TableName: aws.String(s.Table),
		KeyConditionExpression: aws.String(pkIs + " AND " + skBeginsWith(":req")),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: spacePK(spaceID)}, ":req": &types.AttributeValueMemberS{Value: requestPrefix}}})
}

// SpaceMembers implements spaces.Store: members then invitations.
func (s *Spaces) SpaceMembers(ctx context.Context, spaceID string) ([]spaces.Membership, error) {
	active, err := s.memberships(ctx, "store.SpaceMembers", queryPrefix(s.Table, spacePK(spaceID), activeMemberPrefix))
	if err != nil {
		return nil, err
	}
	invited, err := s.memberships(ctx, "store.SpaceMembers", queryPrefix(s.Table, spacePK(spaceID), invitedPrefix))
	if err != nil {
		return nil, err
	}
	return append(active, invited...), nil
}

// SaveInvitation implements spaces.Store: the invitation and its event only if the
// member is neither in the space nor invited, so two invitations at once tell them once.
func (s *Spaces) SaveInvitation(ctx context.Context, m spaces.Membership, event eventtypes.Envelope) error {
	put, err := s.membershipPut(m)
	if err != nil {
		return fmt.Errorf("store.SaveInvitation: %w", err)
	}
	put.Put.ConditionExpression = aws.String(itemAbsent)
	out, err := s.outboxPut(event)
	if err != nil {
		return fmt.Errorf("store.SaveInvitation: %w", err)
	}
	// An invitation answers a pending request too: the request goes.
	items := []types.TransactWriteItem{put, s.membershipAbsent(m.SpaceID, activeMemberSK(m.MemberID)),
		s.membershipDelete(m.SpaceID, requestSK(m.MemberID), ""), out}
	return s.writeMembership(ctx, "store.SaveInvitation "+m.SpaceID+" "+m.MemberID, items...)
}

// UpdateSpace implements spaces.Store: visibility, kind and directory listing change
// together, only if kind and visibility are still the ones the service read. When a
// request at the same moment made the same change, this one writes and logs nothing.
func (s *Spaces) UpdateSpace(ctx context.Context, old spaces.Space, visibility, kind string, entry audit.Entry) error {
	if err := spaces.CheckPrivacy(kind, visibility); err != nil {
		return fmt.Errorf("store.UpdateSpace: %w", err)
	}
	values := map[string]types.AttributeValue{":v": &types.AttributeValueMemberS{Value: visibility},
		":k": &types.AttributeValueMemberS{Value: kind}, ":old": &types.AttributeValueMemberS{Value: old.Kind},
		":oldv": &types.AttributeValueMemberS{Value: old.Visibility}}
	expr := "SET #Visibility = :v, #Kind = :k REMOVE " + gsi1Keys
	if pk := listingPK(kind, visibility); pk != "" {
		expr = "SET #Visibility = :v, #Kind = :k, " + setGSI1(":g", ":gs")
		values[":g"] = &types.AttributeValueMemberS{Value: pk}
		values[":gs"] = &types.AttributeValueMemberS{Value: directorySK(old)}
	}
	update := types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(spacePK(old.ID), skSpace),
		UpdateExpression: aws.String(expr), ConditionExpression: aws.String(itemExists + " AND #Kind = :old AND #Visibility = :oldv"),
		ExpressionAttributeNames: named(attrKind, attrVisibility), ExpressionAttributeValues: values}}
	log, err := s.Moderation().auditPut(entry)
	if err != nil {
		return fmt.Errorf("store.UpdateSpace: %w", err)
	}
	err = s.txn().add(condSpaceAsRead, update).add("", log).run(ctx)
	if failed(err, condSpaceAsRead) {
		if now, _, err := s.SpaceAndMembership(ctx, old.ID, ""); err == nil && now.Visibility == visibility && now.Kind == kind {
			return nil
		}
		return fmt.Errorf("store.UpdateSpace %s: %w", old.ID, spaces.ErrSpaceChanged)
	}
	if err != nil {
		return fmt.Errorf("store.UpdateSpace %s: %w", old.ID, err)
	}
	return nil
}

// SpaceDirectory implements spaces.Store: one GSI1 query by name.
func (s *Spaces) SpaceDirectory(ctx context.Context, cursor string, limit int) ([]spaces.Space, string, error) {
	return s.spaceList(ctx, "store.SpaceDirectory", spaceDirectoryPK, cursor, limit)
}

// CustomerSpaces implements spaces.Store: one GSI1 query by name.
func (s *Spaces) CustomerSpaces(ctx context.Context, cursor string, limit int) ([]spaces.Space, string, error) {
	return s.spaceList(ctx, "store.CustomerSpaces", customerSpacesPK, cursor, limit)
}

// spaceList pages through a GSI1 list of spaces by name.
func (s *Spaces) spaceList(ctx context.Context, op, pk, cursor string, limit int) ([]spaces.Space, string, error) {
	list, next, err := pageOf(ctx, s.Store, pk, cursor, &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1),
		Limit: aws.Int32(int32(limit)), KeyConditionExpression: aws.String("#pk = :pk"), ExpressionAttributeNames: map[string]string{"#pk": AttrGSI1PK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk}}},
		func(av item) (spaces.Space, bool, error) {
			var it spaceItem
			err := attributevalue.UnmarshalMap(av, &it)
			return it.space(), true, err
		})
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", op, err)
	}
	return list, next, nil
}

const typeSpaceSettings = "SpaceSettings"

// SpaceSettings implements spaces.Store.
func (s *Spaces) SpaceSettings(ctx context.Context) (spaces.Settings, error) {
	var it struct{ spaces.Settings }
	err := s.get(ctx, "store.SpaceSettings", pkSettings, skSpaceSettings, time.Now(), &it)
	if errors.Is(err, errs.ErrNotFound) {
		return spaces.Settings{}, nil
	}
	return it.Settings, err
}

// SaveSpaceSettings implements spaces.Store.
func (s *Spaces) SaveSpaceSettings(ctx context.Context, st spaces.Settings) error {
	item, err := attributevalue.MarshalMap(map[string]any{AttrPK: pkSettings, AttrSK: skSpaceSettings, AttrType: typeSpaceSettings,
		"MembersCreateGroups": st.MembersCreateGroups})
	if err != nil {
		return fmt.Errorf("store.SaveSpaceSettings: %w", err)
	}
	if _, err := s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: item}); err != nil {
		return fmt.Errorf("store.SaveSpaceSettings: %w", err)
	}
	return nil
}
