package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/audit"
	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/idempotency"
	"tribune/shared/members"
	"tribune/shared/policy"
	"tribune/shared/prefetch"
	"tribune/shared/ratelimit"
	"tribune/shared/social"
	"tribune/shared/text"
)

// Item types.
const (
	typeMember      = "Member"
	typeMemberEmail = "MemberEmail"
	typeSignInToken = "SignInToken"
	typeSession     = "Session"
	typeRateWindow  = "RateWindow"
	typeRoleHolder  = "RoleHolder"
)

// Named conditions of people's transactions.
const (
	// condEmailFree: no member holds the address (Register).
	condEmailFree = "email free"
	// condInvitationUsable: the invitation may still be spent, with this code.
	condInvitationUsable = "invitation usable"
	// condMayStartSession: the member exists and may sign in.
	condMayStartSession = "member may sign in"
	// condRolesChange: the member exists and the roles differ from theirs.
	condRolesChange = "roles change"
	// condStatusChange: the member exists and the status change changes something.
	condStatusChange = "status change"
	// condMemberActive: the member exists and is active (or their suspension is over).
	condMemberActive = "member active"
)

// named is the ExpressionAttributeNames of attributes an expression writes as
// placeholders, "#" and the name ("#UsedAt"): an expression and an attribute that
// drift apart fail loudly (an undefined placeholder), never silently.
func named(attrs ...string) map[string]string {
	out := make(map[string]string, len(attrs))
	for _, a := range attrs {
		out["#"+a] = a
	}
	return out
}

// Attribute names that expressions of people, spaces and support name: each is the
// name of a field of the item types (memberItem, ticketItem, ...), so an expression and
// the item it reads cannot drift apart silently (TestItemAttributeNamesStay holds the
// items' names).
const (
	attrID             = "ID"
	attrMemberID       = "MemberID"
	attrStatus         = "Status"
	attrUpdatedAt      = "UpdatedAt"
	attrAssigneeID     = "AssigneeID"
	attrSeverity       = "Severity"
	attrSpaceID        = "SpaceID"
	attrTicketID       = "TicketID"
	attrDisplayName    = "DisplayName"
	attrEmail          = "Email"
	attrRoles          = "Roles"
	attrSuspendedUntil = "SuspendedUntil"
	attrUsedAt         = "UsedAt"
	attrValidUntil     = "ValidUntil"
	attrRulesAccepted  = "RulesAccepted"
	attrText           = "Text"
	attrVersion        = "Version"
	attrKind           = "Kind"
	attrByRole         = "ByRole"
	attrMembers        = "Members"
	attrInvitationID   = "InvitationID"
	attrCodeHash       = "CodeHash"
	attrUses           = "Uses"
	attrMaxUses        = "MaxUses"
	attrRevokedAt      = "RevokedAt"
	attrInviterName    = "InviterName"
	attrInviterDeleted = "InviterDeleted"
	attrMessage        = "Message"
	attrAuthorName     = "AuthorName"
	attrAuthorDeleted  = "AuthorDeleted"
	attrHTML           = "HTML"
	attrMentions       = "Mentions"
	attrExcerpt        = "Excerpt"
	attrHits           = "Hits"
	attrLeftSpaces     = "LeftSpaces"
	attrVisibility     = "Visibility"
	attrLocation       = "Location"
	attrBio            = "Bio"
	attrExpertise      = "Expertise"
	attrInterests      = "Interests"
	attrCompany        = "Company"
	attrLinks          = "Links"
	attrLocale         = "Locale"
	attrCRMRef         = "CRMRef"
	attrLeadStatus     = "LeadStatus"
	attrNotes          = "Notes"
	attrAvatarKey      = "AvatarKey"
	// NoActivityEmails: stored inverted (members.Preferences.ActivityEmails).
	attrNoActivityEmails = "NoActivityEmails"
	// NoKnowledgeEmails: stored inverted (members.Preferences.KnowledgeEmails).
	attrNoKnowledgeEmails = "NoKnowledgeEmails"
)

// usedTokenKept is how long a spent or expired token stays, so a second click is told
// "already used" rather than "invalid".
const usedTokenKept = 24 * time.Hour

