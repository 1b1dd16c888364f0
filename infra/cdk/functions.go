package main

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	apigw "github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	apigwint "github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdadestinations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsses"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"

	"tribune/shared/app"
	"tribune/shared/bus"
)

// shared are the resources the catalogue's functions are granted and started by.
type shared struct {
	table awsdynamodb.Table
	bus   awsevents.EventBus
	// defaultBus is the account's default bus: AWS services' events (SES's) arrive there.
	defaultBus   awsevents.IEventBus
	identity     awsses.EmailIdentity
	files        awss3.Bucket
	cursorSecret awssecretsmanager.Secret
	api          apigw.HttpApi
	// schedules are the one-time schedules (schedules.go).
	schedules *schedules
	// queues are the queues that start functions (queues.go).
	queues *queues
	// apiRoutes are each HTTP function's API Gateway paths (apiroutes.go).
	apiRoutes map[string][]string
	// env holds the value of every setting a function may be given.
	env map[string]*string
}

// newFunction is one function of the catalogue: its zip, its settings (its Needs and
// Uses, no others), its timeout, a log group of its own.
func newFunction(stack awscdk.Stack, f app.Function, zip string, values map[string]*string) awslambda.Function {
	env := map[string]*string{}
	for _, k := range f.Env() {
		v, ok := values[k]
		if !ok {
			panic(fmt.Sprintf("function %s: the stack has no value for %s", f.Name, k))
		}
		env[k] = v
	}
	timeout := f.Timeout
	if timeout == 0 {
		timeout = app.DefaultTimeout
	}
	logs := awslogs.NewLogGroup(stack, jsii.String("Logs-"+f.Name), &awslogs.LogGroupProps{
		Retention: awslogs.RetentionDays_ONE_MONTH, RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	memory, tmp := 256, 0
	if f.MemoryMB > 0 {
		memory = f.MemoryMB
	}
	var ephemeral awscdk.Size
	if tmp = f.TmpMB; tmp > 0 {
		ephemeral = awscdk.Size_Mebibytes(jsii.Number(float64(tmp)))
	}
	var reserved *float64
	if f.Buffer != nil && f.Buffer.ReservedConcurrency > 0 {
		reserved = jsii.Number(float64(f.Buffer.ReservedConcurrency))
	}
	return awslambda.NewFunction(stack, jsii.String("Fn-"+f.Name), &awslambda.FunctionProps{
		Description:                  jsii.String(f.Description),
		Runtime:                      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture:                 awslambda.Architecture_ARM_64(),
		Handler:                      jsii.String("bootstrap"),
		Code:                         awslambda.Code_FromAsset(jsii.String(zip), nil),
		MemorySize:                   jsii.Number(float64(memory)),
		EphemeralStorageSize:         ephemeral,
		ReservedConcurrentExecutions: reserved,
		Timeout:                      awscdk.Duration_Seconds(jsii.Number(timeout.Seconds())),
		Environment:                  &env,
		LogGroup:                     logs,
		LoggingFormat:                awslambda.LoggingFormat_JSON,
		Tracing:                      awslambda.Tracing_ACTIVE,
	})
}

// grant turns the function's grants into least-privilege IAM (CDK Grant* methods).
func (r *shared) grant(stack awscdk.Stack, fn awslambda.Function, f app.Function, s Settings) {
	for _, g := range f.Grants {
		switch g.Resource {
		case app.ResTable:
			r.table.GrantReadWriteData(fn)
		case app.ResCursorKey:
			r.cursorSecret.GrantRead(fn, nil)
		case app.ResMail:
			r.identity.GrantSendEmail(fn)
		case app.ResBus:
			r.bus.GrantPutEventsTo(fn, nil)
		case app.ResSignInSecrets:
			addSocialProviders(stack, fn, s.SocialProviders)
		case app.ResSchedules:
			r.schedules.grantTo(stack, fn)
		case app.ResQueue:
			r.queues.grantSend(fn, g.Queue)
		case app.ResFiles:
			for _, a := range g.Access {
				switch a {
				case app.Put:
					r.files.GrantPut(fn, jsii.String(g.Prefix))
				case app.Read:
					r.files.GrantRead(fn, jsii.String(g.Prefix))
				case app.Delete:
					r.files.GrantDelete(fn, jsii.String(g.Prefix))
				case app.List:
					fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
						Actions: jsii.Strings("s3:ListBucket"), Resources: &[]*string{r.files.BucketArn()},
						Conditions: &map[string]interface{}{"StringLike": map[string]interface{}{"s3:prefix": []string{g.Prefix}}},
					}))
				default:
					panic(fmt.Sprintf("function %s: unknown file access %q", f.Name, a))
				}
			}
		default:
			panic(fmt.Sprintf("function %s: unknown grant %q", f.Name, g.Resource))
		}
	}
}

