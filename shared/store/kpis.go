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
// KpiQuestion: KPIQUESTION#<post> / QUESTION (Author, AskedAt, Day, AnsweredAt?, Solved?).
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
	condQuestionNew    = "question not known yet"
	condFirstNew       = "member never counted"
	condNotAnswered    = "question not answered yet"
	condNotSolved      = "question not solved yet"
	attrAnsweredAt     = "AnsweredAt"
	attrSolved         = "Solved"
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
	err := s.eachPage(ctx, dayRange(s.Table, keyedPK(name), from, to, "SK, #c", map[string]string{"#c": attrCount}), func(page []item) error {
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
	t := s.txn().put(condFirstNew, map[string]any{AttrPK: firstContribPK(memberID), AttrSK: skFirst, AttrType: typeFirstContrib, "Day": day}, "attribute_not_exists(PK)")
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

type kpiQuestion struct {
	PK, SK, Type string
	Author       string
	Day          string
	AskedAt      time.Time
	AnsweredAt   *time.Time `dynamodbav:",omitempty"`
	Solved       bool       `dynamodbav:",omitempty"`
}

// AskQuestion implements metrics.KpiStore: Put the question if absent.
func (s *Store) AskQuestion(ctx context.Context, postID, authorID, day string, at time.Time) error {
	err := s.txn().put(condQuestionNew, kpiQuestion{PK: kpiQuestionPK(postID), SK: skQuestion, Type: typeKpiQuestion, Author: authorID, Day: day, AskedAt: at.UTC()},
		"attribute_not_exists(PK)").run(ctx)
	if failed(err, condQuestionNew) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store.AskQuestion %s: %w", postID, err)
	}
	return nil
}

func (s *Store) question(ctx context.Context, postID string) (kpiQuestion, bool, error) {
	var q kpiQuestion
	err := s.get(ctx, "store.question", kpiQuestionPK(postID), skQuestion, time.Now(), &q)
	if errors.Is(err, errs.ErrNotFound) {
		return q, false, nil
	}
	return q, err == nil, err
}

// AnswerQuestion implements metrics.KpiStore: one read, then one transaction: the
// question's AnsweredAt on condition it has none, questions_answered, and the
// first-response time's bucket in the histogram of the answer's day (a shard by
// question).
func (s *Store) AnswerQuestion(ctx context.Context, postID, answererID string, at time.Time) error {
	q, found, err := s.question(ctx, postID)
	if err != nil || !found || q.AnsweredAt != nil || q.Author == answererID {
		return err
	}
	day := metrics.Day(at)
	bucket := histogramBucketPre + strconv.Itoa(metrics.Bucket(at.Sub(q.AskedAt).Seconds()))
	t := s.txn().add(condNotAnswered, types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(kpiQuestionPK(postID), skQuestion),
		UpdateExpression: aws.String("SET #a = :at"), ConditionExpression: aws.String("attribute_exists(PK) AND attribute_not_exists(#a)"),
		ExpressionAttributeNames:  map[string]string{"#a": attrAnsweredAt},
		ExpressionAttributeValues: map[string]types.AttributeValue{":at": &types.AttributeValueMemberS{Value: at.UTC().Format(time.RFC3339Nano)}}}})
	t.add("", s.countUpdate(metrics.Count{Name: metrics.QuestionsAnswered, Delta: 1}, day, postID))
	t.add("", types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(histogramPK(metrics.FirstResponseHistogram), counterShardSK(day, postID)),
		UpdateExpression:          aws.String("SET #t = :type ADD #b :one"),
		ExpressionAttributeNames:  map[string]string{"#t": AttrType, "#b": bucket},
		ExpressionAttributeValues: map[string]types.AttributeValue{":type": &types.AttributeValueMemberS{Value: typeHistogram}, ":one": &types.AttributeValueMemberN{Value: "1"}}}})
	err = t.run(ctx)
	if failed(err, condNotAnswered) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store.AnswerQuestion %s: %w", postID, err)
	}
	return nil
}

// SolveQuestion implements metrics.KpiStore: one read, then one transaction: Solved on
// condition it is not, questions_solved on the day asked, questions_solved_on at's day.
func (s *Store) SolveQuestion(ctx context.Context, postID string, at time.Time) error {
	q, found, err := s.question(ctx, postID)
	if err != nil || !found || q.Solved {
		return err
	}
	t := s.txn().add(condNotSolved, types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(kpiQuestionPK(postID), skQuestion),
		UpdateExpression: aws.String("SET #s = :yes"), ConditionExpression: aws.String("attribute_exists(PK) AND attribute_not_exists(#s)"),
		ExpressionAttributeNames:  map[string]string{"#s": attrSolved},
		ExpressionAttributeValues: map[string]types.AttributeValue{":yes": &types.AttributeValueMemberBOOL{Value: true}}}})
	t.add("", s.countUpdate(metrics.Count{Name: metrics.QuestionsSolved, Delta: 1}, q.Day, postID))
	t.add("", s.countUpdate(metrics.Count{Name: metrics.QuestionsSolvedOn, Delta: 1}, metrics.Day(at), postID))
	err = t.run(ctx)
	if failed(err, condNotSolved) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store.SolveQuestion %s: %w", postID, err)
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
