// Command ticketsweep is the scheduled job that auto-closes solved tickets, flags
// missed targets and deletes image uploads no text showed within a day. Its schedule,
// settings and grants are its entry in the catalogue (app.Catalogue).
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"tribune/shared/app"
)

func main() {
	env := app.Boot(app.TicketSweepFunction())
	lambda.Start(env.Function.Job(app.Deps{Config: env.Config, Store: env.Store(), Files: env.Files()}))
}