// titled is "Registration" for "registration" (construct ids kept from before the
// catalogue, so a deploy replaces no queue and no integration).
func titled(name string) string { return strings.ToUpper(name[:1]) + name[1:] }

// trigger wires what starts the function: API routes, the routing table's rules, the
// table's stream, a schedule or a deploy. It returns the dead-letter queues it made.
func (r *shared) trigger(stack awscdk.Stack, fn awslambda.Function, f app.Function) []awssqs.Queue {
	var dlqs []awssqs.Queue
	if f.Routes != nil {
		// One Lambda permission for the function, not one per route (aws-cdk-lib 2.224+):
		// the API may invoke it on any of its routes, which are all its own anyway.
		integration := apigwint.NewHttpLambdaIntegration(jsii.String(titled(f.Name)+"Integration"), fn,
			&apigwint.HttpLambdaIntegrationProps{ScopePermissionToRoute: jsii.Bool(false)})
		// The API Gateway routes are derived from the Go route table, so the two cannot
		// drift: ANY routes, folded into greedy ones where one function owns a whole prefix
		// (a route is one resource of CloudFormation's 500). The function answers a method
		// or path it does not serve with 405 and Allow or 404 (httpx.NoRoute), as the local
		// runtime does, instead of API Gateway's own 404.
		for _, path := range r.apiRoutes[f.Name] {
			r.api.AddRoutes(&apigw.AddRoutesOptions{Path: jsii.String(path), Methods: &[]apigw.HttpMethod{apigw.HttpMethod_ANY},
				Integration: integration})
		}
	}
	if f.Stream {
		dlq := newQueue(stack, titled(f.Name)+"Failures")
		dlqs = append(dlqs, dlq)
		fn.AddEventSource(awslambdaeventsources.NewDynamoEventSource(r.table, &awslambdaeventsources.DynamoEventSourceProps{
			StartingPosition: awslambda.StartingPosition_TRIM_HORIZON, BatchSize: jsii.Number(10),
			BisectBatchOnError: jsii.Bool(true), ReportBatchItemFailures: jsii.Bool(true), RetryAttempts: jsii.Number(10),
			OnFailure: awslambdaeventsources.NewSqsDlq(dlq),
			Filters: &[]*map[string]interface{}{awslambda.FilterCriteria_Filter(&map[string]interface{}{
				"eventName": awslambda.FilterRule_IsEqual(jsii.String("INSERT")),
				"dynamodb": map[string]interface{}{"NewImage": map[string]interface{}{
					bus.OutboxAttrType: map[string]interface{}{"S": awslambda.FilterRule_IsEqual(jsii.String(bus.OutboxType))},
				}},
			})},
		}))
	}
	if f.Consumer != "" && f.Buffer != nil {
		dlqs = append(dlqs, r.bufferedConsumer(stack, fn, f))
	} else if f.Consumer != "" {
		dlq := newQueue(stack, "ConsumerFailures-"+f.Consumer)
		dlqs = append(dlqs, dlq)
		fn.ConfigureAsyncInvoke(&awslambda.EventInvokeConfigOptions{
			RetryAttempts: jsii.Number(2), OnFailure: awslambdadestinations.NewSqsDestination(dlq),
		})
		r.consumerRules(stack, f.Consumer, func() awsevents.IRuleTarget {
			return awseventstargets.NewLambdaFunction(fn, &awseventstargets.LambdaFunctionProps{
				DeadLetterQueue: dlq, RetryAttempts: jsii.Number(8), MaxEventAge: awscdk.Duration_Hours(jsii.Number(24)),
			})
		})
	}
	if f.Every > 0 {
		r.schedules.recurring(stack, titled(f.Name), fn, f.Every)
	}
	if f.OneTime != nil {
		r.schedules.target(fn)
	}
	if f.Queue != nil {
		dlqs = append(dlqs, r.queues.source(fn, f))
	}
	if d := f.Deploy; d != nil {
		props := map[string]interface{}{}
		for k, v := range d.Properties() {
			props[k] = v
		}
		awscdk.NewCustomResource(stack, jsii.String(d.Resource), &awscdk.CustomResourceProps{
			ServiceToken: fn.FunctionArn(), ResourceType: jsii.String("Custom::Tribune" + d.Resource), Properties: &props,
		})
	}
	return dlqs
}

