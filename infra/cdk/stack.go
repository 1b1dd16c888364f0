package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	apigw "github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	apigwint "github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfrontorigins"
	cw "github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdadestinations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3deployment"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsses"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"tribune/shared/app"
	"tribune/shared/bus"
	"tribune/shared/httpx"
	"tribune/shared/store"
)

// TableLogicalID is pinned: a changed logical ID would make CloudFormation replace
// the table, with every member in it.
const TableLogicalID = "TribuneTable"

// Settings are what a deployment chooses.
type Settings struct {
	// AssetDir holds <function>.zip, built by `make build`.
	AssetDir string
	// WebDir is the built web frontend.
	WebDir string
	// MailFrom is the sender; its domain becomes an SES identity.
	MailFrom string
	// PublicURL overrides the CloudFront address (a custom domain in front of it).
	PublicURL string
	// AdminEmails become admins when they register (the first admin).
	AdminEmails string
	// SocialProviders are the enabled sign-in providers.
	SocialProviders []SocialProvider
}

// Stack is the built stack with the parts tests look at.
type Stack struct {
	awscdk.Stack
	Functions map[string]awslambda.Function
}

// SocialProvider turns on a sign-in provider: its client id is configuration, its
// client secret a Secrets Manager secret the stack creates and ops fill in.
type SocialProvider struct {
	ID       string
	ClientID string
	// Issuer and Name are for a generic OIDC provider (not a built-in one).
	Issuer, Name string
}