type memberItem struct {
	PK, SK, Type string
	// GSI1 is the directory by display name (see directoryKeys).
	GSI1PK, GSI1SK string `dynamodbav:",omitempty"`
	ID             string
	Email          string
	DisplayName    string
	Locale         string
	Roles          []string
	Status         string
	// SuspendedUntil is epoch seconds, so conditions can compare it.
	SuspendedUntil int64 `dynamodbav:",omitempty"`
	CreatedAt      time.Time
	Bio            string   `dynamodbav:",omitempty"`
	Expertise      []string `dynamodbav:",omitempty"`
	Interests      []string `dynamodbav:",omitempty"`
	Company        string   `dynamodbav:",omitempty"`
	Location       string   `dynamodbav:",omitempty"`
	Links          []string `dynamodbav:",omitempty"`
	AvatarKey      string   `dynamodbav:",omitempty"`
	RulesAccepted  int      `dynamodbav:",omitempty"`
	// NoActivityEmails is stored inverted, so members who never chose get emails.
	NoActivityEmails bool `dynamodbav:",omitempty"`
	// NoKnowledgeEmails: likewise inverted (members.Member.KnowledgeEmails).
	NoKnowledgeEmails bool `dynamodbav:",omitempty"`
}

func (i memberItem) member() members.Member {
	m := members.Member{ID: i.ID, Email: i.Email, DisplayName: i.DisplayName, Locale: i.Locale, Roles: i.Roles, Status: i.Status, CreatedAt: i.CreatedAt,
		Bio: i.Bio, Expertise: nonNil(i.Expertise), Interests: nonNil(i.Interests), Company: i.Company, Location: i.Location,
		Links: nonNil(i.Links), AvatarKey: i.AvatarKey, HasAvatar: i.AvatarKey != "", RulesAccepted: i.RulesAccepted,
		ActivityEmails: !i.NoActivityEmails, KnowledgeEmails: !i.NoKnowledgeEmails}
	if i.SuspendedUntil != 0 {
		t := time.Unix(i.SuspendedUntil, 0).UTC()
		m.SuspendedUntil = &t
	}
	return m
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
	Invitation   string `dynamodbav:",omitempty"`
	ValidUntil   int64
	UsedAt       int64 `dynamodbav:",omitempty"`
	ExpiresAt    int64
}

type sessionItem struct {
	PK, SK, Type string
	// GSI1 lists a member's sessions, newest last.
	GSI1PK, GSI1SK string
	MemberID       string
	Device         string
	CreatedAt      time.Time
	ExpiresAt      int64
}

func (i sessionItem) session() auth.Session {
	return auth.Session{Hash: sessionHashOf(i.PK), MemberID: i.MemberID, CreatedAt: i.CreatedAt,
		ExpiresAt: time.Unix(i.ExpiresAt, 0), Device: i.Device}
}

// GetMember implements members.Store.
func (s *Members) GetMember(ctx context.Context, id string) (members.Member, error) {
	var it memberItem
	if err := s.get(ctx, "store.GetMember", memberPK(id), skProfile, time.Now(), &it); err != nil {
		return members.Member{}, err
	}
	return it.member(), nil
}

// SaveSignInToken implements members.Store: rate-limit counters and the token in one
// transaction, so a refused request writes nothing.
func (s *Members) SaveSignInToken(ctx context.Context, t members.SignInToken, hits []ratelimit.Hit, now time.Time) error {
	tok, err := s.put(tokenItem{PK: signInPK(t.Hash), SK: skToken, Type: typeSignInToken, Email: t.Email, Locale: t.Locale,
		MemberID: t.MemberID, Invitation: t.Invitation, ValidUntil: t.ExpiresAt.Unix(), ExpiresAt: t.ExpiresAt.Add(usedTokenKept).Unix()}, itemAbsent)
	if err != nil {
		return fmt.Errorf("store.SaveSignInToken: %w", err)
	}
	if err := s.writeUnderLimits(ctx, hits, now, members.ErrRateLimited, tok); err != nil {
		return fmt.Errorf("store.SaveSignInToken: %w", err)
	}
	return nil
}

