package main

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"

	"tribune/shared/app"
)

// queues are the SQS queues of the functions a queue starts (app.QueueStart: the
// newsletters' sender), each with its dead-letter queue, made before any function so
// the functions granted app.SendTo(name) find them.
type queues struct {
	byName map[string]*startQueue
}

type startQueue struct {
	start *app.QueueStart
	queue awssqs.Queue
	dlq   awssqs.Queue
}

func newQueues(stack awscdk.Stack, catalogue []app.Function) *queues {
	qs := &queues{byName: map[string]*startQueue{}}
	for _, f := range catalogue {
		q := f.Queue
		if q == nil {
			continue
		}
		dlq := newQueue(stack, "QueueFailures-"+q.Name)
		main := awssqs.NewQueue(stack, jsii.String("Queue-"+q.Name), &awssqs.QueueProps{
			Encryption: awssqs.QueueEncryption_SQS_MANAGED, EnforceSSL: jsii.Bool(true),
			RetentionPeriod:   awscdk.Duration_Days(jsii.Number(4)),
			VisibilityTimeout: awscdk.Duration_Seconds(jsii.Number(q.Visibility.Seconds())),
			DeadLetterQueue:   &awssqs.DeadLetterQueue{Queue: dlq, MaxReceiveCount: jsii.Number(float64(q.MaxReceives))},
		})
		qs.byName[q.Name] = &startQueue{start: q, queue: main, dlq: dlq}
	}
	return qs
}

func (qs *queues) named(name string) *startQueue {
	q, ok := qs.byName[name]
	if !ok {
		panic(fmt.Sprintf("no function of the catalogue is started by the queue %q", name))
	}
	return q
}

// grantSend lets a function send to the queue, and gives it the queue's URL.
func (qs *queues) grantSend(fn awslambda.Function, name string) {
	q := qs.named(name)
	q.queue.GrantSendMessages(fn)
	fn.AddEnvironment(jsii.String(q.start.URLEnv), q.queue.QueueUrl(), nil)
}

// source makes the queue start its function: batches, the mapping's maximum
// concurrency (the rate is shared by that many senders), failed messages reported one
// by one. It returns the dead-letter queue (alarmed on like the others).
func (qs *queues) source(fn awslambda.Function, f app.Function) awssqs.Queue {
	q := qs.named(f.Queue.Name)
	fn.AddEventSource(awslambdaeventsources.NewSqsEventSource(q.queue, &awslambdaeventsources.SqsEventSourceProps{
		BatchSize: jsii.Number(float64(f.Queue.BatchSize)), MaxConcurrency: jsii.Number(float64(f.Queue.MaxConcurrency)),
		ReportBatchItemFailures: jsii.Bool(true),
	}))
	return q.dlq
}