// NewTribuneStack defines everything Tribune runs on.
func NewTribuneStack(scope constructs.Construct, id string, s Settings, props *awscdk.StackProps) *Stack {
	stack := awscdk.NewStack(scope, jsii.String(id), props)
	out := &Stack{Stack: stack, Functions: map[string]awslambda.Function{}}

	table := newTable(stack)
	eventBus := awsevents.NewEventBus(stack, jsii.String("Bus"), nil)
	mailDomain := s.MailFrom[strings.LastIndexByte(s.MailFrom, '@')+1:]
	configSet := awsses.NewConfigurationSet(stack, jsii.String("MailConfigurationSet"), &awsses.ConfigurationSetProps{
		SuppressionReasons: awsses.SuppressionReasons_BOUNCES_AND_COMPLAINTS,
	})
	identity := awsses.NewEmailIdentity(stack, jsii.String("MailIdentity"), &awsses.EmailIdentityProps{
		Identity: awsses.Identity_Domain(jsii.String(mailDomain)), ConfigurationSet: configSet,
	})

	logs := awss3.NewBucket(stack, jsii.String("AccessLogs"), &awss3.BucketProps{
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(), Encryption: awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL: jsii.Bool(true), ObjectOwnership: awss3.ObjectOwnership_OBJECT_WRITER,
		LifecycleRules: &[]*awss3.LifecycleRule{{Expiration: awscdk.Duration_Days(jsii.Number(90))}},
	})
	site := awss3.NewBucket(stack, jsii.String("Web"), &awss3.BucketProps{
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(), Encryption: awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL: jsii.Bool(true), ServerAccessLogsBucket: logs, ServerAccessLogsPrefix: jsii.String("s3/"),
	})

	avatars := awss3.NewBucket(stack, jsii.String("Avatars"), &awss3.BucketProps{
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(), Encryption: awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL: jsii.Bool(true), ServerAccessLogsBucket: logs, ServerAccessLogsPrefix: jsii.String("avatars/"),
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	api := apigw.NewHttpApi(stack, jsii.String("Api"), &apigw.HttpApiProps{Description: jsii.String("Tribune API")})
	distribution := newDistribution(stack, site, logs, api)
	publicURL := s.PublicURL
	if publicURL == "" {
		publicURL = "https://" + *distribution.DistributionDomainName()
	}
	// Browsers upload avatars straight to the bucket with presigned PUTs.
	avatars.AddCorsRule(&awss3.CorsRule{AllowedMethods: &[]awss3.HttpMethods{awss3.HttpMethods_PUT, awss3.HttpMethods_GET},
		AllowedOrigins: jsii.Strings(publicURL), AllowedHeaders: jsii.Strings("Content-Type"), MaxAge: jsii.Number(3000)})
	cursorSecret := awssecretsmanager.NewSecret(stack, jsii.String("CursorSecret"), &awssecretsmanager.SecretProps{
		Description:          jsii.String("Key that signs pagination cursors"),
		GenerateSecretString: &awssecretsmanager.SecretStringGenerator{PasswordLength: jsii.Number(48), ExcludePunctuation: jsii.Bool(true)},
	})

	env := map[string]*string{
		"TABLE_NAME": table.TableName(), "EVENT_BUS_NAME": eventBus.EventBusName(), "PUBLIC_URL": jsii.String(publicURL),
		"MAIL_FROM": jsii.String(s.MailFrom), "MAIL_CONFIGURATION_SET": configSet.ConfigurationSetName(),
		// CloudFront appends the viewer's address to X-Forwarded-For.
		"TRUSTED_PROXIES":   jsii.String("1"),
		"AVATAR_BUCKET":     avatars.BucketName(),
		"CURSOR_SECRET_ARN": cursorSecret.SecretArn(),
	}
	fn := func(name, description string, keys ...string) awslambda.Function {
		vars := map[string]*string{}
		for _, k := range keys {
			vars[k] = env[k]
		}
		f := newFunction(stack, name, description, filepath.Join(s.AssetDir, name+".zip"), vars)
		out.Functions[name] = f
		return f
	}

	env["ADMIN_EMAILS"] = jsii.String(s.AdminEmails)
	registration := fn("registration", "Sign-up, sign-in, sessions, member profile (HTTP)",
		"TABLE_NAME", "PUBLIC_URL", "MAIL_FROM", "MAIL_CONFIGURATION_SET", "TRUSTED_PROXIES", "ADMIN_EMAILS", "AVATAR_BUCKET", "CURSOR_SECRET_ARN")
	table.GrantReadWriteData(registration)
	avatars.GrantPut(registration, jsii.String("avatars/*"))
	avatars.GrantRead(registration, jsii.String("avatars/*"))
	avatars.GrantDelete(registration, jsii.String("avatars/*"))
	cursorSecret.GrantRead(registration, nil)
	identity.GrantSendEmail(registration)
	addSocialProviders(stack, registration, s.SocialProviders)
	integration := apigwint.NewHttpLambdaIntegration(jsii.String("RegistrationIntegration"), registration, nil)
	// The API Gateway routes are the Go route table's, so the two cannot drift.
	for _, r := range app.RegistrationRoutes(app.Deps{}) {
		api.AddRoutes(&apigw.AddRoutesOptions{Path: jsii.String(r.Pattern), Methods: &[]apigw.HttpMethod{apigw.HttpMethod(r.Method)}, Integration: integration})
	}
	invites := fn("invitations", "Staff and member invitations, invitation links (HTTP)", "TABLE_NAME", "PUBLIC_URL", "TRUSTED_PROXIES")
	table.GrantReadWriteData(invites)
	invitesIntegration := apigwint.NewHttpLambdaIntegration(jsii.String("InvitationsIntegration"), invites, nil)
	for _, r := range app.InvitationsRoutes(app.Deps{}) {
		api.AddRoutes(&apigw.AddRoutesOptions{Path: jsii.String(r.Pattern), Methods: &[]apigw.HttpMethod{apigw.HttpMethod(r.Method)}, Integration: invitesIntegration})
	}
	posting := fn("posting", "Spaces, posts and activity streams (HTTP)", "TABLE_NAME", "PUBLIC_URL", "TRUSTED_PROXIES", "CURSOR_SECRET_ARN", "AVATAR_BUCKET")
	table.GrantReadWriteData(posting)
	// Post images share the files bucket, under their own prefix.
	avatars.GrantPut(posting, jsii.String("images/*"))
	avatars.GrantRead(posting, jsii.String("images/*"))
	cursorSecret.GrantRead(posting, nil)
	postingIntegration := apigwint.NewHttpLambdaIntegration(jsii.String("PostingIntegration"), posting, nil)
	for _, r := range app.PostingRoutes(app.Deps{}) {
		api.AddRoutes(&apigw.AddRoutesOptions{Path: jsii.String(r.Pattern), Methods: &[]apigw.HttpMethod{apigw.HttpMethod(r.Method)}, Integration: postingIntegration})
	}
	ticketing := fn("ticketing", "Customer support tickets and the support report (HTTP)", "TABLE_NAME", "PUBLIC_URL", "TRUSTED_PROXIES",
		"CURSOR_SECRET_ARN", "AVATAR_BUCKET")
	table.GrantReadWriteData(ticketing)
	cursorSecret.GrantRead(ticketing, nil)
	// Ticket attachments share the files bucket, under their own prefix.
	avatars.GrantPut(ticketing, jsii.String("attachments/*"))
	avatars.GrantRead(ticketing, jsii.String("attachments/*"))
	ticketingIntegration := apigwint.NewHttpLambdaIntegration(jsii.String("TicketingIntegration"), ticketing, nil)
	for _, r := range app.TicketingRoutes(app.Deps{}) {
		api.AddRoutes(&apigw.AddRoutesOptions{Path: jsii.String(r.Pattern), Methods: &[]apigw.HttpMethod{apigw.HttpMethod(r.Method)}, Integration: ticketingIntegration})
	}
	configureStage(stack, api)

	// The ticket sweeper: auto-close and missed targets, every 5 minutes; it also
	// deletes image uploads no text showed within a day (their files, under images/). A
	// failed run needs no dead-letter queue: the next run does the same work (it is
	// idempotent).
	sweep := fn("ticketsweep", "Scheduled: closes solved tickets after the delay, flags missed targets (ticket.sla_breached), deletes unused image uploads",
		"TABLE_NAME", "AVATAR_BUCKET")
	table.GrantReadWriteData(sweep)
	avatars.GrantDelete(sweep, jsii.String("images/*"))
	awsevents.NewRule(stack, jsii.String("TicketSweepSchedule"), &awsevents.RuleProps{
		Schedule: awsevents.Schedule_Rate(awscdk.Duration_Minutes(jsii.Number(5))),
		Targets:  &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(sweep, &awseventstargets.LambdaFunctionProps{RetryAttempts: jsii.Number(2)})},
	})

	// Data migrations (store.Migrate) run on deploy, before the release is used for
	// long: a custom resource whose properties name every migration, so a release that
	// adds one updates it, and CloudFormation calls the function (docs/operations.md).
	migrate := fn("migrate", "On deploy: brings data written by older releases up to today's rules (store.Migrate)", "TABLE_NAME")
	migrate.Node().DefaultChild().(awslambda.CfnFunction).SetTimeout(jsii.Number(300))
	table.GrantReadWriteData(migrate)
	awscdk.NewCustomResource(stack, jsii.String("DataMigrations"), &awscdk.CustomResourceProps{
		ServiceToken: migrate.FunctionArn(), ResourceType: jsii.String("Custom::TribuneDataMigrations"),
		Properties: &map[string]interface{}{"Migrations": strings.Join(store.MigrationNames(), ",")},
	})

	publisher := fn("publisher", "Outbox publisher: table stream to EventBridge", "EVENT_BUS_NAME")
	eventBus.GrantPutEventsTo(publisher, nil)
	streamDLQ := newQueue(stack, "PublisherFailures")
	publisher.AddEventSource(awslambdaeventsources.NewDynamoEventSource(table, &awslambdaeventsources.DynamoEventSourceProps{
		StartingPosition: awslambda.StartingPosition_TRIM_HORIZON, BatchSize: jsii.Number(10),
		BisectBatchOnError: jsii.Bool(true), ReportBatchItemFailures: jsii.Bool(true), RetryAttempts: jsii.Number(10),
		OnFailure: awslambdaeventsources.NewSqsDlq(streamDLQ),
		Filters: &[]*map[string]interface{}{awslambda.FilterCriteria_Filter(&map[string]interface{}{
			"eventName": awslambda.FilterRule_IsEqual(jsii.String("INSERT")),
			"dynamodb": map[string]interface{}{"NewImage": map[string]interface{}{
				bus.OutboxAttrType: map[string]interface{}{"S": awslambda.FilterRule_IsEqual(jsii.String(bus.OutboxType))},
			}},
		})},
	}))
	dlqs := []awssqs.Queue{streamDLQ}

	consumers := map[string]awslambda.Function{
		bus.ConsumerNotifications: fn("notifications", "Emails that domain events call for", "TABLE_NAME", "PUBLIC_URL", "MAIL_FROM", "MAIL_CONFIGURATION_SET"),
		bus.ConsumerMetrics:       fn("metrics", "Community counters from domain events", "TABLE_NAME"),
		bus.ConsumerFeed: fn("feed", "Home streams and every copy derived from content: fan-out, edits, moves, leaving, account deletion",
			"TABLE_NAME", "AVATAR_BUCKET"),
	}
	for _, c := range consumers {
		table.GrantReadWriteData(c)
	}
	// An account's erasure deletes its avatar files: it lists avatars/<member>/ and
	// deletes what it finds, and reads no file.
	avatars.GrantDelete(consumers[bus.ConsumerFeed], jsii.String("avatars/*"))
	consumers[bus.ConsumerFeed].AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions: jsii.Strings("s3:ListBucket"), Resources: &[]*string{avatars.BucketArn()},
		Conditions: &map[string]interface{}{"StringLike": map[string]interface{}{"s3:prefix": []string{"avatars/*"}}},
	}))
	identity.GrantSendEmail(consumers[bus.ConsumerNotifications])
	for _, name := range []string{bus.ConsumerNotifications, bus.ConsumerMetrics, bus.ConsumerFeed} {
		dlq := newQueue(stack, "ConsumerFailures-"+name)
		dlqs = append(dlqs, dlq)
		consumers[name].ConfigureAsyncInvoke(&awslambda.EventInvokeConfigOptions{
			RetryAttempts: jsii.Number(2), OnFailure: awslambdadestinations.NewSqsDestination(dlq),
		})
		for i, route := range bus.RoutesOf(name) {
			awsevents.NewRule(stack, jsii.String(fmt.Sprintf("Route-%s-%d", name, i)), &awsevents.RuleProps{
				EventBus: eventBus,
				EventPattern: &awsevents.EventPattern{Source: jsii.Strings(route.Source),
					DetailType: jsii.Strings(route.DetailTypes...)},
				Targets: &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(consumers[name], &awseventstargets.LambdaFunctionProps{
					DeadLetterQueue: dlq, RetryAttempts: jsii.Number(8), MaxEventAge: awscdk.Duration_Hours(jsii.Number(24)),
				})},
			})
		}
	}

	awss3deployment.NewBucketDeployment(stack, jsii.String("WebDeployment"), &awss3deployment.BucketDeploymentProps{
		Sources:           &[]awss3deployment.ISource{awss3deployment.Source_Asset(jsii.String(s.WebDir), nil)},
		DestinationBucket: site, Distribution: distribution, DistributionPaths: jsii.Strings("/index.html"),
	})

	newAlarmsAndDashboard(stack, out.Functions, dlqs, api)
	awscdk.NewCfnOutput(stack, jsii.String("Url"), &awscdk.CfnOutputProps{Value: jsii.String(publicURL)})
	awscdk.NewCfnOutput(stack, jsii.String("TableName"), &awscdk.CfnOutputProps{Value: table.TableName()})
	addNagSuppressions(stack)
	return out
}

