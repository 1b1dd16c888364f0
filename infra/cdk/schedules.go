package main

import (
	"fmt"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsscheduler"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"

	"tribune/shared/app"
)

// schedules are the schedules of the stack: the recurring ones of the catalogue's
// functions (Every: recurring) and the one-time ones (a campaign's start and end): an
// EventBridge Scheduler group, the role the scheduler invokes the clock function with
// (lambda:InvokeFunction on that function only), a dead-letter queue for invocations
// that keep failing, and the functions granted app.Schedules, which create, update and
// delete schedules of that group only and pass that role only.
type schedules struct {
	group   awsscheduler.CfnScheduleGroup
	role    awsiam.Role
	dlq     awssqs.Queue
	clock   awslambda.Function
	setters []awslambda.Function
}

func newSchedules(stack awscdk.Stack) *schedules {
	s := &schedules{
		group: awsscheduler.NewCfnScheduleGroup(stack, jsii.String("Schedules"), &awsscheduler.CfnScheduleGroupProps{}),
		role: awsiam.NewRole(stack, jsii.String("SchedulerRole"), &awsiam.RoleProps{
			AssumedBy:   awsiam.NewServicePrincipal(jsii.String("scheduler.amazonaws.com"), nil),
			Description: jsii.String("EventBridge Scheduler invokes the clock function with it"),
		}),
		dlq: newQueue(stack, "ScheduleFailures"),
	}
	s.dlq.GrantSendMessages(s.role)
	return s
}

// scheduleArns are the schedules of the group (schedule/<group>/*).
func (s *schedules) scheduleArns(stack awscdk.Stack) *string {
	return stack.FormatArn(&awscdk.ArnComponents{Service: jsii.String("scheduler"), Resource: jsii.String("schedule"),
		ResourceName: awscdk.Fn_Join(jsii.String(""), &[]*string{s.group.Ref(), jsii.String("/*")}), ArnFormat: awscdk.ArnFormat_SLASH_RESOURCE_NAME})
}

// grantTo lets a function set and cancel the group's schedules, passing the role.
func (s *schedules) grantTo(stack awscdk.Stack, fn awslambda.Function) {
	fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("scheduler:CreateSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule"),
		Resources: &[]*string{s.scheduleArns(stack)},
	}))
	s.role.GrantPassRole(fn.Role())
	fn.AddEnvironment(jsii.String(app.EnvScheduleGroup), s.group.Ref(), nil)
	fn.AddEnvironment(jsii.String(app.EnvScheduleRoleARN), s.role.RoleArn(), nil)
	fn.AddEnvironment(jsii.String(app.EnvScheduleDeadLetter), s.dlq.QueueArn(), nil)
	s.setters = append(s.setters, fn)
}

// target makes fn the clock: the scheduler's role may invoke it.
func (s *schedules) target(fn awslambda.Function) {
	s.clock = fn
	fn.GrantInvoke(s.role)
}

// wire tells the functions that set schedules which function they target (once every
// function exists).
func (s *schedules) wire() {
	if s.clock == nil {
		if len(s.setters) > 0 {
			panic("functions are granted schedules, but no function of the catalogue runs them (OneTime)")
		}
		return
	}
	for _, fn := range s.setters {
		fn.AddEnvironment(jsii.String(app.EnvScheduleTargetARN), s.clock.FunctionArn(), nil)
	}
}

// recurring runs fn every period through EventBridge Scheduler (the project's rule for
// scheduled work: a rate schedule in the stack's group, no flexible window, retried
// and then dead-lettered like the one-time schedules), not an EventBridge rule. The
// scheduler's role may invoke fn (its unqualified ARN only: no version wildcard).
func (s *schedules) recurring(stack awscdk.Stack, name string, fn awslambda.Function, every time.Duration) awsscheduler.CfnSchedule {
	s.role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions: jsii.Strings("lambda:InvokeFunction"), Resources: &[]*string{fn.FunctionArn()},
	}))
	return awsscheduler.NewCfnSchedule(stack, jsii.String(name+"Schedule"), &awsscheduler.CfnScheduleProps{
		Description:        jsii.String("Runs the " + name + " function every " + every.String()),
		GroupName:          s.group.Ref(),
		ScheduleExpression: jsii.String(rateExpression(every)),
		FlexibleTimeWindow: &awsscheduler.CfnSchedule_FlexibleTimeWindowProperty{Mode: jsii.String("OFF")},
		State:              jsii.String("ENABLED"),
		Target: &awsscheduler.CfnSchedule_TargetProperty{
			Arn: fn.FunctionArn(), RoleArn: s.role.RoleArn(),
			// A run missed is made up by the next one: two retries within the period.
			RetryPolicy: &awsscheduler.CfnSchedule_RetryPolicyProperty{
				MaximumRetryAttempts: jsii.Number(2), MaximumEventAgeInSeconds: jsii.Number(max(60, every.Seconds())),
			},
			DeadLetterConfig: &awsscheduler.CfnSchedule_DeadLetterConfigProperty{Arn: s.dlq.QueueArn()},
		},
	})
}

// rateExpression is EventBridge Scheduler's rate of a period: whole minutes, hours or
// days ("rate(5 minutes)", "rate(1 hour)").
func rateExpression(every time.Duration) string {
	n, unit := int64(every/time.Minute), "minute"
	switch {
	case every%(24*time.Hour) == 0:
		n, unit = int64(every/(24*time.Hour)), "day"
	case every%time.Hour == 0:
		n, unit = int64(every/time.Hour), "hour"
	}
	if n < 1 {
		n = 1
	}
	if n > 1 {
		unit += "s"
	}
	return fmt.Sprintf("rate(%d %s)", n, unit)
}
