// Command clock runs the jobs of one-time schedules (a campaign's start and end):
// EventBridge Scheduler invokes it with a schedule.Job as its input.
// What it needs and may reach is its entry in the catalogue (app.Catalogue).
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"tribune/shared/app"
)

func main() {
	env := app.Boot(app.ClockFunction())
	lambda.Start(env.Function.OneTime(app.Deps{Config: env.Config, Store: env.Store(), Queue: env.NewsletterQueue()}))
}