// newTable turns the shared table definition into the CloudFormation table.
func newTable(stack awscdk.Stack) awsdynamodb.Table {
	def := store.Table
	table := awsdynamodb.NewTable(stack, jsii.String("Table"), &awsdynamodb.TableProps{
		PartitionKey:                     &awsdynamodb.Attribute{Name: jsii.String(def.PartitionKey), Type: awsdynamodb.AttributeType_STRING},
		SortKey:                          &awsdynamodb.Attribute{Name: jsii.String(def.SortKey), Type: awsdynamodb.AttributeType_STRING},
		BillingMode:                      awsdynamodb.BillingMode_PAY_PER_REQUEST,
		TimeToLiveAttribute:              jsii.String(def.TTLAttribute),
		Stream:                           awsdynamodb.StreamViewType(def.StreamView),
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: jsii.Bool(true)},
		Encryption:                       awsdynamodb.TableEncryption_AWS_MANAGED,
		RemovalPolicy:                    awscdk.RemovalPolicy_RETAIN,
		DeletionProtection:               jsii.Bool(true),
	})
	for _, g := range def.GSIs {
		table.AddGlobalSecondaryIndex(&awsdynamodb.GlobalSecondaryIndexProps{
			IndexName:    jsii.String(g.Name),
			PartitionKey: &awsdynamodb.Attribute{Name: jsii.String(g.PartitionKey), Type: awsdynamodb.AttributeType_STRING},
			SortKey:      &awsdynamodb.Attribute{Name: jsii.String(g.SortKey), Type: awsdynamodb.AttributeType_STRING},
		})
	}
	table.Node().DefaultChild().(awsdynamodb.CfnTable).OverrideLogicalId(jsii.String(TableLogicalID))
	return table
}

