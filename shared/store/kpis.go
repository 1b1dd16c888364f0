package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/errs"
	"tribune/shared/metrics"
)

// ---- The KPIs' items (issue 14, round 2; docs/data-model.md) ----
//
// KeyedCounter: KEYED#<name> / DAY#<day>#<key> (Count): a key's count on a day (a
// member's contributions, a customer's activities), written in the event's counting
// transaction; one query lists a range's keys.
// KpiQuestion: KPIQUESTION#<post> / QUESTION (Author, Day, AskedMs, FirstAnswerMs,
// AcceptedMs, Measured, Solved, ExpiresAt until its question is known).
// FirstContribution: CONTRIBUTOR#<member> / FIRST (Day).
// Histogram: HISTOGRAM#<name> / DAY#<day>#<shard> with one number attribute B<bucket>
// per bucket (metrics.Bucket).
// KpiSettings: COMMUNITY / KPISETTINGS.

const (
	typeKeyedCounter   = "KeyedCounter"
	typeKpiQuestion    = "KpiQuestion"
	typeFirstContrib   = "FirstContribution"
	typeHistogram      = "Histogram"
	typeKpiSettings    = "KpiSettings"
	skQuestion         = "QUESTION"
	skFirst            = "FIRST"
	skKpiSettings      = "KPISETTINGS"
	condFirstNew       = "member never counted"
	condNotAnswered    = "question not measured yet"
	condNotSolved      = "question not solved yet"
	histogramBucketPre = "B"
)

func keyedPK(name string) string         { return "KEYED#" + name }
func keyedSK(day, key string) string     { return counterSK(day) + "#" + key }
func kpiQuestionPK(postID string) string { return "KPIQUESTION#" + postID }
func firstContribPK(member string) string {
	return "CONTRIBUTOR#" + member
}
func histogramPK(name string) string { return "HISTOGRAM#" + name }

// keyedUpdate adds a Count's Delta to its key's count of the day.
func (s *Store) keyedUpdate(c metrics.Count, day string) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(s.Table), Key: key(keyedPK(c.Name), keyedSK(day, c.Key)), UpdateExpression: aws.String("SET #t = :type ADD #c :d"),
		ExpressionAttributeNames:  map[string]string{"#t": AttrType, "#c": attrCount},
		ExpressionAttributeValues: map[string]types.AttributeValue{":type": &types.AttributeValueMemberS{Value: typeKeyedCounter}, ":d": &types.AttributeValueMemberN{Value: fmt.Sprint(c.Delta)}},
	}}
}

// KeyedDays implements metrics.KpiStore: one query (paged) over the range.
func (s *Store) KeyedDays(ctx context.Context, name, from, to string) (map[string]map[string]int64, error) {
	out := map[string]map[string]int64{}
	err := s.eachPage(ctx, dayRange(s.Table, keyedPK(name), from, to, AttrSK+", #c", map[string]string{"#c": attrCount}), func(page []item) error {
		for _, raw := range page {
			var it struct {
				SK    string
				Count int64
			}
			if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
				return err
			}
			day := dayOf(it.SK)
			k := strings.TrimPrefix(it.SK, counterSK(day)+"#")
			if out[day] == nil {
				out[day] = map[string]int64{}
			}
			out[day][k] += it.Count
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store.KeyedDays %s: %w", name, err)
	}
	return out, nil
}

// FirstContribution implements metrics.KpiStore: Put the member's marker if absent and
// count them in new_contributors, one transaction; a member counted before changes
// nothing.
func (s *Store) FirstContribution(ctx context.Context, memberID, day string) error {
	t := s.txn().put(condFirstNew, map[string]any{AttrPK: firstContribPK(memberID), AttrSK: skFirst, AttrType: typeFirstContrib, "Day": day}, itemAbsent)
	t.add("", s.countUpdate(metrics.Count{Name: metrics.NewContributors, Delta: 1}, day, memberID))
	err := t.run(ctx)
	if failed(err, condFirstNew) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store.FirstContribution %s: %w", memberID, err)
	}
	return nil
}

// kpiQuestion is what the KPIs know of a question, whatever order its events come in:
// AskedMs (post.created), FirstAnswerMs (the earliest answer by someone else seen before
// it was measured), AcceptedMs (its first acceptance); Measured and Solved say the
// counts were made (once). An item made by an answer or an acceptance before its
// question is known expires after questionOrphanKept (a comment on a post that is no
// question makes one too); the question's counts remove the expiry.
type kpiQuestion struct {
	PK, SK, Type  string
	Author        string `dynamodbav:",omitempty"`
	Day           string `dynamodbav:",omitempty"`
	AskedMs       int64  `dynamodbav:",omitempty"`
	FirstAnswerMs int64  `dynamodbav:",omitempty"`
	AcceptedMs    int64  `dynamodbav:",omitempty"`
	Measured      bool   `dynamodbav:",omitempty"`
	Solved        bool   `dynamodbav:",omitempty"`
}

