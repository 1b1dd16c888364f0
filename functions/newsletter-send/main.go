// Command newsletter-send is the newsletters' sending path: its SQS queue brings the
// jobs (freeze a newsletter's audience into delivery records, queue them in batches,
// send a batch), and it sends each recipient once, throttled to the configured rate.
// What it needs and may reach is its entry in the catalogue (app.Catalogue).
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"tribune/shared/app"
)

func main() {
	env := app.Boot(app.NewsletterSendFunction())
	lambda.Start(env.Function.Queue.Handler(app.Deps{Config: env.Config, Store: env.Store(), Mail: env.Mail(), Queue: env.NewsletterQueue()}))
}