func newFunction(stack awscdk.Stack, name, description, zip string, env map[string]*string) awslambda.Function {
	logs := awslogs.NewLogGroup(stack, jsii.String("Logs-"+name), &awslogs.LogGroupProps{
		Retention: awslogs.RetentionDays_ONE_MONTH, RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	return awslambda.NewFunction(stack, jsii.String("Fn-"+name), &awslambda.FunctionProps{
		Description:   jsii.String(description),
		Runtime:       awslambda.Runtime_PROVIDED_AL2023(),
		Architecture:  awslambda.Architecture_ARM_64(),
		Handler:       jsii.String("bootstrap"),
		Code:          awslambda.Code_FromAsset(jsii.String(zip), nil),
		MemorySize:    jsii.Number(256),
		Timeout:       awscdk.Duration_Seconds(jsii.Number(10)),
		Environment:   &env,
		LogGroup:      logs,
		LoggingFormat: awslambda.LoggingFormat_JSON,
		Tracing:       awslambda.Tracing_ACTIVE,
	})
}

// addSocialProviders gives the registration function each provider's client id and
// read access to exactly that provider's secret.
func addSocialProviders(stack awscdk.Stack, fn awslambda.Function, providers []SocialProvider) {
	var ids []string
	for _, p := range providers {
		prefix := "AUTH_" + strings.ToUpper(p.ID) + "_"
		secret := awssecretsmanager.NewSecret(stack, jsii.String("SocialSecret-"+p.ID), &awssecretsmanager.SecretProps{
			Description: jsii.String("OAuth client secret of the " + p.ID + " sign-in provider: set its value after the first deploy"),
		})
		secret.GrantRead(fn, nil)
		fn.AddEnvironment(jsii.String(prefix+"CLIENT_ID"), jsii.String(p.ClientID), nil)
		fn.AddEnvironment(jsii.String(prefix+"CLIENT_SECRET_ARN"), secret.SecretArn(), nil)
		if p.Issuer != "" {
			fn.AddEnvironment(jsii.String(prefix+"ISSUER"), jsii.String(p.Issuer), nil)
			fn.AddEnvironment(jsii.String(prefix+"NAME"), jsii.String(p.Name), nil)
		}
		ids = append(ids, p.ID)
	}
	fn.AddEnvironment(jsii.String("AUTH_PROVIDERS"), jsii.String(strings.Join(ids, ",")), nil)
}

func newQueue(stack awscdk.Stack, id string) awssqs.Queue {
	return awssqs.NewQueue(stack, jsii.String(id), &awssqs.QueueProps{
		Encryption: awssqs.QueueEncryption_SQS_MANAGED, EnforceSSL: jsii.Bool(true),
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(14)),
	})
}

// configureStage turns on access logs and a stage-wide throttle (the app limits per
// address and client on top).
func configureStage(stack awscdk.Stack, api apigw.HttpApi) {
	logs := awslogs.NewLogGroup(stack, jsii.String("Logs-api"), &awslogs.LogGroupProps{
		Retention: awslogs.RetentionDays_ONE_MONTH, RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	stage := api.DefaultStage().Node().DefaultChild().(apigw.CfnStage)
	stage.SetAccessLogSettings(&apigw.CfnStage_AccessLogSettingsProperty{
		DestinationArn: logs.LogGroupArn(),
		Format: jsii.String(`{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","method":"$context.httpMethod",` +
			`"route":"$context.routeKey","status":"$context.status","latency":"$context.responseLatency","error":"$context.integrationErrorMessage"}`),
	})
	stage.SetDefaultRouteSettings(&apigw.CfnStage_RouteSettingsProperty{ThrottlingBurstLimit: jsii.Number(200), ThrottlingRateLimit: jsii.Number(100)})
}

// viewerRequest sends every app path (no file extension) to index.html, so deep links
// work without turning the API's own 403/404 answers into the app page.
const viewerRequest = `function handler(event) {
  var uri = event.request.uri;
  if (uri.indexOf('.') === -1) { event.request.uri = '/index.html'; }
  return event.request;
}`

func newDistribution(stack awscdk.Stack, site, logs awss3.Bucket, api apigw.HttpApi) awscloudfront.Distribution {
	// The pages may load avatars from, and upload them to, S3 in this region (naming the
	// bucket itself would make a cycle: its CORS rule names the distribution).
	s3Host := "https://*.s3." + *awscdk.Aws_REGION() + ".amazonaws.com"
	csp := strings.NewReplacer("img-src 'self' data:", "img-src 'self' data: "+s3Host,
		"connect-src 'self'", "connect-src 'self' "+s3Host).Replace(httpx.DefaultCSP)
	headers := awscloudfront.NewResponseHeadersPolicy(stack, jsii.String("SecurityHeaders"), &awscloudfront.ResponseHeadersPolicyProps{
		SecurityHeadersBehavior: &awscloudfront.ResponseSecurityHeadersBehavior{
			ContentSecurityPolicy: &awscloudfront.ResponseHeadersContentSecurityPolicy{ContentSecurityPolicy: jsii.String(csp), Override: jsii.Bool(true)},
			ContentTypeOptions:    &awscloudfront.ResponseHeadersContentTypeOptions{Override: jsii.Bool(true)},
			FrameOptions:          &awscloudfront.ResponseHeadersFrameOptions{FrameOption: awscloudfront.HeadersFrameOption_DENY, Override: jsii.Bool(true)},
			ReferrerPolicy:        &awscloudfront.ResponseHeadersReferrerPolicy{ReferrerPolicy: awscloudfront.HeadersReferrerPolicy_STRICT_ORIGIN_WHEN_CROSS_ORIGIN, Override: jsii.Bool(true)},
			StrictTransportSecurity: &awscloudfront.ResponseHeadersStrictTransportSecurity{AccessControlMaxAge: awscdk.Duration_Days(jsii.Number(730)),
				IncludeSubdomains: jsii.Bool(true), Override: jsii.Bool(true)},
		},
	})
	rewrite := awscloudfront.NewFunction(stack, jsii.String("AppPaths"), &awscloudfront.FunctionProps{
		Code: awscloudfront.FunctionCode_FromInline(jsii.String(viewerRequest)), Runtime: awscloudfront.FunctionRuntime_JS_2_0(),
	})
	apiDomain := awscdk.Fn_Select(jsii.Number(2), awscdk.Fn_Split(jsii.String("/"), api.ApiEndpoint(), nil))
	return awscloudfront.NewDistribution(stack, jsii.String("Distribution"), &awscloudfront.DistributionProps{
		DefaultRootObject:      jsii.String("index.html"),
		MinimumProtocolVersion: awscloudfront.SecurityPolicyProtocol_TLS_V1_2_2021,
		EnableLogging:          jsii.Bool(true), LogBucket: logs, LogFilePrefix: jsii.String("cloudfront/"),
		DefaultBehavior: &awscloudfront.BehaviorOptions{
			Origin:                awscloudfrontorigins.S3BucketOrigin_WithOriginAccessControl(site, nil),
			ViewerProtocolPolicy:  awscloudfront.ViewerProtocolPolicy_REDIRECT_TO_HTTPS,
			ResponseHeadersPolicy: headers,
			FunctionAssociations:  &[]*awscloudfront.FunctionAssociation{{Function: rewrite, EventType: awscloudfront.FunctionEventType_VIEWER_REQUEST}},
		},
		AdditionalBehaviors: &map[string]*awscloudfront.BehaviorOptions{
			// One origin for pages and API: the session cookie stays first-party.
			"/api/*": {
				Origin:               awscloudfrontorigins.NewHttpOrigin(apiDomain, &awscloudfrontorigins.HttpOriginProps{ProtocolPolicy: awscloudfront.OriginProtocolPolicy_HTTPS_ONLY}),
				ViewerProtocolPolicy: awscloudfront.ViewerProtocolPolicy_HTTPS_ONLY,
				AllowedMethods:       awscloudfront.AllowedMethods_ALLOW_ALL(),
				CachePolicy:          awscloudfront.CachePolicy_CACHING_DISABLED(),
				OriginRequestPolicy:  awscloudfront.OriginRequestPolicy_ALL_VIEWER_EXCEPT_HOST_HEADER(),
			},
		},
	})
}

func newAlarmsAndDashboard(stack awscdk.Stack, fns map[string]awslambda.Function, dlqs []awssqs.Queue, api apigw.HttpApi) {
	dash := cw.NewDashboard(stack, jsii.String("Dashboard"), nil)
	names := []string{"registration", "invitations", "posting", "ticketing", "ticketsweep", "migrate", "publisher", "notifications", "metrics", "feed"}
	var errWidgets, latency []cw.IMetric
	for _, name := range names {
		f := fns[name]
		f.MetricErrors(nil).CreateAlarm(stack, jsii.String("Errors-"+name), &cw.CreateAlarmOptions{
			Threshold: jsii.Number(1), EvaluationPeriods: jsii.Number(1), TreatMissingData: cw.TreatMissingData_NOT_BREACHING,
			AlarmDescription: jsii.String("The " + name + " function failed"),
		})
		f.MetricThrottles(nil).CreateAlarm(stack, jsii.String("Throttles-"+name), &cw.CreateAlarmOptions{
			Threshold: jsii.Number(1), EvaluationPeriods: jsii.Number(1), TreatMissingData: cw.TreatMissingData_NOT_BREACHING,
			AlarmDescription: jsii.String("The " + name + " function was throttled"),
		})
		errWidgets = append(errWidgets, f.MetricErrors(nil))
		latency = append(latency, f.MetricDuration(&cw.MetricOptions{Statistic: jsii.String("p95")}))
	}
	var depth []cw.IMetric
	for i, q := range dlqs {
		m := q.MetricApproximateNumberOfMessagesVisible(nil)
		m.CreateAlarm(stack, jsii.String(fmt.Sprintf("DeadLetters-%d", i)), &cw.CreateAlarmOptions{
			Threshold: jsii.Number(1), EvaluationPeriods: jsii.Number(1), TreatMissingData: cw.TreatMissingData_NOT_BREACHING,
			AlarmDescription: jsii.String("Events are waiting in a dead-letter queue"),
		})
		depth = append(depth, m)
	}
	api.MetricServerError(nil).CreateAlarm(stack, jsii.String("Api5xx"), &cw.CreateAlarmOptions{
		Threshold: jsii.Number(5), EvaluationPeriods: jsii.Number(1), TreatMissingData: cw.TreatMissingData_NOT_BREACHING,
		AlarmDescription: jsii.String("The API answered 5xx"),
	})
	dash.AddWidgets(
		cw.NewGraphWidget(&cw.GraphWidgetProps{Title: jsii.String("Function errors"), Left: &errWidgets}),
		cw.NewGraphWidget(&cw.GraphWidgetProps{Title: jsii.String("Function duration p95"), Left: &latency}),
		cw.NewGraphWidget(&cw.GraphWidgetProps{Title: jsii.String("Dead-letter queue depth"), Left: &depth}),
		cw.NewGraphWidget(&cw.GraphWidgetProps{Title: jsii.String("API 4xx / 5xx / latency"),
			Left:  &[]cw.IMetric{api.MetricClientError(nil), api.MetricServerError(nil)},
			Right: &[]cw.IMetric{api.MetricLatency(&cw.MetricOptions{Statistic: jsii.String("p95")})}}),
	)
}