// CountSignInStart implements members.Store: the hits alone, in one transaction (the
// same round trip as SaveSignInToken, so a refused newcomer's start costs the same).
func (s *Members) CountSignInStart(ctx context.Context, hits []ratelimit.Hit, now time.Time) error {
	if err := s.writeUnderLimits(ctx, hits, now, members.ErrRateLimited); err != nil {
		return fmt.Errorf("store.CountSignInStart: %w", err)
	}
	return nil
}

// ConsumeSignInToken implements members.Store with one conditional update: it tells
// an unknown token from a spent one and from an expired one.
func (s *Members) ConsumeSignInToken(ctx context.Context, hash string, now time.Time) (members.SignInToken, error) {
	out, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(s.Table),
		Key:                      key(signInPK(hash), skToken),
		UpdateExpression:         aws.String("SET #UsedAt = :now"),
		ConditionExpression:      aws.String("attribute_exists(#PK) AND attribute_not_exists(#UsedAt) AND #ValidUntil > :now"),
		ExpressionAttributeNames: named(AttrPK, attrUsedAt, attrValidUntil),
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
	return members.SignInToken{Hash: hash, Email: it.Email, Locale: it.Locale, MemberID: it.MemberID, Invitation: it.Invitation,
		ExpiresAt: time.Unix(it.ValidUntil, 0)}, nil
}

// PeekSignInToken implements members.Store: one read that spends nothing, telling an
// unknown token from a spent one and from an expired one as ConsumeSignInToken does.
func (s *Members) PeekSignInToken(ctx context.Context, hash string, now time.Time) (members.SignInToken, error) {
	var it tokenItem
	err := s.get(ctx, "store.PeekSignInToken", signInPK(hash), skToken, now, &it)
	switch {
	case errors.Is(err, errs.ErrNotFound):
		return members.SignInToken{}, fmt.Errorf("store.PeekSignInToken: %w", members.ErrLinkInvalid)
	case err != nil:
		return members.SignInToken{}, err
	case it.UsedAt != 0:
		return members.SignInToken{}, fmt.Errorf("store.PeekSignInToken: %w", members.ErrLinkUsed)
	case it.ValidUntil <= now.Unix():
		return members.SignInToken{}, fmt.Errorf("store.PeekSignInToken: %w", members.ErrLinkExpired)
	}
	return members.SignInToken{Hash: hash, Email: it.Email, Locale: it.Locale, MemberID: it.MemberID, Invitation: it.Invitation,
		ExpiresAt: time.Unix(it.ValidUntil, 0)}, nil
}

func (s *Members) sessionPut(sess auth.Session) (types.TransactWriteItem, error) {
	return s.put(sessionItem{PK: sessionPK(sess.Hash), SK: skSession, Type: typeSession, MemberID: sess.MemberID,
		GSI1PK: memberSessionsPK(sess.MemberID), GSI1SK: memberSessionSK(sess),
		Device: sess.Device, CreatedAt: sess.CreatedAt.UTC(), ExpiresAt: sess.ExpiresAt.Unix()}, itemAbsent)
}