// bufferedConsumer wires a consumer whose events wait in a queue (app.ConsumerQueue: the
// search indexer): its routing-table rules put the events on an SQS queue (8 retries
// within 24 h, then the dead-letter queue), which invokes the function with large
// batches, gathered for up to the batching window; a message that failed MaxReceives
// times goes to the same dead-letter queue. It returns that queue (alarmed on).
func (r *shared) bufferedConsumer(stack awscdk.Stack, fn awslambda.Function, f app.Function) awssqs.Queue {
	b := f.Buffer
	dlq := newQueue(stack, "ConsumerFailures-"+f.Consumer)
	q := awssqs.NewQueue(stack, jsii.String("ConsumerQueue-"+f.Consumer), &awssqs.QueueProps{
		Encryption: awssqs.QueueEncryption_SQS_MANAGED, EnforceSSL: jsii.Bool(true),
		RetentionPeriod:   awscdk.Duration_Days(jsii.Number(4)),
		VisibilityTimeout: awscdk.Duration_Seconds(jsii.Number(b.Visibility.Seconds())),
		DeadLetterQueue:   &awssqs.DeadLetterQueue{Queue: dlq, MaxReceiveCount: jsii.Number(float64(b.MaxReceives))},
	})
	r.consumerRules(stack, f.Consumer, func() awsevents.IRuleTarget {
		return awseventstargets.NewSqsQueue(q, &awseventstargets.SqsQueueProps{
			DeadLetterQueue: dlq, RetryAttempts: jsii.Number(8), MaxEventAge: awscdk.Duration_Hours(jsii.Number(24)),
		})
	})
	fn.AddEventSource(awslambdaeventsources.NewSqsEventSource(q, &awslambdaeventsources.SqsEventSourceProps{
		BatchSize: jsii.Number(float64(b.BatchSize)), MaxBatchingWindow: awscdk.Duration_Seconds(jsii.Number(b.Window.Seconds())),
		ReportBatchItemFailures: jsii.Bool(true),
	}))
	return dlq
}

// consumerRules makes the routing table's rules of a consumer (Route-<consumer>-<i>, on
// the Tribune bus, or the default bus for AWS's own events), each to a target of its own.
func (r *shared) consumerRules(stack awscdk.Stack, consumer string, target func() awsevents.IRuleTarget) {
	for i, route := range bus.RoutesOf(consumer) {
		var on awsevents.IEventBus = r.bus
		if bus.External(route.Source) {
			on = r.defaultBus
		}
		awsevents.NewRule(stack, jsii.String(fmt.Sprintf("Route-%s-%d", consumer, i)), &awsevents.RuleProps{
			EventBus:     on,
			EventPattern: &awsevents.EventPattern{Source: jsii.Strings(route.Source), DetailType: jsii.Strings(route.DetailTypes...)},
			Targets:      &[]awsevents.IRuleTarget{target()},
		})
	}
}
