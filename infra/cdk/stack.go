package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	apigw "github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfrontorigins"
	cw "github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3deployment"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsses"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"tribune/shared/app"
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
	// SES's bounce, complaint and delivery events of the configuration set go to the
	// account's default bus (the only one SES puts events on), where the audience
	// consumer's rules take them (newsletters, issue 13, n2: the suppression list).
	defaultBus := awsevents.EventBus_FromEventBusName(stack, jsii.String("DefaultBus"), jsii.String("default"))
	configSet.AddEventDestination(jsii.String("MailEventsToEventBridge"), &awsses.ConfigurationSetEventDestinationOptions{
		Destination: awsses.EventDestination_EventBus(defaultBus),
		Events:      &[]awsses.EmailSendingEvent{awsses.EmailSendingEvent_BOUNCE, awsses.EmailSendingEvent_COMPLAINT, awsses.EmailSendingEvent_DELIVERY},
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

	res := &shared{
		table: table, bus: eventBus, defaultBus: defaultBus, identity: identity, files: avatars, cursorSecret: cursorSecret, api: api, schedules: newSchedules(stack), queues: newQueues(stack, app.Catalogue()),
		apiRoutes: apiRoutes(app.Catalogue()),
		env: map[string]*string{
			app.EnvTableName: table.TableName(), app.EnvEventBusName: eventBus.EventBusName(), app.EnvPublicURL: jsii.String(publicURL),
			app.EnvMailFrom: jsii.String(s.MailFrom), app.EnvMailConfigurationSet: configSet.ConfigurationSetName(),
			// CloudFront appends the viewer's address to X-Forwarded-For.
			app.EnvTrustedProxies:  jsii.String("1"),
			app.EnvAvatarBucket:    avatars.BucketName(),
			app.EnvCursorSecretARN: cursorSecret.SecretArn(),
			app.EnvAdminEmails:     jsii.String(s.AdminEmails),
		},
	}
	// Every function of the catalogue: its settings, its grants, and what starts it.
	var dlqs []awssqs.Queue
	for _, f := range app.Catalogue() {
		lf := newFunction(stack, f, filepath.Join(s.AssetDir, f.Name+".zip"), res.env)
		out.Functions[f.Name] = lf
		res.grant(stack, lf, f, s)
		dlqs = append(dlqs, res.trigger(stack, lf, f)...)
	}
	res.schedules.wire()
	dlqs = append(dlqs, res.schedules.dlq)
	configureStage(stack, api)
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
	distribution := awscloudfront.NewDistribution(stack, jsii.String("Distribution"), &awscloudfront.DistributionProps{
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
	// MinimumProtocolVersion takes effect with a custom domain's certificate (the nag
	// suppression AwsSolutions-CFR4 says why it is set anyway).
	awscdk.Annotations_Of(distribution).AcknowledgeWarning(jsii.String("@aws-cdk/aws-cloudfront:minimumProtocolVersionWithoutCertificate"),
		jsii.String("Set for a deployment that adds a custom domain and its certificate; the default certificate's policy is CloudFront's."))
	return distribution
}

func newAlarmsAndDashboard(stack awscdk.Stack, fns map[string]awslambda.Function, dlqs []awssqs.Queue, api apigw.HttpApi) {
	dash := cw.NewDashboard(stack, jsii.String("Dashboard"), nil)
	var errWidgets, latency []cw.IMetric
	for _, fn := range app.Catalogue() {
		name, f := fn.Name, fns[fn.Name]
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