// Register implements members.Store: email claim, member, session and outbox event in
// one transaction.
func (s *Members) Register(ctx context.Context, m members.Member, sess auth.Session, event eventtypes.Envelope, identity *social.Identity, accept *members.Acceptance) error {
	// The claim is what makes one mailbox one member: it is only ever made in the one
	// spelling, whatever path the address came by.
	if email, ok := text.NormalizeEmail(m.Email); !ok || email != m.Email {
		return fmt.Errorf("store.Register %s: address %q is not in its normal form (text.NormalizeEmail)", m.ID, m.Email)
	}
	dirPK, dirSK := directoryKeys(m.ID, m.DisplayName)
	tx := s.txn().
		put(condEmailFree, emailItem{PK: emailPK(m.Email), SK: skEmail, Type: typeMemberEmail, MemberID: m.ID}, itemAbsent).
		put("", memberItem{PK: memberPK(m.ID), SK: skProfile, Type: typeMember, GSI1PK: dirPK, GSI1SK: dirSK, ID: m.ID, Email: m.Email,
			DisplayName: m.DisplayName, Locale: m.Locale, Roles: m.Roles, Status: m.Status, CreatedAt: m.CreatedAt}, itemAbsent)
	session, err := s.sessionPut(sess)
	tx.also("", []types.TransactWriteItem{session}, err)
	out, err := s.outboxPut(event)
	tx.also("", []types.TransactWriteItem{out}, err)
	if identity != nil {
		link, err := s.identityPut(m.ID, *identity, m.CreatedAt)
		tx.also("", []types.TransactWriteItem{link}, err)
	}
	roles, err := s.roleIndexPuts(m.ID, m.Roles)
	tx.also("", roles, err)
	words, err := s.nameWordWrites(m.ID, m.DisplayName)
	tx.also("", words, err)
	if accept != nil {
		spend, err := s.Invitations().acceptanceItems(accept, m.ID, m.CreatedAt)
		if err == nil {
			tx.add(condInvitationUsable, spend[0]).add("", spend[1:]...)
		}
		tx.also("", nil, err)
	}
	err = tx.run(ctx)
	if accept != nil && failed(err, condInvitationUsable) {
		return fmt.Errorf("store.Register %s: %w", m.ID, refusedInvitation(failedItem(err, condInvitationUsable), accept.CodeHash, m.CreatedAt))
	}
	if failed(err, condEmailFree) {
		var existing emailItem
		if uerr := attributevalue.UnmarshalMap(failedItem(err, condEmailFree), &existing); uerr == nil && existing.MemberID != "" {
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
func (s *Members) CreateSession(ctx context.Context, sess auth.Session, events ...eventtypes.Envelope) error {
	put, err := s.sessionPut(sess)
	if err != nil {
		return fmt.Errorf("store.CreateSession: %w", err)
	}
	err = s.txn().add(condMayStartSession, s.activeMemberCheck(sess.MemberID, sess.CreatedAt)).add("", put).with(s.outboxPuts(events)).run(ctx)
	if failed(err, condMayStartSession) {
		return fmt.Errorf("store.CreateSession %s: %w", sess.MemberID, members.ErrInactive)
	}
	if err != nil {
		return fmt.Errorf("store.CreateSession %s: %w", sess.MemberID, err)
	}
	return nil
}

// activeMemberCheck is a transaction's check that a member may sign in at now: active,
// or suspended until a time that has passed.
func (s *Members) activeMemberCheck(memberID string, now time.Time) types.TransactWriteItem {
	return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName:                aws.String(s.Table),
		Key:                      key(memberPK(memberID), skProfile),
		ConditionExpression:      aws.String("attribute_exists(#PK) AND (#Status = :active OR (#Status = :suspended AND #SuspendedUntil < :now))"),
		ExpressionAttributeNames: named(AttrPK, attrStatus, attrSuspendedUntil),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":active":    &types.AttributeValueMemberS{Value: members.StatusActive},
			":suspended": &types.AttributeValueMemberS{Value: members.StatusSuspended},
			":now":       &types.AttributeValueMemberN{Value: epoch(now)},
		},
	}}
}

