package store

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/content"
	"tribune/shared/errs"
	"tribune/shared/notifications"
	"tribune/shared/posts"
	"tribune/shared/tickets"
)

// ExcerptsRewritten is what MigrateExcerpts changed.
type ExcerptsRewritten struct {
	// Texts are posts and comments that now keep the names their mentions show (their
	// page rendered again with them); Entries are stream entries, home-stream copies
	// and pins, QueueItems reported content in the moderation queue, Notifications
	// inbox entries, whose excerpt is now plain text.
	Texts, Entries, QueueItems, Notifications int
}

// Total is every item changed.
func (r ExcerptsRewritten) Total() int { return r.Texts + r.Entries + r.QueueItems + r.Notifications }

// MigrateExcerpts makes the excerpts older releases stored follow issue 10: plain text
// made from the Markdown, mentions shown by name, cut on a word (content.Excerpt). An
// older release stored the first 280 characters of the source ("**", link syntax,
// "@m_<id>" and all) in every stream entry (space, author and home streams, pins), the
// moderation queue, and the notifications quoting a status or a ticket reply; and it
// kept no names with posts and comments, which their excerpts are now made from. Per
// item, one conditional update of only what changed, so running it again changes
// nothing; each post is read once (its excerpt serves all its entries).
//
// Stream entries and notifications have no index by post, so this reads the table once
// with a Scan filtered on Type: once, in a migration, never on a request path.
func (s *Store) MigrateExcerpts(ctx context.Context) (ExcerptsRewritten, error) {
	var done ExcerptsRewritten
	kinds := map[string]types.AttributeValue{}
	for i, t := range []string{typePost, typeComment, typeStreamEntry, typePin, typeQueueItem, typeNotification} {
		kinds[fmt.Sprintf(":t%d", i)] = &types.AttributeValueMemberS{Value: t}
	}
	in := &dynamodb.ScanInput{FilterExpression: aws.String("#t IN (:t0, :t1, :t2, :t3, :t4, :t5)"),
		ExpressionAttributeNames: map[string]string{"#t": AttrType}, ExpressionAttributeValues: kinds}
	m := excerptMigration{s: s, posts: map[string]*posts.Post{}, done: &done}
	err := s.scanEach(ctx, "store.MigrateExcerpts", in, func(page []item) error {
		for _, item := range page {
			if err := m.item(ctx, item); err != nil {
				return fmt.Errorf("store.MigrateExcerpts %s %s: %w", keyName(item), item[AttrType].(*types.AttributeValueMemberS).Value, err)
			}
		}
		return nil
	})
	return done, err
}

// excerptMigration is one run of MigrateExcerpts: the posts read so far, with the names
// their mentions show now (nil: no such post).
type excerptMigration struct {
	s     *Store
	posts map[string]*posts.Post
	done  *ExcerptsRewritten
}

// post reads a post once per run, its Mentions set to the names as they are now and its
// page rendered with them.
func (m excerptMigration) post(ctx context.Context, id string) (*posts.Post, error) {
	if p, ok := m.posts[id]; ok {
		return p, nil
	}
	p, err := m.s.Posts().GetPost(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		m.posts[id] = nil
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if p.Mentions, err = m.s.mentionNames(ctx, p.Body); err != nil {
		return nil, err
	}
	if len(p.Mentions) > 0 {
		if p.HTML, err = content.RenderMentions(p.Body, p.Mentions); err != nil {
			return nil, err
		}
	}
	m.posts[id] = &p
	return &p, nil
}

// set updates attributes of an item if it still exists; false when it is gone.
func (m excerptMigration) set(ctx context.Context, item map[string]types.AttributeValue, values map[string]any) (bool, error) {
	expr, names, vals := "SET", map[string]string{}, map[string]types.AttributeValue{}
	i := 0
	for name, v := range values {
		av, err := attributevalue.Marshal(v)
		if err != nil {
			return false, err
		}
		if i > 0 {
			expr += ","
		}
		expr += fmt.Sprintf(" #a%d = :v%d", i, i)
		names[fmt.Sprintf("#a%d", i)], vals[fmt.Sprintf(":v%d", i)] = name, av
		i++
	}
	_, err := m.s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(m.s.Table),
		Key: map[string]types.AttributeValue{AttrPK: item[AttrPK], AttrSK: item[AttrSK]}, UpdateExpression: aws.String(expr),
		ConditionExpression: aws.String(itemExists), ExpressionAttributeNames: names, ExpressionAttributeValues: vals})
	if conditionFailedErr(err) {
		return false, nil
	}
	return err == nil, err
}

