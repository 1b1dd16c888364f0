package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/auth"
	"tribune/shared/content"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/notifications"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
	"tribune/shared/tickets"
)

// Credits: every item that copies a member's name (a post or comment they wrote, a
// post or comment that mentions them, shown "@Name"; a ticket they opened, answered or
// were assigned; an invitation they sent) has a pointer in the member's CREDITS#
// partition, written in the same transaction as the item. When the member deletes their
// account, EraseTraces follows the pointers and writes "Deleted member" wherever the name
// was (see docs/decisions.md, "Personal data after account deletion").
const typeCredit = "Credit"

func creditsPK(memberID string) string { return "CREDITS#" + memberID }

// creditPuts point each member's credits at a target item's partition (POST#<id>,
// TICKET#<id>, INVITE#<id>). Putting one twice is harmless.
func (s *Store) creditPuts(target string, memberIDs ...string) ([]types.TransactWriteItem, error) {
	var out []types.TransactWriteItem
	var done []string
	for _, id := range memberIDs {
		if id == "" || slices.Contains(done, id) {
			continue
		}
		done = append(done, id)
		put, err := s.put(map[string]any{AttrPK: creditsPK(id), AttrSK: target, AttrType: typeCredit}, "")
		if err != nil {
			return nil, err
		}
		out = append(out, put)
	}
	return out, nil
}

// textCredits are the author of a text and the members it shows by name (the first
// posts.MaxMentions mentions: the others stay as written).
func textCredits(authorID, text string) []string {
	ids := content.Mentions(text)
	if len(ids) > posts.MaxMentions {
		ids = ids[:posts.MaxMentions]
	}
	return append([]string{authorID}, ids...)
}

// EraseTraces writes auth.DeletedName wherever a deleted member's name was copied, then
// removes what was theirs alone: their memberships (with the spaces' counts), their home
// stream, inbox and credits, their staff role index. Each step rewrites or deletes fixed
// keys, so a repeated delivery of member.deleted is harmless.
func (s *Store) EraseTraces(ctx context.Context, memberID string) error {
	credits, err := s.queryAll(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), ProjectionExpression: aws.String("PK, SK"),
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: creditsPK(memberID)}}})
	if err != nil {
		return fmt.Errorf("store.EraseTraces: %w", err)
	}
	for _, c := range credits {
		target := c[AttrSK].(*types.AttributeValueMemberS).Value
		kind, id, _ := strings.Cut(target, "#")
		switch kind {
		case "POST":
			err = s.erasePost(ctx, id, memberID)
		case "TICKET":
			err = s.eraseTicket(ctx, id, memberID)
		case "INVITE":
			err = s.eraseInvitation(ctx, id)
		}
		if err != nil {
			return fmt.Errorf("store.EraseTraces %s %s: %w", memberID, target, err)
		}
	}
	mine, err := s.MySpaces(ctx, memberID)
	if err != nil {
		return fmt.Errorf("store.EraseTraces: %w", err)
	}
	for _, m := range mine {
		if err := s.DeleteMembership(ctx, m.SpaceID, memberID, m.Status == spaces.StatusActive); err != nil {
			return fmt.Errorf("store.EraseTraces: %w", err)
		}
	}
	var keys []map[string]types.AttributeValue
	for _, pk := range []string{feedPK(memberID), inboxPK(memberID)} {
		items, err := s.queryAll(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), ProjectionExpression: aws.String("PK, SK"),
			KeyConditionExpression:    aws.String("PK = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk}}})
		if err != nil {
			return fmt.Errorf("store.EraseTraces: %w", err)
		}
		for _, it := range items {
			keys = append(keys, map[string]types.AttributeValue{AttrPK: it[AttrPK], AttrSK: it[AttrSK]})
		}
	}
	for _, role := range policy.StaffRoles {
		keys = append(keys, key(rolePK(role), "MEMBER#"+memberID))
	}
	for _, c := range credits {
		keys = append(keys, map[string]types.AttributeValue{AttrPK: c[AttrPK], AttrSK: c[AttrSK]})
	}
	if err := s.batchDelete(ctx, keys); err != nil {
		return fmt.Errorf("store.EraseTraces: %w", err)
	}
	return nil
}