// questionOrphanKept is how long an answer or acceptance waits for its question.
const questionOrphanKept = 30 * 24 * time.Hour

// questionUpdate runs an update of a question's item (returning it as it is after), or,
// when its condition fails (a repeat, a later answer), reads it; then settles it.
func (s *Store) questionUpdate(ctx context.Context, op, postID, expr, cond string, names map[string]string, values item) error {
	out, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: key(kpiQuestionPK(postID), skQuestion),
		UpdateExpression: aws.String(expr), ConditionExpression: aws.String(cond), ExpressionAttributeNames: names,
		ExpressionAttributeValues: values, ReturnValues: types.ReturnValueAllNew})
	var failedCond *types.ConditionalCheckFailedException
	var raw item
	switch {
	case errors.As(err, &failedCond):
		got, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table), Key: key(kpiQuestionPK(postID), skQuestion), ConsistentRead: aws.Bool(true)})
		if err != nil {
			return fmt.Errorf("%s %s: %w", op, postID, err)
		}
		raw = got.Item
	case err != nil:
		return fmt.Errorf("%s %s: %w", op, postID, err)
	default:
		raw = out.Attributes
	}
	var q kpiQuestion
	if err := attributevalue.UnmarshalMap(raw, &q); err != nil {
		return fmt.Errorf("%s %s: %w", op, postID, err)
	}
	if err := s.settleQuestion(ctx, postID, q); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

func msValue(t time.Time) item {
	return item{":ms": &types.AttributeValueMemberN{Value: strconv.FormatInt(t.UnixMilli(), 10)}}
}

// AskQuestion implements metrics.KpiStore: the question's author and time, once; an
// answer or acceptance already there is counted now.
func (s *Store) AskQuestion(ctx context.Context, postID, authorID, day string, at time.Time) error {
	values := msValue(at)
	values[":type"] = &types.AttributeValueMemberS{Value: typeKpiQuestion}
	values[":a"] = &types.AttributeValueMemberS{Value: authorID}
	values[":d"] = &types.AttributeValueMemberS{Value: day}
	return s.questionUpdate(ctx, "store.AskQuestion", postID, "SET #t = :type, Author = :a, #d = :d, AskedMs = :ms REMOVE #e",
		"attribute_not_exists(AskedMs)", map[string]string{"#t": AttrType, "#d": "Day", "#e": AttrExpires}, values)
}

// AnswerQuestion implements metrics.KpiStore: the answer's time when it is the earliest
// seen and the question not measured yet (nor answered by its own author, when known);
// measured once the question is known.
func (s *Store) AnswerQuestion(ctx context.Context, postID, answererID string, at time.Time) error {
	values := msValue(at)
	values[":type"] = &types.AttributeValueMemberS{Value: typeKpiQuestion}
	values[":who"] = &types.AttributeValueMemberS{Value: answererID}
	values[":exp"] = &types.AttributeValueMemberN{Value: epoch(at.Add(questionOrphanKept))}
	return s.questionUpdate(ctx, "store.AnswerQuestion", postID, "SET #t = :type, FirstAnswerMs = :ms, #e = if_not_exists(#e, :exp)",
		"(attribute_not_exists(FirstAnswerMs) OR FirstAnswerMs > :ms) AND attribute_not_exists(Measured) AND (attribute_not_exists(Author) OR Author <> :who)",
		map[string]string{"#t": AttrType, "#e": AttrExpires}, values)
}

// SolveQuestion implements metrics.KpiStore: the first acceptance's time, once; counted
// once the question is known.
func (s *Store) SolveQuestion(ctx context.Context, postID string, at time.Time) error {
	values := msValue(at)
	values[":type"] = &types.AttributeValueMemberS{Value: typeKpiQuestion}
	values[":exp"] = &types.AttributeValueMemberN{Value: epoch(at.Add(questionOrphanKept))}
	return s.questionUpdate(ctx, "store.SolveQuestion", postID, "SET #t = :type, AcceptedMs = :ms, #e = if_not_exists(#e, :exp)",
		"attribute_not_exists(AcceptedMs)", map[string]string{"#t": AttrType, "#e": AttrExpires}, values)
}

