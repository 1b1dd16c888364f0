package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/schedule"
)

// The local scheduler: what EventBridge Scheduler keeps in AWS, kept in the table under
// make run (and in tests), so a schedule set before a restart still runs after it. The
// local runtime reads the due ones every second (DueSchedules), runs each with the
// clock's Runner and removes it once it succeeded (ScheduleDone).

const typeLocalSchedule = "LocalSchedule"

// localScheduleItem is a waiting schedule: SCHEDULES / <name>.
type localScheduleItem struct {
	PK, SK, Type string
	At           time.Time
	Kind, ID     string
}

// Schedules is the local scheduler.
type Schedules struct{ *Store }

var _ schedule.Scheduler = Schedules{}

// Schedules is the local scheduler over the table.
func (s *Store) Schedules() Schedules { return Schedules{s} }

// At implements schedule.Scheduler: sets (or moves) the schedule of that name.
func (s Schedules) At(ctx context.Context, name string, at time.Time, job schedule.Job) error {
	if !schedule.ValidName(name) {
		return schedule.ErrName
	}
	err := s.txn().put("", localScheduleItem{PK: localSchedulesPK, SK: name, Type: typeLocalSchedule, At: at.UTC(), Kind: job.Kind, ID: job.ID}, "").run(ctx)
	if err != nil {
		return fmt.Errorf("store.Schedules.At %s: %w", name, err)
	}
	return nil
}

// Cancel implements schedule.Scheduler.
func (s Schedules) Cancel(ctx context.Context, name string) error {
	if err := s.txn().add("", s.del(key(localSchedulesPK, name), "")).run(ctx); err != nil {
		return fmt.Errorf("store.Schedules.Cancel %s: %w", name, err)
	}
	return nil
}

// Due is a schedule whose time has come.
type Due struct {
	Name string
	At   time.Time
	Job  schedule.Job
}

// DueSchedules lists the schedules whose time is not after now, earliest first.
func (s Schedules) DueSchedules(ctx context.Context, now time.Time) ([]Due, error) {
	items, err := queryItems[localScheduleItem](ctx, s.Store, &dynamodb.QueryInput{TableName: aws.String(s.Table), ConsistentRead: aws.Bool(true),
		KeyConditionExpression: aws.String(pkIs), ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: localSchedulesPK}}})
	if err != nil {
		return nil, fmt.Errorf("store.DueSchedules: %w", err)
	}
	var out []Due
	for _, it := range items {
		if !it.At.After(now) {
			out = append(out, Due{Name: it.SK, At: it.At, Job: schedule.Job{Kind: it.Kind, ID: it.ID}})
		}
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].At.Before(out[j-1].At); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out, nil
}

// ScheduleDone removes a schedule that ran, unless it was moved meanwhile (its time is
// no longer at).
func (s Schedules) ScheduleDone(ctx context.Context, name string, at time.Time) error {
	_, err := s.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.Table), Key: key(localSchedulesPK, name),
		ConditionExpression: aws.String("#At = :at"), ExpressionAttributeNames: named("At"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":at": &types.AttributeValueMemberS{Value: at.UTC().Format(time.RFC3339Nano)}}})
	var moved *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &moved) {
		return fmt.Errorf("store.ScheduleDone %s: %w", name, err)
	}
	return nil
}
