package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// suppression is one accepted cdk-nag finding with the reason it is accepted.
type suppression struct {
	id, reason string
	appliesTo  []string
}

// stackSuppressions hold for the whole stack; each says why.
var stackSuppressions = []suppression{
	{id: "AwsSolutions-IAM4", reason: "Functions use AWSLambdaBasicExecutionRole (CloudWatch Logs writes only) and the X-Ray write policy; the CDK-managed BucketDeployment handler does too.",
		appliesTo: []string{"Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}},
	{id: "AwsSolutions-IAM5", reason: "Wildcards come from CDK grants scoped to one resource: the table's own indexes (table/index/*), X-Ray trace writes (no resource-level permissions exist), the files bucket's avatars/, images/, attachments/, rewards/, search/ and documents/ prefixes (search/: the index's versions, the indexer's objects; documents/: the knowledge function's space documents (put, read, delete), its only grant), the BucketDeployment's copy into the web bucket, the schedules of the stack's own schedule group (schedule/<group>/*: their names are made at run time), and the clock function's versions for the scheduler's role (GrantInvoke).",
		appliesTo: []string{"Resource::<TribuneTable.Arn>/index/*", "Resource::*", "Action::s3:GetObject*", "Action::s3:GetBucket*", "Action::s3:List*",
			"Action::s3:DeleteObject*", "Action::s3:Abort*", "Resource::<Web3C8945DB.Arn>/*", "Resource::<Avatars91192A3D.Arn>/avatars/*", "Resource::<Avatars91192A3D.Arn>/images/*", "Resource::<Avatars91192A3D.Arn>/attachments/*",
			"Resource::<Avatars91192A3D.Arn>/rewards/*", "Resource::<Avatars91192A3D.Arn>/search/*", "Resource::<Avatars91192A3D.Arn>/documents/*", "Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/<Schedules>/*",
			"Resource::<FnclockCF90C186.Arn>:*",
			"Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*"}},
	{id: "AwsSolutions-L1", reason: "Tribune's functions run on provided.al2023, the newest OS-only runtime; the flagged runtime is the CDK BucketDeployment's own handler, whose runtime CDK chooses."},
	{id: "AwsSolutions-APIG4", reason: "Authorization is the application's: public routes (sign-in start, link verify, health, API description) need none, and /api/me checks the session cookie in the function."},
	{id: "AwsSolutions-CFR1", reason: "A community is open to members in every country; no geographic restriction is wanted."},
	{id: "AwsSolutions-CFR2", reason: "No WAF by default (it costs a fixed monthly fee); the application rate-limits sign-in per address and per client, and API Gateway throttles the stage. Operators can attach a web ACL."},
	{id: "AwsSolutions-CFR4", reason: "The default CloudFront certificate allows older TLS for *.cloudfront.net; a deployment with a custom domain and its own certificate gets TLSv1.2_2021 (MinimumProtocolVersion is set)."},
	{id: "AwsSolutions-SQS3", reason: "These queues are themselves the dead-letter queues of the stream publisher and the event consumers."},
	{id: "AwsSolutions-SMG4", reason: "Sign-in provider client secrets are issued and rotated at the provider's console (Google, GitHub, ...); a rotation Lambda cannot obtain a new one, and rotating the cursor key would only void open page links. Ops rotate by setting a new value."},
	{id: "AwsSolutions-S1", reason: "The access-log bucket receives the web bucket's and CloudFront's logs; logging it into itself would loop."},
}

func addNagSuppressions(stack awscdk.Stack) {
	for _, s := range stackSuppressions {
		ns := &cdknag.NagPackSuppression{Id: jsii.String(s.id), Reason: jsii.String(s.reason)}
		if len(s.appliesTo) > 0 {
			var applies []interface{}
			for _, a := range s.appliesTo {
				applies = append(applies, a)
			}
			ns.AppliesTo = &applies
		}
		cdknag.NagSuppressions_AddStackSuppressions(stack, &[]*cdknag.NagPackSuppression{ns}, jsii.Bool(true))
	}
}