// settleQuestion makes the counts a known question is owed, each once (its flag's
// condition in the same transaction): the first response (questions_answered on the
// answer's day and the histogram), the solution (questions_solved on the day asked,
// questions_solved_on on the acceptance's day).
func (s *Store) settleQuestion(ctx context.Context, postID string, q kpiQuestion) error {
	if q.AskedMs == 0 {
		return nil
	}
	k := key(kpiQuestionPK(postID), skQuestion)
	if q.FirstAnswerMs != 0 && !q.Measured {
		answered := time.UnixMilli(q.FirstAnswerMs).UTC()
		day := metrics.Day(answered)
		seconds := max(float64(q.FirstAnswerMs-q.AskedMs)/1000, 0)
		bucket := histogramBucketPre + strconv.Itoa(metrics.Bucket(seconds))
		t := s.txn().add(condNotAnswered, types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: k,
			UpdateExpression: aws.String("SET Measured = :yes REMOVE #e"), ConditionExpression: aws.String("attribute_not_exists(Measured) AND FirstAnswerMs = :ms"),
			ExpressionAttributeNames: map[string]string{"#e": AttrExpires},
			ExpressionAttributeValues: item{":yes": &types.AttributeValueMemberBOOL{Value: true},
				":ms": &types.AttributeValueMemberN{Value: strconv.FormatInt(q.FirstAnswerMs, 10)}}}})
		t.add("", s.countUpdate(metrics.Count{Name: metrics.QuestionsAnswered, Delta: 1}, day, postID))
		t.add("", types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(histogramPK(metrics.FirstResponseHistogram), counterShardSK(day, postID)),
			UpdateExpression:          aws.String("SET #t = :type ADD #b :one"),
			ExpressionAttributeNames:  map[string]string{"#t": AttrType, "#b": bucket},
			ExpressionAttributeValues: item{":type": &types.AttributeValueMemberS{Value: typeHistogram}, ":one": &types.AttributeValueMemberN{Value: "1"}}}})
		if err := t.run(ctx); err != nil && !failed(err, condNotAnswered) {
			return fmt.Errorf("store.settleQuestion %s: %w", postID, err)
		}
	}
	if q.AcceptedMs != 0 && !q.Solved {
		t := s.txn().add(condNotSolved, types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: k,
			UpdateExpression: aws.String("SET Solved = :yes REMOVE #e"), ConditionExpression: aws.String("attribute_not_exists(Solved)"),
			ExpressionAttributeNames:  map[string]string{"#e": AttrExpires},
			ExpressionAttributeValues: item{":yes": &types.AttributeValueMemberBOOL{Value: true}}}})
		t.add("", s.countUpdate(metrics.Count{Name: metrics.QuestionsSolved, Delta: 1}, q.Day, postID))
		t.add("", s.countUpdate(metrics.Count{Name: metrics.QuestionsSolvedOn, Delta: 1}, metrics.Day(time.UnixMilli(q.AcceptedMs)), postID))
		if err := t.run(ctx); err != nil && !failed(err, condNotSolved) {
			return fmt.Errorf("store.settleQuestion %s: %w", postID, err)
		}
	}
	return nil
}

// HistogramDays implements metrics.KpiStore: one query (paged), shards added per day.
func (s *Store) HistogramDays(ctx context.Context, name, from, to string) (map[string]metrics.Histogram, error) {
	out := map[string]metrics.Histogram{}
	q := dayRange(s.Table, histogramPK(name), from, to, "", nil)
	q.ProjectionExpression, q.ExpressionAttributeNames = nil, nil
	err := s.eachPage(ctx, q, func(page []item) error {
		for _, raw := range page {
			sk, _ := raw[AttrSK].(*types.AttributeValueMemberS)
			if sk == nil {
				continue
			}
			day := dayOf(sk.Value)
			for attr, v := range raw {
				n, ok := v.(*types.AttributeValueMemberN)
				if !ok || !strings.HasPrefix(attr, histogramBucketPre) {
					continue
				}
				b, err1 := strconv.Atoi(attr[len(histogramBucketPre):])
				c, err2 := strconv.ParseInt(n.Value, 10, 64)
				if err1 != nil || err2 != nil {
					continue
				}
				if out[day] == nil {
					out[day] = metrics.Histogram{}
				}
				out[day][b] += c
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store.HistogramDays %s: %w", name, err)
	}
	return out, nil
}

type kpiSettingsItem struct {
	PK, SK, Type string
	metrics.KpiSettings
}

// KpiSettings implements metrics.KpiStore (the defaults when never saved).
func (s *Store) KpiSettings(ctx context.Context) (metrics.KpiSettings, error) {
	var it kpiSettingsItem
	err := s.get(ctx, "store.KpiSettings", pkSettings, skKpiSettings, time.Now(), &it)
	if errors.Is(err, errs.ErrNotFound) {
		return metrics.DefaultKpiSettings, nil
	}
	if err != nil {
		return metrics.KpiSettings{}, err
	}
	return it.KpiSettings, nil
}

// SaveKpiSettings implements metrics.KpiStore.
func (s *Store) SaveKpiSettings(ctx context.Context, k metrics.KpiSettings) error {
	av, err := attributevalue.MarshalMap(kpiSettingsItem{PK: pkSettings, SK: skKpiSettings, Type: typeKpiSettings, KpiSettings: k})
	if err != nil {
		return fmt.Errorf("store.SaveKpiSettings: %w", err)
	}
	if _, err := s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: av}); err != nil {
		return fmt.Errorf("store.SaveKpiSettings: %w", err)
	}
	return nil
}

var _ metrics.KpiStore = (*Store)(nil)
