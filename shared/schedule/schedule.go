// Package schedule runs one-time jobs at a date: a campaign's start and end, a
// newsletter's send. In AWS each is an EventBridge Scheduler one-time schedule
// (at(...)) whose target is the clock function, invoked with the Job as its input;
// under make run the local scheduler (shared/store's schedule items, ticked by the
// local runtime) calls the same Runner. Either way a job may run late, early by a
// moment, or twice: its Runner must decide from stored state and the time, and be
// idempotent (docs/rewards.md, "Schedules").
package schedule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/scheduler/types"
)

// Job is what a schedule runs: a kind ("campaign.start") and the id it is about.
type Job struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// Runner runs a job when its time has come.
type Runner func(ctx context.Context, job Job) error

// Scheduler sets and cancels one-time schedules, by name (setting a name again moves
// it).
type Scheduler interface {
	At(ctx context.Context, name string, at time.Time, job Job) error
	Cancel(ctx context.Context, name string) error
}

// names are what EventBridge Scheduler accepts (1 to 64 of [0-9a-zA-Z-_.]).
var names = regexp.MustCompile(`^[0-9a-zA-Z_.-]{1,64}$`)

// ErrName is a schedule name EventBridge Scheduler would refuse.
var ErrName = errors.New("schedule: a name is 1 to 64 letters, digits, '-', '_' or '.'")

// ValidName reports whether name is a valid schedule name.
func ValidName(name string) bool { return names.MatchString(name) }

// API is the part of the EventBridge Scheduler client the adapter uses.
type API interface {
	CreateSchedule(ctx context.Context, in *scheduler.CreateScheduleInput, opts ...func(*scheduler.Options)) (*scheduler.CreateScheduleOutput, error)
	UpdateSchedule(ctx context.Context, in *scheduler.UpdateScheduleInput, opts ...func(*scheduler.Options)) (*scheduler.UpdateScheduleOutput, error)
	DeleteSchedule(ctx context.Context, in *scheduler.DeleteScheduleInput, opts ...func(*scheduler.Options)) (*scheduler.DeleteScheduleOutput, error)
}

// EventBridge sets one-time schedules in EventBridge Scheduler: in Group, invoking
// TargetARN (the clock function) with RoleARN, the Job as input; a schedule deletes
// itself once it ran; an invocation that keeps failing goes to DeadLetterARN.
type EventBridge struct {
	Client                                   API
	Group, TargetARN, RoleARN, DeadLetterARN string
}

// Expression is the one-time schedule expression of a time (UTC, to the second).
func Expression(at time.Time) string {
	return "at(" + at.UTC().Format("2006-01-02T15:04:05") + ")"
}

func (e EventBridge) target(job Job) (*types.Target, error) {
	input, err := json.Marshal(job)
	if err != nil {
		return nil, err
	}
	t := &types.Target{Arn: aws.String(e.TargetARN), RoleArn: aws.String(e.RoleARN), Input: aws.String(string(input)),
		RetryPolicy: &types.RetryPolicy{MaximumRetryAttempts: aws.Int32(10), MaximumEventAgeInSeconds: aws.Int32(24 * 3600)}}
	if e.DeadLetterARN != "" {
		t.DeadLetterConfig = &types.DeadLetterConfig{Arn: aws.String(e.DeadLetterARN)}
	}
	return t, nil
}

// At implements Scheduler: an update of the schedule of that name, or its creation
// when there is none. A time already past runs at once (a minute from now: EventBridge
// Scheduler refuses a past at()).
func (e EventBridge) At(ctx context.Context, name string, at time.Time, job Job) error {
	if !ValidName(name) {
		return ErrName
	}
	if min := time.Now().Add(time.Minute); at.Before(min) {
		at = min
	}
	target, err := e.target(job)
	if err != nil {
		return err
	}
	window := &types.FlexibleTimeWindow{Mode: types.FlexibleTimeWindowModeOff}
	_, err = e.Client.UpdateSchedule(ctx, &scheduler.UpdateScheduleInput{Name: aws.String(name), GroupName: aws.String(e.Group),
		ScheduleExpression: aws.String(Expression(at)), ScheduleExpressionTimezone: aws.String("UTC"), FlexibleTimeWindow: window,
		Target: target, ActionAfterCompletion: types.ActionAfterCompletionDelete})
	var missing *types.ResourceNotFoundException
	if errors.As(err, &missing) {
		_, err = e.Client.CreateSchedule(ctx, &scheduler.CreateScheduleInput{Name: aws.String(name), GroupName: aws.String(e.Group),
			ScheduleExpression: aws.String(Expression(at)), ScheduleExpressionTimezone: aws.String("UTC"), FlexibleTimeWindow: window,
			Target: target, ActionAfterCompletion: types.ActionAfterCompletionDelete})
	}
	if err != nil {
		return fmt.Errorf("schedule.At %s: %w", name, err)
	}
	return nil
}

// Cancel implements Scheduler (a schedule that is gone, or already ran, is fine).
func (e EventBridge) Cancel(ctx context.Context, name string) error {
	_, err := e.Client.DeleteSchedule(ctx, &scheduler.DeleteScheduleInput{Name: aws.String(name), GroupName: aws.String(e.Group)})
	var missing *types.ResourceNotFoundException
	if err != nil && !errors.As(err, &missing) {
		return fmt.Errorf("schedule.Cancel %s: %w", name, err)
	}
	return nil
}