// LookupSession implements auth.SessionStore: the session and its member in one
// BatchGetItem, so roles and status are fresh on every request.
func (s *Members) LookupSession(ctx context.Context, memberID, hash string) (auth.Session, auth.Account, error) {
	// What the route reads first comes in the same round trip (package prefetch).
	pr := prefetch.From(ctx)
	extra := prefetchKeys(pr, memberID)
	keys := append([]map[string]types.AttributeValue{key(sessionPK(hash), skSession), key(memberPK(memberID), skProfile)}, extra...)
	// So do the names of a repeatable request (package idempotency): a repeat of a
	// finished request is answered before its handler reads or writes anything.
	claims := idempotency.Bind(ctx, memberID)
	keys = append(keys, repeatKeys(claims)...)
	out, err := s.DB.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
		s.Table: {Keys: keys, ConsistentRead: aws.Bool(true)},
	}})
	if err != nil {
		return auth.Session{}, auth.Account{}, fmt.Errorf("store.LookupSession: %w", err)
	}
	if len(out.UnprocessedKeys) > 0 {
		return auth.Session{}, auth.Account{}, fmt.Errorf("store.LookupSession: throttled, %d keys unprocessed", len(out.UnprocessedKeys[s.Table].Keys))
	}
	keepPrefetched(pr, extra, out.Responses[s.Table])
	keepRepeats(claims, out.Responses[s.Table], time.Now())
	if pr != nil && pr.Member {
		keepPrefetched(pr, []map[string]types.AttributeValue{key(memberPK(memberID), skProfile)}, out.Responses[s.Table])
	}
	var sess sessionItem
	var member memberItem
	now := time.Now()
	for _, item := range out.Responses[s.Table] {
		if expired(item, now) {
			continue
		}
		var err error
		switch item[AttrType].(*types.AttributeValueMemberS).Value {
		case typeSession:
			err = attributevalue.UnmarshalMap(item, &sess)
		case typeMember:
			err = attributevalue.UnmarshalMap(item, &member)
		}
		if err != nil {
			return auth.Session{}, auth.Account{}, fmt.Errorf("store.LookupSession: %w", err)
		}
	}
	if sess.PK == "" || member.PK == "" {
		return auth.Session{}, auth.Account{}, fmt.Errorf("store.LookupSession: %w", errs.ErrNotFound)
	}
	m := member.member()
	acct := auth.Account{Roles: m.Roles, Status: m.Status}
	if m.SuspendedUntil != nil {
		acct.SuspendedUntil = *m.SuspendedUntil
	}
	return sess.session(), acct, nil
}

// ListSessions implements members.Store: GSI1 holds a member's sessions.
func (s *Members) ListSessions(ctx context.Context, memberID string) ([]auth.Session, error) {
	items, err := s.queryAll(ctx, &dynamodb.QueryInput{
		TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1),
		KeyConditionExpression:    aws.String(gsi1Is),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: memberSessionsPK(memberID)}},
		ScanIndexForward:          aws.Bool(false),
	})
	if err != nil {
		return nil, fmt.Errorf("store.ListSessions %s: %w", memberID, err)
	}
	now := time.Now()
	var out []auth.Session
	for _, item := range items {
		if expired(item, now) {
			continue
		}
		var it sessionItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return nil, fmt.Errorf("store.ListSessions %s: %w", memberID, err)
		}
		out = append(out, it.session())
	}
	return out, nil
}

// DeleteSession implements members.Store: only the member's own session goes.
func (s *Members) DeleteSession(ctx context.Context, memberID, hash string) error {
	_, err := s.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.Table), Key: key(sessionPK(hash), skSession),
		ConditionExpression:       aws.String("#MemberID = :m"),
		ExpressionAttributeNames:  named(attrMemberID),
		ExpressionAttributeValues: map[string]types.AttributeValue{":m": &types.AttributeValueMemberS{Value: memberID}}})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return fmt.Errorf("store.DeleteSession: %w", errs.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("store.DeleteSession: %w", err)
	}
	return nil
}

// DeleteAllSessions implements members.Store.
func (s *Members) DeleteAllSessions(ctx context.Context, memberID string) error {
	items, err := s.queryAll(ctx, &dynamodb.QueryInput{
		TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1),
		KeyConditionExpression:    aws.String(gsi1Is),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: memberSessionsPK(memberID)}},
		ProjectionExpression:      aws.String(keysOnly),
	})
	if err != nil {
		return fmt.Errorf("store.DeleteAllSessions %s: %w", memberID, err)
	}
	keys := make([]map[string]types.AttributeValue, len(items))
	for i, it := range items {
		keys[i] = map[string]types.AttributeValue{AttrPK: it[AttrPK], AttrSK: it[AttrSK]}
	}
	if err := s.batchDelete(ctx, keys); err != nil {
		return fmt.Errorf("store.DeleteAllSessions %s: %w", memberID, err)
	}
	return nil
}