// mentionNames are the names to show for the members a text mentions, as they are now:
// a deleted member's is auth.DeletedName.
func (s *Store) mentionNames(ctx context.Context, text string) (map[string]string, error) {
	ids := content.Mentions(text)
	if len(ids) > posts.MaxMentions {
		ids = ids[:posts.MaxMentions]
	}
	names := map[string]string{}
	for _, id := range ids {
		m, err := s.GetMember(ctx, id)
		if errors.Is(err, errs.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		names[id] = m.DisplayName
		if m.Status == auth.StatusDeleted {
			names[id] = auth.DeletedName
		}
	}
	return names, nil
}

// mentions reports whether a text mentions a member.
func mentions(text, memberID string) bool { return slices.Contains(content.Mentions(text), memberID) }

// erasePost rewrites a post, its comments, its stream entries and home-stream copies and
// its queue items where they name the deleted member.
func (s *Store) erasePost(ctx context.Context, postID, memberID string) error {
	p, err := s.GetPost(ctx, postID)
	if errors.Is(err, errs.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if p.AuthorID == memberID || mentions(p.Body, memberID) {
		if p.AuthorID == memberID {
			p.AuthorName, p.AuthorDeleted = auth.DeletedName, true
		}
		if mentions(p.Body, memberID) {
			names, err := s.mentionNames(ctx, p.Body)
			if err != nil {
				return err
			}
			if p.HTML, err = content.RenderMentions(p.Body, names); err != nil {
				return err
			}
		}
		if _, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: key(postPK(p.ID), "POST"),
			UpdateExpression: aws.String("SET AuthorName = :n, AuthorDeleted = :d, HTML = :h"), ConditionExpression: aws.String("attribute_exists(PK)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":n": &types.AttributeValueMemberS{Value: p.AuthorName},
				":d": &types.AttributeValueMemberBOOL{Value: p.AuthorDeleted}, ":h": &types.AttributeValueMemberS{Value: p.HTML}}}); err != nil {
			return err
		}
		if p.AuthorID == memberID {
			if err := s.eraseQueueName(ctx, p.ID); err != nil {
				return err
			}
			if !p.Hidden && !p.Deleted {
				if err := s.rewriteEntries(ctx, p.Summary()); err != nil {
					return err
				}
			}
		}
	}
	list, err := s.queryAll(ctx, queryPrefix(s.Table, postPK(postID), "COMMENT#"))
	if err != nil {
		return err
	}
	for _, item := range list {
		var it commentItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return err
		}
		c := it.Comment
		if c.AuthorID != memberID && !mentions(c.Body, memberID) {
			continue
		}
		if c.AuthorID == memberID {
			c.AuthorName, c.AuthorDeleted = auth.DeletedName, true
		}
		if mentions(c.Body, memberID) {
			names, err := s.mentionNames(ctx, c.Body)
			if err != nil {
				return err
			}
			if c.HTML, err = content.RenderMentions(c.Body, names); err != nil {
				return err
			}
		}
		if _, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: key(postPK(postID), commentSK(c)),
			UpdateExpression: aws.String("SET AuthorName = :n, AuthorDeleted = :d, HTML = :h"), ConditionExpression: aws.String("attribute_exists(PK)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":n": &types.AttributeValueMemberS{Value: c.AuthorName},
				":d": &types.AttributeValueMemberBOOL{Value: c.AuthorDeleted}, ":h": &types.AttributeValueMemberS{Value: c.HTML}}}); err != nil {
			return err
		}
		if c.AuthorID == memberID {
			if err := s.eraseQueueName(ctx, c.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// rewriteEntries puts a shown post's space and author entries (and pin) again, and the
// copies its space's members hold in their home streams.
func (s *Store) rewriteEntries(ctx context.Context, after posts.Summary) error {
	puts, err := s.entryPuts(after)
	if err != nil {
		return err
	}
	if _, err := s.transact(ctx, puts); err != nil {
		return err
	}
	ids, err := s.ActiveMemberIDs(ctx, after.SpaceID)
	if err != nil {
		return err
	}
	return s.ReplaceInFeeds(ctx, after, ids)
}

// eraseQueueName names the author of reported content "Deleted member" in the queue.
func (s *Store) eraseQueueName(ctx context.Context, targetID string) error {
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: key(reportsPK(targetID), "QUEUE"),
		UpdateExpression: aws.String("SET AuthorName = :n, AuthorDeleted = :d"), ConditionExpression: aws.String("attribute_exists(PK)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":n": &types.AttributeValueMemberS{Value: auth.DeletedName},
			":d": &types.AttributeValueMemberBOOL{Value: true}}})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return nil
	}
	return err
}

