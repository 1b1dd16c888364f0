// Command newsletters serves the newsletters' API: writing, preview and test sends,
// segments and their counts, consent and one-click unsubscribe, schedules, sending
// progress and results, the archive and the calendar.
// What it serves, needs and may reach is its entry in the catalogue (app.Catalogue).
package main

import (
	"log"

	"github.com/aws/aws-lambda-go/lambda"

	"tribune/shared/app"
	"tribune/shared/lambdax"
)

func main() {
	env := app.Boot(app.NewslettersFunction())
	handler, err := app.HTTPHandler(env.Function, app.Deps{Config: env.Config, Store: env.Store(), Mail: env.Mail(), Schedules: env.Schedules(), Queue: env.NewsletterQueue()})
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(lambdax.HTTP(handler))
}