// SetRoles implements members.Store.
func (s *Members) SetRoles(ctx context.Context, memberID string, roles []string, event eventtypes.Envelope) (members.Member, error) {
	rv, err := attributevalue.Marshal(roles)
	if err != nil {
		return members.Member{}, fmt.Errorf("store.SetRoles %s: %w", memberID, err)
	}
	out, err := s.outboxPut(event)
	if err != nil {
		return members.Member{}, fmt.Errorf("store.SetRoles %s: %w", memberID, err)
	}
	// The roles and their event, only if they change (a list compares element by element).
	update := types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(memberPK(memberID), skProfile),
		UpdateExpression: aws.String("SET #r = :r"), ConditionExpression: aws.String(itemExists + " AND NOT #r = :r"),
		ExpressionAttributeNames: map[string]string{"#r": attrRoles}, ExpressionAttributeValues: map[string]types.AttributeValue{":r": rv},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}}
	err = s.txn().add(condRolesChange, update).add("", out).run(ctx)
	if failed(err, condRolesChange) {
		if failedItem(err, condRolesChange) == nil {
			return members.Member{}, fmt.Errorf("store.SetRoles %s: %w", memberID, errs.ErrNotFound)
		}
		err = nil // the same roles: nothing to write, no event
	}
	if err != nil {
		return members.Member{}, fmt.Errorf("store.SetRoles %s: %w", memberID, err)
	}
	m, err := s.GetMember(ctx, memberID)
	if err != nil {
		return members.Member{}, err
	}
	// The role index follows (idempotent: a retry writes the same items).
	var reqs []types.WriteRequest
	for _, role := range policy.StaffRoles {
		if slices.Contains(roles, role) {
			item, err := attributevalue.MarshalMap(roleIndexItem(memberID, role))
			if err != nil {
				return members.Member{}, fmt.Errorf("store.SetRoles %s: %w", memberID, err)
			}
			reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
		} else {
			reqs = append(reqs, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: key(rolePK(role), roleHolderSK(memberID))}})
		}
	}
	if err := s.batchWrite(ctx, reqs); err != nil {
		return members.Member{}, fmt.Errorf("store.SetRoles %s: %w", memberID, err)
	}
	return m, nil
}

// SetPreferences implements members.Store.
func (s *Members) SetPreferences(ctx context.Context, memberID string, p members.Preferences) (members.Member, error) {
	expr, names := "SET #NoActivityEmails = :n", named(attrNoActivityEmails)
	values := map[string]types.AttributeValue{":n": &types.AttributeValueMemberBOOL{Value: !p.ActivityEmails}}
	if p.KnowledgeEmails != nil {
		expr += ", #NoKnowledgeEmails = :k"
		names["#NoKnowledgeEmails"] = attrNoKnowledgeEmails
		values[":k"] = &types.AttributeValueMemberBOOL{Value: !*p.KnowledgeEmails}
	}
	return s.updateMember(ctx, "store.SetPreferences", memberID, expr, names, values)
}

func roleIndexItem(memberID, role string) map[string]any {
	return map[string]any{AttrPK: rolePK(role), AttrSK: roleHolderSK(memberID), AttrType: typeRoleHolder, attrMemberID: memberID}
}

// roleIndexPuts index a new member's staff roles.
func (s *Members) roleIndexPuts(memberID string, roles []string) ([]types.TransactWriteItem, error) {
	var out []types.TransactWriteItem
	for _, role := range roles {
		if !slices.Contains(policy.StaffRoles, role) {
			continue
		}
		put, err := s.put(roleIndexItem(memberID, role), "")
		if err != nil {
			return nil, err
		}
		out = append(out, put)
	}
	return out, nil
}