// eraseTicket names the deleted member "Deleted member" in a ticket (requester,
// assignee), its list and queue entries, and its replies.
func (s *Store) eraseTicket(ctx context.Context, ticketID, memberID string) error {
	for attempt := 0; ; attempt++ {
		t, err := s.GetTicket(ctx, ticketID)
		if errors.Is(err, errs.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		changed := t
		if t.RequesterID == memberID {
			changed.RequesterName, changed.RequesterDeleted = auth.DeletedName, true
		}
		var events []eventtypes.Envelope
		switch {
		case t.AssigneeID == memberID && t.Status != tickets.StatusClosed:
			// A deleted agent works no ticket: back to the queue, unassigned, so the
			// customer's news reaches every agent.
			changed.AssigneeID, changed.AssigneeName, changed.UpdatedAt = "", "", time.Now().UTC()
			meta := eventtypes.NewMeta(changed.UpdatedAt)
			env, err := eventtypes.NewEnvelope(eventtypes.SourceTickets, eventtypes.TicketAssignedType, meta, eventtypes.TicketAssigned{
				Meta: meta, TicketID: t.ID, Number: t.Number, SpaceID: t.SpaceID, Subject: t.Subject})
			if err != nil {
				return err
			}
			events = append(events, env)
		case t.AssigneeID == memberID:
			changed.AssigneeName, changed.AssigneeDeleted = auth.DeletedName, true
		}
		if changed.RequesterName == t.RequesterName && changed.RequesterDeleted == t.RequesterDeleted &&
			changed.AssigneeName == t.AssigneeName && changed.AssigneeDeleted == t.AssigneeDeleted && changed.AssigneeID == t.AssigneeID {
			break
		}
		err = s.SaveTicket(ctx, t, changed, nil, events)
		if errors.Is(err, tickets.ErrConflict) && attempt < 5 {
			continue // the ticket moved meanwhile: read it again
		}
		if err != nil {
			return err
		}
		break
	}
	replies, err := s.Replies(ctx, ticketID)
	if err != nil {
		return err
	}
	for _, r := range replies {
		if r.AuthorID != memberID {
			continue
		}
		if _, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: key(ticketPK(ticketID), replySK(r)),
			UpdateExpression: aws.String("SET AuthorName = :n, AuthorDeleted = :d"), ConditionExpression: aws.String("attribute_exists(PK)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":n": &types.AttributeValueMemberS{Value: auth.DeletedName},
				":d": &types.AttributeValueMemberBOOL{Value: true}}}); err != nil {
			return err
		}
	}
	return nil
}

// eraseInvitation names an invitation's inviter "Deleted member", drops their personal
// message and revokes it: an account's deletion withdraws what it vouched for (email
// invitations and shareable links alike; docs/decisions.md, issue 9 round 2, finding 5).
func (s *Store) eraseInvitation(ctx context.Context, invitationID string) error {
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: key(invitationPK(invitationID), skInvitation),
		UpdateExpression:    aws.String("SET InviterName = :n, InviterDeleted = :d, RevokedAt = if_not_exists(RevokedAt, :now) REMOVE Message"),
		ConditionExpression: aws.String("attribute_exists(PK)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":n": &types.AttributeValueMemberS{Value: auth.DeletedName},
			":d": &types.AttributeValueMemberBOOL{Value: true}, ":now": &types.AttributeValueMemberN{Value: epoch(time.Now())}}})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return nil
	}
	return err
}

// Invitation implements notifications.People: an invitation as it is now, its inviter
// named as they are now (an email written later must not revive a deleted member's
// name), usable only while pending and its inviter's account not deleted (the erasure
// revokes it a moment later; the email must not go out meanwhile).
func (s *Store) Invitation(ctx context.Context, invitationID string) (notifications.SentInvitation, error) {
	inv, err := s.GetInvitation(ctx, invitationID)
	if err != nil {
		return notifications.SentInvitation{}, err
	}
	out := notifications.SentInvitation{InviterName: auth.DeletedName, CodeHash: inv.CodeHash}
	m, err := s.GetMember(ctx, inv.InviterID)
	switch {
	case errors.Is(err, errs.ErrNotFound) || (err == nil && m.Status == auth.StatusDeleted):
		out.InviterDeleted = true
		return out, nil
	case err != nil:
		return notifications.SentInvitation{}, err
	}
	out.InviterName, out.Usable = m.DisplayName, inv.State(time.Now()) == "pending"
	return out, nil
}