func (m excerptMigration) item(ctx context.Context, item map[string]types.AttributeValue) error {
	switch item[AttrType].(*types.AttributeValueMemberS).Value {
	case typePost, typeComment:
		var body, html string
		var stored map[string]string
		if item[AttrType].(*types.AttributeValueMemberS).Value == typePost {
			var it postItem
			if err := attributevalue.UnmarshalMap(item, &it); err != nil {
				return err
			}
			body, html, stored = it.Body, it.HTML, it.Mentions
		} else {
			var it commentItem
			if err := attributevalue.UnmarshalMap(item, &it); err != nil {
				return err
			}
			body, html, stored = it.Body, it.HTML, it.Mentions
		}
		ids := content.Mentions(body)
		if len(ids) == 0 {
			return nil
		}
		names, err := m.s.MemberNames(ctx, ids)
		if err != nil {
			return err
		}
		page, err := content.RenderMentions(body, names)
		if err != nil {
			return err
		}
		if maps.Equal(names, stored) && page == html {
			return nil
		}
		ok, err := m.set(ctx, item, map[string]any{"Mentions": names, "HTML": page})
		if ok {
			m.done.Texts++
		}
		return err
	case typeStreamEntry, typePin:
		var it streamItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return err
		}
		p, err := m.post(ctx, it.ID)
		if err != nil || p == nil {
			return err
		}
		fresh := p.Summary()
		if fresh.Excerpt == it.Excerpt && maps.Equal(fresh.Mentions, it.Mentions) {
			return nil
		}
		values := map[string]any{"Excerpt": fresh.Excerpt}
		if len(fresh.Mentions) > 0 {
			values["Mentions"] = fresh.Mentions
		}
		ok, err := m.set(ctx, item, values)
		if ok {
			m.done.Entries++
		}
		return err
	case typeQueueItem:
		var it posts.QueueItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return err
		}
		p, err := m.post(ctx, it.PostID)
		if err != nil || p == nil {
			return err
		}
		body := p.Body
		if it.CommentID != "" {
			c, err := m.s.Comments().GetComment(ctx, it.PostID, it.CommentID)
			if errors.Is(err, errs.ErrNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			body = c.Body
		}
		names, err := m.s.mentionNames(ctx, body)
		if err != nil {
			return err
		}
		if e := content.Excerpt(body, names, posts.ExcerptRunes); e != it.Excerpt {
			ok, err := m.set(ctx, item, map[string]any{"Excerpt": e})
			if ok {
				m.done.QueueItems++
			}
			return err
		}
		return nil
	case typeNotification:
		var it notificationItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return err
		}
		n := it.notification()
		values := map[string]any{}
		if n.Kind == notifications.KindTicketReply && n.Detail != "" {
			// The quote of a reply was its source's first 280 characters.
			names, err := m.s.mentionNames(ctx, n.Detail)
			if err != nil {
				return err
			}
			if e := content.Excerpt(n.Detail, names, tickets.ExcerptRunes); e != n.Detail {
				values["Detail"] = e
			}
		}
		if n.PostID != "" && n.PostTitle != "" {
			// A status (no title) was named by its source's first 80 characters.
			p, err := m.post(ctx, n.PostID)
			if err != nil {
				return err
			}
			if p != nil && p.Title == "" {
				if t := posts.TitleOf(*p); t != n.PostTitle {
					values["PostTitle"] = t
				}
			}
		}
		if len(values) == 0 {
			return nil
		}
		ok, err := m.set(ctx, item, values)
		if ok {
			m.done.Notifications++
		}
		return err
	}
	return nil
}
