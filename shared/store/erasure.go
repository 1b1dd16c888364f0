package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/auth"
	"tribune/shared/content"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
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

// setAuthorErased rewrites a text's author and mentions after an erasure (a post, a
// comment, a ticket reply: the same attributes in each item type).
const setAuthorErased = "SET #AuthorName = :n, #AuthorDeleted = :d, #HTML = :h, #Mentions = :m"

var authorErasedNames = named(attrAuthorName, attrAuthorDeleted, attrHTML, attrMentions, AttrPK)

// textCredits are the author of a text and the members it shows by name (every
// mention: a text mentions at most posts.MaxNamedMentions members).
func textCredits(authorID, text string) []string {
	return append([]string{authorID}, content.Mentions(text)...)
}

// EraseTraces writes auth.DeletedName wherever a deleted member's name was copied, then
// removes what was theirs alone: their memberships (with the spaces' counts), their home
// stream, inbox and credits, their staff role index. Each step rewrites or deletes fixed
// keys, so a repeated delivery of member.deleted is harmless.
func (s *Members) EraseTraces(ctx context.Context, memberID string) error {
	credits, err := s.queryAll(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), ProjectionExpression: aws.String(keysOnly),
		KeyConditionExpression:    aws.String(pkIs),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: creditsPK(memberID)}}})
	if err != nil {
		return fmt.Errorf("store.EraseTraces: %w", err)
	}
	for _, c := range credits {
		target := c[AttrSK].(*types.AttributeValueMemberS).Value
		switch {
		case postIDOf(target) != "":
			err = s.erasePost(ctx, postIDOf(target), memberID)
		case ticketIDOf(target) != "":
			err = s.eraseTicket(ctx, ticketIDOf(target), memberID)
		case invitationIDOf(target) != "":
			err = s.eraseInvitation(ctx, invitationIDOf(target))
		}
		if err != nil {
			return fmt.Errorf("store.EraseTraces %s %s: %w", memberID, target, err)
		}
	}
	mine, err := s.Spaces().MySpaces(ctx, memberID)
	if err != nil {
		return fmt.Errorf("store.EraseTraces: %w", err)
	}
	for _, m := range mine {
		if err := s.Spaces().DeleteMembership(ctx, m.SpaceID, memberID, m.Status == spaces.StatusActive); err != nil {
			return fmt.Errorf("store.EraseTraces: %w", err)
		}
	}
	var keys []map[string]types.AttributeValue
	for _, pk := range []string{feedPK(memberID), inboxPK(memberID)} {
		items, err := s.queryAll(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), ProjectionExpression: aws.String(keysOnly),
			KeyConditionExpression:    aws.String(pkIs),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk}}})
		if err != nil {
			return fmt.Errorf("store.EraseTraces: %w", err)
		}
		for _, it := range items {
			keys = append(keys, map[string]types.AttributeValue{AttrPK: it[AttrPK], AttrSK: it[AttrSK]})
		}
	}
	for _, role := range policy.StaffRoles {
		keys = append(keys, key(rolePK(role), roleHolderSK(memberID)))
	}
	for _, c := range credits {
		keys = append(keys, map[string]types.AttributeValue{AttrPK: c[AttrPK], AttrSK: c[AttrSK]})
	}
	if err := s.batchDelete(ctx, keys); err != nil {
		return fmt.Errorf("store.EraseTraces: %w", err)
	}
	return nil
}

// mentions reports whether a text mentions a member.
func mentions(text, memberID string) bool { return slices.Contains(content.Mentions(text), memberID) }