// ModerateMember implements members.Store: the status change and its audit entry in
// one transaction, then the member as it is now.
func (s *Members) ModerateMember(ctx context.Context, memberID, status string, until *time.Time, entry audit.Entry) (members.Member, error) {
	values := map[string]types.AttributeValue{":s": &types.AttributeValueMemberS{Value: status}}
	expr := "SET #Status = :s REMOVE #SuspendedUntil"
	if until != nil {
		expr = "SET #Status = :s, #SuspendedUntil = :u"
		values[":u"] = &types.AttributeValueMemberN{Value: epoch(*until)}
	}
	// A ban or a reinstatement happens once: repeating it writes no second audit entry.
	// A suspension changes something only if it ends later than the member's current
	// one by more than the slack: the same suspension again, or a shorter one, writes
	// nothing (reinstate, then suspend, to shorten one).
	cond := itemExists + " AND NOT #Status = :s"
	if status == members.StatusSuspended {
		cond = itemExists + " AND NOT (#Status = :s AND #SuspendedUntil >= :floor)"
		values[":floor"] = &types.AttributeValueMemberN{Value: epoch(until.Add(-members.SuspensionSlack))}
	}
	update := types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(memberPK(memberID), skProfile),
		UpdateExpression: aws.String(expr), ConditionExpression: aws.String(cond),
		ExpressionAttributeNames: named(attrStatus, attrSuspendedUntil), ExpressionAttributeValues: values}}
	log, err := s.Moderation().auditPut(entry)
	if err != nil {
		return members.Member{}, fmt.Errorf("store.ModerateMember: %w", err)
	}
	err = s.txn().add(condStatusChange, update).add("", log).run(ctx)
	if failed(err, condStatusChange) {
		// Unknown (ErrNotFound), or in that status already: the member as they are.
		return s.GetMember(ctx, memberID)
	}
	if err != nil {
		return members.Member{}, fmt.Errorf("store.ModerateMember %s: %w", memberID, err)
	}
	return s.GetMember(ctx, memberID)
}

// SetStatus changes a member's status without an audit entry (tests and tools).
func (s *Members) SetStatus(ctx context.Context, memberID, status string, until *time.Time) (members.Member, error) {
	names := named(attrStatus, attrSuspendedUntil)
	values := map[string]types.AttributeValue{":s": &types.AttributeValueMemberS{Value: status}}
	expr := "SET #Status = :s REMOVE #SuspendedUntil"
	if until != nil {
		expr = "SET #Status = :s, #SuspendedUntil = :u"
		values[":u"] = &types.AttributeValueMemberN{Value: epoch(*until)}
	}
	return s.updateMember(ctx, "store.SetStatus", memberID, expr, names, values)
}

func (s *Members) updateMember(ctx context.Context, op, memberID, expr string, names map[string]string, values map[string]types.AttributeValue) (members.Member, error) {
	out, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.Table), Key: key(memberPK(memberID), skProfile),
		UpdateExpression: aws.String(expr), ConditionExpression: aws.String(itemExists),
		ExpressionAttributeNames: names, ExpressionAttributeValues: values, ReturnValues: types.ReturnValueAllNew,
	})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return members.Member{}, fmt.Errorf("%s %s: %w", op, memberID, errs.ErrNotFound)
	}
	if err != nil {
		return members.Member{}, fmt.Errorf("%s %s: %w", op, memberID, err)
	}
	var it memberItem
	if err := attributevalue.UnmarshalMap(out.Attributes, &it); err != nil {
		return members.Member{}, fmt.Errorf("%s %s: %w", op, memberID, err)
	}
	return it.member(), nil
}

type settingsItem struct {
	PK, SK, Type       string
	AccessMode         string
	HybridRegistration string `dynamodbav:",omitempty"`
}

// GetSettings implements members.Store.
func (s *Members) GetSettings(ctx context.Context) (members.Settings, error) {
	var it settingsItem
	if err := s.get(ctx, "store.GetSettings", pkSettings, skSettings, time.Now(), &it); err != nil {
		return members.Settings{}, err
	}
	return members.Settings{AccessMode: it.AccessMode, HybridRegistration: it.HybridRegistration}, nil
}

// SaveSettings implements members.Store.
func (s *Members) SaveSettings(ctx context.Context, st members.Settings) error {
	item, err := attributevalue.MarshalMap(settingsItem{PK: pkSettings, SK: skSettings, Type: typeSettings, AccessMode: st.AccessMode, HybridRegistration: st.HybridRegistration})
	if err != nil {
		return fmt.Errorf("store.SaveSettings: %w", err)
	}
	if _, err := s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: item}); err != nil {
		return fmt.Errorf("store.SaveSettings: %w", err)
	}
	return nil
}
