package store

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/content"
)

// RawHTMLRewritten is what MigrateRawHTML changed.
type RawHTMLRewritten struct {
	// Texts are posts, comments, tickets and replies whose stored page was rendered
	// again; Excerpts what MigrateExcerpts then changed (stream entries, home-stream
	// copies, pins, queue items, notifications).
	Texts    int
	Excerpts ExcerptsRewritten
}

// Total is every item changed.
func (r RawHTMLRewritten) Total() int { return r.Texts + r.Excerpts.Total() }

// MigrateRawHTML renders again the pages older releases stored for texts that hold raw
// HTML: they showed the content of <script>, <style> and the other elements whose
// content is not text of the page (content's hidden elements: "Before
// <style>.x{color:red}</style>" showed ".x{color:red}"). Every post, comment, ticket and
// reply whose body holds "<" is rendered again with the names it shows (its stored
// Mentions), and its HTML updated only if it changed and the body is still the one read
// (an edit meanwhile rendered it already). Then MigrateExcerpts brings every excerpt
// made from those pages up to date. Running it again changes nothing.
//
// Those texts have no index by content, so this reads the table with a Scan filtered
// on Type and on the body holding "<": once, in a migration, never on a request path.
func (s *Store) MigrateRawHTML(ctx context.Context) (RawHTMLRewritten, error) {
	var done RawHTMLRewritten
	values := map[string]types.AttributeValue{":lt": &types.AttributeValueMemberS{Value: "<"}}
	for i, t := range []string{typePost, typeComment, typeTicket, typeTicketReply} {
		values[fmt.Sprintf(":t%d", i)] = &types.AttributeValueMemberS{Value: t}
	}
	in := &dynamodb.ScanInput{
		FilterExpression:          aws.String("#t IN (:t0, :t1, :t2, :t3) AND contains(#b, :lt)"),
		ProjectionExpression:      aws.String("#pk, #sk, #b, #h, #m"),
		ExpressionAttributeNames:  map[string]string{"#t": AttrType, "#pk": AttrPK, "#sk": AttrSK, "#b": "Body", "#h": "HTML", "#m": "Mentions"},
		ExpressionAttributeValues: values}
	err := s.scanEach(ctx, "store.MigrateRawHTML", in, func(items []item) error {
		for _, item := range items {
			var it struct {
				Body, HTML string
				Mentions   map[string]string
			}
			if err := attributevalue.UnmarshalMap(item, &it); err != nil {
				return fmt.Errorf("store.MigrateRawHTML %s: %w", keyName(item), err)
			}
			page, err := content.RenderMentions(it.Body, it.Mentions)
			if err != nil {
				return fmt.Errorf("store.MigrateRawHTML %s: %w", keyName(item), err)
			}
			if page == it.HTML {
				continue
			}
			_, err = s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table),
				Key: map[string]types.AttributeValue{AttrPK: item[AttrPK], AttrSK: item[AttrSK]}, UpdateExpression: aws.String("SET #h = :h"),
				ConditionExpression:      aws.String("#b = :b"),
				ExpressionAttributeNames: map[string]string{"#h": "HTML", "#b": "Body"},
				ExpressionAttributeValues: map[string]types.AttributeValue{":h": &types.AttributeValueMemberS{Value: page},
					":b": &types.AttributeValueMemberS{Value: it.Body}}})
			if conditionFailedErr(err) {
				continue
			}
			if err != nil {
				return fmt.Errorf("store.MigrateRawHTML %s: %w", keyName(item), err)
			}
			done.Texts++
		}
		return nil
	})
	if err != nil {
		return done, err
	}
	if done.Excerpts, err = s.MigrateExcerpts(ctx); err != nil {
		return done, fmt.Errorf("store.MigrateRawHTML: %w", err)
	}
	return done, nil
}