// erasePost rewrites a post, its comments, its stream entries and home-stream copies and
// its queue items where they name the deleted member: as author, or in a mention (the
// page, the names kept with the text, the excerpts of the post's entries and of its
// queue item).
func (s *Members) erasePost(ctx context.Context, postID, memberID string) error {
	p, err := s.Posts().GetPost(ctx, postID)
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
		mentioned := mentions(p.Body, memberID)
		if mentioned {
			if p.Mentions, err = s.mentionNames(ctx, p.Body); err != nil {
				return err
			}
			if p.HTML, err = content.RenderMentions(p.Body, p.Mentions); err != nil {
				return err
			}
		}
		names, err := attributevalue.Marshal(p.Mentions)
		if err != nil {
			return err
		}
		if _, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: postKey(p.ID),
			UpdateExpression: aws.String(setAuthorErased), ConditionExpression: aws.String("attribute_exists(#PK)"), ExpressionAttributeNames: authorErasedNames,
			ExpressionAttributeValues: map[string]types.AttributeValue{":n": &types.AttributeValueMemberS{Value: p.AuthorName},
				":d": &types.AttributeValueMemberBOOL{Value: p.AuthorDeleted}, ":h": &types.AttributeValueMemberS{Value: p.HTML}, ":m": names}}); err != nil {
			return err
		}
		if err := s.eraseQueueName(ctx, p.ID, p.AuthorID == memberID, excerptOf(p.HTML)); err != nil {
			return err
		}
		if !p.Hidden && !p.Deleted {
			if err := s.rewriteEntries(ctx, p.Summary()); err != nil {
				return err
			}
		}
	}
	list, err := s.queryAll(ctx, queryPrefix(s.Table, postPK(postID), commentPrefix))
	if err != nil {
		return err
	}
	for _, item := range list {
		var it commentItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return err
		}
		c := it.comment()
		if c.AuthorID != memberID && !mentions(c.Body, memberID) {
			continue
		}
		if c.AuthorID == memberID {
			c.AuthorName, c.AuthorDeleted = auth.DeletedName, true
		}
		if mentions(c.Body, memberID) {
			if c.Mentions, err = s.mentionNames(ctx, c.Body); err != nil {
				return err
			}
			if c.HTML, err = content.RenderMentions(c.Body, c.Mentions); err != nil {
				return err
			}
		}
		names, err := attributevalue.Marshal(c.Mentions)
		if err != nil {
			return err
		}
		if _, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: key(postPK(postID), commentSK(c)),
			UpdateExpression: aws.String(setAuthorErased), ConditionExpression: aws.String("attribute_exists(#PK)"), ExpressionAttributeNames: authorErasedNames,
			ExpressionAttributeValues: map[string]types.AttributeValue{":n": &types.AttributeValueMemberS{Value: c.AuthorName},
				":d": &types.AttributeValueMemberBOOL{Value: c.AuthorDeleted}, ":h": &types.AttributeValueMemberS{Value: c.HTML}, ":m": names}}); err != nil {
			return err
		}
		if err := s.eraseQueueName(ctx, c.ID, c.AuthorID == memberID, excerptOf(c.HTML)); err != nil {
			return err
		}
	}
	return nil
}

// rewriteEntries puts a shown post's space and author entries (and pin) again, and the
// copies its space's members hold in their home streams.
func (s *Members) rewriteEntries(ctx context.Context, after posts.Summary) error {
	puts, err := s.Posts().entryPuts(after)
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
	return s.Posts().ReplaceInFeeds(ctx, after, ids)
}

// excerptOf is a text's excerpt as the moderation queue keeps it (posts' excerpt), from
// its page.
func excerptOf(page string) string {
	return content.PageExcerpt(page, posts.ExcerptRunes)
}

// eraseQueueName rewrites reported content's excerpt in the queue (a mention of the
// deleted member in it reads "@Deleted member") and, when they wrote it (author), names
// its author "Deleted member".
func (s *Members) eraseQueueName(ctx context.Context, targetID string, author bool, excerpt string) error {
	update, names := "SET #Excerpt = :e", named(attrExcerpt)
	values := map[string]types.AttributeValue{":e": &types.AttributeValueMemberS{Value: excerpt}}
	if author {
		update += ", #AuthorName = :n, #AuthorDeleted = :d"
		names["#"+attrAuthorName], names["#"+attrAuthorDeleted] = attrAuthorName, attrAuthorDeleted
		values[":n"], values[":d"] = &types.AttributeValueMemberS{Value: auth.DeletedName}, &types.AttributeValueMemberBOOL{Value: true}
	}
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: queueKey(targetID),
		UpdateExpression: aws.String(update), ConditionExpression: aws.String(itemExists), ExpressionAttributeNames: names,
		ExpressionAttributeValues: values})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return nil
	}
	return err
}

