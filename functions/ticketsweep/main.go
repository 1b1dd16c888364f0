// Command ticketsweep is the scheduled job that auto-closes solved tickets, flags
// missed targets and deletes image uploads no text showed within a day.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"tribune/shared/app"
)

func main() {
	env := app.Boot("ticketsweep", "TABLE_NAME", "AVATAR_BUCKET")
	lambda.Start(app.TicketSweep(env.Store(), env.Files()))
}