// eraseTicket names the deleted member "Deleted member" in a ticket (requester,
// assignee, a mention in its text), its list and queue entries, and its replies (as
// author or in a mention).
func (s *Members) eraseTicket(ctx context.Context, ticketID, memberID string) error {
	for attempt := 0; ; attempt++ {
		t, err := s.Tickets().GetTicket(ctx, ticketID)
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
		if mentions(t.Body, memberID) {
			if changed.Mentions, err = s.mentionNames(ctx, t.Body); err != nil {
				return err
			}
			if changed.HTML, err = content.RenderMentions(t.Body, changed.Mentions); err != nil {
				return err
			}
		}
		var events []eventtypes.Envelope
		switch {
		case t.AssigneeID == memberID && t.Status != tickets.StatusClosed:
			// A deleted agent works no ticket: back to the queue, unassigned, so the
			// customer's news reaches every agent.
			changed.AssigneeID, changed.AssigneeName, changed.UpdatedAt = "", "", time.Now().UTC()
			meta := eventtypes.NewMeta(changed.UpdatedAt)
			env, err := eventtypes.Wrap(eventtypes.TicketAssigned{
				Meta: meta, TicketID: t.ID, Number: t.Number, SpaceID: t.SpaceID, Subject: t.Subject})
			if err != nil {
				return err
			}
			events = append(events, env)
		case t.AssigneeID == memberID:
			changed.AssigneeName, changed.AssigneeDeleted = auth.DeletedName, true
		}
		if changed.RequesterName == t.RequesterName && changed.RequesterDeleted == t.RequesterDeleted &&
			changed.AssigneeName == t.AssigneeName && changed.AssigneeDeleted == t.AssigneeDeleted && changed.AssigneeID == t.AssigneeID &&
			changed.HTML == t.HTML && maps.Equal(changed.Mentions, t.Mentions) {
			break
		}
		err = s.Tickets().SaveTicket(ctx, t, changed, nil, events)
		if errors.Is(err, tickets.ErrConflict) && attempt < 5 {
			continue // the ticket moved meanwhile: read it again
		}
		if err != nil {
			return err
		}
		break
	}
	replies, err := s.Tickets().Replies(ctx, ticketID)
	if err != nil {
		return err
	}
	for _, r := range replies {
		mentioned := mentions(r.Body, memberID)
		if r.AuthorID != memberID && !mentioned {
			continue
		}
		if r.AuthorID == memberID {
			r.AuthorName, r.AuthorDeleted = auth.DeletedName, true
		}
		if mentioned {
			if r.Mentions, err = s.mentionNames(ctx, r.Body); err != nil {
				return err
			}
			if r.HTML, err = content.RenderMentions(r.Body, r.Mentions); err != nil {
				return err
			}
		}
		names, err := attributevalue.Marshal(r.Mentions)
		if err != nil {
			return err
		}
		if _, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: key(ticketPK(ticketID), replySK(r)),
			UpdateExpression: aws.String(setAuthorErased), ConditionExpression: aws.String("attribute_exists(#PK)"), ExpressionAttributeNames: authorErasedNames,
			ExpressionAttributeValues: map[string]types.AttributeValue{":n": &types.AttributeValueMemberS{Value: r.AuthorName},
				":d": &types.AttributeValueMemberBOOL{Value: r.AuthorDeleted}, ":h": &types.AttributeValueMemberS{Value: r.HTML}, ":m": names}}); err != nil {
			return err
		}
	}
	return nil
}

// eraseInvitation names an invitation's inviter "Deleted member", drops their personal
// message and revokes it: an account's deletion withdraws what it vouched for (email
// invitations and shareable links alike; docs/decisions.md, issue 9 round 2, finding 5).
func (s *Members) eraseInvitation(ctx context.Context, invitationID string) error {
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: key(invitationPK(invitationID), skInvitation),
		UpdateExpression:         aws.String("SET #InviterName = :n, #InviterDeleted = :d, #RevokedAt = if_not_exists(#RevokedAt, :now) REMOVE #Message"),
		ConditionExpression:      aws.String("attribute_exists(#PK)"),
		ExpressionAttributeNames: named(attrInviterName, attrInviterDeleted, attrRevokedAt, attrMessage, AttrPK),
		ExpressionAttributeValues: map[string]types.AttributeValue{":n": &types.AttributeValueMemberS{Value: auth.DeletedName},
			":d": &types.AttributeValueMemberBOOL{Value: true}, ":now": &types.AttributeValueMemberN{Value: epoch(time.Now())}}})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return nil
	}
	return err
}
